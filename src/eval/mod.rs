//! Metrics and statistics: per-case ranking metrics with an explicit tie
//! policy, per-type aggregation, and bootstrap intervals over source dialogues.

mod bootstrap;
mod metrics;
mod runner;
mod summary;

pub use bootstrap::{percentile, BootstrapConfig};
pub use metrics::{case_metrics, fractional_ranks, CaseMetrics, Metric};
pub use runner::{evaluate, EvalConfig, EvalError, EvalResult, SplitResult};
pub use summary::{summarize, Estimate, SummaryRow, OVERALL};
