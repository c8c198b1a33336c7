"""A scorer process for `rsbench eval --scorer-cmd`: a sentence-transformers CrossEncoder.

    pip install sentence-transformers   # not one of rsbench's dependencies
    rsbench eval --scorer-cmd ".venv-serving/bin/python scripts/scorers/cross_encoder.py MODEL"

(`.venv-serving`, which scripts/setup.sh makes, has sentence-transformers 3.4.1.) The context's
turns are joined by the tokenizer's separator token, as rsbench's native scorer joins them, and
scored against the response with `CrossEncoder.predict`, without its default activation: the
score is the single logit (not its sigmoid), or logit 1 minus logit 0 for a model with two labels.
A pair too long for the model is cut as sentence-transformers cuts it (`longest_first`), not as
rsbench does (the oldest context tokens first). Protocol: a handshake line, then one answer line
per request line (docs/scorers.md, "A scorer process").
"""

import inspect
import json
import sys

import sentence_transformers
import torch
from sentence_transformers import CrossEncoder


def main():
    model = CrossEncoder(sys.argv[1])
    separator = model.tokenizer.sep_token or " "
    # sentence-transformers 4 renamed the argument.
    params = inspect.signature(model.predict).parameters
    raw = {"activation_fn" if "activation_fn" in params else "activation_fct": torch.nn.Identity()}
    print(json.dumps({"name": f"cross-encoder:{sys.argv[1]}", "version": sentence_transformers.__version__}),
          flush=True)
    for line in sys.stdin:
        pairs = json.loads(line)["pairs"]
        out = model.predict([(separator.join(p["context"]), p["response"]) for p in pairs],
                            convert_to_numpy=True, show_progress_bar=False, **raw)
        scores = [float(s[1] - s[0]) if getattr(s, "ndim", 0) == 1 and len(s) == 2 else float(s) for s in out]
        print(json.dumps({"scores": scores}), flush=True)


if __name__ == "__main__":
    main()
