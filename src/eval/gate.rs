//! CI gates: floors on a type's pairwise accuracy (`eval --min`) and
//! significant regressions against a baseline (`compare --fail-if-worse`).
//! Each failure is one line of text.

use std::str::FromStr;

use super::compare::Comparison;
use super::metrics::Metric;
use super::summary::SummaryRow;

/// `[SPLIT:]TYPE=PERCENT`: a floor on a type's pairwise accuracy (split
/// `adversarial` unless given).
#[derive(Debug, Clone, PartialEq)]
pub struct MinRule {
    pub split: String,
    pub case_type: String,
    pub percent: f64,
}

impl FromStr for MinRule {
    type Err = String;

    fn from_str(s: &str) -> Result<MinRule, String> {
        let (lhs, value) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: expected [SPLIT:]TYPE=PERCENT"))?;
        let (split, case_type) = match lhs.split_once(':') {
            Some((sp, t)) => (sp.to_owned(), t.to_owned()),
            None => ("adversarial".to_owned(), lhs.to_owned()),
        };
        if split != "adversarial" && split != "clean" {
            return Err(format!("`{s}`: split must be adversarial or clean"));
        }
        let percent: f64 = value.parse().map_err(|_| format!("`{s}`: `{value}` is not a number"))?;
        if !(0.0..=100.0).contains(&percent) {
            return Err(format!("`{s}`: percent must be within 0..100"));
        }
        Ok(MinRule {
            split,
            case_type,
            percent,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("--min {split}:{case_type}: this run has no such split and type")]
pub struct UnknownGateTarget {
    pub split: String,
    pub case_type: String,
}

/// One line per rule the summary breaks.
pub fn check_min(rules: &[MinRule], summary: &[SummaryRow]) -> Result<Vec<String>, UnknownGateTarget> {
    let mut failures = Vec::new();
    for rule in rules {
        let row = summary
            .iter()
            .find(|r| r.split == rule.split && r.case_type == rule.case_type)
            .ok_or_else(|| UnknownGateTarget {
                split: rule.split.clone(),
                case_type: rule.case_type.clone(),
            })?;
        match row.get(Metric::PairAcc).value.map(|v| 100.0 * v) {
            Some(v) if v >= rule.percent => {}
            Some(v) => failures.push(format!(
                "{}/{} pairwise accuracy {v:.1} % is below the minimum {} %",
                rule.split, rule.case_type, rule.percent
            )),
            None => failures.push(format!("{}/{} has no pairwise accuracy", rule.split, rule.case_type)),
        }
    }
    Ok(failures)
}

/// One line per (split, type, run) significantly worse than the baseline.
pub fn regressions(cmp: &Comparison) -> Vec<String> {
    let pct = |v: Option<f64>, signed: bool| match (v, signed) {
        (Some(x), true) => format!("{:+.1}", 100.0 * x),
        (Some(x), false) => format!("{:.1}", 100.0 * x),
        (None, _) => "—".to_owned(),
    };
    cmp.rows
        .iter()
        .filter(|r| r.significant && r.delta.is_some_and(|d| d < 0.0))
        .map(|r| {
            let p = match r.p_holm {
                Some(p) if p < 0.001 => "<0.001".to_owned(),
                Some(p) => format!("{p:.3}"),
                None => "—".to_owned(),
            };
            format!(
                "{} is significantly worse than the baseline on {}/{}: {} {} ({} points, p = {p})",
                r.run,
                r.split,
                r.case_type,
                r.metric.column(),
                pct(r.estimate.value, false),
                pct(r.delta, true),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_rules_parse() {
        let r: MinRule = "repetition=30".parse().unwrap();
        assert_eq!(
            (r.split.as_str(), r.case_type.as_str(), r.percent),
            ("adversarial", "repetition", 30.0)
        );
        let r: MinRule = "clean:overall=70.5".parse().unwrap();
        assert_eq!((r.split.as_str(), r.percent), ("clean", 70.5));
        assert!("overall".parse::<MinRule>().is_err());
        assert!("sideways:overall=1".parse::<MinRule>().is_err());
        assert!("overall=101".parse::<MinRule>().is_err());
    }
}
