"""rsbench's libtorch scorer against the plain Hugging Face Python loop, side by side.

    .venv/bin/python benches/model_throughput.py [--every K] [--bi-model DIR] [--skip-python]
        [--device cpu|cuda] [--bin PATH] [--skip-ort]

Runs in one process tree on the same machine, same torch 2.13, same thread count:
- the machine's measured fp32 and bf16 GEMM peak (torch.matmul, 2048³, best of 5);
- a random-init BERT-base-config cross-encoder (tests/fixtures/make_fixtures.py --bench) scoring
  KorAdvMRS, both splits: (a) `rsbench eval --model` (release build), whole process;
  (b) the loop a researcher would write: transformers, batches of 32 in dataset order,
  `padding=True, truncation=True`, `torch.inference_mode()`, model loading included;
- the same on a set of all-distinct pairs (where rsbench's deduplication cannot help);
- rsbench `--dtype bf16`, `int8`, `int8 --no-recheck` and `auto` on each workload, and ONNX Runtime
  (benches/ort_peer.py: exported, graph-optimised fp32 and int8 dynamic quantisation, the same
  tokenisation, distinct pairs, batches of 32 in length order): seconds, pairs/s, speed against
  rsbench fp32 and the share of per-case decisions equal to rsbench fp32's;
- the bi-encoder (multilingual-e5-small, scripts/make_e5_small.py) both ways, if present.

Each timed rsbench run gets an empty score cache of its own holding this machine's `--dtype
auto` probe (measured once per model shape before the timings): what a user's first run of a
model on a dataset meets, where the probe was measured by an earlier run (0.34 s once).
A precision the probe rules out for a model on this machine (no bf16 or int8 units in the CPU's
flags, or stopped as clearly slower than fp32: `skipped` in its dtype-probe.json entry) gets no
rsbench rows for that model, only a line saying why; the bf16 GEMM peak and `--batch-tokens`
sweep rows are left out where the CPU's flags rule bf16 out (RSBENCH_CPU_FLAGS as in rsbench).

`--every K` keeps every K-th case of each KorAdvMRS file (default 10: a BERT-base forward over
all 26,640 candidate slots takes about an hour of the Python loop on 2 cores; `--every 1` runs it
all). Prints pairs/s, ratios, and rsbench's model FLOP/s against the fp32 GEMM peak.
`--device cuda` runs both sides (and the GEMM peak) on the GPU; `--bin` names an rsbench binary
built elsewhere (scripts/gpu_binary.sh) instead of building one here.
"""

import argparse
import logging
import warnings
import json
import os
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / "target" / "release" / "rsbench"
DEVICE = "cpu"


def sync():
    if DEVICE != "cpu":
        torch.cuda.synchronize()


def gemm_peak(dtype, threads, n=2048):
    torch.set_num_threads(threads)
    if DEVICE != "cpu":
        n = 8192
    a = torch.randn(n, n, dtype=dtype, device=DEVICE)
    b = torch.randn(n, n, dtype=dtype, device=DEVICE)
    torch.matmul(a, b)
    sync()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        torch.matmul(a, b)
        sync()
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best


def cpu_name():
    """The CPU's model name and the features that decide its int8 and bf16 speed."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("model name")), "?")
    flags = next((l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags")), [])
    wanted = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8"]
    return f"{model} [{' '.join(f for f in wanted if f in flags) or 'no AVX2'}]"


def cpu_flags():
    """The CPU's flags as rsbench's probe reads them (RSBENCH_CPU_FLAGS first)."""
    if "RSBENCH_CPU_FLAGS" in os.environ:
        return os.environ["RSBENCH_CPU_FLAGS"].split()
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return next((l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags")), [])


def flags_rule_out(name):
    """Why the CPU's flags rule a rounding precision out, as rsbench's probe decides
    (src/scorer/model/precision.rs), or None."""
    flags = cpu_flags()
    if DEVICE != "cpu" or "sse2" not in flags:
        return None
    needs = {"bf16": ["avx512_bf16", "amx_bf16"], "int8": ["avx512_vnni", "avx_vnni", "amx_int8"]}[name]
    return None if any(f in flags for f in needs) else f"the CPU has none of {', '.join(needs)}"


def probe_skips(model):
    """The rounding precisions rsbench's probe ruled out for `model`'s layer shape on this
    machine ({name: why}, from the dtype-probe.json `warm_probe` filled), else the flags' verdict."""
    skips = {n: why for n in ("bf16", "int8") if (why := flags_rule_out(n))}
    path = PROBE_DIR / "dtype-probe.json" if PROBE_DIR else None
    if path and path.exists() and (model / "config.json").exists():
        cfg = json.loads((model / "config.json").read_text())
        shape = [512, cfg.get("hidden_size"), cfg.get("intermediate_size")]
        for entry in json.loads(path.read_text()).values():
            if entry.get("shape") == shape:
                skips.update(entry.get("skipped", {}))
    return skips


