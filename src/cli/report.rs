//! `rsbench report`: a run's summary rendered again from its files, its
//! `report.html` written again, and the bias analysis of `--bias-run`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::{describe_target, ReportBy};
use crate::eval::GroupBy;
use crate::output::Target;
use crate::report;

#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    run_dir: PathBuf,
    /// terminal or markdown: the tables on stdout; json: the rows on stdout; html: write report.html;
    /// latex: booktabs tables for a paper; model-index: a model card's evaluation YAML (both on
    /// stdout, or --out FILE); trec: one split as a TREC run and qrels (a directory).
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
    /// html: the page [default: RUN_DIR/report.html]; latex, model-index: the file [default:
    /// stdout]; trec: the directory [default: reports/trec-<run>-<split>, numbered if taken].
    #[arg(long)]
    out: Option<PathBuf>,
    /// With --format trec: the split to export [default: the run's only split].
    #[arg(long, value_name = "SPLIT")]
    split: Option<String>,
    /// With --format model-index: the model's name in the card [default: a hub model's
    /// org/name, a server's or program's model name, a model directory's name, else the scorer].
    #[arg(long, value_name = "NAME")]
    model_name: Option<String>,
    /// With --format trec: replace the --out directory if it is a TREC directory rsbench wrote.
    #[arg(long)]
    overwrite: bool,
    /// Cases with --format html: the page's case browser may embed (all splits together), or `all`; over it the
    /// page keeps its tables and says how to write the browser.
    #[arg(long, value_name = "N|all", default_value = "20000")]
    page_cases: crate::report::html::PageCases,
}

// A CLI choice, not a mirror: each format is a different renderer called from `run`, no library enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Terminal,
    Markdown,
    Json,
    Html,
    Latex,
    ModelIndex,
    Trec,
}

pub(super) fn run(args: ReportArgs) -> Result<()> {
    crate::progress::enable(true);
    let ReportArgs {
        run_dir,
        format,
        by,
        bias_run,
        out,
        split,
        model_name,
        overwrite,
        page_cases,
    } = args;
    use ReportFormat as F;
    if out.is_some() && !matches!(format, F::Html | F::Latex | F::ModelIndex | F::Trec) {
        anyhow::bail!("--out names the file of --format html, latex or model-index, or the directory of --format trec");
    }
    if split.is_some() && format != F::Trec {
        anyhow::bail!("--split picks the split of --format trec");
    }
    if overwrite && format != F::Trec {
        anyhow::bail!("--overwrite replaces the directory of --format trec (the files of --out are replaced when rsbench wrote them)");
    }
    if model_name.is_some() && format != F::ModelIndex {
        anyhow::bail!("--model-name names the model of --format model-index");
    }
    if bias_run.is_some() && matches!(format, F::ModelIndex | F::Trec) {
        anyhow::bail!("--bias-run adds tables to --format terminal, markdown, json, html or latex");
    }
    if format == F::Trec && !matches!(by, ReportBy::Type) {
        anyhow::bail!("--by has no effect on --format trec, which exports cases, not groups");
    }
    let reading = || format!("reading run {}", run_dir.display());
    let run = report::load_run(&run_dir).with_context(reading)?;
    if format == F::Trec {
        return trec(&run_dir, &run.metadata, split, out, overwrite);
    }
    let bias = match &bias_run {
        Some(b) => {
            let loaded = report::load_for_compare(&run_dir).with_context(reading)?;
            let bias = report::load_for_compare(b).with_context(|| format!("reading bias run {}", b.display()))?;
            Some(report::bias_summary(&loaded, &bias).context("grouping by the bias run")?)
        }
        None => None,
    };
    if format == F::Html {
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
    let name = report::run_name(&run_dir);
    let text = match format {
        F::Terminal | F::Html | F::Trec => {
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
        F::Markdown => {
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
        F::Latex => {
            let mut t = report::render_latex_grouped(&run.metadata, &name, &rows, group);
            if let Some(b) = &bias {
                t.push_str(&format!(
                    "\n% bias-aligned and bias-conflicting cases: {}\n",
                    report::bias_note(&b.bias_run, &b.bias_scorer, b.ties).replace(['\r', '\n'], " ")
                ));
                t.push_str(&report::latex_tables(&run.metadata, &name, &b.rows, "bias"));
            }
            t
        }
        F::ModelIndex => {
            let model = model_name.unwrap_or_else(|| report::default_model_name(&run.metadata));
            report::render_model_index(&run.metadata, &name, &rows, group, &model)
        }
        F::Json => {
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
    if let Some(path) = out {
        let written = match format {
            F::Latex => report::write_latex(&path, &text).context("writing the LaTeX tables")?,
            _ => report::write_model_index(&path, &text).context("writing the model-index YAML")?,
        };
        eprintln!("wrote {}", written.display());
        return Ok(());
    }
    print!("{text}");
    Ok(())
}

/// `--format trec`: one split's cases as `run.trec` and `qrels.trec`.
fn trec(
    run_dir: &Path,
    metadata: &report::RunMetadata,
    split: Option<String>,
    out: Option<PathBuf>,
    overwrite: bool,
) -> Result<()> {
    let splits: Vec<&str> = metadata.splits.iter().map(|s| s.name.as_str()).collect();
    let split = match (split, splits.as_slice()) {
        (Some(s), _) if splits.contains(&s.as_str()) => s,
        (Some(s), _) => anyhow::bail!("--split {s}: the run has no such split (it has {})", splits.join(", ")),
        (None, [only]) => (*only).to_owned(),
        (None, _) => anyhow::bail!(
            "the run has splits {}: pass --split NAME (a TREC run holds one split)",
            splits.join(", ")
        ),
    };
    let target = match out {
        Some(dir) => Target::Fixed(dir),
        None => report::reports_target(&format!("trec-{}-{split}", report::run_name(run_dir))),
    };
    let doing = || describe_target("writing TREC files", &target);
    let pending = report::begin_trec(target.clone(), overwrite).with_context(doing)?;
    let cases = report::load_cases(run_dir).with_context(|| format!("reading run {}", run_dir.display()))?;
    let (dir, meta) = report::write_trec(pending, run_dir, &split, &cases).with_context(doing)?;
    eprintln!(
        "wrote {} ({} queries of split {split}{})",
        dir.display(),
        meta.queries,
        if meta.excluded_without_positive > 0 {
            format!(", {} without a positive left out", meta.excluded_without_positive)
        } else {
            String::new()
        }
    );
    if meta.queries_with_ties > 0 {
        eprintln!(
            "note: {} queries have tied scores; rsbench averages over the orders of tied candidates, trec_eval and ranx break ties their own way",
            meta.queries_with_ties
        );
    }
    Ok(())
}
