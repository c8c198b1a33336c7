//! Reports: Polars tables written as Parquet / CSV / JSON / Markdown, run
//! metadata, and the tabled renderings shown in the terminal.
//!
//! A run directory holds, with fixed columns (see reports/README.md):
//! `predictions.parquet`, `summary.csv`, `summary.json`, `summary.md`,
//! `metadata.json` (all byte-identical for the same inputs and seed) and
//! `timing.json` (wall time; the one file that differs run to run).

mod chart;
mod compare;
mod frames;
mod metadata;
mod render;
mod write;

pub use chart::{compare_charts, draw, run_chart, ChartData, ChartSeries};
pub use compare::{
    differences, load_for_compare, render_comparison, write_comparison, CompareOutput, LoadedForCompare, TableStyle,
};
pub use frames::{predictions_frame, summary_frame, summary_from_frame, PREDICTION_COLUMNS};
pub use metadata::{RunMetadata, Timing};
pub use render::{render_markdown, render_markdown_grouped, render_terminal, render_terminal_grouped};
pub(crate) use write::{io, write_json, write_staged};
pub use write::{load_cases, load_run, summary_grouped, write_run, LoadedRun};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Table { path: std::path::PathBuf, message: String },
    #[error("{path}: {message}")]
    Metadata { path: std::path::PathBuf, message: String },
    #[error("{}: already exists; choose another --out or pass --overwrite", .0.display())]
    Exists(std::path::PathBuf),
}
