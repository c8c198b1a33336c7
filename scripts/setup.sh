#!/usr/bin/env bash
# Idempotent setup for rsbench: a project-local Python venv with the libtorch
# that tch 0.26 links against (torch 2.13.0 wheel). Skips whatever is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION="2.13.0"
VENV=".venv"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  python3 -m venv "$VENV"
fi

if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null; then
  echo "setup: installing torch==$TORCH_VERSION into $VENV (about a minute)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION"
else
  echo "setup: torch $TORCH_VERSION already in $VENV"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install the Rust toolchain (rustup) first" >&2
  exit 1
fi

# tch's build script reads LIBTORCH (set in .cargo/config.toml to this link), so
# `cargo build` needs no exported variables and no Python version in a path.
torch_dir=$("$VENV/bin/python" -c "import torch, pathlib; print(pathlib.Path(torch.__file__).parent)")
if [ "$(readlink .libtorch 2>/dev/null)" != "$torch_dir" ]; then
  ln -sfn "$torch_dir" .libtorch
  echo "setup: .libtorch -> $torch_dir"
fi
