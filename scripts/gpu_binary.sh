#!/usr/bin/env bash
# Prepares the `--device cuda` check for a lent GPU machine (the device tool), whose image has
# torch 2.11.0+cu130, no cargo and no network. Builds .gpu/rsbench from these sources linked
# against that torch's libtorch (tch 0.26 is made for 2.13: the version check is bypassed, so an
# API difference fails this build, here, not the check there), strips it, and copies KorAdvMRS
# beside it (../shared does not travel). Then, on a task lent a GPU, one device run:
#     carry [".gpu"], command "bash scripts/gpu_check.sh", timeout ~480 s
# About 12 minutes on 2 cores the first time; .gpu/ is git-ignored (about 45 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
version=${TORCH_VERSION:-2.11.0}
venv=target/gpu/venv-$version
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "torch==$version"
fi
torch_dir=$("$venv/bin/python" -c "import os, torch; print(os.path.dirname(torch.__file__))")

# A copy of the working tree (so the patched build leaves Cargo.lock alone) and of torch-sys,
# whose wrappers for ops newer than this libtorch are stubbed (scripts/stub_torch_sys.py).
src=target/gpu/src
rm -rf "$src" && mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
torch_sys=$(cargo metadata --format-version 1 --locked \
    | python3 -c "import json, sys; print(next(p['manifest_path'] for p in json.load(sys.stdin)['packages'] if p['name'] == 'torch-sys'))")
rm -rf target/gpu/torch-sys && cp -r "$(dirname "$torch_sys")" target/gpu/torch-sys
build() {
    (cd "$src" && LIBTORCH="$torch_dir" LIBTORCH_BYPASS_VERSION_CHECK=1 CARGO_TARGET_DIR=../build \
        cargo build --release --bin rsbench \
        --config "patch.crates-io.torch-sys.path=\"$(pwd)/../torch-sys\"" 2>&1) | tee target/gpu/build.log | tail -3
}
if ! build; then
    python3 scripts/stub_torch_sys.py target/gpu/build.log target/gpu/torch-sys
    build
fi
chmod -R u+w .gpu 2>/dev/null || true
rm -rf .gpu && mkdir -p .gpu
cp target/gpu/build/release/rsbench .gpu/rsbench
strip .gpu/rsbench
cp -r "${RSBENCH_KORADVMRS_DIR:-../shared/datasets/koradvmrs}" .gpu/koradvmrs
chmod -R u+w .gpu/koradvmrs
echo "torch $version" > .gpu/BUILT_AGAINST
du -sh .gpu
