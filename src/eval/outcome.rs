//! How one case went for one scorer, by where its positives ranked: what
//! the case browser shows, the discordant counts and the bias groups share.
//!
//! Invariant: a tie on top is its own outcome, never a win, so a scorer that
//! scores every candidate alike gets no case right whatever their order.

use super::metrics::{case_metrics, Metric};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Outcome {
    /// Only positives share the top score.
    #[serde(rename = "right")]
    Right,
    /// No positive has the top score.
    #[serde(rename = "wrong")]
    Wrong,
    /// A positive and a negative share the top score.
    #[serde(rename = "tied")]
    Tied,
    /// No positive: the case counts in no metric.
    #[serde(rename = "none")]
    Excluded,
}

impl Outcome {
    /// P@1 is the share of positives among the top-scored candidates.
    pub fn of(scores: &[f64], labels: &[u8]) -> Outcome {
        match case_metrics(scores, labels).and_then(|m| m.get(Metric::P1)) {
            None => Outcome::Excluded,
            Some(1.0) => Outcome::Right,
            Some(0.0) => Outcome::Wrong,
            Some(_) => Outcome::Tied,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_never_break_ties_by_position() {
        assert_eq!(Outcome::of(&[2.0, 1.0], &[1, 0]), Outcome::Right);
        assert_eq!(Outcome::of(&[1.0, 2.0], &[1, 0]), Outcome::Wrong);
        // The positive first and tied with a negative is a tie, not a win.
        assert_eq!(Outcome::of(&[1.0, 1.0], &[1, 0]), Outcome::Tied);
        assert_eq!(Outcome::of(&[1.0, 1.0], &[0, 0]), Outcome::Excluded);
    }
}
