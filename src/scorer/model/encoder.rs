//! BERT-family encoders (BERT, RoBERTa / XLM-R, ELECTRA) and their sequence
//! classification heads, on libtorch with Hugging Face's weight names.

use tch::{Kind, Tensor};

use super::config::{Activation, Family, Head, ModelConfig};
use super::weights::Weights;
use super::ModelError;

struct Linear {
    w: Tensor,
    b: Tensor,
}

impl Linear {
    fn encoder(w: &mut Weights, name: &str, out: i64, inp: i64) -> Result<Self, ModelError> {
        Ok(Linear {
            w: w.encoder_compute(&format!("{name}.weight"), &[out, inp])?,
            b: w.encoder_compute(&format!("{name}.bias"), &[out])?,
        })
    }

    fn head(w: &mut Weights, name: &str, out: i64, inp: i64) -> Result<Self, ModelError> {
        Ok(Linear {
            w: w.head(&format!("{name}.weight"), &[out, inp])?,
            b: w.head(&format!("{name}.bias"), &[out])?,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        x.linear(&self.w, Some(&self.b))
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
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    out_norm: LayerNorm,
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
/// sums, LayerNorms and the classification head in fp32.
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
                query: Linear::encoder(w, &format!("{p}.attention.self.query"), h, h)?,
                key: Linear::encoder(w, &format!("{p}.attention.self.key"), h, h)?,
                value: Linear::encoder(w, &format!("{p}.attention.self.value"), h, h)?,
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
                pooler: Linear {
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
            compute: w.compute_kind(),
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
            let q = split(layer.query.forward(&xc));
            let k = split(layer.key.forward(&xc));
            let v = split(layer.value.forward(&xc));
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
