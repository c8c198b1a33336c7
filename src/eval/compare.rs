//! Comparing runs on the same cases: per-type estimates with intervals,
//! differences to a baseline run with paired tests (exact McNemar on pairwise
//! correctness, paired dialogue bootstrap otherwise), Holm across types, and
//! the robustness gap (clean − adversarial) of each run.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

use super::grouping::GroupBy;
use super::metrics::{case_metrics, CaseMetrics, Metric};
use super::summary::{summarize, CaseOutcome, Estimate, OVERALL};
use crate::stats::bootstrap::BootstrapConfig;
use crate::stats::paired::{holm, paired_bootstrap_p, sign_flip_exact, PairedCluster};

/// One case of one run: what the predictions file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct RunCase {
    pub split: String,
    pub case_id: String,
    pub case_type: String,
    pub dialogue: String,
    pub scores: Vec<f64>,
    pub labels: Vec<u8>,
    /// The rules that wrote its negatives (`rsbench perturb` datasets), sorted,
    /// each once; empty when the dataset records none.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RunInput {
    pub name: String,
    pub cases: Vec<RunCase>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareConfig {
    pub baseline: usize,
    pub bootstrap: BootstrapConfig,
    /// Significance level after Holm's correction.
    pub alpha: f64,
    /// The metric of each table; `None`: pair_acc on `adversarial`, R@1 on `clean`.
    pub metric: Option<Metric>,
    /// The tables' rows: types, or the rules that wrote the negatives.
    pub group_by: GroupBy,
}

/// The metric a split's table reports unless one is chosen.
pub fn default_metric(split: &str) -> Metric {
    if split == "clean" {
        Metric::R1
    } else {
        Metric::PairAcc
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub split: String,
    pub case_type: String,
    pub run: String,
    pub metric: Metric,
    pub cases: usize,
    pub estimate: Estimate,
    /// Run − baseline (absent on the baseline's own rows).
    pub delta: Option<f64>,
    pub test: Option<&'static str>,
    pub p: Option<f64>,
    /// Holm-adjusted across the split's types (`overall` keeps its raw p).
    pub p_holm: Option<f64>,
    pub significant: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub run: String,
    pub case_type: String,
    pub clean: Option<f64>,
    pub adversarial: Option<f64>,
    /// clean − adversarial pairwise accuracy.
    pub gap: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub rows: Vec<CompareRow>,
    pub gaps: Vec<GapRow>,
    /// What `case_type` of the rows holds.
    pub group_by: GroupBy,
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("run `{run}` has no case `{case}` of split {split} that run `{baseline}` has")]
    MissingCase {
        run: String,
        baseline: String,
        split: String,
        case: String,
    },
    #[error("run `{run}`, case `{case}`: labels differ from the baseline's")]
    LabelsDiffer { run: String, case: String },
    #[error("compare needs at least two runs and a baseline among them")]
    TooFew,
}

type CaseKey = (String, String);

fn key(c: &RunCase) -> CaseKey {
    (c.split.clone(), c.case_id.clone())
}

fn first_seen<'a>(items: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.iter().any(|o| o == i) {
            out.push(i.to_owned());
        }
    }
    out
}

