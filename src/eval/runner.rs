//! The evaluation pipeline: build splits, score each distinct
//! (context, response) pair once, compute per-case metrics, aggregate.

use std::collections::HashMap;

use super::metrics::{case_metrics, CaseMetrics};
use super::summary::{summarize, CaseOutcome, SummaryRow};
use crate::data::{build_split, DataError, Dataset, EvalCase, Split, SplitOptions};
use crate::scorer::{score_checked, Pair, ScoreError, Scorer};
use crate::stats::bootstrap::BootstrapConfig;

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Score(#[from] ScoreError),
}

#[derive(Debug, Clone)]
pub struct EvalConfig {
    pub splits: Vec<Split>,
    pub split_options: SplitOptions,
    pub bootstrap: BootstrapConfig,
    /// Score each candidate with an empty context: the hypothesis-only probe
    /// of how much a scorer decides from the response alone.
    pub response_only: bool,
}

impl EvalConfig {
    /// An evaluation of `splits` as `eval` runs it: `seed` draws the random
    /// negatives and the bootstrap, at the default level (the CLI and the
    /// Python package both build their configuration here).
    pub fn new(
        splits: Vec<Split>,
        candidates: Option<usize>,
        seed: u64,
        resamples: usize,
        response_only: bool,
    ) -> EvalConfig {
        EvalConfig {
            response_only,
            splits,
            split_options: SplitOptions { candidates, seed },
            bootstrap: BootstrapConfig {
                resamples,
                level: crate::stats::DEFAULT_LEVEL,
                seed,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct SplitResult {
    pub split: Split,
    pub cases: Vec<EvalCase>,
    /// `scores[i][j]`: score of candidate j of case i.
    pub scores: Vec<Vec<f64>>,
    pub metrics: Vec<Option<CaseMetrics>>,
}

#[derive(Debug, Clone)]
pub struct EvalResult {
    pub splits: Vec<SplitResult>,
    pub summary: Vec<SummaryRow>,
    /// Distinct (context, response) pairs scored, over all splits.
    pub distinct_pairs: usize,
    /// Wall time inside the scorer; varies run to run, so it goes to timing.json only.
    pub scoring_seconds: f64,
    /// What the exact re-scoring of near-ties did, for a rounding scorer.
    pub recheck: Option<Recheck>,
}

/// Near-tie re-scoring of a bf16 run (see [`recheck_near_ties`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recheck {
    /// Pairs scored both ways to measure the rounding.
    pub calibration_pairs: usize,
    /// The largest score difference seen there: candidates closer than this
    /// to a case's best are re-scored.
    pub epsilon: f64,
    /// Distinct pairs re-scored in exact arithmetic (calibration included).
    pub rescored_pairs: usize,
}

/// Pairs measured in both precisions before the re-scoring: spread evenly
/// over the distinct pairs, so short and long inputs are both seen.
const CALIBRATION_PAIRS: usize = 24;

/// bf16 rounding moves a score by about 0.1–1 % and can swap two candidates
/// whose scores are that close; everything else keeps its order. So: score a
/// few pairs both ways to measure the rounding (ε = the largest difference),
/// then re-score in fp32 every candidate within ε of its case's best score,
/// when the case has more than one such candidate. The decision of every case
/// then rests on exact scores wherever rounding could have changed it, for a
/// few percent of the fp32 work.
pub fn recheck_near_ties(
    exact: &dyn Scorer,
    pairs: &[Pair<'_>],
    slots: &[Vec<Vec<usize>>],
    scores: &mut [f64],
) -> Result<Recheck, ScoreError> {
    let n = pairs.len();
    let sample: Vec<usize> = if n <= CALIBRATION_PAIRS {
        (0..n).collect()
    } else {
        (0..CALIBRATION_PAIRS).map(|i| i * n / CALIBRATION_PAIRS).collect()
    };
    let sample_pairs: Vec<Pair<'_>> = sample.iter().map(|&i| pairs[i]).collect();
    let exact_sample = score_checked(exact, &sample_pairs)?;
    let epsilon = sample
        .iter()
        .zip(&exact_sample)
        .map(|(&i, e)| (scores[i] - e).abs())
        .fold(0.0, f64::max);
    let mut redo: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    for case in slots.iter().flatten() {
        let best = case.iter().map(|&i| scores[i]).fold(f64::NEG_INFINITY, f64::max);
        let near: Vec<usize> = case.iter().copied().filter(|&i| best - scores[i] <= epsilon).collect();
        if near.len() > 1 {
            redo.extend(near);
        }
    }
    for (&i, e) in sample.iter().zip(&exact_sample) {
        redo.remove(&i);
        scores[i] = *e;
    }
    let redo: Vec<usize> = redo.into_iter().collect();
    let redo_pairs: Vec<Pair<'_>> = redo.iter().map(|&i| pairs[i]).collect();
    for (&i, e) in redo.iter().zip(score_checked(exact, &redo_pairs)?) {
        scores[i] = e;
    }
    Ok(Recheck {
        calibration_pairs: sample.len(),
        epsilon,
        rescored_pairs: sample.len() + redo.len(),
    })
}

/// The cases of each split in `splits`, built as an evaluation builds them.
pub fn build_splits(
    dataset: &Dataset,
    splits: &[Split],
    options: &SplitOptions,
) -> Result<Vec<(Split, Vec<EvalCase>)>, EvalError> {
    Ok(splits
        .iter()
        .map(|&s| build_split(dataset, s, options).map(|c| (s, c)))
        .collect::<Result<_, _>>()?)
}

/// Each distinct (context, response) pair of the built splits once, in first
/// appearance order, and per split, case and candidate the index of its pair.
/// With `response_only` every context is empty (the splits are built from
/// the real contexts all the same, so the candidates do not change).
pub fn distinct_pairs<'a>(
    dataset: &'a Dataset,
    built: &'a [(Split, Vec<EvalCase>)],
    response_only: bool,
) -> (Vec<Pair<'a>>, Vec<Vec<Vec<usize>>>) {
    // Many cases share a context and many candidates recur (KorAdvMRS: 4,440
    // adversarial slots, 1,510 distinct pairs), so each pair is scored once.
    let mut index: HashMap<(&[String], &str), usize> = HashMap::new();
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    let mut slots: Vec<Vec<Vec<usize>>> = Vec::new();
    for (_, cases) in built {
        let mut split_slots = Vec::with_capacity(cases.len());
        for case in cases {
            let context: &[String] = if response_only {
                &[]
            } else {
                dataset.cases[case.case_index].context.as_slice()
            };
            let ids = case
                .candidates
                .iter()
                .map(|cand| {
                    *index.entry((context, cand.text.as_str())).or_insert_with(|| {
                        pairs.push(Pair {
                            context,
                            response: cand.text.as_str(),
                        });
                        pairs.len() - 1
                    })
                })
                .collect();
            split_slots.push(ids);
        }
        slots.push(split_slots);
    }
    (pairs, slots)
}

pub fn evaluate(dataset: &Dataset, scorer: &dyn Scorer, config: &EvalConfig) -> Result<EvalResult, EvalError> {
    let built = build_splits(dataset, &config.splits, &config.split_options)?;
    let (pairs, slots) = distinct_pairs(dataset, &built, config.response_only);
    let scoring = std::time::Instant::now();
    let mut unique_scores = score_checked(scorer, &pairs)?;
    let recheck = match scorer.exact_twin() {
        Some(exact) => Some(recheck_near_ties(exact, &pairs, &slots, &mut unique_scores)?),
        None => None,
    };
    scorer.finish()?;
    let scoring_seconds = scoring.elapsed().as_secs_f64();
    let distinct_pairs = pairs.len();

    let types = dataset.types();
    let mut splits = Vec::new();
    let mut summary = Vec::new();
    for ((split, cases), split_slots) in built.into_iter().zip(slots) {
        let scores: Vec<Vec<f64>> = split_slots
            .iter()
            .map(|ids| ids.iter().map(|&i| unique_scores[i]).collect())
            .collect();
        let metrics: Vec<Option<CaseMetrics>> = cases
            .iter()
            .zip(&scores)
            .map(|(case, s)| {
                let labels: Vec<u8> = case.candidates.iter().map(|c| c.label).collect();
                case_metrics(s, &labels)
            })
            .collect();
        let outcomes: Vec<CaseOutcome<'_>> = cases
            .iter()
            .zip(&metrics)
            .map(|(case, m)| {
                let source = &dataset.cases[case.case_index];
                CaseOutcome {
                    case_type: &source.case_type,
                    dialogue: &source.source_dialogue,
                    candidates: case.candidates.len(),
                    metrics: *m,
                }
            })
            .collect();
        summary.extend(summarize(split.as_str(), &types, &outcomes, &config.bootstrap));
        splits.push(SplitResult {
            split,
            cases,
            scores,
            metrics,
        });
    }
    Ok(EvalResult {
        splits,
        summary,
        distinct_pairs,
        scoring_seconds,
        recheck,
    })
}
