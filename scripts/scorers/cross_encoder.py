"""A scorer process for `rsbench eval --scorer-cmd`: a sentence-transformers CrossEncoder.

    pip install sentence-transformers   # not one of rsbench's dependencies
    rsbench eval --scorer-cmd ".venv-serving/bin/python scripts/scorers/cross_encoder.py MODEL"

(`.venv-serving`, which scripts/setup.sh makes, has sentence-transformers 3.4.1.) The context's
turns are joined by the tokenizer's separator token, as rsbench's native scorer joins them, and
scored against the response with `CrossEncoder.predict`, without its default activation: the
score is the single logit (not its sigmoid), or logit 1 minus logit 0 for a model with two labels.
A pair too long for the model is cut as sentence-transformers cuts it (`longest_first`), not as
rsbench does (the oldest context tokens first). Protocol: a handshake line declaring its identity
(the SHA-256 of the model's files: MODEL's directory, or its snapshot in the Hugging Face cache),
then one answer line per request line, echoing the request's ids (docs/scorers.md, "A scorer
process").
"""

import hashlib
import inspect
import json
import sys
from pathlib import Path

import sentence_transformers
import torch
from sentence_transformers import CrossEncoder


def files_digest(path):
    """SHA-256 over a model directory's files (names and contents, hidden ones aside), links followed."""
    total = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file() and not any(x.startswith(".") for x in p.relative_to(path).parts)):
        h = hashlib.sha256()
        with open(f, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                h.update(block)
        total.update(f"{f.relative_to(path).as_posix()}\0{h.hexdigest()}\n".encode())
    return "sha256:" + total.hexdigest()


def model_dir(name):
    """MODEL's files on disk: the directory itself, or its Hugging Face cache snapshot."""
    if Path(name).is_dir():
        return Path(name)
    try:
        from huggingface_hub import snapshot_download
        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        return None


def main():
    model = CrossEncoder(sys.argv[1])
    separator = model.tokenizer.sep_token or " "
    # sentence-transformers 4 renamed the argument.
    params = inspect.signature(model.predict).parameters
    raw = {"activation_fn" if "activation_fn" in params else "activation_fct": torch.nn.Identity()}
    hello = {"name": f"cross-encoder:{sys.argv[1]}", "version": sentence_transformers.__version__}
    files = model_dir(sys.argv[1])
    if files is not None:
        hello["identity"] = files_digest(files)
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        pairs = json.loads(line)["pairs"]
        out = model.predict([(separator.join(p["context"]), p["response"]) for p in pairs],
                            convert_to_numpy=True, show_progress_bar=False, **raw)
        scores = [float(s[1] - s[0]) if getattr(s, "ndim", 0) == 1 and len(s) == 2 else float(s) for s in out]
        print(json.dumps({"ids": [p["id"] for p in pairs], "scores": scores}), flush=True)


if __name__ == "__main__":
    main()
