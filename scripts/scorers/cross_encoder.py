"""A scorer process for `rsbench eval --scorer-cmd`: a sentence-transformers CrossEncoder.

    pip install sentence-transformers   # not one of rsbench's dependencies
    rsbench eval --scorer-cmd ".venv/bin/python scripts/scorers/cross_encoder.py MODEL"

The context's turns are joined by a space and scored against the response with
`CrossEncoder.predict`; a model with two labels scores label 1 minus label 0. Protocol: a
handshake line, then one answer line per request line (docs/scorers.md, "A scorer process").
"""

import json
import sys

import sentence_transformers
from sentence_transformers import CrossEncoder


def main():
    model = CrossEncoder(sys.argv[1])
    print(json.dumps({"name": f"cross-encoder:{sys.argv[1]}", "version": sentence_transformers.__version__}),
          flush=True)
    for line in sys.stdin:
        pairs = json.loads(line)["pairs"]
        out = model.predict([(" ".join(p["context"]), p["response"]) for p in pairs], convert_to_numpy=True)
        scores = [float(s[1] - s[0]) if getattr(s, "ndim", 0) == 1 and len(s) == 2 else float(s) for s in out]
        print(json.dumps({"scores": scores}), flush=True)


if __name__ == "__main__":
    main()
