//! The evaluation pipeline: build splits, score each distinct
//! (context, response) pair once, compute per-case metrics, aggregate.

use std::collections::HashMap;

use super::bootstrap::BootstrapConfig;
use super::metrics::{case_metrics, CaseMetrics};
use super::summary::{summarize, CaseOutcome, SummaryRow};
use crate::data::{build_split, DataError, Dataset, EvalCase, Split, SplitOptions};
use crate::scorer::{score_checked, Pair, ScoreError, Scorer};

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
}

pub fn evaluate(dataset: &Dataset, scorer: &dyn Scorer, config: &EvalConfig) -> Result<EvalResult, EvalError> {
    let built: Vec<(Split, Vec<EvalCase>)> = config
        .splits
        .iter()
        .map(|&s| build_split(dataset, s, &config.split_options).map(|c| (s, c)))
        .collect::<Result<_, _>>()?;

    // Many cases share a context and many candidates recur (KorAdvMRS: 4,440
    // adversarial slots, 1,510 distinct pairs), so score each pair once.
    let mut index: HashMap<(&[String], &str), usize> = HashMap::new();
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    let mut slots: Vec<Vec<Vec<usize>>> = Vec::new();
    for (_, cases) in &built {
        let mut split_slots = Vec::with_capacity(cases.len());
        for case in cases {
            let context = dataset.cases[case.case_index].context.as_slice();
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
    let scoring = std::time::Instant::now();
    let unique_scores = score_checked(scorer, &pairs)?;
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
    })
}
