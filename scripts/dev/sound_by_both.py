#!/usr/bin/env python3
"""Per type, the negatives of a blind audit sheet that both judges called sound.

    scripts/dev/sound_by_both.py datasets/devset/audits/holdout-3
    scripts/dev/sound_by_both.py --from dev-245 datasets/devset/audits/fresh-holdout

`--from ID` counts only the cases of dialogues from ID on (the fresh-holdout sheet
also holds outputs on older dialogues).

Reads DIR/judge-a and DIR/judge-c (each a filled `rsbench audit sample` sheet with
its key.csv). For repetition, `near-copy` counts as sound (it is one by design), as
`rsbench audit ledger` counts it. Prints type, judged, sound by both.
"""
import collections
import csv
import sys


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["item"]: r for r in csv.DictReader(f)}


def number(case_id):
    return int(case_id.split("-")[1])


def main(audit, first):
    key = rows(f"{audit}/judge-a/key.csv")
    a = rows(f"{audit}/judge-a/sheet.csv")
    c = rows(f"{audit}/judge-c/sheet.csv")
    counts = collections.defaultdict(lambda: [0, 0])
    for item, k in key.items():
        if k["role"] != "negative" or number(k["case_id"]) < first:
            continue
        kind = k["family"].split("/")[0]
        ok = lambda v: v == "sound" or (kind == "repetition" and v == "near-copy")
        counts[kind][0] += 1
        counts[kind][1] += ok(a[item]["verdict"]) and ok(c[item]["verdict"])
    for kind, (judged, both) in sorted(counts.items()):
        print(f"{kind}\t{judged}\t{both}")


if __name__ == "__main__":
    args = sys.argv[1:]
    first = 0
    if args[:1] == ["--from"]:
        first, args = number(args[1]), args[2:]
    for d in args:
        print(f"# {d}")
        main(d, first)
