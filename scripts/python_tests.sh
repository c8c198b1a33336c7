#!/usr/bin/env bash
# The Python package's tests (python/tests, docs/python.md): the native module
# built by `maturin develop` into .venv-py, in the dev profile and the shared
# target/ directory, so the torch-free build that scripts/test.sh has just made
# is reused (only pyo3 and the rsbench crate itself are compiled again), then
# pytest. RSBENCH_BIN: the cargo-built command line the tests compare with.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=".venv-py"
# The versions .venv has (scripts/setup.sh), and the build and test tools.
PY_PACKAGES=("maturin==1.16.0" "pytest==9.0.3" "pandas==3.1.1" "pyarrow==26.0.1" "numpy==2.4.6")
want=$(printf '%s\n' "${PY_PACKAGES[@]}")
# `complete` is written last: an interrupted or outdated install is made again.
if [ "$(cat "$VENV/complete" 2>/dev/null)" != "$want" ]; then
  echo "python_tests: creating $VENV (${PY_PACKAGES[*]})"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
  echo "$want" > "$VENV/complete"
fi

VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/maturin" develop --quiet
# Built by scripts/test.sh just before; otherwise the package's own `rsbench`.
if [ -z "${RSBENCH_BIN:-}" ] && [ -x target/debug/rsbench ]; then
  export RSBENCH_BIN="$PWD/target/debug/rsbench"
fi
"$VENV/bin/python" -m pytest -q python/tests