def subset(src, dest, every):
    dest.mkdir(parents=True)
    for f in sorted(src.glob("*.jsonl")):
        lines = [l for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
        (dest / f.name).write_text("\n".join(lines[::every]) + "\n", encoding="utf-8")


def cases_by_id(dataset):
    cases = {}
    for f in sorted(dataset.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                c = json.loads(line)
                cases[c["did"]] = c
    return cases


def distinct_set(src, dest):
    """Cases whose (context, response) pairs are all distinct: KorAdvMRS's distinct pairs,
    grouped by context, two candidates a case."""
    dest.mkdir(parents=True)
    by_context = {}
    for c in cases_by_id(src).values():
        key = json.dumps(c["context"], ensure_ascii=False)
        seen = by_context.setdefault(key, (c["context"], c["src_dlg_id"], []))
        for cand in c["candidates"]:
            if cand["text"] not in seen[2]:
                seen[2].append(cand["text"])
    lines = []
    for i, (context, dlg, texts) in enumerate(by_context.values()):
        for j in range(0, len(texts) - 1, 2):
            lines.append(json.dumps({
                "context": context, "src_dlg_id": dlg, "did": f"distinct{i}_{j}",
                "candidates": [{"text": texts[j], "label": 1}, {"text": texts[j + 1], "label": 0}],
            }, ensure_ascii=False))
    (dest / "distinct.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


# Where this machine's `--dtype auto` probe is kept for the timed runs (`warm_probe`).
PROBE_DIR = None


def fresh_cache(out):
    """An empty score cache for one timed run, holding this machine's probe: what a user's
    first run of a model on a dataset meets (the probe is measured once per machine and shape,
    the scores are new)."""
    cache = out.parent / f"{out.name}-cache"
    cache.mkdir(parents=True)
    if PROBE_DIR and (PROBE_DIR / "dtype-probe.json").exists():
        shutil.copy(PROBE_DIR / "dtype-probe.json", cache / "dtype-probe.json")
    return cache


def warm_probe(model, dataset, tmp):
    """Measures the probe at `model`'s shape once, untimed, into PROBE_DIR."""
    one = tmp / f"one-case-{model.name}"
    one.mkdir(parents=True, exist_ok=True)
    first = next(l for f in sorted(dataset.glob("*.jsonl")) for l in f.read_text(encoding="utf-8").splitlines() if l.strip())
    (one / "negation.jsonl").write_text(first + "\n", encoding="utf-8")
    subprocess.run([str(BIN), "eval", "--model", str(model), "--dataset", str(one), "--split", "adversarial",
                    "--bootstrap", "0", "--dtype", "auto", "--device", DEVICE, "--out", str(tmp / f"warm-{model.name}"),
                    "-q", "--cache", str(PROBE_DIR)], check=True, stderr=subprocess.DEVNULL)


def run_rsbench(model, dataset, split, out, threads, dtype="f32", extra=(), batch_tokens=None, env=None):
    cmd = [str(BIN), "eval", "--model", str(model), "--dataset", str(dataset), "--split", split,
           "--bootstrap", "0", "--threads", str(threads), "--dtype", dtype, "--device", DEVICE,
           "--out", str(out), "-q", "--cache", str(fresh_cache(out)), *extra]
    if batch_tokens:
        cmd += ["--batch-tokens", str(batch_tokens)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t
    timing = json.loads((out / "timing.json").read_text())
    rows = pq.read_table(out / "predictions.parquet").to_pylist()
    return wall, timing, rows


def precision_lines(model, dataset, split, tmp, threads, wall, rows, case_map, bi=False, skip_ort=False):
    """Every precision of rsbench beside ONNX Runtime's, against rsbench fp32 (`wall`, `rows`):
    seconds, pairs/s, speed ratio and the share of per-case decisions equal to fp32's."""
    base = decisions(rows)
    slots = len(rows)

    def show(label, seconds, decided, note=""):
        same = sum(base[k] == decided[k] for k in base) / len(base)
        print(f"{label:<34} {slots:>6} {seconds:10.1f} {slots / seconds:9.1f} {'':>26}{wall / seconds:5.2f}x "
              f"fp32; {100 * same:.2f}% of decisions as fp32{note}")

    skips = probe_skips(model)
    for name in sorted(skips):
        print(f"  rsbench --dtype {name}: not run, the probe ruled it out ({skips[name]})")
    for dtype, extra in [("bf16", ()), ("int8", ()), ("int8", ("--no-recheck",)), ("auto", ())]:
        if dtype in skips:
            continue
        out = tmp / f"rs-{dtype}-{'bare-' if extra else ''}{model.name}-{split}"
        w, timing, r = run_rsbench(model, dataset, split, out, threads, dtype, extra)
        note = ""
        if timing.get("recheck"):
            rc = timing["recheck"]
            note = f"; {rc['rescored_pairs']} of {timing['distinct_pairs']} pairs re-scored in fp32 (eps {rc['epsilon']:.1e})"
        if dtype == "auto":
            chose = json.loads((out / "metadata.json").read_text())["scorer"]["params"]["dtype"]
            note += f"; auto chose {chose}"
        show(f"  rsbench --dtype {dtype}{' ' + ' '.join(extra) if extra else ''}", w, decisions(r), note)
    if skip_ort:
        return
    try:
        import ort_peer
    except ImportError as e:
        print(f"  (ONNX Runtime skipped: {e})")
        return
    fp32_onnx, int8_onnx, export_s = ort_peer.export(model, tmp / f"onnx-{model.name}", bi=bi)
    pairs = pairs_in_order(rows, case_map)
    distinct = sorted({(tuple(c), r) for c, r, _ in pairs})
    unique = [(list(c), r, None) for c, r in distinct]
    for label, path in [("  ONNX Runtime fp32, optimised", fp32_onnx), ("  ONNX Runtime int8 dynamic", int8_onnx)]:
        seconds, scores = (ort_peer.bi_scores if bi else ort_peer.cross_scores)(model, path, unique, threads)
        by_pair = dict(zip(distinct, scores))
        scored = [dict(row, score=by_pair[(tuple(c), t)]) for row, (c, t, _) in zip(rows, pairs)]
        show(label, seconds, decisions(scored), f"; {len(unique)} distinct pairs; export+optimise+quantise {export_s:.0f}s once")


def breakdown(wall, timing):
    """Where an rsbench process spent its wall time (timing.json): everything outside the
    scorer (start-up, device initialisation, weight loading, checksums, report writing),
    tokenisation, and the forward passes."""
    s = timing["scorer"]
    outside = wall - timing["scoring_seconds"]
    return (f"outside scoring {outside:.2f}s (weights {s.get('load_seconds', 0):.2f}s, checksums "
            f"{s.get('checksum_seconds', 0):.2f}s beside them), tokenize {s['tokenize_seconds']:.2f}s, "
            f"forward {s['forward_seconds']:.2f}s in {s['batches']} batches")


def decisions(rows):
    best = {}
    for r in rows:
        key = (r["split"], r["case_id"])
        if key not in best or r["score"] > best[key][0]:
            best[key] = (r["score"], r["candidate"])
    return {k: v[1] for k, v in best.items()}


def pairs_in_order(rows, cases):
    return [(cases[r["case_id"]]["context"], r["text"], r["score"]) for r in rows]


def python_cross(model_dir, pairs, threads, batch=32, dtype=torch.float32):
    torch.set_num_threads(threads)
    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), dtype=dtype).eval().to(DEVICE)
    sep = f" {tok.sep_token} "
    scores = []
    with torch.inference_mode():
        for i in range(0, len(pairs), batch):
            chunk = pairs[i : i + batch]
            enc = tok([sep.join(c) for c, _, _ in chunk], [r for _, r, _ in chunk],
                      padding=True, truncation=True, return_tensors="pt").to(DEVICE)
            logits = model(**enc).logits
            scores.extend((logits[:, 1] - logits[:, 0]).float().tolist())
    return time.perf_counter() - t, scores


def python_bi(model_dir, pairs, threads, batch=32):
    torch.set_num_threads(threads)
    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir), add_pooling_layer=False).eval().to(DEVICE)

    def embed(texts):
        enc = tok(texts, padding=True, truncation=True, return_tensors="pt").to(DEVICE)
        h = model(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)

    scores = []
    with torch.inference_mode():
        for i in range(0, len(pairs), batch):
            chunk = pairs[i : i + batch]
            q = embed(["query: " + " ".join(c) for c, _, _ in chunk])
            p = embed(["passage: " + r for _, r, _ in chunk])
            scores.extend((q * p).sum(-1).tolist())
    return time.perf_counter() - t, scores


