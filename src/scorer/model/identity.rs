//! What a model's scores are a function of, as one struct the model owns:
//! `metadata.json`'s `scorer.params` and the score cache's key are both made
//! from it (serialised), so whatever is recorded keys the cache and nothing
//! keys the cache unrecorded.
//!
//! Invariant: two loads whose identities serialise to the same bytes return
//! the same f64 for every pair, bit for bit. So the identity holds every
//! input of the computation: the bytes of every file read (weights and the
//! small files, [`super::files::ModelFiles`]), the settings read from them
//! (the sidecar's `positive_label`, `context_joiner`, TorchScript `inputs`
//! order…), the run options that move the last bits (dtype, device, padded
//! tokens per batch, libtorch's thread count, the CPU), and the code that
//! computes (libtorch's and the tokenizer libraries' versions, and
//! [`SCORING_REVISION`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Mode, Pooling, ScriptSpec, Template};

/// The revision of rsbench's own code that turns a model and a pair into a
/// score (tokenisation, templates, batching, the encoder's forward, heads,
/// pooling, bf16/int8 arithmetic). **Bump it in the same commit as any change
/// that can alter any bit of any model score**, and say so in CHANGELOG.md:
/// it is part of every model's identity, so the change invalidates the score
/// cache's entries of every model and shows in `metadata.json`. A refactor
/// that proves its outputs unchanged (docs/development.md) leaves it alone.
/// Dependencies are keyed by their versions ([`libraries`]), libtorch by its
/// version at run time.
pub const SCORING_REVISION: &str = "2026-12-06";

/// The crates besides libtorch whose code decides a model's scores, with the
/// versions this binary was built with (from Cargo.lock).
const SCORING_CRATES: [&str; 3] = ["tch", "tokenizers", "rust_tokenizers"];

/// `name → version` of [`SCORING_CRATES`] in this build's Cargo.lock.
pub fn libraries() -> BTreeMap<String, String> {
    libraries_in(include_str!("../../../Cargo.lock"))
}

fn libraries_in(lock: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("name = \"").and_then(|l| l.strip_suffix('"')) else {
            continue;
        };
        if !SCORING_CRATES.contains(&name) {
            continue;
        }
        if let Some(version) = lines
            .next()
            .and_then(|l| l.strip_prefix("version = \""))
            .and_then(|l| l.strip_suffix('"'))
        {
            out.entry(name.to_owned())
                .and_modify(|v| {
                    v.push_str(" + ");
                    v.push_str(version)
                })
                .or_insert_with(|| version.to_owned());
        }
    }
    out
}

/// A model's identity (see the module's invariant). Field names are
/// `metadata.json`'s; the order is the order they are written in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelIdentity {
    /// The model directory as given (a hub name's snapshot directory).
    pub path: String,
    /// The hub name, revision and commit `--model org/name[@revision]` resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub: Option<super::hub::HubRevision>,
    /// config.json's `model_type`, or `torchscript`.
    pub model_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<i64>,
    pub mode: Mode,
    /// `tokenizer.json` or `vocab.txt`.
    pub tokenizer: String,
    pub template: Template,
    /// Bi-encoders only: pooling, prefixes and how context turns are joined.
    #[serde(flatten)]
    pub bi: Option<BiSettings>,
    /// The sidecar's label whose log-probability is the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_label: Option<i64>,
    /// The sidecar's `[torchscript]` table (file, input order, output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub torchscript: Option<ScriptSpec>,
    /// The sidecar file read (`rsbench.toml` or `rsbench.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<String>,
    /// SHA-256 of every small file read (config, tokenizer, sidecar, shard
    /// index), by name.
    pub files_sha256: BTreeMap<String, String>,
    pub weights_sha256: BTreeMap<String, String>,
    /// Native models: checkpoint tensors on the ignorable list no layer took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored_tensors: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_names_from: Option<String>,
    /// `f32`, `bf16` or `int8`.
    pub dtype: String,
    /// With bf16 or int8: `{dtype}_recheck` (whether near-ties are re-scored in fp32).
    #[serde(flatten)]
    pub recheck: BTreeMap<String, bool>,
    /// `cpu` or `cuda:N`.
    pub device: String,
    /// On a GPU: which attention kernels ran decides bf16's last bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cudnn_attention_first: Option<bool>,
    /// Padded tokens per batch: a score's last bits depend on its batch.
    pub batch_tokens: usize,
    /// On the CPU: libtorch's intra-op threads (how its sums are split).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<i32>,
    /// On the CPU: its name and a digest of its feature flags (which kernels run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    pub libtorch: String,
    pub libraries: BTreeMap<String, String>,
    pub scoring_revision: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiSettings {
    pub pooling: Pooling,
    pub query_prefix: String,
    pub passage_prefix: String,
    pub context_joiner: String,
}

impl ModelIdentity {
    /// As `metadata.json`'s `scorer.params`.
    pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            // A struct of strings, numbers and maps always serialises to an object.
            _ => serde_json::Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scoring_libraries_are_read_off_cargo_lock() {
        let libs = libraries();
        for name in SCORING_CRATES {
            assert!(
                libs.get(name)
                    .is_some_and(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit())),
                "{name}: {libs:?}"
            );
        }
        let two = libraries_in(
            "[[package]]\nname = \"tch\"\nversion = \"1.0\"\n\n[[package]]\nname = \"tch\"\nversion = \"2.0\"\n",
        );
        assert_eq!(two["tch"], "1.0 + 2.0");
    }
}
