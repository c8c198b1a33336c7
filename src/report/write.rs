//! Writing a run directory (all files or none) and reading one back.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::io;

use polars::prelude::*;

use super::chart::run_chart;
use super::frames::{predictions_frames, summary_frame, summary_from_frame, summary_schema};
use super::html::{LeftOut, PageCases};
use super::metadata::{RunMetadata, Timing};
use super::render::render_markdown;
use super::view::{CandidateView, CaseView};
use super::ReportError;
use crate::data::Dataset;
use crate::eval::{case_metrics, summarize, BootstrapConfig, CaseOutcome, EvalResult, GroupBy, RunCase, SummaryRow};
use crate::output::{OutputKind, Pending, Target};

pub const PREDICTIONS: &str = "predictions.parquet";
pub const SUMMARY_CSV: &str = "summary.csv";
pub const SUMMARY_JSON: &str = "summary.json";
pub const SUMMARY_MD: &str = "summary.md";
pub const METADATA: &str = "metadata.json";
pub const TIMING: &str = "timing.json";
pub const CHART_DATA: &str = "chart_data.json";
pub const CHART_SVG: &str = "chart.svg";
pub const CHART_PNG: &str = "chart.png";
pub const REPORT_HTML: &str = "report.html";

/// Charts are a view of the tables: without a Hangul font they are skipped
/// with a warning; any other failure fails the write.
pub(crate) fn draw_or_warn(chart: &super::ChartData, svg: &Path, png: &Path) -> Result<(), ReportError> {
    match super::draw(chart, svg, png) {
        Ok(()) => Ok(()),
        Err(super::chart::ChartError::NoFont(message)) => {
            let _ = std::fs::remove_file(svg);
            let _ = std::fs::remove_file(png);
            eprintln!("warning: chart not drawn: {message}");
            Ok(())
        }
        Err(super::chart::ChartError::Failed(e)) => Err(e),
    }
}

