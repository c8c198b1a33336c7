"""How far bf16 and int8 move a model's scores and decisions from fp32's, and how many cases an
exact mode must therefore re-score (issue 16, docs/benchmarks.md).

    .venv/bin/python benches/rounding_errors.py [--every 5] [--model DIR]

On the all-distinct set `benches/model_throughput.py` builds (every K-th KorAdvMRS case's
distinct pairs, two candidates a case), runs rsbench fp32, `--dtype bf16 --no-recheck` and
`--dtype int8 --no-recheck` (release build, each timed as a whole process with an empty score
cache holding the machine's probe) and prints, per precision: its seconds, the quantiles of
|score − fp32 score| and of the error of each case's gap (candidate 0 minus candidate 1), the
decisions it flips, and how many cases have an fp32 gap within its largest and 95th-percentile
errors (the cases a re-scoring must decide in fp32).
"""

import argparse
import os
import tempfile
from pathlib import Path

import model_throughput as mt


def quantile(xs, p):
    return sorted(xs)[int(p * (len(xs) - 1))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=5)
    ap.add_argument("--data", default=os.environ.get("RSBENCH_KORADVMRS_DIR", str(mt.ROOT.parent / "shared/datasets/koradvmrs")))
    ap.add_argument("--model", default=str(mt.ROOT / "models/bench-bert-base"))
    args = ap.parse_args()
    model = Path(args.model)
    threads = os.cpu_count() or 1
    print(f"CPU: {mt.cpu_name()}, {threads} threads; model {model.name}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        mt.subset(Path(args.data), tmp / "k", args.every)
        mt.distinct_set(tmp / "k", tmp / "d")
        mt.PROBE_DIR = tmp / "probe"
        mt.warm_probe(model, tmp / "d", tmp)
        runs = {}
        for dtype, extra in [("f32", ()), ("bf16", ("--no-recheck",)), ("int8", ("--no-recheck",))]:
            wall, _, rows = mt.run_rsbench(model, tmp / "d", "adversarial", tmp / f"rs-{dtype}", threads, dtype, extra)
            runs[dtype] = (wall, {(r["case_id"], r["candidate"]): r["score"] for r in rows})
        base = runs["f32"][1]
        cases = sorted({c for c, _ in base})
        gaps = [abs(base[(c, 0)] - base[(c, 1)]) for c in cases]
        print(f"fp32: {runs['f32'][0]:.2f} s, {len(cases)} cases, {len(base)} pairs")
        for dtype in ["bf16", "int8"]:
            wall, low = runs[dtype]
            err = [abs(low[k] - base[k]) for k in base]
            gap_err = [abs((low[(c, 0)] - low[(c, 1)]) - (base[(c, 0)] - base[(c, 1)])) for c in cases]
            flips = sum((low[(c, 0)] > low[(c, 1)]) != (base[(c, 0)] > base[(c, 1)]) for c in cases)
            print(f"{dtype} --no-recheck: {wall:.2f} s; flips {flips} of {len(cases)} decisions")
            print(f"  |score error|: median {quantile(err, .5):.2e}, p95 {quantile(err, .95):.2e}, max {max(err):.2e}")
            print(f"  |gap error|:   median {quantile(gap_err, .5):.2e}, p95 {quantile(gap_err, .95):.2e}, max {max(gap_err):.2e}")
            for name, e in [("max score error", max(err)), ("p95 score error", quantile(err, .95)),
                            ("max gap error", max(gap_err)), ("p95 gap error", quantile(gap_err, .95))]:
                print(f"  cases whose fp32 gap is within the {name} ({e:.2e}): {sum(g <= e for g in gaps)}")


if __name__ == "__main__":
    main()
