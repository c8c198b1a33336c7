//! The bias analysis of a run (`report --bias-run`) and of a comparison
//! (`compare --bias-run`): the cases split by how a bias scorer ranked them
//! (crate::eval::bias), each part with its intervals and, in a comparison,
//! its paired tests.

use std::borrow::Cow;

use super::compare::{bias_note, differences, LoadedForCompare};
use super::html::{esc, summary_tables, Section};
use super::write::summary_of_groups;
use super::ReportError;
use crate::eval::bias::BiasGroups;
use crate::eval::SummaryRow;

/// A run's summary per bias group.
#[derive(Debug, Clone)]
pub struct BiasSummary {
    /// The bias run's directory name and scorer.
    pub bias_run: String,
    pub bias_scorer: String,
    pub rows: Vec<SummaryRow>,
    /// Cases the bias scorer tied on top (counted as conflicting).
    pub ties: usize,
}

/// The bias groups of `run`'s cases from `bias`, which must be a run on the
/// same dataset files, seed and splits.
pub fn bias_groups(run: &LoadedForCompare, bias: &LoadedForCompare) -> Result<BiasGroups, ReportError> {
    let diffs = differences(run, bias);
    if !diffs.is_empty() {
        return Err(ReportError::Bias {
            path: bias.dir.clone(),
            message: format!("not a run on the same cases: {}", diffs.join("; ")),
        });
    }
    BiasGroups::new(&bias.input.cases, &run.input.cases).map_err(|e| ReportError::Bias {
        path: bias.dir.clone(),
        message: e.to_string(),
    })
}

pub fn bias_summary(run: &LoadedForCompare, bias: &LoadedForCompare) -> Result<BiasSummary, ReportError> {
    let groups = bias_groups(run, bias)?;
    let rows = summary_of_groups(&run.metadata, &run.input.cases, |c| Cow::Borrowed(groups.of(c)), true);
    Ok(BiasSummary {
        bias_run: bias.name.clone(),
        bias_scorer: bias.metadata.scorer.kind.clone(),
        rows,
        ties: groups.ties,
    })
}

/// The section of `report.html` showing a bias summary.
pub fn bias_section(s: &BiasSummary) -> Section {
    Section {
        id: "bias".into(),
        title: "Bias-aligned and bias-conflicting cases".into(),
        body: format!(
            "<p class=\"note\">{}</p>\n{}",
            esc(&bias_note(&s.bias_run, &s.bias_scorer, s.ties)),
            summary_tables("bias", &s.rows, "bias")
        ),
    }
}
