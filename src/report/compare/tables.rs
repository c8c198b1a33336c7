//! A comparison as Polars frames (the CSV and JSON files) and as tabled
//! text (the terminal and Markdown), one table per split.

use std::fmt::Write as _;

use polars::prelude::*;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::BiasComparison;
use crate::eval::{CompareRow, Comparison, GapRow};

/// The comparison's rows; the group column is named `group` (`type` or `rule`).
pub fn compare_frame(rows: &[CompareRow], group: &str) -> PolarsResult<DataFrame> {
    let col_s = |name: &str, f: &dyn Fn(&CompareRow) -> String| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<String>>())
    };
    let col_f = |name: &str, f: &dyn Fn(&CompareRow) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<Option<f64>>>())
    };
    DataFrame::new_infer_height(vec![
        col_s("split", &|r| r.split.clone()),
        col_s(group, &|r| r.case_type.clone()),
        col_s("run", &|r| r.run.clone()),
        col_s("metric", &|r| r.metric.column().to_owned()),
        Column::new(
            "cases".into(),
            rows.iter().map(|r| r.cases as i64).collect::<Vec<i64>>(),
        ),
        col_f("value", &|r| r.estimate.value),
        col_f("lo", &|r| r.estimate.lo),
        col_f("hi", &|r| r.estimate.hi),
        col_f("delta", &|r| r.delta),
        Column::new(
            "test".into(),
            rows.iter().map(|r| r.test).collect::<Vec<Option<&str>>>(),
        ),
        col_f("p", &|r| r.p),
        col_f("p_holm", &|r| r.p_holm),
        Column::new(
            "significant".into(),
            rows.iter().map(|r| r.significant).collect::<Vec<bool>>(),
        ),
    ])
}

pub fn gap_frame(rows: &[GapRow], group: &str) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new("run".into(), rows.iter().map(|r| r.run.as_str()).collect::<Vec<_>>()),
        Column::new(
            group.into(),
            rows.iter().map(|r| r.case_type.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "clean_pair_acc".into(),
            rows.iter().map(|r| r.clean).collect::<Vec<_>>(),
        ),
        Column::new(
            "adversarial_pair_acc".into(),
            rows.iter().map(|r| r.adversarial).collect::<Vec<_>>(),
        ),
        Column::new("gap".into(), rows.iter().map(|r| r.gap).collect::<Vec<_>>()),
    ])
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}", 100.0 * x)).unwrap_or_else(|| "—".into())
}

fn signed_pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:+.1}", 100.0 * x)).unwrap_or_else(|| "—".into())
}

fn p_text(p: Option<f64>) -> String {
    match p {
        None => "—".into(),
        Some(p) if p < 0.001 => "<0.001".into(),
        Some(p) => format!("{p:.3}"),
    }
}

pub(crate) fn first_seen<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// One table per split as records (header first): types as rows; each run's
/// value and interval, and for the others the difference to the baseline
/// with its corrected p. Returns (split, metric label, records).
pub(crate) fn split_records(cmp: &Comparison, baseline: &str) -> Vec<(String, &'static str, Vec<Vec<String>>)> {
    let mut out = Vec::new();
    for split in first_seen(cmp.rows.iter().map(|r| r.split.as_str())) {
        let rows: Vec<&CompareRow> = cmp.rows.iter().filter(|r| r.split == split).collect();
        let runs = first_seen(rows.iter().map(|r| r.run.as_str()));
        let types = first_seen(rows.iter().map(|r| r.case_type.as_str()));
        let metric = rows.first().map(|r| r.metric.label()).unwrap_or("");
        let mut header = vec![cmp.group_by.label().to_owned(), "cases".to_owned()];
        for run in &runs {
            header.push(format!("{run} {metric} [95% CI]"));
            if *run != baseline {
                header.push(format!("Δ {run}"));
                header.push(format!("p {run}"));
            }
        }
        let mut records = vec![header];
        for t in &types {
            let mut rec = vec![t.to_string()];
            let cases = rows.iter().find(|r| r.case_type == *t).map(|r| r.cases).unwrap_or(0);
            rec.push(cases.to_string());
            for run in &runs {
                let Some(r) = rows.iter().find(|r| r.case_type == *t && r.run == *run) else {
                    continue;
                };
                let e = r.estimate;
                rec.push(match (e.lo, e.hi) {
                    (Some(lo), Some(hi)) => format!("{} [{}, {}]", pct(e.value), pct(Some(lo)), pct(Some(hi))),
                    _ => pct(e.value),
                });
                if *run != baseline {
                    let mark = if r.significant { " *" } else { "" };
                    rec.push(format!("{}{mark}", signed_pct(r.delta)));
                    rec.push(p_text(r.p_holm));
                }
            }
            records.push(rec);
        }
        out.push((split.to_owned(), metric, records));
    }
    out
}

