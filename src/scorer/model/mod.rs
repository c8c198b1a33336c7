//! The libtorch scorer: Hugging Face checkpoint directories (safetensors +
//! config.json + tokenizer) for BERT, RoBERTa / XLM-R and ELECTRA, run
//! natively on tch as cross-encoders (classification heads) or bi-encoders
//! (bare encoders).
//!
//! This file keeps the module's face (its declarations and re-exports, and
//! [`ModelScorer`]) and the scorer's running side; building one from a
//! checkpoint is `load.rs`'s. Invariant: scoring gives one score per pair, in
//! the pairs' order; each distinct text is tokenised once (for a bi-encoder,
//! also embedded once), and batching under the padded-token budget changes
//! which inputs run together, never which score goes to which pair.

mod batch;
mod checkpoint;
mod config;
mod device;
mod encoder;
mod error;
mod files;
pub mod hub;
pub mod identity;
mod inputs;
mod load;
pub mod precision;
mod script;
mod sidecar;
mod template;
mod text;
mod weights;

use std::collections::HashMap;

use rayon::prelude::*;
use tch::{Device, Kind, Tensor};

pub use config::{Activation, Family, Head, ModelConfig};
pub use device::parse_device;
pub use error::ModelError;
pub use load::{build, dtype_name, RunOptions};
pub use sidecar::{Mode, Pooling, Sidecar};
pub use template::{Encoded, Template};
pub use text::TextTokenizer;

use super::{Pair, ScoreError, Scorer, ScorerIdentity};
use encoder::Encoder;
pub use script::ScriptSpec;
use script::{ScriptModule, ScriptOutput};

enum Backend {
    Native(Box<Encoder>),
    Script(ScriptModule),
}

pub struct ModelScorer {
    /// What the model and its fp32 twin share: everything but the weights.
    shared: std::sync::Arc<Shared>,
    /// libtorch tensors are Send but not Sync; the forward pass is serial
    /// anyway (libtorch parallelises inside each op).
    backend: std::sync::Mutex<Backend>,
    /// What the scores are a function of: metadata.json and the cache key.
    identity: identity::ModelIdentity,
    options: RunOptions,
    stats: std::sync::Mutex<RunStats>,
    /// The fp32 model beside a bf16 one (`RunOptions::recheck`).
    twin: Option<Box<ModelScorer>>,
}

/// What a checkpoint gives the scorer besides its weights.
struct Shared {
    config: Option<ModelConfig>,
    tokenizer: TextTokenizer,
    template: Template,
    mode: Mode,
    pooling: Pooling,
    query_prefix: String,
    passage_prefix: String,
    context_joiner: String,
    positive_label: Option<i64>,
}

/// What the forward passes did: for throughput and FLOP/s figures.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RunStats {
    pub sequences: u64,
    pub batches: u64,
    /// Tokens of the inputs themselves.
    pub tokens: u64,
    /// Tokens including padding (what the matrix products process).
    pub padded_tokens: u64,
    /// Sum over batches of batch size × longest length² (attention work).
    pub attention_positions: u64,
    pub forward_seconds: f64,
    pub tokenize_seconds: f64,
    /// Reading the weights onto the device (the fp32 twin's included).
    pub load_seconds: f64,
    /// SHA-256 of the weight files, for the run's metadata.
    pub checksum_seconds: f64,
}

impl ModelScorer {
    /// The checkpoint's config.json; `None` for a TorchScript module.
    pub fn config(&self) -> Option<&ModelConfig> {
        self.shared.config.as_ref()
    }

    pub fn template(&self) -> &Template {
        &self.shared.template
    }

    /// Padded-token budget per batch (see `RunOptions::batch_tokens`).
    pub fn set_batch_tokens(&mut self, tokens: usize) {
        self.options.batch_tokens = tokens.max(1);
        self.identity.batch_tokens = self.options.batch_tokens;
    }

