//! Which scorer a run uses, how a model runs, and where scores are cached:
//! decided once from the options (`rsbench eval`'s flags), so nothing
//! downstream reads a raw flag.
//!
//! Invariant: [`ScorerChoice::build`] is the one place a run's scorer is
//! constructed, and [`CachePlan::decide`] the one place the cache is turned
//! on or off; the run name, the probe's cache directory and the shard's
//! precision rule all read these decisions, never the flags again.

use std::path::PathBuf;

pub use super::model_choice::{ModelChoice, Precision};

use super::cache::{self, CacheError, CachedScorer, ScoreCache};
use super::{
    Baseline, RerankOptions, RerankScorer, ScoreError, Scorer, ScoresFile, ScoresFileError, SubprocessOptions,
    SubprocessScorer,
};

/// The scorer of a run.
pub enum ScorerChoice {
    Baseline(Baseline),
    /// Scores computed elsewhere (`--scores`).
    Scores(PathBuf),
    /// Another program (`--scorer-cmd`).
    Program(SubprocessOptions),
    /// A rerank server (`--scorer-url`).
    Server(RerankOptions),
    Model(ModelChoice),
}

/// Why a scorer could not be built; each names what it was building.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("starting the scorer process")]
    Program(#[source] ScoreError),
    #[error("reading the scores file")]
    Scores(#[source] ScoresFileError),
    #[error(transparent)]
    Server(ScoreError),
    /// A model scorer (its own messages: the checkpoint, the precision).
    #[error(transparent)]
    Model(Box<dyn std::error::Error + Send + Sync>),
}

impl ScorerChoice {
    /// Models, programs and servers: what costs enough to cache. Lexical and
    /// random scorers are cheaper than the cache.
    pub fn costly(&self) -> bool {
        matches!(
            self,
            ScorerChoice::Model(_) | ScorerChoice::Program(_) | ScorerChoice::Server(_)
        )
    }

    /// The scorer's part of a run's default name: `bm25`, `scores`, a
    /// model directory's name, a program's or server model's name (the last
    /// part of a path-like id, BAAI/bge-reranker → bge-reranker), else
    /// `process` or `rerank`.
    pub fn run_label(&self) -> String {
        let named = |name: Option<&str>, kind: &str| {
            let name = name.map(|n| n.split('@').next().unwrap_or(n));
            name.and_then(|n| n.rsplit('/').next()).unwrap_or(kind).to_owned()
        };
        match self {
            ScorerChoice::Baseline(b) => b.name().to_owned(),
            ScorerChoice::Scores(_) => "scores".to_owned(),
            ScorerChoice::Program(o) => named(o.name.as_deref(), "process"),
            ScorerChoice::Server(o) => named(o.model.as_deref(), "rerank"),
            ScorerChoice::Model(m) => {
                let path = m.model.canonicalize().unwrap_or_else(|_| m.model.clone());
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "model".into())
            }
        }
    }

    /// The scorer; lexical ones take their statistics from `dataset`.
    /// `notes` receives what a model's precision choice has to say.
    pub fn build(
        self,
        dataset: &crate::data::Dataset,
        seed: u64,
        notes: &mut Vec<String>,
    ) -> Result<Box<dyn Scorer>, BuildError> {
        Ok(match self {
            ScorerChoice::Baseline(b) => b.build(dataset, seed),
            ScorerChoice::Scores(path) => Box::new(ScoresFile::load(&path).map_err(BuildError::Scores)?),
            ScorerChoice::Program(o) => Box::new(SubprocessScorer::start(o).map_err(BuildError::Program)?),
            ScorerChoice::Server(o) => Box::new(RerankScorer::new(o).map_err(BuildError::Server)?),
            ScorerChoice::Model(mut m) => {
                m.pair_letters.get_or_insert_with(|| pair_letters(dataset));
                build_model(&m, notes)?
            }
        })
    }
}

