//! BERT-family encoders (BERT, RoBERTa / XLM-R, ELECTRA) and their sequence
//! classification heads, on libtorch with Hugging Face's weight names.

use tch::{Kind, Tensor};

use super::config::{Activation, Family, Head, ModelConfig};
use super::weights::Weights;
use super::ModelError;

/// A dense layer: in the weights' precision (fp32 or bf16), or with int8 weights.
enum Linear {
    Dense { w: Tensor, b: Tensor },
    Int8(Int8Linear),
}

/// int8 weights, one symmetric scale per output channel (`w ≈ q · scale`), and
/// activations quantised the same way per row at run time: the product runs on
/// the CPU's int8 dot-product units (`_int_mm`, oneDNN: VNNI or AMX) with int32
/// sums, which one multiplication by both scales brings back to fp32. Per-row and
/// per-channel scales keep a row's outlier from costing other rows their
/// resolution; the rounding left is what the near-tie re-scoring measures.
struct Int8Linear {
    /// `[in, out]`: the transposed view of the `[out, in]` int8 matrix.
    q: Tensor,
    /// `[out]` fp32.
    scale: Tensor,
    b: Tensor,
}

/// The largest magnitude a symmetric int8 code takes (−127..127: −128 unused,
/// so that negation stays in range).
const INT8_MAX: f64 = 127.0;

impl Int8Linear {
    fn quantize(w: &Tensor, b: Tensor) -> Int8Linear {
        let scale = w.abs().amax([1], true).clamp_min(1e-12) / INT8_MAX;
        let q = (w / &scale).round().to_kind(Kind::Int8);
        Int8Linear {
            q: q.tr(),
            scale: scale.squeeze_dim(1),
            b,
        }
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let mut shape = x.size();
        let k = shape.last().copied().unwrap_or(0);
        let rows = x.reshape([-1, k]);
        let amax = rows.abs().amax([1], true).clamp_min(1e-12);
        let xq = (&rows * (INT8_MAX / &amax)).round().to_kind(Kind::Int8);
        let mut y = xq.internal_int_mm(&self.q).to_kind(Kind::Float);
        let _ = y.g_mul_(&(amax / INT8_MAX)).g_mul_(&self.scale).g_add_(&self.b);
        if let Some(last) = shape.last_mut() {
            *last = self.b.size()[0];
        }
        y.view(shape.as_slice())
    }
}

impl Linear {
    fn encoder(w: &mut Weights, name: &str, out: i64, inp: i64) -> Result<Self, ModelError> {
        let weight = w.encoder_compute(&format!("{name}.weight"), &[out, inp])?;
        let b = w.encoder_compute(&format!("{name}.bias"), &[out])?;
        Ok(if w.compute_kind() == Kind::Int8 {
            Linear::Int8(Int8Linear::quantize(&weight, b))
        } else {
            Linear::Dense { w: weight, b }
        })
    }

