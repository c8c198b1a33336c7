//! Building a [`ModelScorer`]: `eval --model`'s choices resolved into
//! [`RunOptions`], the checkpoint read, its weights loaded (and hashed) in the
//! run's precision, and the fp32 twin that re-scores near-ties beside bf16 or
//! int8.
//!
//! Invariant: a scorer is built only from a resolved checkpoint
//! ([`Checkpoint::resolve`]); its identity — the cache key and
//! `metadata.json` — comes from what it loaded: the files it read, the
//! weights' digests, the tensors it left unused and the options it runs with.

use std::path::{Path, PathBuf};

use tch::{Device, Kind};

use super::checkpoint::Checkpoint;
use super::encoder::Encoder;
use super::script::ScriptModule;
use super::{
    hub, identity, parse_device, precision, weights, Backend, Mode, ModelError, ModelScorer, Pooling, RunStats, Shared,
    Sidecar,
};

/// Run-time choices that do not change what the model computes (beyond
/// floating-point rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    pub device: Device,
    /// `Kind::Float`, `Kind::BFloat16`, or `Kind::Int8` (int8 matrix products,
    /// [`Encoder`]).
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

/// The name `--dtype` and the run's metadata give a precision.
pub fn dtype_name(kind: Kind) -> &'static str {
    match kind {
        Kind::BFloat16 => "bf16",
        Kind::Int8 => "int8",
        _ => "f32",
    }
}

/// `(file name, SHA-256)` of each weight file, for the run's metadata.
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
}
