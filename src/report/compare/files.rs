//! A comparison's directory: its frames as CSV and JSON, `compare_meta.json`,
//! the tables as Markdown, the charts and `compare.html`, staged and moved
//! into place whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use super::tables::{compare_frame, gap_frame, render_bias, render_comparison, split_records, TableStyle};
use super::{BiasComparison, LoadedForCompare};
use crate::eval::Comparison;
use crate::report::write::load_run;
use crate::report::ReportError;

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
    pub page_cases: crate::report::html::PageCases,
    /// `compare --format latex`: the tables to write as compare.tex.
    pub latex: Option<&'a str>,
}

/// A frame of a comparison, written as `<stem>.csv` and `<stem>.json`.
struct Frame(&'static str);

impl Frame {
    fn csv(&self) -> String {
        format!("{}.csv", self.0)
    }

    fn json(&self) -> String {
        format!("{}.json", self.0)
    }

    fn owns(&self, name: &str) -> bool {
        name == self.csv() || name == self.json()
    }
}

/// Charts, one per split or run: `<prefix><name>.svg` and `<prefix><name>.png`.
struct Charts(&'static str);

impl Charts {
    fn svg(&self, name: &str) -> String {
        format!("{}{name}.svg", self.0)
    }

    fn png(&self, name: &str) -> String {
        format!("{}{name}.png", self.0)
    }

    fn owns(&self, name: &str) -> bool {
        name.strip_prefix(self.0)
            .is_some_and(|rest| rest.ends_with(".svg") || rest.ends_with(".png"))
    }
}

const COMPARE: Frame = Frame("compare");
const GAP: Frame = Frame("gap");
/// With `--bias-run`.
const BIAS: Frame = Frame("bias");
const SPLIT_CHARTS: Charts = Charts("chart_");
const RUN_CHARTS: Charts = Charts("run_");
const CHART_DATA: &str = "chart_data.json";
const COMPARE_MD: &str = "compare.md";
/// With `--format latex`.
const COMPARE_TEX: &str = "compare.tex";
const COMPARE_META: &str = "compare_meta.json";
const COMPARE_HTML: &str = "compare.html";

/// What [`write_comparison`] writes (some files only with their option), by
/// the names it writes them under: what `--overwrite` may replace.
const FRAMES: [Frame; 3] = [COMPARE, GAP, BIAS];
const CHARTS: [Charts; 2] = [SPLIT_CHARTS, RUN_CHARTS];
const FILES: [&str; 5] = [CHART_DATA, COMPARE_MD, COMPARE_TEX, COMPARE_META, COMPARE_HTML];

/// The files of a comparison directory, for `--overwrite`.
fn comparison_file(name: &str) -> bool {
    FILES.contains(&name) || FRAMES.iter().any(|f| f.owns(name)) || CHARTS.iter().any(|c| c.owns(name))
}

/// A comparison directory: `compare_meta.json` and the files `compare` writes.
pub fn comparison_kind() -> crate::output::OutputKind {
    crate::output::OutputKind::dir_with_marker("comparison directory", COMPARE_META, "rsbench_version", comparison_file)
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
    crate::report::write::write_staged(pending, |staging| {
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
                &COMPARE,
                compare_frame(&out.comparison.rows, out.comparison.group_by.label()),
            ),
            (&GAP, gap_frame(&out.comparison.gaps, out.comparison.group_by.label())),
        ];
        if let Some(b) = out.bias {
            frames.push((&BIAS, compare_frame(&b.comparison.rows, "bias")));
        }
        for (name, frame) in frames.iter_mut() {
            let csv = staging.join(name.csv());
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
            let json = staging.join(name.json());
            let mut w = BufWriter::new(File::create(&json).map_err(io(&json))?);
            JsonWriter::new(&mut w)
                .with_json_format(JsonFormat::Json)
                .finish(df)
                .map_err(table(&json))?;
            w.flush().map_err(io(&json))?;
        }
        let charts = crate::report::chart::compare_charts(out.comparison);
        for (split, chart) in &charts {
            crate::report::write::draw_or_warn(
                chart,
                &staging.join(SPLIT_CHARTS.svg(split)),
                &staging.join(SPLIT_CHARTS.png(split)),
            )?;
        }
        let mut all_charts: Vec<&crate::report::ChartData> = charts.iter().map(|(_, c)| c).collect();
        let run_charts: Vec<crate::report::ChartData> = out
            .runs
            .iter()
            .map(|r| {
                let loaded = load_run(&r.dir);
                let rows = loaded.map(|l| l.summary).unwrap_or_default();
                crate::report::chart::run_chart(&r.name, &rows)
            })
            .collect();
        for (run, chart) in out.runs.iter().zip(&run_charts) {
            crate::report::write::draw_or_warn(
                chart,
                &staging.join(RUN_CHARTS.svg(&run.name)),
                &staging.join(RUN_CHARTS.png(&run.name)),
            )?;
        }
        all_charts.extend(run_charts.iter());
        crate::report::write::write_json(&staging.join(CHART_DATA), &all_charts)?;
        let md = staging.join(COMPARE_MD);
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
            let path = staging.join(COMPARE_TEX);
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
        let path = staging.join(COMPARE_META);
        crate::report::write::write_json(&path, &meta)?;
        let meta = serde_json::to_value(&meta).map_err(|e| ReportError::Metadata {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let html = staging.join(COMPARE_HTML);
        std::fs::write(&html, compare_html(out, staging, &meta)?).map_err(io(&html))?;
        Ok(())
    })
}

fn compare_html(out: &CompareOutput<'_>, staging: &Path, meta: &serde_json::Value) -> Result<String, ReportError> {
    // The baseline first: the page pairs every other run with it.
    let mut order: Vec<&LoadedForCompare> = out.runs.iter().filter(|r| r.name == out.baseline).collect();
    order.extend(out.runs.iter().filter(|r| r.name != out.baseline));
    let cases = order.first().map_or(0, |r| r.metadata.cases());
    let left_out = crate::report::html::LeftOut::check(cases, out.page_cases, || {
        "rsbench compare … --page-cases all".to_owned()
    });
    // Over the budget the discordant counts still need every case, but not
    // their texts: the cases compare has already read serve.
    let views: Vec<Vec<crate::report::view::CaseView>> = match left_out {
        Some(_) => order
            .iter()
            .map(|r| {
                r.input
                    .cases
                    .iter()
                    .map(|c| crate::report::view::CaseView {
                        case: c.clone(),
                        context: Vec::new(),
                        candidates: Vec::new(),
                    })
                    .collect()
            })
            .collect(),
        None => order
            .iter()
            .map(|r| crate::report::write::load_case_views(&r.dir))
            .collect::<Result<_, _>>()?,
    };
    let mut extra = Vec::new();
    if let Some(b) = out.bias {
        let mut body = format!(
            "<p class=\"note\">{}; paired tests within each group, Holm-corrected across the two.</p>\n",
            crate::report::html::esc(&b.note())
        );
        for (split, metric, records) in split_records(&b.comparison, out.baseline) {
            body.push_str(&format!(
                "<h3>{} ({})</h3>\n",
                crate::report::html::esc(&split),
                crate::report::html::esc(metric)
            ));
            body.push_str(&crate::report::html::table(&format!("bias-{split}"), 1, &records));
        }
        extra.push(crate::report::html::Section {
            id: "bias".into(),
            title: "Bias-aligned and bias-conflicting cases".into(),
            body,
        });
    }
    Ok(crate::report::html::compare_page(crate::report::html::ComparePage {
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
