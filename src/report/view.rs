//! What a run's `predictions.parquet` holds about each case, as the HTML
//! views show it: read by [`super::write`], shown by [`super::html`].

use crate::eval::RunCase;

/// One candidate as a run's predictions record it.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateView {
    pub text: String,
    pub origin: String,
    pub rule: Option<String>,
    pub made_from: Option<String>,
    pub rank: f64,
}

/// A case with everything `predictions.parquet` holds about it: what the
/// HTML views show.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseView {
    pub case: RunCase,
    /// Empty for runs written before predictions recorded contexts.
    pub context: Vec<String>,
    /// In candidate order, beside `case.scores` and `case.labels`.
    pub candidates: Vec<CandidateView>,
}
