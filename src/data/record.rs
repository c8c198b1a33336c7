//! The KorAdvMRS record as it is on disk: one JSON object a line. The loader
//! reads it, `perturb` reads it (or the plain `{context, response}` form)
//! and writes it, with a provenance on each negative it made.

use serde::{Deserialize, Serialize};

/// One line of a KorAdvMRS file. Field order is the serialised order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Utterances, oldest first.
    pub context: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<RecordCandidate>>,
    /// `perturb`'s plain input form gives the reply alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src_dlg_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordCandidate {
    pub text: String,
    pub label: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// What `rsbench perturb` records of a negative it wrote. Only `rule` is
/// required when reading: the rest describes, it does not decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub rule: String,
    #[serde(default)]
    pub source_case: String,
    /// The context utterance the negative was made from (0 = the oldest):
    /// repetition, and tense/negation with `--from context|both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utterance: Option<usize>,
    #[serde(default)]
    pub seed: u64,
    /// The fact of the context the negative contradicts, where its type
    /// records one (tense, negation and lexical contradiction of the reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradicts: Option<Contradicts>,
    /// The context words a keyword-stuffed negative shares, against the gold
    /// reply's count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap: Option<Overlap>,
    /// The digest of the user's rule files (`perturb --rules DIR`) the run
    /// merged into the built-in ones; absent when it used only those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_rules: Option<String>,
}

/// A keyword-stuffed negative's overlap with its context: the context words
/// it repeats (particles stripped), and how many the gold reply repeats.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overlap {
    pub words: Vec<String>,
    pub reply: usize,
}

/// Where a generated negative's contradiction is on record: the context
/// utterance, the words of it that pin the slot, and the slot changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contradicts {
    /// The context utterance (0 = the oldest).
    pub utterance: usize,
    /// The words of that utterance that fix the slot.
    pub span: String,
    /// What the negative changed against it: `time`, `polarity` or `answer`.
    pub slot: String,
}

/// A provenance rule, `type/family/ending` (`negation/short-add/hae`): the
/// one place its segments are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleId<'a>(pub &'a str);

impl<'a> RuleId<'a> {
    /// The perturbation type: the first segment.
    pub fn kind(self) -> &'a str {
        self.0.split('/').next().unwrap_or_default()
    }

    /// The rule without its ending: `negation/short-add/hae` → `negation/short-add`.
    pub fn family(self) -> &'a str {
        match self.0.match_indices('/').nth(1) {
            Some((at, _)) => &self.0[..at],
            None => self.0,
        }
    }

    /// Whether this rule is `pattern` or lies under it, by whole segments
    /// (`negation/short-add` covers `negation/short-add/hae`, not
    /// `negation/short-additional`).
    pub fn matches(self, pattern: &str) -> bool {
        self.0
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_split_into_whole_segments() {
        let r = RuleId("negation/short-add/hae");
        assert_eq!((r.kind(), r.family()), ("negation", "negation/short-add"));
        assert_eq!(RuleId("repetition/exact").family(), "repetition/exact");
        assert!(r.matches("negation") && r.matches("negation/short-add") && r.matches("negation/short-add/hae"));
        assert!(!r.matches("negation/short") && !r.matches("neg"));
    }

    #[test]
    fn a_perturb_record_round_trips_and_plain_input_reads() {
        let line = r#"{"context":["a"],"candidates":[{"text":"b","label":1},{"text":"c","label":0,"provenance":{"type":"tense","rule":"tense/x/hae","source_case":"d1","seed":42}}],"src_dlg_id":"s","did":"d1-tense1"}"#;
        let r: Record = serde_json::from_str(line).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), line);
        let plain: Record = serde_json::from_str(r#"{"context":["a"],"response":"b"}"#).unwrap();
        assert_eq!(plain.response.as_deref(), Some("b"));
        assert!(plain.candidates.is_none());
    }
}
