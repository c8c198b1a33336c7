//! `rsbench report`: a run's summary rendered again from its files.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::ReportBy;
use crate::eval::GroupBy;
use crate::report;

#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    run_dir: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Terminal)]
    format: ReportFormat,
    /// Rows per type (the run's summary as written), or per rule that wrote the negatives
    /// (`rsbench perturb` datasets; recomputed from predictions.parquet).
    #[arg(long, value_enum, default_value_t = ReportBy::Type)]
    by: ReportBy,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Terminal,
    Markdown,
}

pub(super) fn run(args: ReportArgs) -> Result<()> {
    let ReportArgs { run_dir, format, by } = args;
    let run = report::load_run(&run_dir).with_context(|| format!("reading run {}", run_dir.display()))?;
    let by = GroupBy::from(by);
    let rows = match by {
        GroupBy::Type => run.summary,
        GroupBy::Rule => report::summary_grouped(&run_dir, &run.metadata, by)
            .with_context(|| format!("reading run {}", run_dir.display()))?,
    };
    let group = by.label();
    let text = match format {
        ReportFormat::Terminal => report::render_terminal_grouped(&run.metadata, &rows, group),
        ReportFormat::Markdown => report::render_markdown_grouped(&run.metadata, &rows, group),
    };
    print!("{text}");
    Ok(())
}
