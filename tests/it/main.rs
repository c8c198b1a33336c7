//! Every integration test in one binary: each test file links libtorch,
//! polars and the analyser, so one binary links them once (CI time).
//! One module per topic.

mod audit;
mod cache;
mod cli;
mod common;
mod compare;
mod evaluation;
mod fetch;
mod grounded;
mod hangul_props;
mod html;
mod interrogative;
mod koradvmrs;
mod ledger;
mod loaders;
mod metrics;
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
mod serving;
mod shards;
mod snapshots;
mod splits;
mod tokenizer_parity;
mod topic;
