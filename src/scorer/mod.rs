//! Scorers: one trait, a batch of (context, response) pairs in, one score
//! each out. Higher means a better reply.

pub mod cache;
pub mod choice;
mod lexical;
#[cfg(feature = "torch")]
pub mod model;
mod model_choice;
mod random;
mod rerank;
mod scores_file;
mod subprocess;
mod tokenize;
#[cfg(feature = "torch")]
mod torch_env;

pub use lexical::{Bm25, TfIdfCosine};
pub use random::RandomScorer;
pub use rerank::{parse_header, redact_url, RerankApi, RerankOptions, RerankScorer, DEFAULT_QUERY_JOINER};
pub(crate) use scores_file::score_lines;
pub use scores_file::{canonical_sha256, pair_id, ScoresFile, ScoresFileError};
pub use subprocess::{SubprocessOptions, SubprocessScorer};
pub use tokenize::lexical_terms;
#[cfg(feature = "torch")]
pub use torch_env::{cpu_gemm_gflops, cudnn_attention_preferred, load_cuda_backend, torch_runtime, TorchRuntime};

/// The model-free scorers, selectable by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Bm25,
    TfIdf,
    Random,
}

impl std::str::FromStr for Baseline {
    type Err = String;

    /// A baseline by its name (`eval --scorer`).
    fn from_str(s: &str) -> Result<Baseline, String> {
        crate::suggest::parse_named("scorer", s, &Baseline::ALL, Baseline::name)
    }
}

impl Baseline {
    pub const ALL: [Baseline; 3] = [Baseline::Bm25, Baseline::TfIdf, Baseline::Random];

    /// The name runs and tables give it.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::Bm25 => "bm25",
            Baseline::TfIdf => "tfidf",
            Baseline::Random => "random",
        }
    }

    /// Builds the scorer; lexical ones take their statistics from `dataset`.
    pub fn build(self, dataset: &crate::data::Dataset, seed: u64) -> Box<dyn Scorer> {
        match self {
            Baseline::Bm25 => Box::new(Bm25::new(dataset.texts())),
            Baseline::TfIdf => Box::new(TfIdfCosine::new(dataset.texts())),
            Baseline::Random => Box::new(RandomScorer::new(seed)),
        }
    }
}

/// One (context, response) pair to score.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub context: &'a [String],
    pub response: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error("scorer {scorer}: returned {got} scores for {expected} pairs")]
    WrongCount {
        scorer: String,
        expected: usize,
        got: usize,
    },
    #[error("scorer {scorer}: non-finite score {score} for pair {index}")]
    NonFinite { scorer: String, index: usize, score: f64 },
    #[error("scorer {scorer}: {reason}")]
    Failed { scorer: String, reason: String },
}

/// What a run's metadata records about the scorer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScorerIdentity {
    /// `bm25`, `tfidf`, `random`, or a model kind.
    pub kind: String,
    /// Parameters that change scores (k1, b, seed, model path and checksum…).
    pub params: serde_json::Map<String, serde_json::Value>,
}

pub trait Scorer: Send + Sync {
    fn identity(&self) -> ScorerIdentity;

    /// Scores every pair; the result has exactly `pairs.len()` finite values.
    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError>;

    /// Work counters of the scoring done so far (tokens, batches, forward
    /// time), recorded in a run's timing.json.
    fn stats(&self) -> Option<serde_json::Value> {
        None
    }

    /// The same model in exact arithmetic, for a scorer that rounds (bf16):
    /// the evaluator re-scores with it the candidates whose order the
    /// rounding may have decided (see `eval::runner`).
    fn exact_twin(&self) -> Option<&dyn Scorer> {
        None
    }

    /// How the scorer groups `pairs` when it scores them all at once, where a
    /// pair's score depends on its group (a model's padded batch): scoring
    /// each group alone, in order, then gives the same bits. `None`: a pair's
    /// score does not depend on the others. The score cache and sharded runs
    /// cut work along these groups.
    fn plan(&self, _pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        Ok(None)
    }

    /// Called once when a run has every score it needs, before anything is
    /// written: a scorer that drives another program ends it here and checks
    /// it said nothing more than its answers (a stray answer line would have
    /// shifted every later score).
    fn finish(&self) -> Result<(), ScoreError> {
        Ok(())
    }
}

/// Runs `scorer` and checks its promise: one finite score per pair.
pub fn score_checked(scorer: &dyn Scorer, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
    let scores = scorer.score(pairs)?;
    // A model is named by its directory, so the error says which checkpoint misbehaved.
    let name = || {
        let id = scorer.identity();
        match id.params.get("path").and_then(|p| p.as_str()) {
            Some(path) => format!("{} {path}", id.kind),
            None => id.kind,
        }
    };
    if scores.len() != pairs.len() {
        return Err(ScoreError::WrongCount {
            scorer: name(),
            expected: pairs.len(),
            got: scores.len(),
        });
    }
    if let Some((index, &score)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(ScoreError::NonFinite {
            scorer: name(),
            index,
            score,
        });
    }
    Ok(scores)
}
