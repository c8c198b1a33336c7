#!/usr/bin/env bash
# The project's test command (README, CI): set up what is missing, then run
# every test. Needs KorAdvMRS at ../shared/datasets/koradvmrs (or
# RSBENCH_KORADVMRS_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --locked "$@"
