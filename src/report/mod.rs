//! Reports: Polars tables written as Parquet / CSV / JSON / Markdown, run
//! metadata, and the tabled renderings shown in the terminal.
//!
//! A run directory holds, with fixed columns (see reports/README.md):
//! `predictions.parquet`, `summary.csv`, `summary.json`, `summary.md`,
//! `metadata.json` (all byte-identical for the same inputs and seed) and
//! `timing.json` (wall time; the one file that differs run to run).

mod bias;
mod chart;
mod compare;
mod frames;
pub mod html;
mod latex;
mod metadata;
mod model_index;
mod render;
mod trec;
mod view;
mod write;

pub use bias::{bias_groups, bias_section, bias_summary, BiasSummary};
pub use chart::{compare_charts, draw, run_chart, ChartData, ChartSeries};
pub use compare::{
    begin_comparison, bias_note, check_comparable, check_distinct_names, comparison_kind, differences,
    load_for_compare, render_bias, render_comparison, run_name, write_comparison, BiasComparison, CompareOutput,
    LoadedForCompare, TableStyle,
};
pub use frames::{predictions_frame, summary_frame, summary_from_frame, PREDICTION_COLUMNS};
pub use latex::{latex_escape, latex_kind, latex_tables, render_comparison_latex, render_latex_grouped, write_latex};
pub use metadata::{FileInfo, RunMetadata, Timing};
pub use model_index::{default_model_name, metric_type, model_index_kind, render_model_index, write_model_index};
pub use render::{render_markdown, render_markdown_grouped, render_terminal, render_terminal_grouped};
pub use trec::{begin_trec, trec_id, trec_kind, trec_order, write_trec, TrecMeta, QRELS_TREC, RUN_TREC, TREC_META};
pub use view::{CandidateView, CaseView};
pub(crate) use write::write_staged;
pub use write::{
    begin_run, default_run_target, load_case_views, load_cases, load_run, reports_target, run_html, run_kind,
    summary_grouped, summary_rows_json, write_html, write_json_output, write_predictions, write_run, LoadedRun,
    REPORT_HTML, RUN_FILES,
};

/// Refuses a path that is not a directory before files are looked for in it
/// (a FIFO or a file would otherwise read as "Not a directory" on a file inside).
pub(crate) fn require_dir(path: &std::path::Path, what: &'static str) -> Result<(), ReportError> {
    let is = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(m) if m.is_file() => "a file",
        Ok(_) => "not a regular file or directory",
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReportError::NoSuchDir {
                path: path.to_path_buf(),
                what,
            })
        }
        Err(source) => {
            return Err(ReportError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    Err(ReportError::NotADir {
        path: path.to_path_buf(),
        is,
        what,
    })
}

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
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{} and {}: two runs named `{name}`; rename one directory so the tables can tell them apart", first.display(), second.display())]
    SameName {
        first: std::path::PathBuf,
        second: std::path::PathBuf,
        name: String,
    },
    #[error("{}: {message}", path.display())]
    Bias { path: std::path::PathBuf, message: String },
    #[error("runs are not comparable (pass --force to compare anyway):\n  {0}")]
    Incomparable(String),
    #[error("{}: no such {what}", path.display())]
    NoSuchDir {
        path: std::path::PathBuf,
        what: &'static str,
    },
    #[error("{}: {is}, not a {what}", path.display())]
    NotADir {
        path: std::path::PathBuf,
        is: &'static str,
        what: &'static str,
    },
}

/// Maps an I/O error to one that names `path`.
pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}
