//! Bias-aligned and bias-conflicting cases, as debiasing work (product of
//! experts, DRiFt) reports them: a bias scorer (BM25, TF-IDF, a model run
//! with the context hidden) run on the same cases splits them into those it
//! gets right and the rest, and a model is judged on each part.
//!
//! Invariant: a case is bias-aligned only when the bias scorer puts a
//! positive strictly above every negative (its top score held by positives
//! alone); a tie on top is not a win, so a bias scorer that scores every
//! candidate alike aligns with no case, whatever the candidates' order.

use std::collections::HashMap;

use super::compare::RunCase;
use super::outcome::Outcome;

pub const ALIGNED: &str = "bias-aligned";
pub const CONFLICTING: &str = "bias-conflicting";
/// The groups in table order.
pub const GROUPS: [&str; 2] = [ALIGNED, CONFLICTING];

#[derive(Debug, thiserror::Error)]
pub enum BiasError {
    #[error("the bias run has no case `{case}` of split {split}")]
    MissingCase { split: String, case: String },
    #[error("case `{case}` of split {split}: the bias run's candidate labels differ")]
    LabelsDiffer { split: String, case: String },
}

/// Each case's bias group, by (split, case id), from the bias run's cases.
#[derive(Debug, Clone)]
pub struct BiasGroups {
    group: HashMap<(String, String), &'static str>,
    /// Cases whose positive the bias scorer tied with a negative on top
    /// (counted as conflicting).
    pub ties: usize,
}

impl BiasGroups {
    /// Groups every case of `cases` by how `bias` ranked it; every case must
    /// be in `bias` with the same labels.
    pub fn new(bias: &[RunCase], cases: &[RunCase]) -> Result<BiasGroups, BiasError> {
        let index: HashMap<(&str, &str), &RunCase> = bias
            .iter()
            .map(|c| ((c.split.as_str(), c.case_id.as_str()), c))
            .collect();
        let mut group = HashMap::new();
        let mut ties = 0;
        for c in cases {
            let b = index
                .get(&(c.split.as_str(), c.case_id.as_str()))
                .ok_or_else(|| BiasError::MissingCase {
                    split: c.split.clone(),
                    case: c.case_id.clone(),
                })?;
            if b.labels != c.labels {
                return Err(BiasError::LabelsDiffer {
                    split: c.split.clone(),
                    case: c.case_id.clone(),
                });
            }
            let g = match Outcome::of(&b.scores, &b.labels) {
                Outcome::Right => ALIGNED,
                Outcome::Tied => {
                    ties += 1;
                    CONFLICTING
                }
                Outcome::Wrong | Outcome::Excluded => CONFLICTING,
            };
            group.insert((c.split.clone(), c.case_id.clone()), g);
        }
        Ok(BiasGroups { group, ties })
    }

    pub fn of(&self, case: &RunCase) -> &'static str {
        self.group
            .get(&(case.split.clone(), case.case_id.clone()))
            .copied()
            .unwrap_or(CONFLICTING)
    }

    /// The cases with their bias group as their type (for the tables and the
    /// paired tests, which group by type).
    pub fn regroup(&self, cases: &[RunCase]) -> Vec<RunCase> {
        cases
            .iter()
            .map(|c| RunCase {
                case_type: self.of(c).to_owned(),
                ..c.clone()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, scores: &[f64]) -> RunCase {
        RunCase {
            split: "adversarial".into(),
            case_id: id.into(),
            case_type: "t".into(),
            dialogue: id.into(),
            scores: scores.to_vec(),
            labels: vec![1, 0],
            rules: Vec::new(),
        }
    }

    #[test]
    fn only_a_strict_win_of_the_bias_scorer_aligns() {
        let bias = [case("a", &[2.0, 1.0]), case("b", &[1.0, 2.0]), case("c", &[1.0, 1.0])];
        let model = [case("a", &[0.0, 1.0]), case("b", &[0.0, 1.0]), case("c", &[0.0, 1.0])];
        let g = BiasGroups::new(&bias, &model).unwrap();
        let groups: Vec<&str> = model.iter().map(|c| g.of(c)).collect();
        assert_eq!(groups, [ALIGNED, CONFLICTING, CONFLICTING]);
        assert_eq!(g.ties, 1);
        assert_eq!(g.regroup(&model)[0].case_type, ALIGNED);
    }

    #[test]
    fn a_bias_run_without_the_case_or_with_other_labels_is_refused() {
        let model = [case("a", &[0.0, 1.0])];
        let err = BiasGroups::new(&[case("z", &[1.0, 0.0])], &model).unwrap_err();
        assert!(err.to_string().contains("no case `a`"), "{err}");
        let mut other = case("a", &[1.0, 0.0]);
        other.labels = vec![0, 1];
        let err = BiasGroups::new(&[other], &model).unwrap_err();
        assert!(err.to_string().contains("labels differ"), "{err}");
    }
}
