//! Human-readable renderings of a run's summary: Markdown (summary.md) and
//! the terminal table. Both come from the summary rows and the metadata alone,
//! so `rsbench report RUN_DIR` reproduces them byte for byte from the files.

use std::fmt::Write as _;

use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::metadata::RunMetadata;
use crate::eval::{Estimate, Metric, SummaryRow};

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}", 100.0 * x)).unwrap_or_else(|| "—".to_owned())
}

fn with_interval(e: Estimate) -> String {
    match (e.value, e.lo, e.hi) {
        (Some(v), Some(lo), Some(hi)) => format!("{} [{}, {}]", pct(Some(v)), pct(Some(lo)), pct(Some(hi))),
        (v, _, _) => pct(v),
    }
}

fn candidates(r: &SummaryRow) -> String {
    if r.candidates_min == r.candidates_max {
        r.candidates_min.to_string()
    } else {
        format!("{}–{}", r.candidates_min, r.candidates_max)
    }
}

pub(crate) fn split_names(rows: &[SummaryRow]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.split.as_str()) {
            names.push(&r.split);
        }
    }
    names
}

/// A split's table as records (header first): what the Markdown, terminal
/// and HTML renderings all show.
pub(crate) fn summary_records(rows: &[&SummaryRow], group: &str) -> Vec<Vec<String>> {
    let mut header = vec![
        group.to_owned(),
        "cases".to_owned(),
        "dialogues".to_owned(),
        "N".to_owned(),
    ];
    header.push(format!("{} [95% CI]", Metric::PairAcc.label()));
    header.extend(Metric::ALL[1..].iter().map(|m| m.label().to_owned()));
    let mut records = vec![header];
    for r in rows {
        let mut rec = vec![
            r.case_type.clone(),
            r.cases.to_string(),
            r.dialogues.to_string(),
            candidates(r),
        ];
        rec.push(with_interval(r.get(Metric::PairAcc)));
        rec.extend(Metric::ALL[1..].iter().map(|&m| pct(r.get(m).value)));
        records.push(rec);
    }
    records
}

/// A table cell's text for Markdown: a `|` (a type named `a|b`) would end
/// the cell, a line break the row.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// How a rendering writes each split's table: summary.md's Markdown or the
/// terminal's box drawing; everything else about the tables is shared.
#[derive(Debug, Clone, Copy)]
enum TableStyle {
    Markdown,
    Terminal,
}

impl TableStyle {
    /// The lines before a split's table.
    fn heading(self, split: &str) -> String {
        match self {
            TableStyle::Markdown => format!("\n## {split}\n"),
            TableStyle::Terminal => format!("\n{split}"),
        }
    }

    fn cell(self, text: &str) -> String {
        match self {
            TableStyle::Markdown => markdown_cell(text),
            TableStyle::Terminal => text.to_owned(),
        }
    }

    /// The lines after a split's table that has cases excluded.
    fn note(self, note: &str) -> String {
        match self {
            TableStyle::Markdown => format!("\n{note}."),
            TableStyle::Terminal => note.to_owned(),
        }
    }
}

/// Each split's table of `rows`, with `group` naming the first column, in `style`.
fn write_tables(out: &mut String, rows: &[SummaryRow], group: &str, style: TableStyle) {
    for split in split_names(rows) {
        let split_rows: Vec<&SummaryRow> = rows.iter().filter(|r| r.split == split).collect();
        let _ = writeln!(out, "{}", style.heading(split));
        let mut b = Builder::default();
        for rec in summary_records(&split_rows, group) {
            b.push_record(rec.iter().map(|cell| style.cell(cell)));
        }
        let mut table = b.build();
        match style {
            TableStyle::Markdown => table.with(Style::markdown()),
            TableStyle::Terminal => table.with(Style::rounded()),
        };
        table.modify(Columns::new(1..), Alignment::right());
        let _ = writeln!(out, "{table}");
        if let Some(note) = excluded_note(&split_rows) {
            let _ = writeln!(out, "{}", style.note(&note));
        }
    }
}

/// The scorer and its scalar parameters (nested ones, such as a model's
/// template or weight checksums, are in metadata.json).
pub(crate) fn scorer_line(meta: &RunMetadata) -> String {
    let params: Vec<String> = meta
        .scorer
        .params
        .iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) => Some(format!("{k}={s}")),
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => None,
            other => Some(format!("{k}={other}")),
        })
        .collect();
    if params.is_empty() {
        meta.scorer.kind.clone()
    } else {
        format!("{} ({})", meta.scorer.kind, params.join(", "))
    }
}

/// What a `--response-only` run's renderings say first.
pub(crate) const RESPONSE_ONLY: &str =
    "response-only: every candidate was scored with an empty context (eval --response-only)";

pub(crate) fn excluded_note(rows: &[&SummaryRow]) -> Option<String> {
    let overall = rows.iter().find(|r| r.case_type == crate::eval::OVERALL)?;
    (overall.excluded > 0).then(|| format!("{} case(s) without a positive excluded", overall.excluded))
}

pub fn render_markdown(meta: &RunMetadata, rows: &[SummaryRow]) -> String {
    render_markdown_grouped(meta, rows, "type")
}

/// The Markdown report with `group` naming the rows' first column (`type`,
/// or `rule` for `rsbench report --by rule`).
pub fn render_markdown_grouped(meta: &RunMetadata, rows: &[SummaryRow], group: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# rsbench report: {} on {}\n", meta.scorer.kind, meta.dataset.name);
    let _ = writeln!(
        out,
        "- dataset: `{}` ({} cases, {} files)",
        meta.dataset.name,
        meta.dataset.cases,
        meta.dataset.files.len()
    );
    let _ = writeln!(out, "- scorer: {}", scorer_line(meta));
    if meta.response_only {
        let _ = writeln!(out, "- {RESPONSE_ONLY}");
    }
    let _ = writeln!(out, "- seed: {}", meta.seed);
    let _ = writeln!(
        out,
        "- intervals: {:.0} % percentile bootstrap, {} resamples of whole source dialogues",
        meta.bootstrap.level * 100.0,
        meta.bootstrap.resamples
    );
    let _ = writeln!(out, "- ties: {}", meta.tie_policy);
    let _ = writeln!(out, "- rsbench {}", meta.rsbench_version);
    write_tables(&mut out, rows, group, TableStyle::Markdown);
    let _ = writeln!(out, "\nValues are percentages. Acc: pairwise accuracy (R2@1 when N = 2). R@k is shown only where cases have more than k candidates.");
    out
}

pub fn render_terminal(meta: &RunMetadata, rows: &[SummaryRow]) -> String {
    render_terminal_grouped(meta, rows, "type")
}

/// The terminal table with `group` naming the rows' first column.
pub fn render_terminal_grouped(meta: &RunMetadata, rows: &[SummaryRow], group: &str) -> String {
    let mut out = String::new();
    if meta.response_only {
        let _ = writeln!(out, "{RESPONSE_ONLY}");
    }
    let _ = writeln!(
        out,
        "{} on {} ({} cases), seed {}",
        scorer_line(meta),
        meta.dataset.name,
        meta.dataset.cases,
        meta.seed
    );
    write_tables(&mut out, rows, group, TableStyle::Terminal);
    out
}
