//! `rsbench report`: a run's summary rendered again from its files, its
//! `report.html` written again, and the bias analysis of `--bias-run`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::ReportBy;
use crate::eval::GroupBy;
use crate::report;

#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    run_dir: PathBuf,
    /// terminal or markdown: the tables on stdout; json: the rows on stdout; html: write report.html.
    #[arg(long, value_enum, default_value_t = ReportFormat::Terminal)]
    format: ReportFormat,
    /// Rows per type (the run's summary as written), or per rule that wrote the negatives
    /// (`rsbench perturb` datasets; recomputed from predictions.parquet).
    #[arg(long, value_enum, default_value_t = ReportBy::Type)]
    by: ReportBy,
    /// A run of a bias scorer on the same cases (BM25, TF-IDF, `eval --response-only`): adds
    /// the run's results on the cases it ranks right (bias-aligned) and on the rest (bias-conflicting).
    #[arg(long, value_name = "RUN_DIR")]
    bias_run: Option<PathBuf>,
    /// With --format html: the file to write [default: RUN_DIR/report.html].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Cases with --format html: the page's case browser may embed (all splits together), or `all`; over it the
    /// page keeps its tables and says how to write the browser.
    #[arg(long, value_name = "N|all", default_value = "20000")]
    page_cases: crate::report::html::PageCases,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Terminal,
    Markdown,
    Json,
    Html,
}

pub(super) fn run(args: ReportArgs) -> Result<()> {
    crate::progress::enable(true);
    let ReportArgs {
        run_dir,
        format,
        by,
        bias_run,
        out,
        page_cases,
    } = args;
    if out.is_some() && format != ReportFormat::Html {
        anyhow::bail!("--out names the file of --format html");
    }
    let reading = || format!("reading run {}", run_dir.display());
    let run = report::load_run(&run_dir).with_context(reading)?;
    let bias = match &bias_run {
        Some(b) => {
            let loaded = report::load_for_compare(&run_dir).with_context(reading)?;
            let bias = report::load_for_compare(b).with_context(|| format!("reading bias run {}", b.display()))?;
            Some(report::bias_summary(&loaded, &bias).context("grouping by the bias run")?)
        }
        None => None,
    };
    if format == ReportFormat::Html {
        let extra = bias.iter().map(report::bias_section).collect();
        let html = report::run_html(&run_dir, extra, page_cases).with_context(reading)?;
        let path = out.unwrap_or_else(|| run_dir.join(report::REPORT_HTML));
        let written = report::write_html(&path, &html).context("writing the HTML report")?;
        eprintln!("wrote {}", written.display());
        return Ok(());
    }
    let by = GroupBy::from(by);
    let rows = match by {
        GroupBy::Rule => report::summary_grouped(&run_dir, &run.metadata, by).with_context(reading)?,
        GroupBy::Type | GroupBy::Bias => run.summary,
    };
    let group = by.label();
    let text = match format {
        ReportFormat::Terminal | ReportFormat::Html => {
            let mut t = report::render_terminal_grouped(&run.metadata, &rows, group);
            if let Some(b) = &bias {
                t.push_str(&format!(
                    "\n{}\n",
                    report::bias_note(&b.bias_run, &b.bias_scorer, b.ties)
                ));
                t.push_str(&report::render_terminal_grouped(&run.metadata, &b.rows, "bias"));
            }
            t
        }
        ReportFormat::Markdown => {
            let mut t = report::render_markdown_grouped(&run.metadata, &rows, group);
            if let Some(b) = &bias {
                t.push_str(&format!(
                    "\n# bias-aligned and bias-conflicting cases\n\n{}.\n\n",
                    report::bias_note(&b.bias_run, &b.bias_scorer, b.ties)
                ));
                t.push_str(&report::render_markdown_grouped(&run.metadata, &b.rows, "bias"));
            }
            t
        }
        ReportFormat::Json => {
            let mut value = serde_json::json!({ "summary": report::summary_rows_json(&rows)? });
            if let Some(b) = &bias {
                value["bias"] = serde_json::json!({
                    "bias_run": b.bias_run,
                    "bias_scorer": b.bias_scorer,
                    "ties_counted_conflicting": b.ties,
                    "rows": report::summary_rows_json(&b.rows)?,
                });
            }
            format!("{}\n", serde_json::to_string_pretty(&value)?)
        }
    };
    print!("{text}");
    Ok(())
}
