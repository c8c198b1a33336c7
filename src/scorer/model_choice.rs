//! How `eval --model` runs a checkpoint, as decided from the options: plain
//! data, built without libtorch, read by the model scorer where there is one.

use std::path::PathBuf;

/// A model's precision as asked for (`--dtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    Bf16,
    /// int8 matrix products (per-channel weights, per-row activations), CPU only.
    Int8,
    /// Measured on this CPU at the model's shape, near-ties re-scored in fp32.
    Auto,
}

impl std::str::FromStr for Precision {
    type Err = String;

    /// A precision by its name (`eval --dtype`).
    fn from_str(s: &str) -> Result<Precision, String> {
        crate::suggest::parse_named("precision", s, &Precision::ALL, Precision::name)
    }
}

impl Precision {
    pub const ALL: [Precision; 4] = [Precision::F32, Precision::Bf16, Precision::Int8, Precision::Auto];

    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
            Precision::Auto => "auto",
        }
    }
}

/// How `eval --model` runs a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    /// A checkpoint directory, or a hub name `org/name[@revision]`.
    pub model: PathBuf,
    /// `cpu`, `cuda` or `cuda:N`.
    pub device: String,
    pub precision: Precision,
    /// Padded tokens per batch; `None`: the device's and precision's default.
    pub batch_tokens: Option<usize>,
    /// Re-score near-ties in fp32 with bf16 or int8 (always with `Auto`).
    pub recheck: bool,
    /// Where `Auto`'s probe keeps its timings: the score cache's directory.
    pub probe_dir: Option<PathBuf>,
    /// A shard runs fp32: the re-scoring of near-ties needs every candidate
    /// of a case in one process.
    pub sharded: bool,
    /// No progress bar, no note of what `Auto` chose.
    pub quiet: bool,
    /// Letters the run feeds the model at most (each candidate with its
    /// context), where known: `Auto` does not probe for a run too short to
    /// repay the probe. Set from the dataset when the scorer is built.
    pub pair_letters: Option<u64>,
}
