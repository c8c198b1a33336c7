//! `rsbench compare`: reading runs and checking they are comparable
//! (here), the comparison as frames and tables ([`tables`]), and its files
//! and page ([`files`]).

mod files;
mod tables;

use std::path::{Path, PathBuf};

use super::metadata::RunMetadata;
use super::write::{load_cases, load_run};
use super::ReportError;
use crate::eval::{Comparison, RunInput};

pub use files::{begin_comparison, comparison_kind, write_comparison, CompareOutput};
pub(crate) use tables::{first_seen, gap_records, split_records};
pub use tables::{render_bias, render_comparison, TableStyle};

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

/// One line saying what the groups are.
pub fn bias_note(bias_run: &str, bias_scorer: &str, ties: usize) -> String {
    format!(
        "bias run `{bias_run}` ({bias_scorer}): bias-aligned = cases where it ranks a positive strictly above every negative; bias-conflicting = the rest ({ties} of them tied on top, which is not a win)"
    )
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
