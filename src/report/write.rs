//! Writing a run directory (all files or none) and reading one back.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::frames::{predictions_frame, summary_frame, summary_from_frame, summary_schema};
use super::metadata::{RunMetadata, Timing};
use super::render::render_markdown;
use super::ReportError;
use crate::data::Dataset;
use crate::eval::{EvalResult, SummaryRow};

pub const PREDICTIONS: &str = "predictions.parquet";
pub const SUMMARY_CSV: &str = "summary.csv";
pub const SUMMARY_JSON: &str = "summary.json";
pub const SUMMARY_MD: &str = "summary.md";
pub const METADATA: &str = "metadata.json";
pub const TIMING: &str = "timing.json";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn table(path: &Path) -> impl FnOnce(PolarsError) -> ReportError + '_ {
    move |e| ReportError::Table {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Removes a half-built run directory unless the write completed.
struct Staging {
    path: PathBuf,
    done: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Writes every file of a run into a staging directory beside `dir`, then
/// renames it into place, so an interrupted run leaves no partial report.
pub fn write_run(
    dir: &Path,
    overwrite: bool,
    dataset: &Dataset,
    result: &EvalResult,
    metadata: &RunMetadata,
    timing: &Timing,
) -> Result<(), ReportError> {
    if dir.exists() && !overwrite {
        return Err(ReportError::Exists(dir.to_path_buf()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    let mut staging = Staging {
        path: parent.join(format!(".{name}.tmp-{}", std::process::id())),
        done: false,
    };
    let _ = std::fs::remove_dir_all(&staging.path);
    std::fs::create_dir_all(&staging.path).map_err(io(&staging.path))?;
    let at = |f: &str| staging.path.join(f);

    let p = at(PREDICTIONS);
    let mut predictions = predictions_frame(dataset, result).map_err(table(&p))?;
    let file = File::create(&p).map_err(io(&p))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut predictions)
        .map_err(table(&p))?;

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
    write_json(&at(TIMING), timing)?;

    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::rename(&staging.path, dir).map_err(io(dir))?;
    staging.done = true;
    Ok(())
}

fn write_text(path: &Path, text: &str) -> Result<(), ReportError> {
    std::fs::write(path, text).map_err(io(path))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), ReportError> {
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