fn table(path: &Path) -> impl FnOnce(PolarsError) -> ReportError + '_ {
    move |e| ReportError::Table {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The files a run directory holds: what `--overwrite` may replace.
pub const RUN_FILES: [&str; 10] = [
    PREDICTIONS,
    SUMMARY_CSV,
    SUMMARY_JSON,
    SUMMARY_MD,
    METADATA,
    TIMING,
    CHART_DATA,
    CHART_SVG,
    CHART_PNG,
    REPORT_HTML,
];

/// A run directory: `metadata.json` with rsbench's version, and nothing but
/// the files a run writes.
pub fn run_kind() -> OutputKind {
    OutputKind::dir_with_marker("run directory", METADATA, "rsbench_version", |name| {
        RUN_FILES.contains(&name)
    })
}

/// A run's default place: `reports/<dataset>-<scorer>-<split>-seed<seed>`,
/// numbered `-2`, `-3`… when taken (claimed when written).
pub fn default_run_target(dataset: &str, scorer: &str, split: &str, seed: u64) -> Target {
    reports_target(&format!("{dataset}-{scorer}-{split}-seed{seed}"))
}

/// `reports/<base>`, numbered when taken.
pub fn reports_target(base: &str) -> Target {
    Target::Numbered {
        root: PathBuf::from("reports"),
        base: base.to_owned(),
    }
}

/// Writes a `--json` output whole or not at all. An existing file is
/// replaced only when it is JSON with the same top-level keys (an earlier
/// output of the same command), never a file of the user's.
pub fn write_json_output(path: &Path, value: &impl serde::Serialize) -> Result<PathBuf, ReportError> {
    let metadata = |e: serde_json::Error| ReportError::Metadata {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let value = serde_json::to_value(value).map_err(metadata)?;
    let mut text = serde_json::to_string_pretty(&value).map_err(metadata)?;
    text.push('\n');
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    };
    let ours = keys(&value);
    let kind = OutputKind {
        what: "JSON file",
        shape: crate::output::Shape::File,
        recognise: Box::new(move |p| {
            let old: serde_json::Value = std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .ok_or_else(|| "it is not JSON".to_owned())?;
            if keys(&old) == ours {
                Ok(())
            } else {
                Err("it is not an earlier output of this command".into())
            }
        }),
    };
    Ok(crate::output::write_file(path, kind, text.as_bytes())?)
}

/// Checks a run's destination and stages it, before any scoring.
pub fn begin_run(target: Target, overwrite: bool) -> Result<Pending, ReportError> {
    Ok(Pending::begin(target, run_kind(), overwrite)?)
}

/// Fills a staged directory (via `fill`) and moves it into place.
pub(crate) fn write_staged(
    pending: Pending,
    fill: impl FnOnce(&Path) -> Result<(), ReportError>,
) -> Result<PathBuf, ReportError> {
    // Errors name where the file was going, not the hidden staging directory.
    fill(&pending.path()).map_err(|e| match e {
        ReportError::Io { path, source } => ReportError::Io {
            path: pending.public_path(&path),
            source,
        },
        ReportError::Table { path, message } => ReportError::Table {
            path: pending.public_path(&path),
            message,
        },
        ReportError::Metadata { path, message } => ReportError::Metadata {
            path: pending.public_path(&path),
            message,
        },
        other => other,
    })?;
    Ok(pending.commit()?)
}

/// Writes every file of a run, all or nothing; returns the run directory.
pub fn write_run(
    pending: Pending,
    dataset: &Dataset,
    result: &EvalResult,
    metadata: &RunMetadata,
    timing: &Timing,
    page_cases: PageCases,
) -> Result<PathBuf, ReportError> {
    write_staged(pending, |staging| {
        let at = |f: &str| staging.join(f);

        let p = at(PREDICTIONS);
        write_predictions(File::create(&p).map_err(io(&p))?, dataset, result).map_err(table(&p))?;

        let mut summary = summary_frame(&result.summary).map_err(table(&p))?;
        let p = at(SUMMARY_CSV);
        let mut w = BufWriter::new(File::create(&p).map_err(io(&p))?);
        CsvWriter::new(&mut w)
            .include_header(true)
            .finish(&mut summary)
            .map_err(table(&p))?;
        w.flush().map_err(io(&p))?;

        let p = at(SUMMARY_JSON);
        let mut w = BufWriter::new(File::create(&p).map_err(io(&p))?);
        JsonWriter::new(&mut w)
            .with_json_format(JsonFormat::Json)
            .finish(&mut summary)
            .map_err(table(&p))?;
        w.flush().map_err(io(&p))?;

        write_text(&at(SUMMARY_MD), &render_markdown(metadata, &result.summary))?;
        write_json(&at(METADATA), metadata)?;
        let title = format!("{} on {}", metadata.scorer.kind, metadata.dataset.name);
        let chart = run_chart(&title, &result.summary);
        write_json(&at(CHART_DATA), &chart)?;
        draw_or_warn(&chart, &at(CHART_SVG), &at(CHART_PNG))?;
        // From the files just written, as `rsbench report --format html` reads them.
        write_text(&at(REPORT_HTML), &run_html(staging, Vec::new(), page_cases)?)?;
        write_json(&at(TIMING), timing)
    })
}

/// `predictions.parquet`'s bytes into `sink` (a run directory's file, or the
/// Python package's in-memory copy, which must be the same bytes). Frame by
/// frame, a row group each: memory holds one group's rows, not the run's. A
/// run of one frame writes the bytes `finish` wrote.
pub fn write_predictions<W: Write + Send>(sink: W, dataset: &Dataset, result: &EvalResult) -> PolarsResult<()> {
    let mut sink = Some(sink);
    let mut writer = None;
    for frame in predictions_frames(dataset, result) {
        let mut frame = frame?;
        frame.align_chunks_par();
        if writer.is_none() {
            if let Some(f) = sink.take() {
                writer = Some(
                    ParquetWriter::new(f)
                        .with_compression(ParquetCompression::Zstd(None))
                        .batched(frame.schema())?,
                );
            }
        }
        if let Some(w) = writer.as_mut() {
            w.write_batch(&frame)?;
        }
    }
    if let Some(w) = writer {
        w.finish()?;
    }
    Ok(())
}

/// A run directory's `report.html`, from its files; `extra`: sections to add.
/// Over the `page_cases` budget the cases are not even read.
pub fn run_html(dir: &Path, extra: Vec<super::html::Section>, page_cases: PageCases) -> Result<String, ReportError> {
    let run = load_run(dir)?;
    let left_out = LeftOut::check(run.metadata.cases(), page_cases, || {
        "rsbench report RUN_DIR --format html --page-cases all".to_owned()
    });
    let views = match left_out {
        Some(_) => Vec::new(),
        None => load_case_views(dir)?,
    };
    Ok(super::html::run_page(
        &run.metadata,
        &run.summary,
        &views,
        left_out.as_ref(),
        &dir.join(CHART_SVG),
        extra,
    ))
}

/// Summary rows as summary.json writes them (the column names as keys).
pub fn summary_rows_json(rows: &[SummaryRow]) -> Result<serde_json::Value, ReportError> {
    let here = Path::new(SUMMARY_JSON);
    let mut frame = summary_frame(rows).map_err(table(here))?;
    let mut bytes = Vec::new();
    JsonWriter::new(&mut bytes)
        .with_json_format(JsonFormat::Json)
        .finish(&mut frame)
        .map_err(table(here))?;
    serde_json::from_slice(&bytes).map_err(|e| ReportError::Metadata {
        path: here.to_path_buf(),
        message: e.to_string(),
    })
}

/// Writes an HTML page whole; an existing file is replaced only when
/// rsbench wrote it (its generator tag says so).
pub fn write_html(path: &Path, html: &str) -> Result<PathBuf, ReportError> {
    let kind = OutputKind {
        what: "HTML page",
        shape: crate::output::Shape::File,
        recognise: Box::new(|p| {
            let mut head = Vec::new();
            if let Ok(f) = File::open(p) {
                let _ = std::io::Read::read_to_end(&mut std::io::Read::take(f, 2000), &mut head);
            }
            if String::from_utf8_lossy(&head).contains("<meta name=\"generator\" content=\"rsbench ") {
                Ok(())
            } else {
                Err("it is not a page rsbench wrote".into())
            }
        }),
    };
    Ok(crate::output::write_file(path, kind, html.as_bytes())?)
}

/// A single file rsbench writes whose first line starts with `header` (a
/// comment): an existing one is replaced only when it does, so a user's
/// `paper.tex` or `README.md` of that name is refused with `not_ours`.
pub(crate) fn headed_file_kind(what: &'static str, header: &'static str, not_ours: &'static str) -> OutputKind {
    OutputKind {
        what,
        shape: crate::output::Shape::File,
        recognise: Box::new(move |p| {
            if first_line(p).is_some_and(|l| l.starts_with(header)) {
                Ok(())
            } else {
                Err(not_ours.into())
            }
        }),
    }
}

/// The first line of a file (at most its first 2,000 bytes), if it reads.
pub(crate) fn first_line(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    let f = File::open(path).ok()?;
    std::io::Read::read_to_end(&mut std::io::Read::take(f, 2000), &mut head).ok()?;
    String::from_utf8_lossy(&head).lines().next().map(str::to_owned)
}

fn write_text(path: &Path, text: &str) -> Result<(), ReportError> {
    std::fs::write(path, text).map_err(io(path))
}

pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), ReportError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| ReportError::Metadata {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    text.push('\n');
    write_text(path, &text)
}

