"""What libtorch's kernels reach on this CPU for one BERT-base layer, beside what rsbench's
encoder does with them (issue 16: where the time of a rounding pass goes).

    .venv/bin/python benches/layer_kernels.py [--threads N]

Prints GFLOP/s (2·rows·in·out per product) of:
- one 512×768 → 3072 product in fp32, bf16 (with and without rsbench's casts in and out), int8
  as rsbench runs it (per-row activation codes, `_int_mm`, rescale) and `_int_mm` alone, and
  oneDNN's fused `quantized::linear_dynamic` (per-tensor activation codes; not reachable from
  tch 0.26, and batch-dependent);
- a whole encoder layer at 16×64 tokens as rsbench's bf16 path runs it (fp32 residuals and
  LayerNorms, bf16 products and attention), the same with torch's fused linear + GELU
  (`mkldnn::_linear_pointwise`), the layer in fp32, and the layer's six products alone in bf16.
Best of 5 samples, each the mean of 10–20 calls. Dev-only: torch from the project's venv.
"""

import argparse
import os
import time

import torch


def bench(f, n=10):
    f()
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            f()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def products(rows=512, k=768, n=3072):
    x = torch.randn(rows, k)
    w = torch.randn(n, k) * 0.05
    b = torch.randn(n)
    flops = 2 * rows * k * n / 1e9
    show = lambda name, f: print(f"  {name:<46} {flops / bench(f, 20):8.0f} GFLOP/s")
    print(f"one product {rows}×{k} → {n}:")
    show("fp32 linear", lambda: torch.nn.functional.linear(x, w, b))
    wb, bb, xb = w.bfloat16(), b.bfloat16(), x.bfloat16()
    show("bf16 linear with casts in and out", lambda: torch.nn.functional.linear(x.bfloat16(), wb, bb).float())
    show("bf16 linear alone", lambda: torch.nn.functional.linear(xb, wb, bb))
    scale = w.abs().amax(1, keepdim=True) / 127
    q = (w / scale).round().to(torch.int8).t()
    sc = scale.squeeze(1)

    def rsbench_int8():
        amax = x.abs().amax(1, keepdim=True).clamp_min(1e-12)
        xq = (x * (127 / amax)).round().to(torch.int8)
        y = torch._int_mm(xq, q).float()
        return y.mul_(amax / 127).mul_(sc).add_(b)

    show("int8 as rsbench runs it (per-row codes, _int_mm)", rsbench_int8)
    xq = (x * (127 / x.abs().amax(1, keepdim=True))).round().to(torch.int8)
    show("_int_mm alone", lambda: torch._int_mm(xq, q))
    try:
        torch.backends.quantized.engine = "onednn"
        qw = torch.quantize_per_channel(w, sc.double(), torch.zeros(n, dtype=torch.long), 0, torch.qint8)
        packed = torch.ops.quantized.linear_prepack(qw, b)
        show("oneDNN quantized::linear_dynamic (per-tensor)", lambda: torch.ops.quantized.linear_dynamic(x, packed))
    except Exception as e:  # an engine this torch build lacks
        print(f"  oneDNN quantized::linear_dynamic: {e}")


def layer(batch=16, length=64, h=768, inter=3072, heads=12):
    x = torch.randn(batch, length, h)
    mask = torch.ones(batch, 1, 1, length, dtype=torch.bool)
    shapes = dict(q=(h, h), k=(h, h), v=(h, h), o=(h, h), i=(inter, h), d=(h, inter))
    w = {name: (torch.randn(*s) * 0.02, torch.randn(s[0]) * 0.02) for name, s in shapes.items()}
    wb = {name: (a.bfloat16(), c.bfloat16()) for name, (a, c) in w.items()}
    ln = (torch.ones(h), torch.zeros(h))
    split = lambda t: t.view(batch, length, heads, h // heads).transpose(1, 2)

    def encoder_layer(lin, cast_in, cast_out, gelu_lin):
        xc = cast_in(x)
        q, k, v = (split(lin(xc, n)) for n in "qkv")
        ctx = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        ctx = ctx.transpose(1, 2).contiguous().view(batch, length, h)
        a = torch.nn.functional.layer_norm(cast_out(lin(ctx, "o")) + x, (h,), *ln, 1e-12)
        i = gelu_lin(cast_in(a))
        return torch.nn.functional.layer_norm(cast_out(lin(i, "d")) + a, (h,), *ln, 1e-12)

    bf = lambda t, n: torch.nn.functional.linear(t, *wb[n])
    f32 = lambda t, n: torch.nn.functional.linear(t, *w[n])
    to_bf, to_f = (lambda t: t.bfloat16()), (lambda t: t.float())
    ident = lambda t: t
    flops = 2 * batch * length * (4 * h * h + 2 * h * inter) / 1e9
    print(f"one encoder layer, {batch}×{length} tokens (products' FLOPs):")

    def show(name, f):
        t = bench(f)
        print(f"  {name:<46} {t * 1e3:6.2f} ms {flops / t:8.0f} GFLOP/s")

    show("bf16 as rsbench runs it", lambda: encoder_layer(bf, to_bf, to_f, lambda t: torch.nn.functional.gelu(bf(t, "i"))))
    try:
        fused = lambda t: torch.ops.mkldnn._linear_pointwise(t, *wb["i"], "gelu", [], "none")
        show("same, linear + GELU fused (mkldnn)", lambda: encoder_layer(bf, to_bf, to_f, fused))
    except Exception as e:
        print(f"  fused linear + GELU: {e}")
    show("fp32", lambda: encoder_layer(f32, ident, ident, lambda t: torch.nn.functional.gelu(f32(t, "i"))))
    xs = x.bfloat16().view(-1, h)
    wide = torch.randn(batch * length, inter).bfloat16()

    def six_products():
        for n in "qkvo":
            bf(xs, n)
        bf(xs, "i")
        bf(wide, "d")

    show("bf16, the six products alone", six_products)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    info = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    model = next((l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("model name")), "?")
    flags = next((l.split(":", 1)[1].split() for l in info.splitlines() if l.startswith("flags")), [])
    wanted = [f for f in ["avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8"] if f in flags]
    print(f"CPU: {model} [{' '.join(wanted)}], {args.threads} threads, torch {torch.__version__}")
    with torch.no_grad():
        products()
        layer()


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    main()
