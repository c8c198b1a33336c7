//! `rsbench compare`: reading runs, checking they are comparable, writing the
//! comparison with Polars and rendering it with tabled.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

use super::metadata::RunMetadata;
use super::write::{load_cases, load_run};
use super::ReportError;
use crate::eval::{CompareRow, Comparison, GapRow, RunInput};

/// A run directory read for comparison.
pub struct LoadedForCompare {
    pub dir: PathBuf,
    pub name: String,
    pub metadata: RunMetadata,
    pub input: RunInput,
}

/// A run's name in a comparison: its directory's name.
pub fn run_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

pub fn load_for_compare(dir: &Path) -> Result<LoadedForCompare, ReportError> {
    let run = load_run(dir)?;
    let cases = load_cases(dir)?;
    let name = run_name(dir);
    Ok(LoadedForCompare {
        dir: dir.to_path_buf(),
        name: name.clone(),
        metadata: run.metadata,
        input: RunInput { name, cases },
    })
}

/// Runs are told apart by their directory names: two alike are refused
/// before anything is read, naming both.
pub fn check_distinct_names(dirs: &[std::path::PathBuf]) -> Result<(), ReportError> {
    let mut named: Vec<(String, &std::path::PathBuf)> = dirs.iter().map(|d| (run_name(d), d)).collect();
    named.sort();
    match named.windows(2).find(|w| w[0].0 == w[1].0) {
        Some(w) => Err(ReportError::SameName {
            first: w[0].1.clone(),
            second: w[1].1.clone(),
            name: w[0].0.clone(),
        }),
        None => Ok(()),
    }
}

/// Every run checked against the baseline: the differences that make them
/// incomparable, refused unless `force` (then returned, to be recorded).
pub fn check_comparable(runs: &[LoadedForCompare], baseline: usize, force: bool) -> Result<Vec<String>, ReportError> {
    let mut forced = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if i == baseline {
            continue;
        }
        let diffs = differences(&runs[baseline], run);
        if !diffs.is_empty() && !force {
            return Err(ReportError::Incomparable(diffs.join("\n  ")));
        }
        forced.extend(diffs);
    }
    Ok(forced)
}

/// What makes two runs incomparable: dataset files, seed, splits and
/// candidate counts must agree. Returns one line per difference.
pub fn differences(base: &LoadedForCompare, other: &LoadedForCompare) -> Vec<String> {
    let (a, b) = (&base.metadata, &other.metadata);
    let mut out = Vec::new();
    let files = |m: &RunMetadata| -> Vec<(String, String)> {
        m.dataset
            .files
            .iter()
            .map(|f| (f.name.clone(), f.sha256.clone()))
            .collect()
    };
    if files(a) != files(b) {
        out.push(format!(
            "dataset files differ: `{}` has {} ({}), `{}` has {} ({})",
            base.name,
            a.dataset.name,
            short(&files(a)),
            other.name,
            b.dataset.name,
            short(&files(b))
        ));
    }
    if a.seed != b.seed {
        out.push(format!(
            "seed differs: `{}` {} vs `{}` {}",
            base.name, a.seed, other.name, b.seed
        ));
    }
    let splits = |m: &RunMetadata| -> Vec<(String, Option<usize>)> {
        m.splits.iter().map(|s| (s.name.clone(), s.candidates)).collect()
    };
    if splits(a) != splits(b) {
        out.push(format!(
            "splits or candidate counts differ: `{}` {:?} vs `{}` {:?}",
            base.name,
            splits(a),
            other.name,
            splits(b)
        ));
    }
    out
}

fn short(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(n, h)| format!("{n}:{}", &h[..h.len().min(8)]))
        .collect::<Vec<_>>()
        .join(", ")
}

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

#[derive(Serialize)]
struct CompareMeta<'a> {
    rsbench_version: &'a str,
    baseline: &'a str,
    runs: Vec<String>,
    alpha: f64,
    bootstrap_resamples: usize,
    seed: u64,
    forced: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    bias_run: Option<&'a str>,
}

/// The comparison on the bias groups of `compare --bias-run`.
pub struct BiasComparison {
    pub comparison: Comparison,
    pub bias_run: String,
    pub bias_scorer: String,
    pub ties: usize,
}

impl BiasComparison {
    pub fn note(&self) -> String {
        bias_note(&self.bias_run, &self.bias_scorer, self.ties)
    }
}