pub fn compare(runs: &[RunInput], config: &CompareConfig) -> Result<Comparison, CompareError> {
    if runs.len() < 2 || config.baseline >= runs.len() {
        return Err(CompareError::TooFew);
    }
    // Grouping by rule is grouping by type with the rule as the type.
    let regrouped: Vec<RunInput>;
    let runs = match config.group_by {
        GroupBy::Type => runs,
        by => {
            regrouped = runs
                .iter()
                .map(|r| RunInput {
                    name: r.name.clone(),
                    cases: r
                        .cases
                        .iter()
                        .map(|c| RunCase {
                            case_type: by.group_of(&c.case_type, &c.rules).into_owned(),
                            ..c.clone()
                        })
                        .collect(),
                })
                .collect();
            &regrouped
        }
    };
    let base = &runs[config.baseline];
    // Every run must hold the baseline's cases with the same labels.
    let indexed: Vec<HashMap<CaseKey, &RunCase>> = runs
        .iter()
        .map(|r| r.cases.iter().map(|c| (key(c), c)).collect())
        .collect();
    for (r, run) in runs.iter().enumerate() {
        for c in &base.cases {
            let other = indexed[r].get(&key(c)).ok_or_else(|| CompareError::MissingCase {
                run: run.name.clone(),
                baseline: base.name.clone(),
                split: c.split.clone(),
                case: c.case_id.clone(),
            })?;
            if other.labels != c.labels {
                return Err(CompareError::LabelsDiffer {
                    run: run.name.clone(),
                    case: c.case_id.clone(),
                });
            }
        }
    }
    let splits = first_seen(base.cases.iter().map(|c| c.split.as_str()));
    let mut types = first_seen(base.cases.iter().map(|c| c.case_type.as_str()));
    if config.group_by != GroupBy::Type {
        types.sort();
    }
    let metrics: Vec<HashMap<CaseKey, Option<CaseMetrics>>> = runs
        .iter()
        .enumerate()
        .map(|(r, _)| {
            base.cases
                .iter()
                .map(|c| {
                    let rc = indexed[r][&key(c)];
                    (key(c), case_metrics(&rc.scores, &rc.labels))
                })
                .collect()
        })
        .collect();

    let mut rows = Vec::new();
    for split in &splits {
        let metric = config.metric.unwrap_or_else(|| default_metric(split));
        let split_cases: Vec<&RunCase> = base.cases.iter().filter(|c| &c.split == split).collect();
        for (r, run) in runs.iter().enumerate() {
            let outcomes: Vec<CaseOutcome<'_>> = split_cases
                .iter()
                .map(|c| CaseOutcome {
                    case_type: &c.case_type,
                    dialogue: &c.dialogue,
                    candidates: c.labels.len(),
                    metrics: metrics[r][&key(c)],
                })
                .collect();
            // The same streams as `eval`, so a run's intervals match its own report.
            let summary = summarize(split, &types, &outcomes, &config.bootstrap);
            // Each row's test draws its own named stream, so running them in
            // parallel gives the bytes a sequential run gives.
            let progress = (r != config.baseline).then(|| {
                crate::progress::bar(
                    summary.len() as u64,
                    &format!("paired tests {split} {}", run.name),
                    "groups",
                )
            });
            let tests: Vec<_> = summary
                .par_iter()
                .map(|row| {
                    if r == config.baseline {
                        return (None, None, None);
                    }
                    let members: Vec<&&RunCase> = split_cases
                        .iter()
                        .filter(|c| row.case_type == OVERALL || c.case_type == row.case_type)
                        .collect();
                    let pair = Pairing {
                        run_metrics: &metrics[r],
                        base_metrics: &metrics[config.baseline],
                    };
                    let stream = format!("{split}\0{}\0{}\0{}", row.case_type, run.name, metric.column());
                    let test = pair.test(&members, metric, config, &stream);
                    if let Some(p) = &progress {
                        p.inc(1);
                    }
                    test
                })
                .collect();
            if let Some(p) = progress {
                p.finish_and_clear();
            }
            let mut split_rows: Vec<CompareRow> = Vec::new();
            for (row, (delta, test, p)) in summary.into_iter().zip(tests) {
                split_rows.push(CompareRow {
                    split: split.clone(),
                    case_type: row.case_type.clone(),
                    run: run.name.clone(),
                    metric,
                    cases: row.cases,
                    estimate: row.get(metric),
                    delta,
                    test,
                    p,
                    p_holm: None,
                    significant: false,
                });
            }
            // Holm over the types; `overall` is a separate question, kept raw.
            let type_p: Vec<Option<f64>> = split_rows
                .iter()
                .map(|r| if r.case_type == OVERALL { None } else { r.p })
                .collect();
            let adjusted = holm(&type_p);
            for (row, adj) in split_rows.iter_mut().zip(adjusted) {
                row.p_holm = if row.case_type == OVERALL { row.p } else { adj };
                row.significant = row.p_holm.is_some_and(|p| p < config.alpha);
            }
            rows.extend(split_rows);
        }
    }

    let gaps = robustness_gaps(runs, &metrics, base, &types);
    Ok(Comparison {
        rows,
        gaps,
        group_by: config.group_by,
    })
}

