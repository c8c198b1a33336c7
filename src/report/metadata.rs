use serde::{Deserialize, Serialize};

use crate::data::FileDigest;
use crate::scorer::ScorerIdentity;

/// Everything needed to reproduce and compare a run. Deterministic: no clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMetadata {
    pub rsbench_version: String,
    pub dataset: DatasetInfo,
    pub scorer: ScorerInfo,
    pub seed: u64,
    pub splits: Vec<SplitInfo>,
    pub bootstrap: BootstrapInfo,
    pub tie_policy: String,
    pub recall_convention: String,
    pub distinct_pairs_scored: usize,
    /// `eval --response-only`: the scorer saw every candidate with an empty
    /// context (predictions still show the contexts the cases have).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub response_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    /// As given on the command line (`<embedded>` for the sample set).
    pub source: String,
    pub cases: usize,
    pub files: Vec<FileInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileInfo {
    pub name: String,
    pub sha256: String,
}

impl From<&FileDigest> for FileInfo {
    fn from(d: &FileDigest) -> Self {
        FileInfo {
            name: d.name.clone(),
            sha256: d.sha256.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorerInfo {
    pub kind: String,
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl From<&ScorerIdentity> for ScorerInfo {
    fn from(s: &ScorerIdentity) -> Self {
        ScorerInfo {
            kind: s.kind.clone(),
            params: s.params.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitInfo {
    pub name: String,
    /// Requested candidates per case; `None`: as given in the dataset.
    pub candidates: Option<usize>,
    pub cases: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInfo {
    pub resamples: usize,
    pub level: f64,
    pub unit: String,
    pub method: String,
}

/// Wall-clock facts, kept apart so the other files stay byte-identical.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub wall_seconds: f64,
    pub started_unix: u64,
    /// Time inside the scorer (all splits, distinct pairs once).
    #[serde(default)]
    pub scoring_seconds: f64,
    #[serde(default)]
    pub distinct_pairs: usize,
    /// The scorer's own counters (a model's tokens, batches, forward time, FLOPs).
    #[serde(default)]
    pub scorer: Option<serde_json::Value>,
    /// bf16 runs: the near-tie re-scoring in fp32 (ε, pairs re-scored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recheck: Option<crate::eval::Recheck>,
}

pub const TIE_POLICY: &str = "tied candidates are ordered uniformly at random; every metric is its exact expectation over those orders (fractional ranks in predictions)";
pub const RECALL_CONVENTION: &str = "R@k = fraction of the case's positives ranked in the top k; defined only when the case has more than k candidates; cases without a positive are excluded";

impl RunMetadata {
    /// The run's cases, every split counted: what a page would embed.
    pub fn cases(&self) -> usize {
        self.splits.iter().map(|s| s.cases).sum()
    }

    /// Describes a finished evaluation; `source` is how the dataset was named.
    pub fn describe(
        dataset: &crate::data::Dataset,
        source: &str,
        scorer: &ScorerIdentity,
        config: &crate::eval::EvalConfig,
        result: &crate::eval::EvalResult,
    ) -> RunMetadata {
        RunMetadata {
            rsbench_version: crate::VERSION.to_owned(),
            dataset: DatasetInfo {
                name: dataset.name.clone(),
                source: source.to_owned(),
                cases: dataset.cases.len(),
                files: dataset.files.iter().map(FileInfo::from).collect(),
            },
            scorer: ScorerInfo::from(scorer),
            seed: config.split_options.seed,
            splits: result
                .splits
                .iter()
                .map(|s| SplitInfo {
                    name: s.split.as_str().to_owned(),
                    candidates: config.split_options.candidates_for(s.split),
                    cases: s.cases.len(),
                })
                .collect(),
            bootstrap: BootstrapInfo {
                resamples: config.bootstrap.resamples,
                level: config.bootstrap.level,
                unit: "source dialogue".to_owned(),
                method: "percentile".to_owned(),
            },
            tie_policy: TIE_POLICY.to_owned(),
            recall_convention: RECALL_CONVENTION.to_owned(),
            distinct_pairs_scored: result.distinct_pairs,
            response_only: config.response_only,
        }
    }
}
