//! Metrics and statistics: per-case ranking metrics with an explicit tie
//! policy, per-type aggregation, and bootstrap intervals over source dialogues.

pub mod bias;
mod compare;
mod gate;
mod grouping;
mod metrics;
mod outcome;
pub mod plan;
mod runner;
mod summary;

/// The seed every command uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

pub use crate::stats::DEFAULT_LEVEL;

/// Fewest bootstrap resamples for a 95 % percentile interval: with fewer, the
/// 2.5th and 97.5th percentiles rest on a handful of draws (with one, the
/// interval is a point that can exclude its own estimate). 0 means none.
pub const MIN_RESAMPLES: usize = 200;

/// `Err` with the reason when `n` resamples cannot give a 95 % interval.
pub fn check_resamples(n: usize) -> Result<usize, String> {
    if n == 0 || n >= MIN_RESAMPLES {
        Ok(n)
    } else {
        Err(format!(
            "must be 0 (no intervals) or at least {MIN_RESAMPLES} (fewer cannot place a 95 % interval's bounds)"
        ))
    }
}

pub use crate::stats::bootstrap::BootstrapConfig;
pub use crate::stats::paired::{holm, mcnemar_exact, paired_bootstrap_p, sign_flip_exact, PairedCluster};
pub use crate::stats::percentile;
pub use crate::stats::proportion::{wilson, Z95};
pub use compare::{
    compare, default_metric, CompareConfig, CompareError, CompareRow, Comparison, GapRow, RunCase, RunInput,
};
pub use gate::{check_min, regressions, MinRule, UnknownGateTarget};
pub use grouping::{GroupBy, NO_RULE};
pub use metrics::{case_metrics, fractional_ranks, CaseMetrics, Metric};
pub use outcome::Outcome;
pub mod shard;
pub use runner::{
    build_splits, distinct_pairs, evaluate, recheck_near_ties, EvalConfig, EvalError, EvalResult, Recheck, SplitResult,
};
pub use summary::{summarize, CaseOutcome, Estimate, SummaryRow, OVERALL};
