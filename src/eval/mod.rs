//! Metrics and statistics: per-case ranking metrics with an explicit tie
//! policy, per-type aggregation, and bootstrap intervals over source dialogues.

mod bootstrap;
mod compare;
mod gate;
mod grouping;
mod metrics;
mod paired;
mod proportion;
mod runner;
mod summary;

pub use bootstrap::{percentile, BootstrapConfig};
pub use compare::{
    compare, default_metric, CompareConfig, CompareError, CompareRow, Comparison, GapRow, RunCase, RunInput,
};
pub use gate::{check_min, regressions, MinRule, UnknownGateTarget};
pub use grouping::{rule_family, GroupBy, NO_RULE};
pub use metrics::{case_metrics, fractional_ranks, CaseMetrics, Metric};
pub use paired::{holm, mcnemar_exact, paired_bootstrap_p, sign_flip_exact, PairedCluster};
pub use proportion::{wilson, Z95};
pub use runner::{evaluate, recheck_near_ties, EvalConfig, EvalError, EvalResult, Recheck, SplitResult};
pub use summary::{summarize, CaseOutcome, Estimate, SummaryRow, OVERALL};
