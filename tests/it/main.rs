//! Every integration test in one binary: each test file links libtorch,
//! polars and the analyser, so one binary links them once (CI time).
//! One module per topic.

mod audit;
mod cache;
mod cli;
mod common;
mod compare;
mod contamination;
mod evaluation;
mod exports;
mod fetch;
mod grounded;
mod hangul_props;
mod html;
mod interrogative;
mod koradvmrs;
mod ledger;
mod loaders;
mod metrics;
#[cfg(feature = "torch")]
mod model_parity;
mod new_types_props;
mod persons;
mod perturb;
mod perturb_rules;
mod progress;
mod reliability;
mod rerank;
mod safety;
mod scorer_process;
mod scores_file;
#[cfg(feature = "torch")]
mod serving;
mod shards;
mod snapshots;
mod splits;
#[cfg(feature = "torch")]
mod tokenizer_parity;
mod user_rules;
