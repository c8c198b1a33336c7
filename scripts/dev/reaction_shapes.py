#!/usr/bin/env python3
"""How many grounded negatives (tense, negation, lexical contradiction) of a
`rsbench perturb` output have the reaction's shape, against the true replies.

    scripts/dev/reaction_shapes.py GEN_DIR TRUE.jsonl [TRUE.jsonl ...]

GEN_DIR holds tense.jsonl, negation.jsonl and lexical_contradiction.jsonl;
the true replies are each case's candidates[0] (KorAdvMRS) or `response`
(the dev set). Prints, for each side: the count, those that start with 아
and end in -구나/-군요, and those that end in any realisation (-구나, -군요,
-네, -네요), trailing punctuation and chat decoration set aside; and those of
four words or fewer.
"""
import json
import re
import sys

TEMPLATE = re.compile(r"^아 .*(구나|군요)[.!~ㅋㅎㅠ]*$")
REALISATION = re.compile(r"(구나|군요|네|네요)[.!~ㅋㅎㅠ]*$")


def counts(texts):
    return (
        len(texts),
        sum(bool(TEMPLATE.search(t)) for t in texts),
        sum(bool(REALISATION.search(t)) for t in texts),
        sum(len(t.split()) <= 4 for t in texts),
    )


def main():
    gen, truths = sys.argv[1], sys.argv[2:]
    negatives = []
    for name in ("tense", "negation", "lexical_contradiction"):
        with open(f"{gen}/{name}.jsonl", encoding="utf-8") as f:
            for line in f:
                case = json.loads(line)
                negatives += [c["text"] for c in case["candidates"][1:]]
    true = []
    for path in truths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                case = json.loads(line)
                true.append(case["response"] if "response" in case else case["candidates"][0]["text"])
    print("side\tcount\t아 … -구나/-군요\tany realisation ending\tfour words or fewer")
    for side, texts in (("generated", negatives), ("true replies", true)):
        print(side, *counts(texts), sep="\t")


if __name__ == "__main__":
    main()
