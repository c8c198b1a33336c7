#!/usr/bin/env bash
# Whole-process wall time of the BM25 evaluation of KorAdvMRS, both splits
# (2,220 cases: 4,440 adversarial + 22,200 clean candidate slots), release
# build, 1,000 bootstrap resamples. Goal: under one second.
# Usage: benches/eval_bm25.sh [RUNS]   (KorAdvMRS from ../shared or RSBENCH_KORADVMRS_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
data=${RSBENCH_KORADVMRS_DIR:-../shared/datasets/koradvmrs}
cargo build --release --quiet
bin=target/release/rsbench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
times=()
for i in $(seq "$runs"); do
  t0=$(date +%s.%N)
  "$bin" eval --scorer bm25 --dataset "$data" --split both --out "$out/run$i" -q 2>/dev/null
  t1=$(date +%s.%N)
  times+=("$(echo "$t1 - $t0" | bc -l)")
done
rss=$( { /usr/bin/time -f "%M" "$bin" eval --scorer bm25 --dataset "$data" --split both --out "$out/rss" -q 2>&1 >/dev/null; } | tail -1 )
printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$runs" -v rss="$rss" '
  { t[NR] = $1 }
  END {
    med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "bm25 eval, KorAdvMRS both splits, %d runs: min %.3f s, median %.3f s, max %.3f s; peak RSS %.1f MiB\n", runs, t[1], med, t[NR], rss / 1024
    printf "goal < 1.000 s whole process: median is %.2fx under the goal (%s)\n", 1 / med, (med < 1 ? "met" : "NOT met")
  }'