def max_diff(pairs, scores):
    return max(abs(a - s) for (_, _, a), s in zip(pairs, scores))


def main():
    # The ONNX export and quantiser warn about tracing and pre-processing at length.
    warnings.filterwarnings("ignore")
    logging.getLogger().setLevel(logging.ERROR)
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--data", default=os.environ.get("RSBENCH_KORADVMRS_DIR", str(ROOT.parent / "shared/datasets/koradvmrs")))
    ap.add_argument("--model", default=str(ROOT / "models/bench-bert-base"))
    ap.add_argument("--bi-model", default=str(ROOT / "models/multilingual-e5-small-q4"))
    ap.add_argument("--skip-python", action="store_true")
    ap.add_argument("--skip-ort", action="store_true", help="leave out the ONNX Runtime rows")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--bin", help="an rsbench binary to use instead of building target/release/rsbench")
    ap.add_argument("--breakdown", action="store_true",
                    help="print where each rsbench run spent its time (timing.json)")
    ap.add_argument("--sweep-batch-tokens", default="",
                    help="comma-separated --batch-tokens values to time, fp32 and bf16 (KorAdvMRS both)")
    args = ap.parse_args()
    global BIN, DEVICE
    DEVICE = args.device
    threads = os.cpu_count() or 1
    model = Path(args.model)
    if not model.is_dir():
        subprocess.run([sys.executable, str(ROOT / "tests/fixtures/make_fixtures.py"), "--bench", str(model)], check=True)
    if args.bin:
        BIN = Path(args.bin).resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    fp32_peak = gemm_peak(torch.float32, threads)
    # Emulated bf16 products take minutes at 2048³ (0.3 GFLOP/s on an AVX2-only EPYC).
    no_bf16 = flags_rule_out("bf16")
    bf16_peak = None if no_bf16 else gemm_peak(torch.bfloat16, threads)
    where = torch.cuda.get_device_name() if DEVICE != "cpu" else f"{cpu_name()}, {threads} threads"
    bf16_text = f"{bf16_peak / 1e9:.1f} GFLOP/s" if bf16_peak else f"not measured ({no_bf16})"
    print(f"machine: {where}, torch {torch.__version__}; GEMM peak fp32 {fp32_peak / 1e9:.1f} GFLOP/s, "
          f"bf16 {bf16_text}")
    if DEVICE == "cpu":
        info = subprocess.run([str(BIN), "info"], capture_output=True, text=True).stdout
        print("\n".join(l for l in info.splitlines() if l.startswith("--dtype auto probe")))

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "koradvmrs"
        subset(Path(args.data), data, args.every)
        cases = cases_by_id(data)
        distinct = tmp / "distinct"
        distinct_set(data, distinct)
        distinct_cases = cases_by_id(distinct)
        print(f"data: every {args.every}th KorAdvMRS case: {len(cases)} cases; distinct set: {len(distinct_cases)} cases")
        global PROBE_DIR
        PROBE_DIR = tmp / "probe"
        for m in [model, Path(args.bi_model)]:
            if m.is_dir() and DEVICE == "cpu":
                warm_probe(m, data, tmp)
        print()
        print(f"{'workload':<34} {'slots':>6} {'rsbench s':>10} {'pairs/s':>9} {'python s':>9} {'pairs/s':>9} {'ratio':>6}  notes")

        def line(name, slots, rs_wall, py_wall, note=""):
            py = f"{py_wall:9.1f} {slots / py_wall:9.1f} {py_wall / rs_wall:5.2f}x" if py_wall else f"{'-':>9} {'-':>9} {'-':>6}"
            print(f"{name:<34} {slots:>6} {rs_wall:10.1f} {slots / rs_wall:9.1f} {py}  {note}")

        for label, dataset, split, case_map in [
            ("cross BERT-base, KorAdvMRS both", data, "both", cases),
            ("cross BERT-base, all-distinct", distinct, "adversarial", distinct_cases),
        ]:
            wall, timing, rows = run_rsbench(model, dataset, split, tmp / f"rs-{split}", threads)
            stats = timing["scorer"]
            flops = stats["model_flops"] / stats["forward_seconds"]
            pairs = pairs_in_order(rows, case_map)
            py_wall, note = None, ""
            if not args.skip_python:
                py_wall, scores = python_cross(model, pairs, threads)
                note = f"max |Δscore| vs HF {max_diff(pairs, scores):.1e}; "
            note += (f"{timing['distinct_pairs']} distinct pairs; forward {flops / 1e9:.1f} GFLOP/s = "
                     f"{100 * flops / fp32_peak:.0f}% of fp32 peak")
            line(label, len(rows), wall, py_wall, note)
            if args.breakdown:
                print(f"{'':<34} rsbench: {breakdown(wall, timing)}")
            precision_lines(model, dataset, split, tmp, threads, wall, rows, case_map, skip_ort=args.skip_ort)
            if split == "both":
                both_rows = rows

        sweep = [int(n) for n in args.sweep_batch_tokens.split(",") if n.strip()]
        if sweep:
            print()
            print(f"--batch-tokens sweep, cross BERT-base, KorAdvMRS both ({len(both_rows)} slots); "
                  "decisions against the fp32 run above")
            base = decisions(both_rows)
            # On a GPU, also the libtorch default rsbench overrides: cuDNN attention first
            # (it plans every new batch shape anew).
            runs = [(n, dtype, extra, None) for n in sweep
                    for dtype, extra in [("f32", ()), ("bf16", ("--no-bf16-recheck",))]
                    if dtype not in probe_skips(model)]
            if DEVICE != "cpu":
                runs += [(n, "bf16", ("--no-bf16-recheck",), {"TORCH_CUDNN_SDPA_DEPRIORITIZED": "0"}) for n in sweep]
            for n, dtype, extra, env in runs:
                label = dtype + (" cuDNN attention first" if env else "")
                out = tmp / f"sweep-{n}-{dtype}-{bool(env)}"
                w, timing, rows = run_rsbench(model, data, "both", out, threads, dtype, extra, n, env)
                d = decisions(rows)
                same = sum(base[k] == d[k] for k in base) / len(base)
                fwd = timing["scorer"]["forward_seconds"]
                print(f"  {n:>6} tokens {label:<5}  wall {w:6.2f}s  {timing['distinct_pairs'] / fwd:9.1f} pairs/s "
                      f"in forward; {100 * same:.2f}% decisions same; {breakdown(w, timing)}")
            if not args.skip_python:
                pairs = pairs_in_order(both_rows, cases)
                for name, dt in [("f32", torch.float32), ("bf16", torch.bfloat16)]:
                    if name in probe_skips(model):
                        continue
                    py_wall, _ = python_cross(model, pairs, threads, dtype=dt)
                    print(f"  HF loop {name:<4}     wall {py_wall:6.2f}s  (model load included, no deduplication)")

        bi = Path(args.bi_model)
        if bi.is_dir():
            wall, timing, rows = run_rsbench(bi, data, "both", tmp / "rs-bi", threads)
            pairs = pairs_in_order(rows, cases)
            py_wall, note = None, ""
            if not args.skip_python:
                py_wall, scores = python_bi(bi, pairs, threads)
                note = f"max |Δscore| vs HF {max_diff(pairs, scores):.1e}; "
            note += f"{timing['scorer']['sequences']} texts encoded"
            line("bi e5-small, KorAdvMRS both", len(rows), wall, py_wall, note)
            precision_lines(bi, data, "both", tmp, threads, wall, rows, cases, bi=True, skip_ort=args.skip_ort)
            d_wall, _, d_rows = run_rsbench(bi, distinct, "adversarial", tmp / "rs-bi-distinct", threads)
            line("bi e5-small, all-distinct", len(d_rows), d_wall, None)
            precision_lines(bi, distinct, "adversarial", tmp, threads, d_wall, d_rows, distinct_cases, bi=True,
                            skip_ort=args.skip_ort)
        else:
            print(f"(bi-encoder skipped: {bi} missing; make it with scripts/make_e5_small.py)")


if __name__ == "__main__":
    main()