pub struct CompareOutput<'a> {
    pub comparison: &'a Comparison,
    pub bias: Option<&'a BiasComparison>,
    pub runs: &'a [LoadedForCompare],
    pub baseline: &'a str,
    pub alpha: f64,
    pub resamples: usize,
    pub seed: u64,
    pub forced: &'a [String],
    /// How many cases compare.html's browser may embed.
    pub page_cases: super::html::PageCases,
    /// `compare --format latex`: the tables to write as compare.tex.
    pub latex: Option<&'a str>,
}

/// The files of a comparison directory, for `--overwrite`.
fn comparison_file(name: &str) -> bool {
    const FIXED: [&str; 11] = [
        "compare.csv",
        "compare.tex",
        "compare.html",
        "bias.csv",
        "bias.json",
        "compare.json",
        "compare.md",
        "gap.csv",
        "gap.json",
        "chart_data.json",
        "compare_meta.json",
    ];
    let chart = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|rest| rest.ends_with(".svg") || rest.ends_with(".png"))
    };
    FIXED.contains(&name) || chart("chart_") || chart("run_")
}

/// A comparison directory: `compare_meta.json` and the files `compare` writes.
pub fn comparison_kind() -> crate::output::Kind {
    crate::output::Kind::dir_with_marker(
        "comparison directory",
        "compare_meta.json",
        "rsbench_version",
        comparison_file,
    )
}

/// Checks a comparison's destination and stages it, before the tests run.
pub fn begin_comparison(target: crate::output::Target, overwrite: bool) -> Result<crate::output::Pending, ReportError> {
    Ok(crate::output::Pending::begin(target, comparison_kind(), overwrite)?)
}

