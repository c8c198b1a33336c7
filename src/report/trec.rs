//! `rsbench report --format trec`: one split of a run as a TREC run file
//! and its qrels, for trec_eval, ranx or ir_measures.
//!
//! A directory of three files: `run.trec` (`qid Q0 docid rank score tag`),
//! `qrels.trec` (`qid 0 docid rel`) and `trec_meta.json` (what was written,
//! and how; the marker by which `--overwrite` knows the directory as
//! rsbench's).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ReportError;
use crate::eval::RunCase;
use crate::output::{OutputKind, Pending, Target};

pub const RUN_TREC: &str = "run.trec";
pub const QRELS_TREC: &str = "qrels.trec";
pub const TREC_META: &str = "trec_meta.json";

/// A TREC directory: `trec_meta.json` with rsbench's version, and nothing
/// but the three files.
pub fn trec_kind() -> OutputKind {
    OutputKind::dir_with_marker("TREC directory", TREC_META, "rsbench_version", |name| {
        [RUN_TREC, QRELS_TREC, TREC_META].contains(&name)
    })
}

/// Checks a TREC directory's destination and stages it, before the run's
/// predictions are read.
pub fn begin_trec(target: Target, overwrite: bool) -> Result<Pending, ReportError> {
    Ok(Pending::begin(target, trec_kind(), overwrite)?)
}

/// A query or tag id as TREC files hold it: no whitespace (a field
/// separator) and so no `%` unescaped; each such character
/// percent-encoded (`a b%` is `a%20b%25`), every other kept.
pub fn trec_id(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() || c == '%' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push_str("%00");
    }
    out
}

/// What `trec_meta.json` records.
#[derive(Debug, Clone, Serialize)]
pub struct TrecMeta {
    pub rsbench_version: String,
    /// The run directory as given.
    pub run: String,
    pub split: String,
    /// The TREC tag: the run's directory name (ranx takes it as the run's name).
    pub tag: String,
    /// Cases written (those with a positive).
    pub queries: usize,
    /// Cases without a positive: left out of both files, as rsbench's
    /// metrics leave them out.
    pub excluded_without_positive: usize,
    /// Cases with tied scores: there trec_eval and ranx order the tied
    /// candidates their own way, and their numbers can differ from rsbench's.
    pub queries_with_ties: usize,
    pub qid: &'static str,
    pub docid: &'static str,
    pub rank: &'static str,
    pub relevance: &'static str,
}

/// The ranking of a case's candidates: by score, highest first; tied
/// candidates in candidate order (their index in the case). Deterministic;
/// rsbench's own metrics average over the orders of tied candidates instead.
pub fn trec_order(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Scores are never NaN (rsbench refuses them); -0 ties with 0.
    order.sort_by(|&a, &b| {
        scores[b]
            .partial_cmp(&scores[a])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    order
}

/// Writes the `split` cases of a run into the staged directory and moves it
/// into place; `run` is the run directory (its name becomes the tag).
pub fn write_trec(
    pending: Pending,
    run: &Path,
    split: &str,
    cases: &[RunCase],
) -> Result<(PathBuf, TrecMeta), ReportError> {
    let tag = trec_id(&super::compare::run_name(run));
    let (mut run_text, mut qrels_text) = (String::new(), String::new());
    let mut meta = TrecMeta {
        rsbench_version: crate::VERSION.to_owned(),
        run: run.display().to_string(),
        split: split.to_owned(),
        tag: tag.clone(),
        queries: 0,
        excluded_without_positive: 0,
        queries_with_ties: 0,
        qid: "the case id (predictions.parquet `case_id`), whitespace and % percent-encoded",
        docid: "the candidate's index in the case (predictions.parquet `candidate`)",
        rank: "1 = highest score; tied candidates in candidate order (trec_eval and ranx re-sort by score and break ties their own way)",
        relevance: "1 = positive (label 1), 0 = negative; cases without a positive are left out",
    };
    for case in cases.iter().filter(|c| c.split == split) {
        if !case.labels.contains(&1) {
            meta.excluded_without_positive += 1;
            continue;
        }
        meta.queries += 1;
        let order = trec_order(&case.scores);
        if order.windows(2).any(|w| case.scores[w[0]] == case.scores[w[1]]) {
            meta.queries_with_ties += 1;
        }
        let qid = trec_id(&case.case_id);
        for (rank, &i) in order.iter().enumerate() {
            // `+ 0.0` writes -0 as 0.
            let _ = writeln!(run_text, "{qid} Q0 {i} {} {} {tag}", rank + 1, case.scores[i] + 0.0);
        }
        for (i, label) in case.labels.iter().enumerate() {
            let _ = writeln!(qrels_text, "{qid} 0 {i} {label}");
        }
    }
    let dir = super::write::write_staged(pending, |staging| {
        let write = |name: &str, text: &str| {
            let p = staging.join(name);
            std::fs::write(&p, text).map_err(super::io(&p))
        };
        write(RUN_TREC, &run_text)?;
        write(QRELS_TREC, &qrels_text)?;
        super::write::write_json(&staging.join(TREC_META), &meta)
    })?;
    Ok((dir, meta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_lose_their_whitespace_reversibly() {
        assert_eq!(trec_id("neg1"), "neg1");
        assert_eq!(trec_id("a b%c"), "a%20b%25c");
        assert_eq!(trec_id("탭\t"), "탭%09");
        assert_eq!(trec_id(""), "%00");
    }

    #[test]
    fn ties_keep_candidate_order() {
        assert_eq!(trec_order(&[0.5, 0.9, 0.5, 0.1]), vec![1, 0, 2, 3]);
        assert_eq!(trec_order(&[1.0, 1.0]), vec![0, 1]);
        assert_eq!(trec_order(&[-0.0, 0.0, 2.0]), vec![2, 0, 1]);
    }
}
