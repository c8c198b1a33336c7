//! One `eval` run, decided: the scorer and how it runs, the cache, the
//! evaluation's configuration and the shard, resolved once from the options
//! (the command line builds it in `cli/eval.rs`) before any file is read or
//! any pair scored.
//!
//! Invariant: a plan is consistent when built: a shard runs a model in fp32
//! or `auto` only (which then takes fp32), and what it caches and where is
//! the scorer's cost and the cache options decided once ([`CachePlan::decide`]).

use crate::scorer::choice::{CachePlan, Precision, ScorerChoice};

use super::EvalConfig;

/// Every decision of one run.
pub struct EvalPlan {
    pub scorer: ScorerChoice,
    pub cache: CachePlan,
    pub config: EvalConfig,
    /// `adversarial`, `clean` or `both`, as the run's name and shard files say.
    pub split: &'static str,
    /// This process's shard and the number of shards, for a sharded run.
    pub shard: Option<(usize, usize)>,
}

/// A plan that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(
        "--shard runs models in fp32 only: the re-scoring of near-ties needs every candidate of a case in one process"
    )]
    ShardPrecision,
}

impl EvalPlan {
    pub fn new(
        scorer: ScorerChoice,
        cache: CachePlan,
        config: EvalConfig,
        split: &'static str,
        shard: Option<(usize, usize)>,
    ) -> Result<EvalPlan, PlanError> {
        if let (Some(_), ScorerChoice::Model(m)) = (shard, &scorer) {
            if !matches!(m.precision, Precision::F32 | Precision::Auto) {
                return Err(PlanError::ShardPrecision);
            }
        }
        Ok(EvalPlan {
            scorer,
            cache,
            config,
            split,
            shard,
        })
    }
}
