#!/usr/bin/env python3
"""How far negatives can be told from true replies by their form alone: a
response-only probe, trained and tested by dialogue folds.

    scripts/dev/form_probe.py DIR [DIR ...] [--folds 5] [--seed 42]

Each DIR holds JSONL cases in rsbench's format (a `rsbench perturb` output, or
KorAdvMRS itself): candidates[0] is the true reply, the candidates labelled 0
are negatives, and the file name is the type. A case's dialogue is its
`src_dlg_id` (or its context, joined), so that every fold holds whole
dialogues: no reply is tested by a probe that saw its dialogue.

The probe is a multinomial naive Bayes over the reply's character 1–3-grams
(word boundaries marked) and its word count, trained on all types together:
what a model fine-tuned on such negatives could learn without reading the
context. It is tested pairwise, per type: a pair (true reply, negative of the
same case) counts as told apart when the probe finds the negative more
negative-like; ties count one half. 50 % means the form gives nothing away;
100 % means every negative can be rejected without the context. 95 %
intervals by resampling dialogues (1,000 resamples).

With --unseen-texts, a second row per type keeps out of training every text
of the tested fold, wherever it occurs: a sentence of a bank that other
dialogues also got is then not learnt by heart.

Prints one row per DIR and type: pairs, probe pairwise accuracy, interval.
"""
import argparse
import collections
import json
import math
import random
from pathlib import Path


def grams(text):
    out = []
    for word in text.split():
        w = f"<{word}>"
        for n in (1, 2, 3):
            out += [w[i : i + n] for i in range(len(w) - n + 1)]
    out.append(f"#words={min(len(text.split()), 8)}")
    return out


def load(directory):
    """(type, dialogue, true reply, [negatives]) for each case of DIR."""
    cases = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            case = json.loads(line)
            cands = case["candidates"]
            negatives = [c["text"] for c in cands[1:] if c.get("label", 0) == 0]
            dialogue = case.get("src_dlg_id") or "\u241e".join(case["context"])
            cases.append((path.stem, dialogue, cands[0]["text"], negatives))
    return cases


class Probe:
    def __init__(self, cases, alpha=0.5, unseen=frozenset()):
        self.counts = [collections.Counter(), collections.Counter()]
        for _, _, true, negatives in cases:
            if true not in unseen:
                self.counts[0].update(grams(true))
            for n in negatives:
                if n not in unseen:
                    self.counts[1].update(grams(n))
        self.vocab = len(set(self.counts[0]) | set(self.counts[1])) + 1
        self.totals = [sum(c.values()) for c in self.counts]
        self.alpha = alpha

    def score(self, text):
        """log p(text | negative) - log p(text | true)."""
        s = 0.0
        for g in grams(text):
            p = [
                (self.counts[k][g] + self.alpha) / (self.totals[k] + self.alpha * self.vocab)
                for k in (0, 1)
            ]
            s += math.log(p[1]) - math.log(p[0])
        return s


def run(directory, folds, seed, unseen_texts):
    cases = load(directory)
    dialogues = sorted({c[1] for c in cases})
    rng = random.Random(seed)
    rng.shuffle(dialogues)
    fold_of = {d: i % folds for i, d in enumerate(dialogues)}
    # (type, dialogue) -> list of 1 / 0.5 / 0 per pair
    results = collections.defaultdict(list)
    for f in range(folds):
        tested = [c for c in cases if fold_of[c[1]] == f]
        # A text of the tested fold (a bank sentence another dialogue also
        # got) is not learnt from another dialogue either.
        unseen = frozenset(t for c in tested for t in [c[2], *c[3]]) if unseen_texts else frozenset()
        probe = Probe([c for c in cases if fold_of[c[1]] != f], unseen=unseen)
        for kind, dialogue, true, negatives in tested:
            t = probe.score(true)
            for n in negatives:
                s = probe.score(n)
                results[(kind, dialogue)].append(1.0 if s > t else 0.5 if s == t else 0.0)
    by_type = collections.defaultdict(dict)
    for (kind, dialogue), r in results.items():
        by_type[kind][dialogue] = r
    for kind in sorted(by_type):
        per_dialogue = list(by_type[kind].values())
        pairs = sum(len(r) for r in per_dialogue)
        acc = sum(sum(r) for r in per_dialogue) / pairs
        boot = []
        brng = random.Random(seed)
        for _ in range(1000):
            sample = [per_dialogue[brng.randrange(len(per_dialogue))] for _ in per_dialogue]
            n = sum(len(r) for r in sample)
            boot.append(sum(sum(r) for r in sample) / n)
        boot.sort()
        label = f"{directory} (texts unseen)" if unseen_texts else directory
        print(f"{label}\t{kind}\t{pairs}\t{100 * acc:.1f}\t[{100 * boot[25]:.1f}, {100 * boot[974]:.1f}]")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--unseen-texts",
        action="store_true",
        help="also keep every text of the tested fold out of training (a sentence of a bank that other dialogues got too)",
    )
    args = ap.parse_args()
    print("dir\ttype\tpairs\tprobe pairwise accuracy %\t95 % interval")
    for d in args.dirs:
        run(d, args.folds, args.seed, False)
        if args.unseen_texts:
            run(d, args.folds, args.seed, True)


if __name__ == "__main__":
    main()
