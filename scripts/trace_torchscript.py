"""Traces a Hugging Face cross-encoder checkpoint to TorchScript on a chosen device, with the
rsbench.toml sidecar that `rsbench eval --model` reads (used by scripts/gpu_check.sh).

    python scripts/trace_torchscript.py CHECKPOINT_DIR OUT_DIR [--device cpu|cuda]

torch.jit.trace writes the tracing device into the graph, so a module meant for `--device cuda`
must be traced on the GPU; one traced on the CPU is refused there with that explanation.
"""

import argparse
import shutil
import sys
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
from make_fixtures import TupleOut  # noqa: E402  (the wrapper the TorchScript fixture is traced with)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    src, out = Path(args.checkpoint), Path(args.out)
    out.mkdir(parents=True, exist_ok=False)
    for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]:
        if (src / name).is_file():
            shutil.copy(src / name, out / name)
    model = AutoModelForSequenceClassification.from_pretrained(str(src), attn_implementation="eager")
    model = TupleOut(model.eval()).to(args.device)
    tok = AutoTokenizer.from_pretrained(str(src))
    enc = tok(["안녕 오늘 뭐 해", "밥 먹었어"], ["집에 있어", "응 먹었어"], padding=True, return_tensors="pt").to(args.device)
    with torch.inference_mode():
        traced = torch.jit.trace(model, (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]))
    traced.save(str(out / "model.pt"))
    (out / "rsbench.toml").write_text(
        '[torchscript]\nfile = "model.pt"\ninputs = ["input_ids", "attention_mask", "token_type_ids"]\n'
        'output = "logits"\noutput_index = 0\n'
    )


if __name__ == "__main__":
    main()
