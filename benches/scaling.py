"""Cost that grows with the work: BM25 eval (both splits), a fixture-model eval and `perturb`
of every type (all eight, as `perturb --help` lists them) on synthetic KorAdvMRS-format sets of growing size, with seconds and peak memory
per size and the ratio to the previous size (close to 10x for linear steps at 10x the cases).

    python3 benches/scaling.py [--sizes 10000,100000,1000000] [--model-up-to 100000]

A synthetic set replicates KorAdvMRS's 2,220 cases with new ids and a number appended to every
utterance and candidate, so every copy adds distinct pairs, dialogues and responses (the
clean split's pool grows with the set). Release binary; peak RSS from /usr/bin/time.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "rsbench"
KORADVMRS = Path(os.environ.get("RSBENCH_KORADVMRS_DIR", ROOT.parent / "shared" / "datasets" / "koradvmrs"))
MODEL = ROOT / "tests" / "fixtures" / "models" / "bert-cls2"


def synthesize(cases, out: Path):
    out.mkdir(parents=True)
    source = {f.stem: [json.loads(l) for l in f.open(encoding="utf-8")] for f in sorted(KORADVMRS.glob("*.jsonl"))}
    total = sum(len(v) for v in source.values())
    copies = -(-cases // total)
    written = 0
    files = {t: (out / f"{t}.jsonl").open("w", encoding="utf-8") for t in source}
    for k in range(copies):
        for t, rows in source.items():
            for r in rows:
                if written == cases:
                    break
                tag = f" {k}" if k else ""
                row = dict(r)
                row["context"] = [u + tag for u in r["context"]]
                row["candidates"] = [dict(c, text=c["text"] + tag) for c in r["candidates"]]
                row["did"] = f'{r["did"]}-{k}'
                row["src_dlg_id"] = f'{r["src_dlg_id"]}-{k}'
                files[t].write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    for f in files.values():
        f.close()


def perturb_types():
    """Every type the binary has, as `perturb --help` lists them."""
    text = subprocess.run([BIN, "perturb", "--help"], capture_output=True, text=True, check=True).stdout
    listed = text.split("Types (--types):\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in listed.splitlines()]


def measure(args):
    """(seconds, peak MiB) of one command."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, args)], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{p.stderr}")
    return seconds, int(p.stderr.strip().splitlines()[-1]) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--model-up-to", type=int, default=100000)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; rsbench release build")
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for n in map(int, args.sizes.split(",")):
            data = work / f"synth-{n}"
            synthesize(n, data)
            steps = [
                ("bm25 eval, both splits", [BIN, "eval", "--scorer", "bm25", "--dataset", data, "--split", "both",
                                             "--out", work / f"bm25-{n}", "-q"]),
                ("perturb, every type", [BIN, "perturb", "--input", data, "--types", ",".join(perturb_types()),
                                         "--output", work / f"gen-{n}", "-q"]),
            ]
            if n <= args.model_up_to:
                steps.insert(1, ("fixture-model eval, adversarial", [BIN, "eval", "--model", MODEL, "--dataset", data,
                                                                      "--split", "adversarial", "--bootstrap", "0", "--no-cache",
                                                                      "--out", work / f"model-{n}", "-q"]))
            for name, cmd in steps:
                seconds, mib = measure(cmd)
                rows.append((name, n, seconds, mib))
                print(f"  {name:34} {n:>9,} cases  {seconds:8.2f} s  {mib:8.1f} MiB", flush=True)
    print()
    print(f"| step | cases | seconds | × previous size | peak MiB | bytes per case |")
    print("|---|--:|--:|--:|--:|--:|")
    last = {}
    for name, n, s, mib in rows:
        ratio = f"{s / last[name][1]:.1f}× for {n // last[name][0]}× cases" if name in last else "—"
        print(f"| {name} | {n:,} | {s:.2f} | {ratio} | {mib:.0f} | {mib * 2**20 / n:,.0f} |")
        last[name] = (n, s)


if __name__ == "__main__":
    main()