/// The two runs of one comparison, indexed by case.
struct Pairing<'a> {
    run_metrics: &'a HashMap<CaseKey, Option<CaseMetrics>>,
    base_metrics: &'a HashMap<CaseKey, Option<CaseMetrics>>,
}

impl Pairing<'_> {
    /// (run − baseline, test name, two-sided p) over `members`.
    fn test(
        &self,
        members: &[&&RunCase],
        metric: Metric,
        config: &CompareConfig,
        stream: &str,
    ) -> (Option<f64>, Option<&'static str>, Option<f64>) {
        let mut clusters: BTreeMap<&str, PairedCluster> = BTreeMap::new();
        let (mut sum_run, mut sum_base, mut n) = (0.0, 0.0, 0usize);
        for c in members {
            let k = key(c);
            let (Some(a), Some(b)) = (
                self.run_metrics[&k].and_then(|m| m.get(metric)),
                self.base_metrics[&k].and_then(|m| m.get(metric)),
            ) else {
                continue;
            };
            sum_run += a;
            sum_base += b;
            n += 1;
            let cl = clusters.entry(c.dialogue.as_str()).or_default();
            cl.diff_sum += a - b;
            cl.count += 1;
        }
        if n == 0 {
            return (None, None, None);
        }
        let delta = (sum_run - sum_base) / n as f64;
        let pairwise = metric == Metric::PairAcc && members.iter().all(|c| c.labels.len() == 2);
        if pairwise {
            // Exact test on per-case pairwise accuracy (1, ½ for a tie, 0):
            // McNemar's when neither run ties, its sign-flip generalisation otherwise.
            let half_diffs: Vec<i64> = members
                .iter()
                .filter_map(|m| {
                    let k = key(m);
                    let a = self.run_metrics[&k].and_then(|x| x.get(Metric::PairAcc))?;
                    let b = self.base_metrics[&k].and_then(|x| x.get(Metric::PairAcc))?;
                    Some((2.0 * (a - b)).round() as i64)
                })
                .collect();
            let tied = half_diffs.iter().any(|d| d.abs() == 1);
            let name = if tied { "sign-flip-exact" } else { "mcnemar-exact" };
            (Some(delta), Some(name), Some(sign_flip_exact(&half_diffs)))
        } else {
            let clusters: Vec<PairedCluster> = clusters.into_values().collect();
            let p = paired_bootstrap_p(&clusters, config.bootstrap.resamples, config.bootstrap.seed, stream);
            (Some(delta), Some("paired-bootstrap"), p)
        }
    }
}

fn robustness_gaps(
    runs: &[RunInput],
    metrics: &[HashMap<CaseKey, Option<CaseMetrics>>],
    base: &RunInput,
    types: &[String],
) -> Vec<GapRow> {
    let mut out = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let mean = |split: &str, t: &str| -> Option<f64> {
            let vals: Vec<f64> = base
                .cases
                .iter()
                .filter(|c| c.split == split && (t == OVERALL || c.case_type == t))
                .filter_map(|c| metrics[r][&key(c)].and_then(|m| m.get(Metric::PairAcc)))
                .collect();
            (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
        };
        for t in types.iter().map(String::as_str).chain(std::iter::once(OVERALL)) {
            let clean = mean("clean", t);
            let adversarial = mean("adversarial", t);
            out.push(GapRow {
                run: run.name.clone(),
                case_type: t.to_owned(),
                clean,
                adversarial,
                gap: clean.zip(adversarial).map(|(c, a)| c - a),
            });
        }
    }
    out
}