/// A run directory read back: what `rsbench report` renders.
#[derive(Debug, Clone)]
pub struct LoadedRun {
    pub metadata: RunMetadata,
    pub summary: Vec<SummaryRow>,
}

pub fn load_run(dir: &Path) -> Result<LoadedRun, ReportError> {
    super::require_dir(dir, "run directory")?;
    let p = dir.join(METADATA);
    let text = std::fs::read_to_string(&p).map_err(io(&p))?;
    let metadata: RunMetadata = serde_json::from_str(&text).map_err(|e| ReportError::Metadata {
        path: p.clone(),
        message: e.to_string(),
    })?;
    let p = dir.join(SUMMARY_CSV);
    if !p.is_file() {
        return Err(io(&p)(std::io::Error::new(std::io::ErrorKind::NotFound, "not found")));
    }
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(summary_schema())))
        .try_into_reader_with_file_path(Some(p.clone()))
        .and_then(|r| r.finish())
        .map_err(table(&p))?;
    let summary = summary_from_frame(&df).map_err(table(&p))?;
    Ok(LoadedRun { metadata, summary })
}

/// Reads `predictions.parquet` back into cases, in file order.
pub fn load_cases(dir: &Path) -> Result<Vec<RunCase>, ReportError> {
    Ok(read_case_views(dir, false)?.into_iter().map(|v| v.case).collect())
}