fn split_tables(cmp: &Comparison, baseline: &str, style: TableStyle) -> String {
    let mut out = String::new();
    for (split, metric, records) in split_records(cmp, baseline) {
        let mut b = Builder::default();
        for rec in records {
            b.push_record(rec);
        }
        let table = finish(b, style);
        match style {
            TableStyle::Markdown => {
                let _ = writeln!(out, "\n## {split} ({metric})\n\n{table}");
            }
            TableStyle::Terminal => {
                let _ = writeln!(out, "\n{split} ({metric})\n{table}");
            }
        }
    }
    out
}

/// The robustness gap as records (header first): types as rows, a column per run.
pub(crate) fn gap_records(gaps: &[GapRow], group: &str) -> Vec<Vec<String>> {
    let runs = first_seen(gaps.iter().map(|g| g.run.as_str()));
    let types = first_seen(gaps.iter().map(|g| g.case_type.as_str()));
    let mut header = vec![group.to_owned()];
    header.extend(runs.iter().map(|r| format!("{r} clean − adv")));
    let mut records = vec![header];
    for t in &types {
        let mut rec = vec![t.to_string()];
        for run in &runs {
            let g = gaps
                .iter()
                .find(|g| g.case_type == *t && g.run == *run)
                .and_then(|g| g.gap);
            rec.push(signed_pct(g));
        }
        records.push(rec);
    }
    records
}

fn gap_table(gaps: &[GapRow], group: &str, style: TableStyle) -> String {
    let mut b = Builder::default();
    for rec in gap_records(gaps, group) {
        b.push_record(rec);
    }
    finish(b, style).to_string()
}

/// The table in its style, numbers right-aligned.
fn finish(builder: Builder, style: TableStyle) -> tabled::Table {
    let mut table = builder.build();
    match style {
        TableStyle::Markdown => table.with(Style::markdown()),
        TableStyle::Terminal => table.with(Style::rounded()),
    };
    table.modify(Columns::new(1..), Alignment::right());
    table
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    Markdown,
    Terminal,
}

/// The whole comparison as text: per-split tables, then the robustness gap.
pub fn render_comparison(cmp: &Comparison, baseline: &str, alpha: f64, forced: &[String], style: TableStyle) -> String {
    let mut out = String::new();
    let title = match style {
        TableStyle::Markdown => "# rsbench compare\n",
        TableStyle::Terminal => "",
    };
    let _ = write!(out, "{title}");
    let _ = writeln!(
        out,
        "baseline `{baseline}`; Δ = run − baseline in points; p: exact paired test on pairwise accuracy (McNemar; its sign-flip form where ties score ½) for N = 2, else paired bootstrap over source dialogues, Holm-corrected across {group}s (overall uncorrected); * = p < {alpha}",
        group = cmp.group_by.label()
    );
    if !forced.is_empty() {
        let _ = writeln!(out, "\nWARNING: compared with --force despite: {}", forced.join("; "));
    }
    out.push_str(&split_tables(cmp, baseline, style));
    if cmp.gaps.iter().any(|g| g.gap.is_some()) {
        match style {
            TableStyle::Markdown => {
                let _ = writeln!(out, "\n## robustness gap (pairwise accuracy, clean − adversarial)\n");
            }
            TableStyle::Terminal => {
                let _ = writeln!(out, "\nrobustness gap (pairwise accuracy, clean − adversarial)");
            }
        }
        let _ = writeln!(out, "{}", gap_table(&cmp.gaps, cmp.group_by.label(), style));
    }
    out
}

/// The bias groups' tables, each run tested against the baseline within a group.
pub fn render_bias(b: &BiasComparison, baseline: &str, style: TableStyle) -> String {
    let title = match style {
        TableStyle::Markdown => "\n# bias-aligned and bias-conflicting cases\n",
        TableStyle::Terminal => "\nbias-aligned and bias-conflicting cases",
    };
    format!(
        "{title}\n{}; paired tests within each group, Holm-corrected across the two\n{}",
        b.note(),
        split_tables(&b.comparison, baseline, style)
    )
}