/// Writes compare.{csv,json,md} (and compare.tex with `--format latex`),
/// gap.{csv,json} and compare_meta.json into
/// the staged directory, then moves it into place; returns where it went.
pub fn write_comparison(
    pending: crate::output::Pending,
    out: &CompareOutput<'_>,
) -> Result<std::path::PathBuf, ReportError> {
    super::write::write_staged(pending, |staging| {
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| ReportError::Io { path: p, source }
        };
        let table = |p: &Path| {
            let p = p.to_path_buf();
            move |e: PolarsError| ReportError::Table {
                path: p,
                message: e.to_string(),
            }
        };
        let mut frames = vec![
            (
                "compare",
                compare_frame(&out.comparison.rows, out.comparison.group_by.label()),
            ),
            ("gap", gap_frame(&out.comparison.gaps, out.comparison.group_by.label())),
        ];
        if let Some(b) = out.bias {
            frames.push(("bias", compare_frame(&b.comparison.rows, "bias")));
        }
        for (stem, frame) in frames.iter_mut() {
            let csv = staging.join(format!("{stem}.csv"));
            let df = frame.as_mut().map_err(|e| ReportError::Table {
                path: csv.clone(),
                message: e.to_string(),
            })?;
            let mut w = BufWriter::new(File::create(&csv).map_err(io(&csv))?);
            CsvWriter::new(&mut w)
                .include_header(true)
                .finish(df)
                .map_err(table(&csv))?;
            w.flush().map_err(io(&csv))?;
            let json = staging.join(format!("{stem}.json"));
            let mut w = BufWriter::new(File::create(&json).map_err(io(&json))?);
            JsonWriter::new(&mut w)
                .with_json_format(JsonFormat::Json)
                .finish(df)
                .map_err(table(&json))?;
            w.flush().map_err(io(&json))?;
        }
        let charts = super::chart::compare_charts(out.comparison);
        for (split, chart) in &charts {
            super::write::draw_or_warn(
                chart,
                &staging.join(format!("chart_{split}.svg")),
                &staging.join(format!("chart_{split}.png")),
            )?;
        }
        let mut all_charts: Vec<&super::ChartData> = charts.iter().map(|(_, c)| c).collect();
        let run_charts: Vec<super::ChartData> = out
            .runs
            .iter()
            .map(|r| {
                let loaded = load_run(&r.dir);
                let rows = loaded.map(|l| l.summary).unwrap_or_default();
                super::chart::run_chart(&r.name, &rows)
            })
            .collect();
        for (run, chart) in out.runs.iter().zip(&run_charts) {
            super::write::draw_or_warn(
                chart,
                &staging.join(format!("run_{}.svg", run.name)),
                &staging.join(format!("run_{}.png", run.name)),
            )?;
        }
        all_charts.extend(run_charts.iter());
        super::write::write_json(&staging.join("chart_data.json"), &all_charts)?;
        let md = staging.join("compare.md");
        let mut text = render_comparison(
            out.comparison,
            out.baseline,
            out.alpha,
            out.forced,
            TableStyle::Markdown,
        );
        if let Some(b) = out.bias {
            text.push_str(&render_bias(b, out.baseline, TableStyle::Markdown));
        }
        std::fs::write(&md, text).map_err(io(&md))?;
        if let Some(tex) = out.latex {
            let path = staging.join("compare.tex");
            std::fs::write(&path, tex).map_err(io(&path))?;
        }
        let meta = CompareMeta {
            rsbench_version: crate::VERSION,
            baseline: out.baseline,
            runs: out.runs.iter().map(|r| r.dir.display().to_string()).collect(),
            alpha: out.alpha,
            bootstrap_resamples: out.resamples,
            seed: out.seed,
            forced: out.forced,
            bias_run: out.bias.map(|b| b.bias_run.as_str()),
        };
        let path = staging.join("compare_meta.json");
        let mut text = serde_json::to_string_pretty(&meta).map_err(|e| ReportError::Metadata {
            path: path.clone(),
            message: e.to_string(),
        })?;
        text.push('\n');
        std::fs::write(&path, text).map_err(io(&path))?;
        let meta = serde_json::to_value(&meta).map_err(|e| ReportError::Metadata {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let html = staging.join("compare.html");
        std::fs::write(&html, compare_html(out, staging, &meta)?).map_err(io(&html))?;
        Ok(())
    })
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

fn compare_html(out: &CompareOutput<'_>, staging: &Path, meta: &serde_json::Value) -> Result<String, ReportError> {
    // The baseline first: the page pairs every other run with it.
    let mut order: Vec<&LoadedForCompare> = out.runs.iter().filter(|r| r.name == out.baseline).collect();
    order.extend(out.runs.iter().filter(|r| r.name != out.baseline));
    let cases = order.first().map_or(0, |r| r.metadata.cases());
    let left_out = super::html::LeftOut::check(cases, out.page_cases, || {
        "rsbench compare … --page-cases all".to_owned()
    });
    // Over the budget the discordant counts still need every case, but not
    // their texts: the cases compare has already read serve.
    let views: Vec<Vec<super::view::CaseView>> = match left_out {
        Some(_) => order
            .iter()
            .map(|r| {
                r.input
                    .cases
                    .iter()
                    .map(|c| super::view::CaseView {
                        case: c.clone(),
                        context: Vec::new(),
                        candidates: Vec::new(),
                    })
                    .collect()
            })
            .collect(),
        None => order
            .iter()
            .map(|r| super::write::load_case_views(&r.dir))
            .collect::<Result<_, _>>()?,
    };
    let mut extra = Vec::new();
    if let Some(b) = out.bias {
        let mut body = format!(
            "<p class=\"note\">{}; paired tests within each group, Holm-corrected across the two.</p>\n",
            super::html::esc(&b.note())
        );
        for (split, metric, records) in split_records(&b.comparison, out.baseline) {
            body.push_str(&format!(
                "<h3>{} ({})</h3>\n",
                super::html::esc(&split),
                super::html::esc(metric)
            ));
            body.push_str(&super::html::table(&format!("bias-{split}"), 1, &records));
        }
        extra.push(super::html::Section {
            id: "bias".into(),
            title: "Bias-aligned and bias-conflicting cases".into(),
            body,
        });
    }
    Ok(super::html::compare_page(super::html::ComparePage {
        comparison: out.comparison,
        baseline: out.baseline,
        alpha: out.alpha,
        forced: out.forced,
        runs: order
            .iter()
            .map(|r| r.name.as_str())
            .zip(views.iter().map(Vec::as_slice))
            .collect(),
        staging,
        meta,
        extra,
        left_out,
    }))
}

/// One line saying what the groups are.
pub fn bias_note(bias_run: &str, bias_scorer: &str, ties: usize) -> String {
    format!(
        "bias run `{bias_run}` ({bias_scorer}): bias-aligned = cases where it ranks a positive strictly above every negative; bias-conflicting = the rest ({ties} of them tied on top, which is not a win)"
    )
}
