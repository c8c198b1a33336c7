"""The share of a split's negatives that a second analyser, kiwipiepy, reads cleanly: the
cross-check of `examples/readable_share.rs` (issue 27, docs/perturbation.md).

    .venv/bin/python benches/readable_share_kiwi.py DIR [--show N]

DIR holds KorAdvMRS-format JSONL files (the positive first, the negatives after it with label
0). Dev-only: `.venv/bin/pip install kiwipiepy` (0.24.1 with kiwipiepy_model 0.24.0 measured).

The same reasons as the Rust example, read off kiwi's tokens:

- unknown: a token kiwi marks `oov` (a form not in its dictionary that its model guessed a
  noun for: 쉙, 뷁뷁). Kiwi's own "cannot analyse" tag `UN` would count too; it did not occur.
- jamo: a token whose text is only jamo (kiwi tags such runs `SW`), except chat jamo, runs of
  ㅋ ㅎ ㅠ ㅜ ㅡ ㄷ ㅇ only (ㅋㅋ, ㅠㅠ, ㅇㅇ), which strict readability counts as chat-jamo.
- stemless: a word (at the start, after a space, or right after a symbol token) whose first
  token with any text is a pre-final or final ending (`EP`, `EF`).
- symbol-inside: a symbol token (`SW`, `SO`) that is not jamo, with a Hangul syllable right
  before and after it.

Kiwi's `Z_CODA` (a coda added in chat, 하는뎅, 갔어욬) and `W_*` tokens (emoji, URLs) are read
as sound.
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from kiwipiepy import Kiwi

CHAT_JAMO = set("ㅋㅎㅠㅜㅡㄷㅇ")


def is_jamo(c):
    return "\u3131" <= c <= "\u318e" or "\u1100" <= c <= "\u11ff"


def is_syllable(c):
    return "\uac00" <= c <= "\ud7a3"


def reasons(text, tokens):
    out = []
    prev = None
    for t in tokens:
        surface = text[t.start : t.end]
        if t.len == 0:
            continue
        if all(is_jamo(c) for c in surface):
            kind = "chat-jamo" if set(surface) <= CHAT_JAMO else "jamo"
            out.append((kind, surface))
            prev = t
            continue
        if t.oov or t.tag == "UN":
            out.append(("unknown", surface))
        before = text[t.start - 1] if t.start > 0 else None
        after = text[t.end] if t.end < len(text) else None
        word_start = (
            before is None
            or before.isspace()
            or (prev is not None and prev.end == t.start and prev.tag.startswith("S"))
        )
        # A word's first token with text: several tokens can share a syllable (갔 → 가 + 었).
        first_of_word = word_start and (prev is None or prev.end <= t.start)
        if first_of_word and t.tag in ("EP", "EF"):
            out.append(("stemless", f"{surface}/{t.tag}"))
        if t.tag in ("SW", "SO") and before and after and is_syllable(before) and is_syllable(after):
            out.append(("symbol-inside", surface))
        prev = t
    return out


class Tally:
    def __init__(self):
        self.texts = self.readable = self.strict = 0
        self.kinds = Counter()
        self.reasons = Counter()
        self.examples = []

    def add(self, text, found, show):
        self.texts += 1
        broken = [r for r in found if r[0] != "chat-jamo"]
        self.readable += not broken
        self.strict += not found
        self.kinds.update({k for k, _ in found})
        labels = sorted({f"{k} {s}" for k, s in broken})
        self.reasons.update(labels)
        if labels and len(self.examples) < show:
            self.examples.append((text, labels))

    def line(self, what):
        pct = lambda n: 100.0 * n / max(self.texts, 1)
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items(), key=lambda x: (-x[1], x[0])))
        top = sorted(self.reasons.items(), key=lambda x: (-x[1], x[0]))[:5]
        top = "; ".join(f"{r} ({n})" for r, n in top) or "-"
        return (
            f"  {what:<9} {self.texts:>5}  readable {pct(self.readable):5.1f} %  "
            f"strict {pct(self.strict):5.1f} %  [{kinds}]  top: {top}"
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    kiwi = Kiwi()
    cache = {}

    def analyse(text):
        if text not in cache:
            cache[text] = reasons(text, kiwi.tokenize(text))
        return cache[text]

    all_neg, all_pos = Tally(), Tally()
    print(f"{args.dir} (kiwipiepy; readable: no unknown, jamo, stemless or symbol-inside token; "
          "strict: chat jamo count too)")
    for path in sorted(args.dir.glob("*.jsonl")):
        neg, pos = Tally(), Tally()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            for i, c in enumerate(json.loads(line)["candidates"]):
                text = c["text"]
                if i == 0:
                    pos.add(text, analyse(text), 0)
                    all_pos.add(text, analyse(text), 0)
                elif c["label"] == 0:
                    neg.add(text, analyse(text), args.show)
                    all_neg.add(text, analyse(text), 0)
        print(path.stem)
        print(neg.line("negatives"))
        print(pos.line("positives"))
        for text, why in neg.examples:
            print(f"    {text}\t{'; '.join(why)}")
    print("all files")
    print(all_neg.line("negatives"))
    print(all_pos.line("positives"))


if __name__ == "__main__":
    main()