/// Letters of every candidate with its context, each pair capped at 512 (a
/// model's usual window): about the tokens a cross-encoder reads.
fn pair_letters(dataset: &crate::data::Dataset) -> u64 {
    dataset
        .cases
        .iter()
        .map(|c| {
            let context: usize = c.context.iter().map(|u| u.chars().count()).sum();
            c.candidates
                .iter()
                .map(|x| (context + x.text.chars().count()).min(512) as u64)
                .sum::<u64>()
        })
        .sum()
}

#[cfg(feature = "torch")]
fn build_model(m: &ModelChoice, notes: &mut Vec<String>) -> Result<Box<dyn Scorer>, BuildError> {
    super::model::build(m, notes)
        .map(|s| Box::new(s) as Box<dyn Scorer>)
        .map_err(|e| BuildError::Model(e.into()))
}

#[cfg(not(feature = "torch"))]
fn build_model(m: &ModelChoice, _: &mut Vec<String>) -> Result<Box<dyn Scorer>, BuildError> {
    Err(BuildError::Model(
        format!(
            "--model {}: this rsbench is built without the `torch` feature (libtorch); build it with default features, or serve the model to --scorer-cmd or --scorer-url",
            m.model.display()
        )
        .into(),
    ))
}

/// Whether a run's scores go through the score cache, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CachePlan {
    /// A cheap scorer, `--no-cache`, or RSBENCH_NO_CACHE without `--cache`.
    Off,
    /// No `--cache`, and neither XDG_CACHE_HOME nor HOME to find the default.
    Nowhere,
    Dir(PathBuf),
}

impl CachePlan {
    /// The one decision: an explicit `dir` wins over RSBENCH_NO_CACHE, and
    /// `no_cache` over both.
    pub fn decide(costly: bool, no_cache: bool, dir: Option<PathBuf>) -> CachePlan {
        if !costly || no_cache || (cache::off_by_env() && dir.is_none()) {
            return CachePlan::Off;
        }
        match dir.or_else(cache::default_cache_dir) {
            Some(d) => CachePlan::Dir(d),
            None => CachePlan::Nowhere,
        }
    }

    pub fn dir(&self) -> Option<&PathBuf> {
        match self {
            CachePlan::Dir(d) => Some(d),
            _ => None,
        }
    }

    /// `scorer` behind the cache, where there is one; a cache another
    /// rsbench holds is skipped with a warning in `notes`.
    pub fn wrap(&self, scorer: Box<dyn Scorer>, notes: &mut Vec<String>) -> Result<Box<dyn Scorer>, CacheError> {
        let dir = match self {
            CachePlan::Off => return Ok(scorer),
            CachePlan::Nowhere => {
                notes.push("warning: no score cache (neither --cache, XDG_CACHE_HOME nor HOME is set)".into());
                return Ok(scorer);
            }
            CachePlan::Dir(d) => d,
        };
        match ScoreCache::open(dir) {
            Ok(c) => Ok(Box::new(CachedScorer::new(scorer, c))),
            Err(CacheError::Busy { path }) => {
                notes.push(format!(
                    "warning: the score cache {} is in use by another rsbench; this run scores without it",
                    path.display()
                ));
                Ok(scorer)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_costly_scorers_are_cached_and_no_cache_wins() {
        let dir = Some(PathBuf::from("/tmp/c"));
        assert_eq!(CachePlan::decide(false, false, dir.clone()), CachePlan::Off);
        assert_eq!(CachePlan::decide(true, true, dir.clone()), CachePlan::Off);
        assert_eq!(
            CachePlan::decide(true, false, dir.clone()),
            CachePlan::Dir("/tmp/c".into())
        );
    }

    #[test]
    fn run_labels_name_the_scorer() {
        assert_eq!(ScorerChoice::Baseline(Baseline::TfIdf).run_label(), "tfidf");
        assert_eq!(ScorerChoice::Scores("x.jsonl".into()).run_label(), "scores");
        let program = |name: Option<&str>| {
            ScorerChoice::Program(SubprocessOptions {
                command: "python s.py".into(),
                name: name.map(str::to_owned),
                timeout: std::time::Duration::from_secs(1),
                batch: 1,
            })
        };
        assert_eq!(program(None).run_label(), "process");
        assert_eq!(program(Some("BAAI/bge-reranker@v2")).run_label(), "bge-reranker");
    }
}
