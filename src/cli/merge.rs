//! `rsbench merge DIR`: the report of a sharded evaluation, once every shard
//! file is there, byte-identical to the unsharded run's.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use super::eval::{eval_config, load_dataset, Finish, SplitArg, EMBEDDED_SOURCE};
use super::{describe_target, Outcome};
use crate::eval::shard::{dataset_files, ReplayScorer, ShardFile};
use crate::output::Target;
use crate::report;

#[derive(clap::Args, Debug)]
pub(crate) struct MergeArgs {
    /// The directory the shards wrote (`eval --shard I/N --out DIR`).
    dir: PathBuf,
    /// The run directory to write [default: DIR/report].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the --out run directory if rsbench wrote it.
    #[arg(long)]
    overwrite: bool,
    /// Do not print the summary table.
    #[arg(long, short)]
    quiet: bool,
    /// Cases the HTML page's case browser may embed (all splits together), or `all`; over it the
    /// page keeps its tables and says how to write the browser.
    #[arg(long, value_name = "N|all", default_value = "20000")]
    page_cases: crate::report::html::PageCases,
}

pub(super) fn run(args: MergeArgs) -> Result<Outcome> {
    crate::progress::enable(!args.quiet);
    let finish = Finish::start(args.quiet, &[], args.page_cases);
    let shards = ShardFile::read_set(&args.dir).context("merging shards")?;
    let header = shards[0].header.clone();
    let dataset_path = (header.dataset != EMBEDDED_SOURCE).then(|| PathBuf::from(&header.dataset));
    let (dataset, source) = load_dataset(dataset_path.as_deref())?;
    if dataset_files(&dataset) != header.dataset_files {
        bail!(
            "merging shards: the dataset {} changed since the shards ran (its files' checksums differ)",
            header.dataset
        );
    }
    let split = SplitArg::from_str(&header.split, false)
        .map_err(|e| anyhow::anyhow!("merging shards: split `{}`: {e}", header.split))?;
    let config = eval_config(
        split,
        header.candidates,
        header.seed,
        header.bootstrap,
        header.response_only,
    );
    let target = Target::Fixed(args.out.clone().unwrap_or_else(|| args.dir.join("report")));
    let pending = report::begin_run(target.clone(), args.overwrite)
        .with_context(|| describe_target("writing report", &target))?;
    let scorer = ReplayScorer {
        identity: header.scorer.clone(),
        scores: shards.into_iter().flat_map(|s| s.scores).collect(),
    };
    finish.run(pending, &target, &dataset, &source, &scorer, &config)
}
