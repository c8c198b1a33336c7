#!/usr/bin/env bash
# Idempotent setup for rsbench's tests and benchmarks: the main job's setup
# (scripts/setup.sh), then what only tests need — Slurm + munge (the sharded
# run), Chromium (the HTML pages), transformers, numpy, pyarrow and ranx in
# .venv (parity tests, benchmarks, TREC export tests) and the serving venv (a
# real rerank server). scripts/test.sh runs it. Every step checks first and
# skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

VENV=".venv"
# The parity tests compare with transformers (the fixture script needs it too);
# the model benchmark reads predictions.parquet with pyarrow; the export tests
# (tests/it/exports.rs) read `report --format trec` back with ranx (its numba
# keeps numpy 2.4.6).
PY_PACKAGES=("transformers==5.24.0" "numpy==2.4.6" "pyarrow==26.0.1" "ranx==0.3.21")

need_apt=()
# The sharded-run test starts a single-node Slurm cluster (tests/slurm/run.sh).
command -v slurmctld >/dev/null 2>&1 || need_apt+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need_apt+=(munge)
# The HTML report tests open the pages in headless Chromium (tests/browser/cdp.py).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-tests: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
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
  echo "setup-tests: installing ${PY_PACKAGES[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
else
  echo "setup-tests: ${PY_PACKAGES[*]} already in $VENV"
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
  echo "setup-tests: creating $SERVING_VENV (${SERVING_PACKAGES[*]})"
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
  echo "setup-tests: $SERVING_VENV already there"
fi

echo "setup-tests: done"
