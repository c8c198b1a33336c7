#!/usr/bin/env bash
# The `--device cuda` check, run on a lent GPU machine from the repository root with .gpu/ carried
# (scripts/gpu_binary.sh makes it). Uses that machine's own python3 (torch, transformers, pyarrow).
#  1. `rsbench info`: libtorch's CUDA backend loads and sees the GPU.
#  2. Every committed fixture model scored on the sample set, both splits, on the GPU and on the
#     CPU: scores within 1e-4, decisions identical; bf16 on the GPU: share of decisions unchanged.
#     The TorchScript fixture, traced on the CPU, must be refused on the GPU at load with the
#     reason in one line; the same architecture traced on the GPU (scripts/trace_torchscript.py)
#     must run there and match the native scorer on the CPU.
#  3. benches/model_throughput.py on the GPU: rsbench against the plain HF loop, all KorAdvMRS,
#     with each run's time breakdown and a --batch-tokens sweep (fp32, bf16).
# Log in $OUT/gpu_check.log. Exit status non-zero if any step fails.
# A dry run here on the CPU, of the very binary that will travel:
#     DEVICE=cpu PYTHON=.venv/bin/python BENCH_EVERY=50 \
#     TORCH_LIB=target/gpu/venv-2.11.0/lib/python3.11/site-packages/torch/lib bash scripts/gpu_check.sh
set -uo pipefail
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
exec > >(tee "$out/gpu_check.log") 2>&1
py=${PYTHON:-python3}
bin=${RSBENCH_BIN:-.gpu/rsbench}
data=${RSBENCH_KORADVMRS_DIR:-.gpu/koradvmrs}
device=${DEVICE:-cuda}
torch_lib=${TORCH_LIB:-$("$py" -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")}
export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export TRANSFORMERS_VERBOSITY=error PYTHONUNBUFFERED=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
command -v nvidia-smi >/dev/null && nvidia-smi -L
cat .gpu/BUILT_AGAINST 2>/dev/null
"$bin" info || status=1

echo "== fixtures: $device against cpu (sample set, both splits; models in parallel)"
compare() { # DIR_CPU DIR_DEVICE DIR_BF16: scores within 1e-4, decisions identical
    "$py" - "$@" <<'PY'
import json, sys
import pyarrow.parquet as pq
sys.path.insert(0, "benches")
from model_throughput import decisions
cpu, gpu, bf16 = ([r for r in pq.read_table(d + "/predictions.parquet").to_pylist()] for d in sys.argv[1:4])
name = sys.argv[2].split("/")[-2]
diff = max(abs(a["score"] - b["score"]) for a, b in zip(cpu, gpu))
same = [a["case_id"] == b["case_id"] and a["text"] == b["text"] for a, b in zip(cpu, gpu)]
d_cpu, d_gpu, d_bf = decisions(cpu), decisions(gpu), decisions(bf16)
agree = sum(d_cpu[k] == d_gpu[k] for k in d_cpu) / len(d_cpu)
agree_bf = sum(d_cpu[k] == d_bf[k] for k in d_cpu) / len(d_cpu)
device = json.load(open(sys.argv[2] + "/metadata.json"))["scorer"]["params"]["device"]
ok = len(cpu) == len(gpu) and all(same) and diff <= 1e-4
print(f"{name:24} on {device:6} {len(cpu):4} slots  max |Δ cpu|  {diff:.1e}  decisions same {100 * agree:.1f}%  "
      f"bf16 decisions same {100 * agree_bf:.1f}%  {'ok' if ok else 'MISMATCH'}")
sys.exit(0 if ok else 1)
PY
}
evaluate() { # MODEL DEVICE DTYPE OUT
    "$bin" eval --model "$1" --split both --bootstrap 0 -q --device "$2" --dtype "$3" --out "$4" >/dev/null 2>"$4.err"
}
check_model() {
    local model=$1 name
    name=$(basename "$model")
    local runs=("cpu f32 ref" "$device f32 dev" "$device bf16 bf16")
    # TorchScript runs in the precision it was exported in (rsbench refuses to cast it).
    grep -qs '^\[torchscript\]' "$model/rsbench.toml" && runs=("cpu f32 ref" "$device f32 dev" "$device f32 bf16")
    if grep -qs '^\[torchscript\]' "$model/rsbench.toml" && [ "$device" != cpu ]; then
        # Traced on the CPU: refused on the GPU at load, with the reason, in one line.
        if evaluate "$model" "$device" f32 "$work/$name/dev"; then
            echo "$name: a CPU-traced module ran on $device (expected the load-time refusal)"; return 1
        fi
        if grep -q "model.pt: a test forward on cuda:0 failed: .*trace the model with it and the example inputs on the device" "$work/$name/dev.err" \
            && [ "$(grep -c . "$work/$name/dev.err")" = 1 ]; then
            echo "$name (traced on cpu)  on $device: refused at load, one line: $(cut -c1-160 "$work/$name/dev.err")... ok"
        else
            echo "$name: unexpected error on $device:"; cat "$work/$name/dev.err"; return 1
        fi
        # Traced on the GPU: runs there, and matches the native scorer on the CPU.
        model="$work/torchscript-$device"
        name=torchscript-$device
        "$py" scripts/trace_torchscript.py tests/fixtures/models/bert-cls2 "$model" --device "$device" >/dev/null 2>&1 \
            || { echo "tracing on $device failed"; return 1; }
        evaluate tests/fixtures/models/bert-cls2 cpu f32 "$work/$name/ref" || { cat "$work/$name/ref.err"; return 1; }
        runs=("$device f32 dev" "$device f32 bf16")
    fi
    mkdir -p "$work/$name"
    for run in "${runs[@]}"; do
        set -- $run
        evaluate "$model" "$1" "$2" "$work/$name/$3" || { echo "$name: eval on $1 $2 failed:"; cat "$work/$name/$3.err"; return 1; }
    done
    compare "$work/$name/ref" "$work/$name/dev" "$work/$name/bf16"
}
pids=()
for model in tests/fixtures/models/*/; do
    name=$(basename "$model")
    mkdir -p "$work/$name"
    check_model "$model" >"$work/$name.log" 2>&1 &
    pids+=("$!:$name")
done
for entry in "${pids[@]}"; do
    wait "${entry%%:*}" || status=1
    cat "$work/${entry#*:}.log"
done

echo "== throughput on $device (benches/model_throughput.py)"
"$py" tests/fixtures/make_fixtures.py --bench "$work/bench-bert-base" >/dev/null 2>&1 || status=1
"$py" benches/model_throughput.py --every "${BENCH_EVERY:-1}" --device "$device" --bin "$bin" --data "$data" \
    --model "$work/bench-bert-base" --bi-model "$work/no-e5" --breakdown \
    --sweep-batch-tokens "${BENCH_SWEEP:-2048,8192,32768}" || status=1
echo "gpu_check status $status"
exit $status