/// Reads `predictions.parquet` back into cases with their texts, in file order.
pub fn load_case_views(dir: &Path) -> Result<Vec<CaseView>, ReportError> {
    read_case_views(dir, true)
}

/// The cases of `predictions.parquet`; without `texts`, the views' contexts
/// and candidate texts are empty and those columns are never read (at a
/// million cases they are most of the file's memory).
fn read_case_views(dir: &Path, texts: bool) -> Result<Vec<CaseView>, ReportError> {
    let p = dir.join(PREDICTIONS);
    let file = File::open(&p).map_err(io(&p))?;
    let mut reader = ParquetReader::new(file);
    let present: Vec<String> = reader
        .schema()
        .map_err(table(&p))?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    let mut wanted = vec![
        "split",
        "case_id",
        "type",
        "source_dialogue",
        "label",
        "score",
        "rank",
        "rule",
    ];
    if texts {
        wanted.extend(["text", "origin", "made_from", "context"]);
    }
    // A column the file lacks is reported below by name, or (for the ones
    // added later) read as absent.
    let columns = wanted
        .into_iter()
        .filter(|w| present.iter().any(|n| n == w))
        .map(str::to_owned)
        .collect();
    let df = reader.with_columns(Some(columns)).finish().map_err(table(&p))?;
    let get_str = |name: &str| -> Result<StringChunked, ReportError> {
        Ok(df.column(name).map_err(table(&p))?.str().map_err(table(&p))?.clone())
    };
    let optional_str = |name: &str| -> Result<Option<StringChunked>, ReportError> {
        match df.column(name) {
            Ok(c) => Ok(Some(c.str().map_err(table(&p))?.clone())),
            Err(_) => Ok(None),
        }
    };
    let split = get_str("split")?;
    let case_id = get_str("case_id")?;
    let case_type = get_str("type")?;
    let dialogue = get_str("source_dialogue")?;
    let (text, origin) = if texts {
        (Some(get_str("text")?), Some(get_str("origin")?))
    } else {
        (None, None)
    };
    // Runs written before a column existed have no rules, no contexts.
    let rule = optional_str("rule")?;
    let made_from = optional_str("made_from")?;
    let context = match df.column("context") {
        Ok(c) => Some(c.list().map_err(table(&p))?.clone()),
        Err(_) => None,
    };
    let label = df.column("label").map_err(table(&p))?.i64().map_err(table(&p))?.clone();
    let score = df.column("score").map_err(table(&p))?.f64().map_err(table(&p))?.clone();
    let rank = df.column("rank").map_err(table(&p))?.f64().map_err(table(&p))?.clone();
    let mut cases: Vec<CaseView> = Vec::new();
    for i in 0..df.height() {
        let (s, id) = (split.get(i).unwrap_or_default(), case_id.get(i).unwrap_or_default());
        let (Some(sc), Some(lb)) = (score.get(i), label.get(i)) else {
            return Err(ReportError::Table {
                path: p.clone(),
                message: format!("row {i}: null score or label"),
            });
        };
        let same = cases.last().is_some_and(|c| c.case.split == s && c.case.case_id == id);
        if !same {
            let turns = match context.as_ref().and_then(|c| c.get_as_series(i)) {
                Some(series) => series
                    .str()
                    .map_err(table(&p))?
                    .iter()
                    .map(|t| t.unwrap_or_default().to_owned())
                    .collect(),
                None => Vec::new(),
            };
            cases.push(CaseView {
                case: RunCase {
                    split: s.to_owned(),
                    case_id: id.to_owned(),
                    case_type: case_type.get(i).unwrap_or_default().to_owned(),
                    dialogue: dialogue.get(i).unwrap_or_default().to_owned(),
                    scores: Vec::new(),
                    labels: Vec::new(),
                    rules: Vec::new(),
                },
                context: turns,
                candidates: Vec::new(),
            });
        }
        if let Some(v) = cases.last_mut() {
            let c = &mut v.case;
            c.scores.push(sc);
            c.labels.push(u8::from(lb == 1));
            let r = rule.as_ref().and_then(|r| r.get(i));
            if let Some(r) = r {
                if !c.rules.iter().any(|x| x == r) {
                    c.rules.push(r.to_owned());
                    c.rules.sort_unstable();
                }
            }
            if let (Some(text), Some(origin)) = (&text, &origin) {
                v.candidates.push(CandidateView {
                    text: text.get(i).unwrap_or_default().to_owned(),
                    origin: origin.get(i).unwrap_or_default().to_owned(),
                    rule: r.map(str::to_owned),
                    made_from: made_from.as_ref().and_then(|m| m.get(i)).map(str::to_owned),
                    rank: rank.get(i).unwrap_or(f64::NAN),
                });
            }
        }
    }
    Ok(cases)
}

