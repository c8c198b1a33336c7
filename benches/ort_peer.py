"""ONNX Runtime as the speed peer of benches/model_throughput.py (dev-only: `onnxruntime` and
`onnx` in the venv for the benchmark, never for rsbench).

What a performance-minded user would run: the checkpoint exported once with
`torch.onnx.export` (TorchScript exporter, opset 17, dynamic batch and length), the transformer
graph optimiser (`onnxruntime.transformers.optimizer`, fused attention, LayerNorm and GELU), and
for int8 `quantize_dynamic` (int8 weights, activations quantised per tensor at run time). Scoring
uses the same tokenisation as rsbench (transformers' tokenizer, the context turns joined by the
separator token, `only_first` truncation), batches of 32 in length order, the machine's threads.
The time of a row includes creating the session and tokenising, as rsbench's includes loading;
the export and optimisation are one-off and printed apart.
"""

import time
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer


def export(model_dir, out_dir, bi=False):
    """fp32 (optimised) and int8 ONNX files for a checkpoint, and the seconds that took."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    out_dir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    cls = AutoModel if bi else AutoModelForSequenceClassification
    model = cls.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.ones(2, 16, dtype=torch.long)
    raw = out_dir / "model.onnx"
    output = "last_hidden_state" if bi else "logits"
    class Named(torch.nn.Module):
        """The checkpoint called with its three inputs by name (positions differ between
        transformers' model classes)."""

        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out[0]

    with torch.inference_mode():
        torch.onnx.export(Named(model), (ids, ids, torch.zeros_like(ids)), str(raw), input_names=names,
                          output_names=[output], dynamic_axes={k: {0: "batch", 1: "length"} for k in names},
                          opset_version=17, dynamo=False)
    config = model.config
    optimised = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                         hidden_size=config.hidden_size, opt_level=1)
    fp32 = out_dir / "model.opt.onnx"
    optimised.save_model_to_file(str(fp32))
    int8 = out_dir / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return fp32, int8, time.perf_counter() - t


def _session(path, threads):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _run(session, encodings, batch=32):
    """Rows of the model's first output, in input order; length-sorted batches."""
    order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i]["input_ids"]))
    wanted = {i.name for i in session.get_inputs()}
    rows = [None] * len(encodings)
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        length = max(len(encodings[j]["input_ids"]) for j in chunk)
        feed = {k: np.zeros((len(chunk), length), dtype=np.int64) for k in wanted}
        for r, j in enumerate(chunk):
            for k in feed:
                v = encodings[j].get(k, [0] * len(encodings[j]["input_ids"]))
                feed[k][r, : len(v)] = v
        out = session.run(None, feed)[0]
        for r, j in enumerate(chunk):
            n = len(encodings[j]["input_ids"])
            rows[j] = out[r] if out.ndim == 2 else out[r, :n]
    return rows


def cross_scores(model_dir, onnx_path, pairs, threads):
    """(seconds, scores) of a classifier: label 1's logit minus label 0's, as rsbench scores."""
    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    encodings = [tok(tok.sep_token.join(c), r, truncation="only_first", max_length=tok.model_max_length)
                 for c, r, _ in pairs]
    rows = _run(_session(onnx_path, threads), encodings)
    scores = [float(x[1] - x[0]) if len(x) == 2 else float(x[0]) for x in rows]
    return time.perf_counter() - t, scores


def bi_scores(model_dir, onnx_path, pairs, threads, query_prefix="query: ", passage_prefix="passage: "):
    """(seconds, scores) of a mean-pooled bi-encoder: each distinct text encoded once."""
    t = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    queries = sorted({query_prefix + " ".join(c) for c, _, _ in pairs})
    passages = sorted({passage_prefix + r for _, r, _ in pairs})
    texts = queries + passages
    session = _session(onnx_path, threads)
    rows = _run(session, [tok(x, truncation=True, max_length=tok.model_max_length) for x in texts])
    emb = {}
    for text, h in zip(texts, rows):
        v = h.mean(0)
        emb[text] = v / max(np.linalg.norm(v), 1e-12)
    scores = [float(emb[query_prefix + " ".join(c)] @ emb[passage_prefix + r]) for c, r, _ in pairs]
    return time.perf_counter() - t, scores
