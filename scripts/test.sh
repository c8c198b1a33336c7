#!/usr/bin/env bash
# The project's test command (README, CI): set up what is missing, then run
# every test. Needs KorAdvMRS at ../shared/datasets/koradvmrs (or
# RSBENCH_KORADVMRS_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tests.sh
cargo test --locked "$@"
if [ "$#" -eq 0 ]; then
    # The torch-free core (`--no-default-features`, issue 29): it builds without
    # libtorch, and the tests of what it offers pass (perturb, audit, eval with
    # the lexical baselines, scores files, programs and servers, compare, report).
    cargo test --locked --no-default-features --lib
    cargo test --locked --no-default-features --test it -- perturb:: ledger:: audit:: compare:: contamination:: \
        scores_file:: rerank:: cli:: snapshots:: metrics:: exports:: user_rules::
    # The Python package (docs/python.md) on the torch-free build just made.
    bash scripts/python_tests.sh
fi