/// A run's summary with its cases grouped as `by` says, recomputed from
/// `predictions.parquet` with the run's bootstrap settings (by type, the
/// numbers of its own summary).
pub fn summary_grouped(dir: &Path, metadata: &RunMetadata, by: GroupBy) -> Result<Vec<SummaryRow>, ReportError> {
    let cases = load_cases(dir)?;
    Ok(summary_of_groups(
        metadata,
        &cases,
        |c| by.group_of(&c.case_type, &c.rules),
        by == GroupBy::Rule,
    ))
}

/// Per split, one row per group `group_of` gives (first-seen order, or
/// sorted), plus `overall`, with the run's bootstrap settings.
pub(crate) fn summary_of_groups<'a>(
    metadata: &RunMetadata,
    cases: &'a [RunCase],
    group_of: impl Fn(&'a RunCase) -> Cow<'a, str>,
    sorted: bool,
) -> Vec<SummaryRow> {
    let groups: Vec<Cow<'_, str>> = cases.iter().map(group_of).collect();
    let bootstrap = BootstrapConfig {
        resamples: metadata.bootstrap.resamples,
        level: metadata.bootstrap.level,
        seed: metadata.seed,
    };
    let mut rows = Vec::new();
    for split in metadata.splits.iter().map(|s| s.name.as_str()) {
        let outcomes: Vec<CaseOutcome<'_>> = cases
            .iter()
            .zip(&groups)
            .filter(|(c, _)| c.split == split)
            .map(|(c, group)| CaseOutcome {
                case_type: group,
                dialogue: &c.dialogue,
                candidates: c.scores.len(),
                metrics: case_metrics(&c.scores, &c.labels),
            })
            .collect();
        let mut names: Vec<String> = Vec::new();
        for o in &outcomes {
            if !names.iter().any(|n| n == o.case_type) {
                names.push(o.case_type.to_owned());
            }
        }
        if sorted {
            names.sort();
        }
        rows.extend(summarize(split, &names, &outcomes, &bootstrap));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_that_cannot_be_written_fails_the_write() {
        let chart = run_chart("t", &[]);
        let dir = tempfile::tempdir().unwrap();
        let ok = draw_or_warn(&chart, &dir.path().join("c.svg"), &dir.path().join("c.png"));
        assert!(ok.is_ok() && dir.path().join("c.png").is_file(), "{ok:?}");
        let gone = dir.path().join("gone");
        let err = draw_or_warn(&chart, &gone.join("c.svg"), &gone.join("c.png")).unwrap_err();
        assert!(err.to_string().contains("gone/c.svg"), "{err}");
    }
}
