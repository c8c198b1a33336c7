//! The libtorch scorer: Hugging Face checkpoint directories (safetensors +
//! config.json + tokenizer) for BERT, RoBERTa / XLM-R and ELECTRA, run
//! natively on tch as cross-encoders (classification heads) or bi-encoders
//! (bare encoders).

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
pub mod precision;
mod script;
mod sidecar;
mod template;
mod text;
mod weights;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tch::{Device, Kind, Tensor};

pub use config::{Activation, Family, Head, ModelConfig};
pub use device::parse_device;
pub use error::ModelError;
pub use sidecar::{Mode, Pooling, Sidecar};
pub use template::{Encoded, Template};
pub use text::TextTokenizer;

use super::{Pair, ScoreError, Scorer, ScorerIdentity};
use checkpoint::Checkpoint;
use encoder::Encoder;
pub use script::ScriptSpec;
use script::{ScriptModule, ScriptOutput};

/// Run-time choices that do not change what the model computes (beyond
/// floating-point rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub device: Device,
    /// `Kind::Float`, `Kind::BFloat16`, or `Kind::Int8` (int8 matrix products,
    /// [`encoder::Encoder`]).
    pub dtype: Kind,
    /// Padded tokens per batch (batch size × longest sequence).
    pub batch_tokens: usize,
    /// Show a progress bar on stderr (hidden anyway when it is not a terminal).
    pub progress: bool,
    /// With bf16 or int8: also load the model in fp32 to re-score near-ties.
    pub recheck: bool,
    /// What `--dtype auto` measured to choose `dtype` (for timing.json).
    pub dtype_probe: Option<precision::Probe>,
}

impl RunOptions {
    /// The padded-token budget per batch when none is given: on an H100 the
    /// forward barely moved between 2,048 and 32,768 tokens
    /// (docs/benchmarks.md), so larger batches there mean fewer host round
    /// trips; on the CPU smaller ones mean less padding.
    /// int8 runs in smaller batches: its quantise and rescale passes over each
    /// layer's activations cost less while they stay in the CPU's caches
    /// (BERT-base on 2 cores: 4.2 s of forward at 512 tokens, 5.4 s at 1024,
    /// where fp32 is the same at 512 and 2048; docs/benchmarks.md).
    pub fn default_batch_tokens(device: Device, dtype: Kind) -> usize {
        if device.is_cuda() {
            8192
        } else if dtype == Kind::Int8 {
            512
        } else {
            2048
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            device: Device::Cpu,
            dtype: Kind::Float,
            batch_tokens: RunOptions::default_batch_tokens(Device::Cpu, Kind::Float),
            progress: false,
            recheck: true,
            dtype_probe: None,
        }
    }
}

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

impl Shared {
    fn of(c: Checkpoint) -> Shared {
        let bi = bi_settings(&c.sidecar);
        Shared {
            pooling: bi.pooling,
            query_prefix: bi.query_prefix,
            passage_prefix: bi.passage_prefix,
            context_joiner: bi.context_joiner,
            positive_label: c.sidecar.positive_label,
            config: c.config,
            tokenizer: c.tokenizer,
            template: c.template,
            mode: c.mode,
        }
    }
}

/// A bi-encoder's settings, the sidecar's defaults filled in (mean pooling,
/// no prefixes, turns joined by a space).
fn bi_settings(sidecar: &Sidecar) -> identity::BiSettings {
    identity::BiSettings {
        pooling: sidecar.pooling.unwrap_or(Pooling::Mean),
        query_prefix: sidecar.query_prefix.clone().unwrap_or_default(),
        passage_prefix: sidecar.passage_prefix.clone().unwrap_or_default(),
        context_joiner: sidecar.context_joiner.clone().unwrap_or_else(|| " ".into()),
    }
}

/// The model's backend in `dtype`, and the checkpoint's tensors it did not use.
fn load_backend(c: &Checkpoint, dtype: Kind, device: Device) -> Result<(Backend, Vec<String>), ModelError> {
    Ok(match (&c.sidecar.torchscript, &c.config) {
        (Some(spec), _) => (
            Backend::Script(ScriptModule::load(&c.dir, spec, device, dtype)?),
            Vec::new(),
        ),
        (None, Some(config)) => {
            let mut w = weights::Weights::load(c.weight_files.clone(), dtype, device)?;
            let encoder = Encoder::load(config.clone(), &mut w)?;
            let ignored = w.check_unused()?;
            (Backend::Native(Box::new(encoder)), ignored)
        }
        (None, None) => unreachable!("config is loaded whenever there is no TorchScript spec"),
    })
}

