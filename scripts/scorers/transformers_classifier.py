"""A scorer process for `rsbench eval --scorer-cmd`: a transformers sequence classifier.

    rsbench eval --scorer-cmd ".venv/bin/python scripts/scorers/transformers_classifier.py MODEL_DIR"

Scores as rsbench's native scorer does (docs/scorers.md): the context's turns joined by the
tokenizer's separator (or MODEL_DIR/rsbench.toml's turn_separator), the response as the second
segment, the oldest context tokens cut first; the score is the single logit, or logit 1 minus
logit 0. Protocol: a handshake line declaring its identity (the SHA-256 of MODEL_DIR's files,
which keys rsbench's score cache: changed weights are scored again), then one answer line per
request line, echoing the request's ids (docs/scorers.md, "A scorer process").
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def files_digest(path):
    """SHA-256 over MODEL_DIR's files (names and contents, hidden ones aside), links followed."""
    total = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and not any(x.startswith(".") for x in p.relative_to(path).parts)):
        h = hashlib.sha256()
        with open(f, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                h.update(block)
        total.update(f"{f.relative_to(path).as_posix()}\0{h.hexdigest()}\n".encode())
    return "sha256:" + total.hexdigest()


def main():
    path = Path(sys.argv[1])
    tok = AutoTokenizer.from_pretrained(str(path))
    tok.truncation_side = "left"
    model = AutoModelForSequenceClassification.from_pretrained(str(path), dtype=torch.float32).eval()
    sidecar = path / "rsbench.toml"
    options = tomllib.loads(sidecar.read_text()) if sidecar.exists() else {}
    separator = options.get("turn_separator", tok.sep_token)
    max_length = min(options.get("max_length", tok.model_max_length), model.config.max_position_embeddings)
    print(json.dumps({"name": f"transformers-classifier:{path.name}", "version": transformers.__version__,
                      "identity": files_digest(path)}), flush=True)
    for line in sys.stdin:
        pairs = json.loads(line)["pairs"]
        scores = []
        for p in pairs:
            enc = tok(separator.join(p["context"]), p["response"], truncation="only_first",
                      max_length=max_length, return_tensors="pt")
            if model.config.type_vocab_size < 2:
                enc.pop("token_type_ids", None)
            with torch.inference_mode():
                logits = model(**enc).logits[0].float()
            scores.append(float(logits[0] if logits.numel() == 1 else logits[1] - logits[0]))
        print(json.dumps({"ids": [p["id"] for p in pairs], "scores": scores}), flush=True)


if __name__ == "__main__":
    main()
