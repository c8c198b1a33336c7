//! One message for every name a user types that rsbench looks up in a
//! closed list (perturbation types, metrics, rule families): "unknown X `y`
//! (did you mean `z`?); available: …".
//!
//! Invariant: the suggestion is one of the known names, offered only when it
//! is close (Jaro–Winkler similarity ≥ 0.85, or one edit for a name of three
//! or four letters, two for a longer one), the closest first; the list always
//! follows.

/// The message for an unknown `name` of kind `what` among `known`.
pub fn unknown(what: &str, name: &str, known: &[&str]) -> String {
    let hint = did_you_mean(name, known).map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
    format!("unknown {what} `{name}`{hint}; available: {}", known.join(", "))
}

/// The entry of `all` whose `name_of` is `name`, or [`unknown`]'s message:
/// the `FromStr` of rsbench's enums chosen by name.
pub fn parse_named<T: Copy>(what: &str, name: &str, all: &[T], name_of: fn(T) -> &'static str) -> Result<T, String> {
    all.iter().copied().find(|&v| name_of(v) == name).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|&v| name_of(v)).collect();
        unknown(what, name, &names)
    })
}

/// The known name closest to `name`, when one is close enough to be a slip.
pub fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let letters = name.chars().count();
    let edits = match letters {
        0..=2 => 0,
        3..=4 => 1,
        _ => 2,
    };
    let close = |k: &str| strsim::jaro_winkler(name, k) >= 0.85 || strsim::levenshtein(name, k) <= edits;
    known
        .iter()
        .copied()
        .filter(|k| close(k))
        .max_by(|a, b| strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_gets_the_closest_name_and_anything_else_the_list() {
        let known = ["tense", "negation", "topic", "keyword-stuffing"];
        assert_eq!(did_you_mean("tence", &known), Some("tense"));
        assert_eq!(did_you_mean("keyword_stuffing", &known), Some("keyword-stuffing"));
        assert_eq!(did_you_mean("negaton", &known), Some("negation"));
        assert_eq!(did_you_mean("nope", &known), None);
        assert_eq!(did_you_mean("mmr", &["pair_acc", "mrr", "map"]), Some("mrr"));
        assert_eq!(did_you_mean("acc", &["pair_acc", "mrr", "map"]), None);
        assert_eq!(
            unknown("metric", "acc", &["pair_acc", "mrr"]),
            "unknown metric `acc`; available: pair_acc, mrr"
        );
        assert_eq!(
            unknown("perturbation type", "tence", &known),
            "unknown perturbation type `tence` (did you mean `tense`?); available: tense, negation, topic, keyword-stuffing"
        );
    }
}