/// What the scores of `c` loaded with `options` are a function of.
fn model_identity(
    c: &Checkpoint,
    options: &RunOptions,
    weights_sha256: Vec<(String, String)>,
    ignored_tensors: Vec<String>,
    rechecked: bool,
) -> identity::ModelIdentity {
    let on_cpu = !options.device.is_cuda();
    let sidecar = &c.sidecar;
    identity::ModelIdentity {
        path: c.dir.display().to_string(),
        hub: None,
        model_type: c
            .config
            .as_ref()
            .map_or_else(|| "torchscript".to_owned(), |c| c.model_type.clone()),
        layers: c.config.as_ref().map(|c| c.layers),
        hidden: c.config.as_ref().map(|c| c.hidden_size),
        mode: c.mode,
        tokenizer: c.tokenizer.kind().to_owned(),
        template: c.template.clone(),
        bi: (c.mode == Mode::Bi).then(|| bi_settings(sidecar)),
        positive_label: sidecar.positive_label,
        torchscript: sidecar.torchscript.clone(),
        sidecar: c.sidecar_path.as_ref().map(|p| p.display().to_string()),
        files_sha256: c.small_files.digests(),
        weights_sha256: weights_sha256.into_iter().collect(),
        ignored_tensors: c.config.is_some().then_some(ignored_tensors),
        input_names: c.input_names.as_ref().map(|i| i.names.clone()),
        input_names_from: c.input_names.as_ref().map(|i| i.decided_by.clone()),
        dtype: dtype_name(options.dtype).to_owned(),
        recheck: if options.dtype == Kind::Float {
            Default::default()
        } else {
            [(format!("{}_recheck", dtype_name(options.dtype)), rechecked)].into()
        },
        device: match options.device {
            Device::Cuda(n) => format!("cuda:{n}"),
            _ => "cpu".to_owned(),
        },
        cudnn_attention_first: options.device.is_cuda().then(crate::scorer::cudnn_attention_preferred),
        batch_tokens: options.batch_tokens,
        threads: on_cpu.then(tch::get_num_threads),
        cpu: on_cpu.then(precision::cpu_name),
        libtorch: precision::libtorch_version(),
        libraries: identity::libraries(),
        scoring_revision: identity::SCORING_REVISION.to_owned(),
    }
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

/// Padded tokens per batch of the fp32 re-scoring on the CPU. Its inputs are
/// a few near-ties of every length, so the main run's 2,048-token batches
/// were up to 45 % padding; 512 was the fastest of 2,048, 512 and 256 on the
/// BERT-base benchmark model (docs/scorers.md has the figures and the CPU).
const RECHECK_BATCH_TOKENS: usize = 512;

fn recheck_batch_tokens(options: &RunOptions) -> usize {
    if options.device.is_cuda() {
        options.batch_tokens
    } else {
        options.batch_tokens.min(RECHECK_BATCH_TOKENS)
    }
}

/// `(file name, SHA-256)` of each weight file, for the run's metadata.
/// The name `--dtype` and the run's metadata give a precision.
pub fn dtype_name(kind: Kind) -> &'static str {
    match kind {
        Kind::BFloat16 => "bf16",
        Kind::Int8 => "int8",
        _ => "f32",
    }
}

fn checksums(files: &[PathBuf]) -> Result<Vec<(String, String)>, ModelError> {
    files
        .iter()
        .map(|f| {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let digest = crate::data::sha256_file(f).map_err(|source| ModelError::Io {
                path: f.clone(),
                source,
            })?;
            Ok((name, digest))
        })
        .collect()
}

/// The scorer `eval --model` asks for: the checkpoint resolved (a directory,
/// or a hub name in the local cache), the device parsed, the precision
/// resolved ([`precision::resolve`]) and the model loaded. What the
/// precision choice has to say goes to `notes`.
pub fn build(m: &crate::scorer::model_choice::ModelChoice, notes: &mut Vec<String>) -> Result<ModelScorer, ModelError> {
    let loading = |source: ModelError| ModelError::Loading {
        path: m.model.clone(),
        source: Box::new(source),
    };
    let source = hub::resolve(&m.model).map_err(loading)?;
    let device = parse_device(&m.device)?;
    let (dtype, dtype_probe) = precision::resolve(m, &source.dir, device, notes)?;
    let options = RunOptions {
        device,
        dtype,
        batch_tokens: m
            .batch_tokens
            .unwrap_or(RunOptions::default_batch_tokens(device, dtype))
            .max(1),
        progress: !m.quiet,
        // auto promises fp32's decisions: it always re-scores near-ties.
        recheck: m.recheck || m.precision == crate::scorer::model_choice::Precision::Auto,
        dtype_probe,
    };
    ModelScorer::load_source(&source, options).map_err(loading)
}