    pub fn mode(&self) -> Mode {
        self.shared.mode
    }

    pub fn tokenizer(&self) -> &TextTokenizer {
        &self.shared.tokenizer
    }

    /// Token ids of many texts, tokenised in parallel, in input order.
    fn tokenize_all(&self, texts: &[&str]) -> Result<Vec<Vec<i64>>, ModelError> {
        texts.par_iter().map(|t| self.shared.tokenizer.ids(t)).collect()
    }

    /// Cross-encoder inputs for pairs; each distinct utterance is tokenised once.
    pub fn cross_inputs(&self, pairs: &[Pair<'_>]) -> Result<Vec<Encoded>, ModelError> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut texts: Vec<&str> = Vec::new();
        for p in pairs {
            for t in p.context.iter().map(String::as_str).chain(std::iter::once(p.response)) {
                index.entry(t).or_insert_with(|| {
                    texts.push(t);
                    texts.len() - 1
                });
            }
        }
        let ids = self.tokenize_all(&texts)?;
        Ok(pairs
            .par_iter()
            .map(|p| {
                let utterances: Vec<&[i64]> = p.context.iter().map(|u| ids[index[u.as_str()]].as_slice()).collect();
                self.shared.template.cross(&utterances, &ids[index[p.response]])
            })
            .collect())
    }

    /// Bi-encoder input for one side.
    pub fn single_input(&self, prefix: &str, text: &str, keep_end: bool) -> Result<Encoded, ModelError> {
        let joined = self.shared.tokenizer.ids(&format!("{prefix}{text}"))?;
        if self.shared.template.single_fits(joined.len()) || prefix.is_empty() {
            let body = if prefix.is_empty() { joined.clone() } else { Vec::new() };
            return Ok(self.shared.template.single(&joined, &[], &body, keep_end));
        }
        let p = self.shared.tokenizer.ids(prefix)?;
        let t = self.shared.tokenizer.ids(text)?;
        Ok(self.shared.template.single(&joined, &p, &t, keep_end))
    }

    pub fn context_text(&self, context: &[String]) -> String {
        context.join(&self.shared.context_joiner)
    }

    /// One row of output per input: the score (cross) or the pooled,
    /// L2-normalised embedding (bi).
    fn run(&self, inputs: &[Encoded], what: &str) -> Result<Vec<Tensor>, ModelError> {
        let lengths: Vec<usize> = inputs.iter().map(|e| e.ids.len()).collect();
        let plan = batch::plan(&lengths, self.options.batch_tokens);
        let bar = crate::progress::bar_if(self.options.progress, inputs.len() as u64, "scoring", what);
        let mut out: Vec<Option<Tensor>> = (0..inputs.len()).map(|_| None).collect();
        let _guard = tch::no_grad_guard();
        let backend = self.backend.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let started = std::time::Instant::now();
        let mut stats = RunStats::default();
        for group in plan {
            let longest = group.iter().map(|&i| lengths[i]).max().unwrap_or(0) as u64;
            stats.sequences += group.len() as u64;
            stats.batches += 1;
            stats.tokens += group.iter().map(|&i| lengths[i] as u64).sum::<u64>();
            stats.padded_tokens += group.len() as u64 * longest;
            stats.attention_positions += group.len() as u64 * longest * longest;
            let (ids, types, mask) = batch::pad(inputs, &group, self.shared.template.pad, self.options.device)?;
            let rows = match &*backend {
                Backend::Native(encoder) => {
                    let hidden = encoder.hidden_states(&ids, &types, &mask);
                    match self.shared.mode {
                        Mode::Cross => {
                            let logits = encoder
                                .logits(&hidden)
                                .ok_or_else(|| ModelError::Options("cross mode needs a classification head".into()))?;
                            self.scores_from_logits(&logits)?
                        }
                        Mode::Bi => self.pool(&hidden, &mask)?,
                    }
                }
                Backend::Script(module) => {
                    let out = module.forward(&ids, &types, &mask)?;
                    match module.spec().output {
                        ScriptOutput::Logits => self.scores_from_logits(&out)?,
                        ScriptOutput::Hidden => self.pool(&out, &mask)?,
                        ScriptOutput::Embedding => {
                            let out = out.f_to_kind(Kind::Float)?;
                            let norm = out.norm_scalaropt_dim(2, [1], true).clamp_min(1e-12);
                            out / norm
                        }
                    }
                }
            };
            let rows = rows.f_to_kind(Kind::Float)?.f_to_device(Device::Cpu)?;
            for (k, &i) in group.iter().enumerate() {
                out[i] = Some(rows.get(k as i64));
            }
            bar.inc(group.len() as u64);
        }
        bar.finish_and_clear();
        stats.forward_seconds = started.elapsed().as_secs_f64();
        self.add_stats(&stats);
        Ok(out
            .into_iter()
            .map(|t| t.unwrap_or_else(|| Tensor::from(f32::NAN)))
            .collect())
    }

    /// One label: its logit. Two: label 1's logit minus label 0's. More: the
    /// log-probability of `positive_label`.
    fn scores_from_logits(&self, logits: &Tensor) -> Result<Tensor, ModelError> {
        let logits = logits.f_to_kind(Kind::Float)?;
        let labels = logits.size().get(1).copied().unwrap_or(0);
        Ok(match (labels, self.shared.positive_label) {
            (1, _) => logits.select(1, 0),
            (2, None) => logits.select(1, 1) - logits.select(1, 0),
            (n, Some(p)) if (0..n).contains(&p) => logits.log_softmax(1, Kind::Float).select(1, p),
            (n, _) => {
                return Err(ModelError::Options(format!(
                    "the model returns {n} logits per pair: set positive_label (0..{n}) in the sidecar"
                )))
            }
        })
    }

    fn pool(&self, hidden: &Tensor, mask: &Tensor) -> Result<Tensor, ModelError> {
        let hidden = hidden.f_to_kind(Kind::Float)?;
        let pooled = match self.shared.pooling {
            Pooling::Cls => hidden.select(1, 0),
            Pooling::Mean => {
                let m = mask.to_kind(Kind::Float).unsqueeze(-1);
                (hidden * &m).sum_dim_intlist(1, false, Kind::Float)
                    / m.sum_dim_intlist(1, false, Kind::Float).clamp_min(1e-9)
            }
        };
        let norm = pooled.norm_scalaropt_dim(2, [1], true).clamp_min(1e-12);
        Ok(pooled / norm)
    }

    fn add_stats(&self, more: &RunStats) {
        let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        s.sequences += more.sequences;
        s.batches += more.batches;
        s.tokens += more.tokens;
        s.padded_tokens += more.padded_tokens;
        s.attention_positions += more.attention_positions;
        s.forward_seconds += more.forward_seconds;
        s.tokenize_seconds += more.tokenize_seconds;
        s.load_seconds += more.load_seconds;
        s.checksum_seconds += more.checksum_seconds;
    }

    pub fn run_stats(&self) -> RunStats {
        self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Scores pairs (the `Scorer` contract, with model errors).
    pub fn score_pairs(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ModelError> {
        match self.shared.mode {
            Mode::Cross => {
                let t = std::time::Instant::now();
                let inputs = self.cross_inputs(pairs)?;
                self.add_stats(&RunStats {
                    tokenize_seconds: t.elapsed().as_secs_f64(),
                    ..RunStats::default()
                });
                let rows = self.run(&inputs, "pairs")?;
                Ok(rows.iter().map(|t| t.double_value(&[])).collect())
            }
            Mode::Bi => {
                // Each distinct context and response is encoded once.
                let mut ctx_index: HashMap<&[String], usize> = HashMap::new();
                let mut resp_index: HashMap<&str, usize> = HashMap::new();
                let (mut contexts, mut responses) = (Vec::new(), Vec::new());
                for p in pairs {
                    ctx_index.entry(p.context).or_insert_with(|| {
                        contexts.push(p.context);
                        contexts.len() - 1
                    });
                    resp_index.entry(p.response).or_insert_with(|| {
                        responses.push(p.response);
                        responses.len() - 1
                    });
                }
                let t = std::time::Instant::now();
                let ctx_inputs: Vec<Encoded> = contexts
                    .par_iter()
                    .map(|c| self.single_input(&self.shared.query_prefix, &self.context_text(c), true))
                    .collect::<Result<_, _>>()?;
                let resp_inputs: Vec<Encoded> = responses
                    .par_iter()
                    .map(|r| self.single_input(&self.shared.passage_prefix, r, false))
                    .collect::<Result<_, _>>()?;
                self.add_stats(&RunStats {
                    tokenize_seconds: t.elapsed().as_secs_f64(),
                    ..RunStats::default()
                });
                let mut all = ctx_inputs;
                let n_ctx = all.len();
                all.extend(resp_inputs);
                let rows = self.run(&all, "texts")?;
                Ok(pairs
                    .iter()
                    .map(|p| {
                        let c = &rows[ctx_index[p.context]];
                        let r = &rows[n_ctx + resp_index[p.response]];
                        c.dot(r).double_value(&[])
                    })
                    .collect())
            }
        }
    }
}

impl Scorer for ModelScorer {
    fn identity(&self) -> ScorerIdentity {
        ScorerIdentity {
            kind: "model".into(),
            params: self.identity.params(),
        }
    }

    fn stats(&self) -> Option<serde_json::Value> {
        let mut v = serde_json::to_value(self.run_stats()).ok()?;
        // FLOPs only where the architecture is known (not for TorchScript).
        if let (Some(map), Some(c)) = (v.as_object_mut(), self.shared.config.as_ref()) {
            // Multiply-accumulates ×2 per padded token (projections and FFN) and per
            // attention position (scores and weighted sum): the work done.
            let (h, f, layers) = (c.hidden_size as f64, c.intermediate_size as f64, c.layers as f64);
            let s = self.run_stats();
            let linear = 2.0 * layers * (4.0 * h * h + 2.0 * h * f) * s.padded_tokens as f64;
            let attention = 2.0 * layers * 2.0 * h * s.attention_positions as f64;
            map.insert("model_flops".into(), (linear + attention).into());
        }
        if let (Some(map), Some(probe)) = (v.as_object_mut(), &self.options.dtype_probe) {
            map.insert("dtype_probe".into(), serde_json::to_value(probe).ok()?);
        }
        if let (Some(map), Some(twin)) = (v.as_object_mut(), &self.twin) {
            if let Some(t) = twin.stats() {
                map.insert("recheck_fp32".into(), t);
            }
        }
        Some(v)
    }

    fn exact_twin(&self) -> Option<&dyn Scorer> {
        self.twin.as_deref().map(|t| t as &dyn Scorer)
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        self.score_pairs(pairs).map_err(|e| ScoreError::Failed {
            scorer: "model".into(),
            reason: e.to_string(),
        })
    }

    /// Cross-encoders: the padded batches `score` forms. Bi-encoders embed
    /// each distinct text in batches across pairs: one group.
    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        let failed = |e: ModelError| ScoreError::Failed {
            scorer: "model".into(),
            reason: e.to_string(),
        };
        Ok(Some(match self.shared.mode {
            Mode::Cross => {
                let lengths: Vec<usize> = self
                    .cross_inputs(pairs)
                    .map_err(failed)?
                    .iter()
                    .map(|e| e.ids.len())
                    .collect();
                batch::plan(&lengths, self.options.batch_tokens)
            }
            Mode::Bi => vec![(0..pairs.len()).collect()],
        }))
    }
}
