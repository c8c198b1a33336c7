//! Aggregation of per-case metrics into one row per split × type (+ overall).

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::metrics::{CaseMetrics, Metric};
use crate::stats::bootstrap::{interval, BootstrapConfig, Cluster};

/// The type label of the row that pools every case of a split.
pub const OVERALL: &str = "overall";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over the cases where the metric is defined.
    pub value: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub split: String,
    pub case_type: String,
    /// Cases with at least one positive (the ones the metrics average over).
    pub cases: usize,
    /// Cases with no positive, excluded from every metric.
    pub excluded: usize,
    pub dialogues: usize,
    pub candidates_min: usize,
    pub candidates_max: usize,
    /// Indexed like `Metric::ALL`.
    pub metrics: Vec<Estimate>,
}

impl SummaryRow {
    pub fn get(&self, metric: Metric) -> Estimate {
        self.metrics[metric as usize]
    }
}

/// One scored case as the aggregator sees it.
#[derive(Debug, Clone)]
pub struct CaseOutcome<'a> {
    pub case_type: &'a str,
    pub dialogue: &'a str,
    pub candidates: usize,
    pub metrics: Option<CaseMetrics>,
}

/// Rows for one split: each type in `types` order, then `overall`.
pub fn summarize(
    split: &str,
    types: &[String],
    outcomes: &[CaseOutcome<'_>],
    bootstrap: &BootstrapConfig,
) -> Vec<SummaryRow> {
    let mut groups: Vec<(String, Vec<&CaseOutcome<'_>>)> = types
        .iter()
        .map(|t| (t.clone(), outcomes.iter().filter(|o| o.case_type == t).collect()))
        .filter(|(_, v): &(String, Vec<_>)| !v.is_empty())
        .collect();
    groups.push((OVERALL.to_owned(), outcomes.iter().collect()));
    let progress = crate::progress::bar(
        (groups.len() * bootstrap.resamples) as u64,
        &format!("bootstrap {split}"),
        "resamples",
    );
    let rows = groups
        .par_iter()
        .map(|(case_type, members)| summarize_group(split, case_type, members, bootstrap, &progress))
        .collect();
    progress.finish_and_clear();
    rows
}

fn summarize_group(
    split: &str,
    case_type: &str,
    members: &[&CaseOutcome<'_>],
    bootstrap: &BootstrapConfig,
    progress: &indicatif::ProgressBar,
) -> SummaryRow {
    let m = Metric::ALL.len();
    // BTreeMap: cluster order must not depend on hashing for reproducible draws.
    let mut clusters: BTreeMap<&str, Cluster> = BTreeMap::new();
    let mut excluded = 0;
    for o in members {
        let Some(metrics) = o.metrics else {
            excluded += 1;
            continue;
        };
        let cluster = clusters.entry(o.dialogue).or_insert_with(|| Cluster {
            sums: vec![0.0; m],
            counts: vec![0; m],
        });
        for metric in Metric::ALL {
            if let Some(v) = metrics.get(metric) {
                cluster.sums[metric as usize] += v;
                cluster.counts[metric as usize] += 1;
            }
        }
    }
    let clusters: Vec<Cluster> = clusters.into_values().collect();
    let intervals = interval(&clusters, m, bootstrap, &format!("{split}\0{case_type}"), progress);
    let metrics = (0..m)
        .map(|i| {
            let sum: f64 = clusters.iter().map(|c| c.sums[i]).sum();
            let count: u64 = clusters.iter().map(|c| u64::from(c.counts[i])).sum();
            let value = (count > 0).then(|| sum / count as f64);
            let (lo, hi) = match (value, intervals[i]) {
                (Some(_), Some((lo, hi))) => (Some(lo), Some(hi)),
                _ => (None, None),
            };
            Estimate { value, lo, hi }
        })
        .collect();
    SummaryRow {
        split: split.to_owned(),
        case_type: case_type.to_owned(),
        cases: members.len() - excluded,
        excluded,
        dialogues: clusters.len(),
        candidates_min: members.iter().map(|o| o.candidates).min().unwrap_or(0),
        candidates_max: members.iter().map(|o| o.candidates).max().unwrap_or(0),
        metrics,
    }
}