impl ModelScorer {
    /// Loads a resolved `--model` ([`hub::resolve`]): a hub name's revision
    /// is recorded beside the snapshot's path.
    pub fn load_source(source: &hub::ModelSource, options: RunOptions) -> Result<ModelScorer, ModelError> {
        let mut scorer = ModelScorer::load(&source.dir, options)?;
        scorer.identity.hub = source.hub.clone();
        if let Some(twin) = scorer.twin.as_mut() {
            twin.identity.hub = source.hub.clone();
        }
        Ok(scorer)
    }

    /// Reads the checkpoint in `dir` ([`Checkpoint::resolve`]), loads its
    /// weights in the run's precision (hashing them meanwhile) and, for bf16
    /// or int8 with `recheck`, an fp32 twin that shares everything else.
    pub fn load(dir: &Path, options: RunOptions) -> Result<ModelScorer, ModelError> {
        let checkpoint = Checkpoint::resolve(dir)?;
        // The checksums (for the run's metadata) are computed while the weights
        // load: hashing a BERT-base checkpoint takes as long as loading it.
        let files = &checkpoint.weight_files;
        let (loaded, hashed) = std::thread::scope(|scope| {
            let hashing = scope.spawn(|| {
                let started = std::time::Instant::now();
                (checksums(files), started.elapsed().as_secs_f64())
            });
            let started = std::time::Instant::now();
            let loaded = load_backend(&checkpoint, options.dtype, options.device);
            ((loaded, started.elapsed().as_secs_f64()), hashing.join())
        });
        let ((backend, ignored_tensors), mut load_seconds) = (loaded.0?, loaded.1);
        let (weights_sha256, checksum_seconds) = match hashed {
            Ok((digests, seconds)) => (digests?, seconds),
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // The fp32 twin shares everything but the weights (tokenizer, template,
        // checksums), so it costs one more read of the checkpoint.
        let twin_loading = std::time::Instant::now();
        let twin_backend = if options.dtype != Kind::Float && options.recheck {
            Some(load_backend(&checkpoint, Kind::Float, options.device)?.0)
        } else {
            None
        };
        load_seconds += twin_loading.elapsed().as_secs_f64();
        let identity = model_identity(
            &checkpoint,
            &options,
            weights_sha256,
            ignored_tensors,
            twin_backend.is_some(),
        );
        let shared = std::sync::Arc::new(Shared::of(checkpoint));
        let twin = twin_backend.map(|backend| Box::new(ModelScorer::fp32_twin(&shared, backend, &identity, &options)));
        Ok(ModelScorer {
            twin,
            shared,
            backend: std::sync::Mutex::new(backend),
            identity,
            options,
            stats: std::sync::Mutex::new(RunStats {
                load_seconds,
                checksum_seconds,
                ..RunStats::default()
            }),
        })
    }

    /// The fp32 model beside a bf16 or int8 one: the same checkpoint, its own
    /// weights, batches of at most [`RECHECK_BATCH_TOKENS`] on the CPU.
    fn fp32_twin(
        shared: &std::sync::Arc<Shared>,
        backend: Backend,
        identity: &identity::ModelIdentity,
        options: &RunOptions,
    ) -> ModelScorer {
        let batch_tokens = recheck_batch_tokens(options);
        ModelScorer {
            twin: None,
            shared: std::sync::Arc::clone(shared),
            backend: std::sync::Mutex::new(backend),
            identity: identity::ModelIdentity {
                dtype: dtype_name(Kind::Float).to_owned(),
                recheck: Default::default(),
                batch_tokens,
                ..identity.clone()
            },
            options: RunOptions {
                dtype: Kind::Float,
                recheck: false,
                progress: false,
                dtype_probe: None,
                batch_tokens,
                ..options.clone()
            },
            stats: std::sync::Mutex::new(RunStats::default()),
        }
    }

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
