//! How a run's cases are grouped into table rows: by type (the dataset file
//! they came from) or by the rule that wrote their negatives.

use std::borrow::Cow;

use crate::data::RuleId;

/// The row of cases whose negatives record no rule, under [`GroupBy::Rule`].
pub const NO_RULE: &str = "(no rule)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    #[default]
    Type,
    /// The rules of a case's negatives without their ending
    /// (`negation/short-add/hae` → `negation/short-add`): per ending, most
    /// groups would hold a case or two.
    Rule,
    /// Bias-aligned or bias-conflicting, as [`crate::eval::bias::regroup`]
    /// wrote into each case's type beforehand.
    Bias,
}

impl GroupBy {
    /// The name of the tables' first column.
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Type => "type",
            GroupBy::Rule => "rule",
            GroupBy::Bias => "bias",
        }
    }

    /// The group of a case of type `case_type` whose negatives' rules are
    /// `rules` (sorted, as `RunCase::rules` holds them).
    pub fn group_of<'a>(self, case_type: &'a str, rules: &[String]) -> Cow<'a, str> {
        match self {
            GroupBy::Type | GroupBy::Bias => Cow::Borrowed(case_type),
            GroupBy::Rule if rules.is_empty() => Cow::Borrowed(NO_RULE),
            GroupBy::Rule => {
                let mut families: Vec<&str> = rules.iter().map(|r| RuleId(r).family()).collect();
                families.dedup();
                Cow::Owned(families.join(" + "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_group_without_their_ending() {
        let by = GroupBy::Rule;
        let rules = |rs: &[&str]| rs.iter().map(|r| r.to_string()).collect::<Vec<_>>();
        assert_eq!(
            by.group_of("negation", &rules(&["negation/short-add/hae"])),
            "negation/short-add"
        );
        assert_eq!(by.group_of("x", &rules(&["repetition/exact"])), "repetition/exact");
        assert_eq!(
            by.group_of("x", &rules(&["negation/long-add/hae", "negation/long-add/haeyo"])),
            "negation/long-add"
        );
        assert_eq!(
            by.group_of("x", &rules(&["negation/long-add/hae", "tense/past-to-future/hae"])),
            "negation/long-add + tense/past-to-future"
        );
        assert_eq!(by.group_of("negation", &[]), NO_RULE);
        assert_eq!(
            GroupBy::Type.group_of("negation", &rules(&["negation/long-add/hae"])),
            "negation"
        );
    }
}