    fn head(w: &mut Weights, name: &str, out: i64, inp: i64) -> Result<Self, ModelError> {
        Ok(Linear::Dense {
            w: w.head(&format!("{name}.weight"), &[out, inp])?,
            b: w.head(&format!("{name}.bias"), &[out])?,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        match self {
            Linear::Dense { w, b } => x.linear(w, Some(b)),
            Linear::Int8(q) => q.forward(x),
        }
    }
}

struct LayerNorm {
    w: Tensor,
    b: Tensor,
    eps: f64,
    dim: i64,
}

impl LayerNorm {
    fn load(w: &mut Weights, name: &str, dim: i64, eps: f64) -> Result<Self, ModelError> {
        Ok(LayerNorm {
            w: w.encoder(&format!("{name}.weight"), &[dim])?,
            b: w.encoder(&format!("{name}.bias"), &[dim])?,
            eps,
            dim,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        x.layer_norm([self.dim], Some(&self.w), Some(&self.b), self.eps, true)
    }
}

struct Layer {
    qkv: Projections,
    attn_out: Linear,
    attn_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_norm: LayerNorm,
}

/// The attention's query, key and value projections. Kept apart where each is
/// transformers' own operation (fp32, bf16: the rounding stays theirs); one
/// product for int8, whose three share one quantised input and whose int32
/// sums do not depend on how the product is blocked.
enum Projections {
    Apart { query: Linear, key: Linear, value: Linear },
    Fused(Int8Linear),
}

impl Projections {
    fn load(w: &mut Weights, prefix: &str, h: i64) -> Result<Self, ModelError> {
        let [query, key, value] = ["query", "key", "value"].map(|n| format!("{prefix}.attention.self.{n}"));
        if w.compute_kind() != Kind::Int8 {
            return Ok(Projections::Apart {
                query: Linear::encoder(w, &query, h, h)?,
                key: Linear::encoder(w, &key, h, h)?,
                value: Linear::encoder(w, &value, h, h)?,
            });
        }
        let mut weights = Vec::with_capacity(3);
        let mut biases = Vec::with_capacity(3);
        for name in [&query, &key, &value] {
            weights.push(w.encoder_compute(&format!("{name}.weight"), &[h, h])?);
            biases.push(w.encoder_compute(&format!("{name}.bias"), &[h])?);
        }
        Ok(Projections::Fused(Int8Linear::quantize(
            &Tensor::cat(&weights, 0),
            Tensor::cat(&biases, 0),
        )))
    }

    /// Query, key and value `[B, L, H]` each.
    fn forward(&self, x: &Tensor) -> (Tensor, Tensor, Tensor) {
        match self {
            Projections::Apart { query, key, value } => (query.forward(x), key.forward(x), value.forward(x)),
            Projections::Fused(qkv) => {
                let parts = qkv.forward(x).chunk(3, -1);
                match <[Tensor; 3]>::try_from(parts) {
                    Ok([q, k, v]) => (q, k, v),
                    Err(_) => unreachable!("a [.., 3H] tensor splits in three"),
                }
            }
        }
    }
}

enum ClassifierHead {
    /// BERT: pooler (dense + tanh on [CLS]) then a linear classifier.
    Pooled { pooler: Linear, classifier: Linear },
    /// RoBERTa (tanh) and ELECTRA (GELU): dense + activation + out_proj on the first token.
    Dense {
        dense: Linear,
        out_proj: Linear,
        gelu: bool,
    },
}

/// Mixed precision as torch.autocast does it: the layers' matrix products and
/// attention in the compute precision (bf16 or fp32); embeddings, residual
/// sums, LayerNorms and the classification head in fp32. With int8 the layers'
/// matrix products run on int8 codes ([`Int8Linear`]) and everything else,
/// attention included, in fp32.
pub struct Encoder {
    pub config: ModelConfig,
    compute: Kind,
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    emb_norm: LayerNorm,
    emb_project: Option<Linear>,
    layers: Vec<Layer>,
    classifier: Option<ClassifierHead>,
}

impl Encoder {
    pub fn load(config: ModelConfig, w: &mut Weights) -> Result<Encoder, ModelError> {
        let c = &config;
        let (h, e, eps) = (c.hidden_size, c.embedding_size, c.layer_norm_eps);
        let word = w.encoder("embeddings.word_embeddings.weight", &[c.vocab_size, e])?;
        let position = w.encoder("embeddings.position_embeddings.weight", &[c.max_positions, e])?;
        let token_type = w.encoder("embeddings.token_type_embeddings.weight", &[c.type_vocab_size, e])?;
        let emb_norm = LayerNorm::load(w, "embeddings.LayerNorm", e, eps)?;
        let emb_project = if c.family == Family::Electra && e != h {
            Some(Linear::encoder(w, "embeddings_project", h, e)?)
        } else {
            None
        };
        let mut layers = Vec::with_capacity(c.layers as usize);
        for i in 0..c.layers {
            let p = format!("encoder.layer.{i}");
            layers.push(Layer {
                qkv: Projections::load(w, &p, h)?,
                attn_out: Linear::encoder(w, &format!("{p}.attention.output.dense"), h, h)?,
                attn_norm: LayerNorm::load(w, &format!("{p}.attention.output.LayerNorm"), h, eps)?,
                intermediate: Linear::encoder(w, &format!("{p}.intermediate.dense"), c.intermediate_size, h)?,
                output: Linear::encoder(w, &format!("{p}.output.dense"), h, c.intermediate_size)?,
                out_norm: LayerNorm::load(w, &format!("{p}.output.LayerNorm"), h, eps)?,
            });
        }
        let classifier = match (c.head, c.family) {
            (Head::Encoder, _) => None,
            (Head::Classification, Family::Bert) => Some(ClassifierHead::Pooled {
                pooler: Linear::Dense {
                    w: w.encoder("pooler.dense.weight", &[h, h])?,
                    b: w.encoder("pooler.dense.bias", &[h])?,
                },
                classifier: Linear::head(w, "classifier", c.num_labels, h)?,
            }),
            (Head::Classification, family) => Some(ClassifierHead::Dense {
                dense: Linear::head(w, "classifier.dense", h, h)?,
                out_proj: Linear::head(w, "classifier.out_proj", c.num_labels, h)?,
                gelu: family == Family::Electra,
            }),
        };
        Ok(Encoder {
            config,
            compute: match w.compute_kind() {
                Kind::Int8 => Kind::Float,
                kind => kind,
            },
            word,
            position,
            token_type,
            emb_norm,
            emb_project,
            layers,
            classifier,
        })
    }

    /// Each activation is the same sequence of torch operations transformers runs
    /// (`transformers/activations.py`), so the rounding matches too: the written-out GELUs
    /// differ from torch's fused kernels in the last bit, which a badly conditioned
    /// model amplifies past 1e-4 in its scores.
    fn activate(&self, x: &Tensor) -> Tensor {
        match self.config.activation {
            Activation::Gelu => x.gelu("none"),
            Activation::GeluPython => x * 0.5 * ((x / std::f64::consts::SQRT_2).erf() + 1.0),
            Activation::GeluTanh => x.gelu("tanh"),
            Activation::GeluNew => {
                let sqrt_2_over_pi = (2.0 / std::f64::consts::PI).sqrt();
                x * 0.5 * (((x + x.pow_tensor_scalar(3.0) * 0.044715) * sqrt_2_over_pi).tanh() + 1.0)
            }
            Activation::GeluFast => x * 0.5 * ((x * 0.7978845608 * (x * 0.044715 * x + 1.0)).tanh() + 1.0),
            Activation::Gelu10 => x.gelu("none").clamp(-10.0, 10.0),
            Activation::Relu => x.relu(),
            Activation::Relu2 => x.relu().square(),
            Activation::Relu6 => x.relu6(),
            Activation::LeakyRelu => x.leaky_relu(),
            Activation::Silu => x.silu(),
            Activation::QuickGelu => x * (x * 1.702).sigmoid(),
            Activation::Mish => x.mish(),
            Activation::Hardswish => x.hardswish(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Tanh => x.tanh(),
            Activation::Laplace => {
                // MEGA's constants as transformers spells them, not FRAC_1_SQRT_2.
                #[allow(clippy::approx_constant)]
                let mu = 0.707107;
                (((x - mu) / (0.282095 * std::f64::consts::SQRT_2)).erf() + 1.0) * 0.5
            }
            Activation::SqrtSoftplus => x.softplus().sqrt(),
            Activation::Linear => x.shallow_clone(),
        }
    }

    /// Last hidden states `[B, L, H]` for ids, token types and mask `[B, L]` (int64).
    pub fn hidden_states(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Tensor {
        let (b, l) = (ids.size()[0], ids.size()[1]);
        let device = ids.device();
        let positions = match self.config.family {
            // fairseq numbering: padding_idx + 1 + index among non-pad tokens.
            Family::Roberta => {
                let pad = self.config.pad_token_id;
                let not_pad = ids.ne(pad).to_kind(Kind::Int64);
                not_pad.cumsum(1, Kind::Int64) * &not_pad + pad
            }
            _ => Tensor::arange(l, (Kind::Int64, device))
                .unsqueeze(0)
                .expand([b, l], false),
        };
        // Summed in transformers' order: float addition does not associate, and an
        // ill-conditioned model amplifies the last bit of its embeddings to 1e-4 in its scores.
        let mut x = Tensor::embedding(&self.word, ids, -1, false, false)
            + Tensor::embedding(&self.token_type, types, -1, false, false)
            + Tensor::embedding(&self.position, &positions, -1, false, false);
        x = self.emb_norm.forward(&x);
        let heads = self.config.heads;
        let dh = self.config.hidden_size / heads;
        // Boolean mask, true = attend; [B, 1, 1, L] broadcasts over heads and queries.
        let attend = mask.ne(0).view([b, 1, 1, l]);
        if let Some(p) = &self.emb_project {
            x = p.forward(&x.to_kind(self.compute)).to_kind(Kind::Float);
        }
        for layer in &self.layers {
            let xc = x.to_kind(self.compute);
            let split = |t: Tensor| t.view([b, l, heads, dh]).transpose(1, 2);
            let (q, k, v) = layer.qkv.forward(&xc);
            let (q, k, v) = (split(q), split(k), split(v));
            let ctx = Tensor::scaled_dot_product_attention(&q, &k, &v, Some(&attend), 0.0, false, None, false);
            let ctx = ctx.transpose(1, 2).contiguous().view([b, l, heads * dh]);
            let a = layer
                .attn_norm
                .forward(&(layer.attn_out.forward(&ctx).to_kind(Kind::Float) + &x));
            let i = self.activate(&layer.intermediate.forward(&a.to_kind(self.compute)));
            x = layer
                .out_norm
                .forward(&(layer.output.forward(&i).to_kind(Kind::Float) + &a));
        }
        x
    }

    /// Classification logits `[B, num_labels]`; `None` for a bare encoder.
    pub fn logits(&self, hidden: &Tensor) -> Option<Tensor> {
        let first = hidden.select(1, 0).to_kind(Kind::Float);
        match self.classifier.as_ref()? {
            ClassifierHead::Pooled { pooler, classifier } => Some(classifier.forward(&pooler.forward(&first).tanh())),
            ClassifierHead::Dense { dense, out_proj, gelu } => {
                let x = dense.forward(&first);
                let x = if *gelu { x.gelu("none") } else { x.tanh() };
                Some(out_proj.forward(&x))
            }
        }
    }
}

/// Seconds (best of `samples` samples) that one `[rows, inp] → [rows, out]` layer
/// takes in `kind` as the encoder runs it: fp32; bf16 with its casts in and out;
/// int8 with its quantising and rescaling. The `--dtype auto` probe. `None` when
/// the first call took longer than `give_up` seconds: the probe's early stop for
/// a precision clearly slower than fp32.
pub fn time_layer_within(kind: Kind, rows: i64, inp: i64, out: i64, samples: usize, give_up: f64) -> Option<f64> {
    let _guard = tch::no_grad_guard();
    // Fixed values, not the global generator: speed does not depend on them.
    let w = (Tensor::arange(out * inp, (Kind::Float, tch::Device::Cpu)).view([out, inp]) * 0.37).sin() * 0.05;
    let b = Tensor::zeros([out], (Kind::Float, tch::Device::Cpu));
    let x = (Tensor::arange(rows * inp, (Kind::Float, tch::Device::Cpu)).view([rows, inp]) * 0.11).cos();
    let layer = match kind {
        Kind::Int8 => Linear::Int8(Int8Linear::quantize(&w, b)),
        Kind::BFloat16 => Linear::Dense {
            w: w.to_kind(Kind::BFloat16),
            b: b.to_kind(Kind::BFloat16),
        },
        _ => Linear::Dense { w, b },
    };
    let run = || match kind {
        Kind::BFloat16 => layer.forward(&x.to_kind(Kind::BFloat16)).to_kind(Kind::Float),
        _ => layer.forward(&x),
    };
    let first = std::time::Instant::now();
    let _ = run().size();
    if first.elapsed().as_secs_f64() > give_up {
        return None;
    }
    // Each sample averages enough calls to last 2 ms: a small layer's single call
    // is tens of microseconds, which one context switch on a busy machine dwarfs.
    let mut best = f64::INFINITY;
    for _ in 0..samples.max(1) {
        let started = std::time::Instant::now();
        let mut calls = 0u32;
        while calls == 0 || started.elapsed().as_secs_f64() < 2e-3 {
            let y = run();
            let _ = y.size();
            calls += 1;
        }
        best = best.min(started.elapsed().as_secs_f64() / f64::from(calls));
    }
    Some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense(x: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
        x.linear(w, Some(b))
    }

    #[test]
    fn int8_layers_stay_within_their_rounding_of_fp32() {
        let (rows, inp, out) = (37i64, 96i64, 80i64);
        let w = (Tensor::arange(out * inp, (Kind::Float, tch::Device::Cpu)).view([out, inp]) * 0.7).sin() * 0.1;
        let b = (Tensor::arange(out, (Kind::Float, tch::Device::Cpu)) * 0.3).cos();
        // A row with an outlier: per-row scales keep it from blurring the others.
        let x = (Tensor::arange(rows * inp, (Kind::Float, tch::Device::Cpu)).view([rows, inp]) * 0.13).cos();
        let _ = x.get(3).get(5).fill_(40.0);
        let exact = dense(&x, &w, &b);
        let q = Int8Linear::quantize(&w, b.shallow_clone());
        let got = q.forward(&x);
        assert_eq!(got.size(), exact.size());
        let err = (&got - &exact).abs();
        // Each product term carries at most half a step of both codes, so a row's
        // error is bounded by its scale times the weights' and inputs' magnitudes.
        let row_scale = x.abs().amax([1], true) / INT8_MAX;
        let w_scale = w.abs().amax([1], false) / INT8_MAX;
        let bound = (&row_scale * w.abs().sum_dim_intlist(1, false, Kind::Float) * 0.5
            + x.abs().matmul(&w_scale.unsqueeze(1).expand([out, inp], false).tr()) * 0.5)
            * 1.01
            + 1e-5;
        assert!(
            err.le_tensor(&bound).all().int64_value(&[]) == 1,
            "an int8 layer left its rounding bound"
        );
        // The outlier row is coarser than the others, which keep a fine grid.
        let typical = err.narrow(0, 0, 3).max().double_value(&[]);
        let outlier = err.get(3).max().double_value(&[]);
        assert!(
            typical < 0.01 && outlier > typical,
            "typical {typical}, outlier row {outlier}"
        );
        // Rows are quantised on their own: a row's result does not depend on the batch.
        let alone = q.forward(&x.narrow(0, 0, 1));
        assert!(alone.eq_tensor(&got.narrow(0, 0, 1)).all().int64_value(&[]) == 1);
    }

    #[test]
    fn fused_projections_split_as_the_three_products_would() {
        let h = 24i64;
        let ws: Vec<Tensor> = (0..3)
            .map(|i| (Tensor::arange(h * h, (Kind::Float, tch::Device::Cpu)).view([h, h]) * (0.2 + i as f64)).sin())
            .collect();
        let bs: Vec<Tensor> = (0..3)
            .map(|i| Tensor::full([h], i as f64, (Kind::Float, tch::Device::Cpu)))
            .collect();
        let fused = Projections::Fused(Int8Linear::quantize(&Tensor::cat(&ws, 0), Tensor::cat(&bs, 0)));
        let x = (Tensor::arange(2 * 5 * h, (Kind::Float, tch::Device::Cpu)).view([2, 5, h]) * 0.3).cos();
        let (q, k, v) = fused.forward(&x);
        for (got, (w, b)) in [q, k, v].iter().zip(ws.iter().zip(&bs)) {
            let alone = Int8Linear::quantize(w, b.shallow_clone()).forward(&x);
            assert!(
                got.eq_tensor(&alone).all().int64_value(&[]) == 1,
                "fused and separate int8 products differ"
            );
        }
    }

    #[test]
    fn the_layer_probe_times_every_precision() {
        for kind in [Kind::Float, Kind::BFloat16, Kind::Int8] {
            let t = time_layer_within(kind, 64, 32, 48, 5, f64::INFINITY).unwrap_or(f64::INFINITY);
            assert!(t.is_finite() && t > 0.0, "{kind:?}: {t}");
        }
    }
}
