//! The contamination guard: which dialogues of an input also sit in a known
//! test set, judged by content rather than by file checksum.
//!
//! Invariant: a test set is known through its *fingerprints* only — 64-bit
//! digests of its normalised utterances and (last context turn, reply) pairs,
//! embedded with its manifest — so the guard works where the test set is not
//! on disk, and no test text is copied into rsbench. Normalisation (NFKC,
//! lower case, letters and digits only) makes respacing, punctuation and
//! full-width forms irrelevant; the thresholds below keep lines short enough
//! to recur by chance ("감사합니다", "어디 아파?") from ever deciding alone.

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::{DataError, Dataset};

/// Normalised length from which a line counts as distinctive: on rsbench's
/// first 244 dev-set dialogues and 70-case sample, every line that also
/// occurs in KorAdvMRS is at most 6 letters long; the 300 written later share
/// one of 8 (나 내일 면접 보러 가), one line, which alone is no overlap.
pub const DISTINCTIVE: usize = 8;
/// Distinctive lines a dialogue must share with a test set to overlap it
/// (a pair match or one very long line decides alone).
pub const SHARED_LINES: usize = 2;
/// Normalised length from which one shared line decides alone.
pub const LONG: usize = 20;
/// A (last turn, reply) pair, or a whole dialogue (every context turn and the
/// reply, in order), decides when it is this long.
pub const PAIR: usize = 10;
/// A whole context (two turns or more, any reply) decides when it is this long.
pub const CONTEXT: usize = 12;

/// A text as the guard compares it: NFKC, lower case, letters and digits.
pub fn normalise(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn digest(kind: &str, parts: &[&str]) -> u64 {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    for p in parts {
        h.update([0u8]);
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

fn line_digest(normalised: &str) -> u64 {
    digest("utterance", &[normalised])
}

fn pair_digest(turn: &str, reply: &str) -> u64 {
    digest("pair", &[turn, reply])
}

fn context_digest(context: &[String]) -> u64 {
    let parts: Vec<&str> = context.iter().map(String::as_str).collect();
    digest("context", &parts)
}

fn dialogue_digest(context: &[String], reply: &str) -> u64 {
    let mut parts: Vec<&str> = context.iter().map(String::as_str).collect();
    parts.push(reply);
    digest("dialogue", &parts)
}

fn letters(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).sum()
}

/// One test set's fingerprints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprints {
    lines: HashSet<u64>,
    pairs: HashSet<u64>,
    contexts: HashSet<u64>,
    dialogues: HashSet<u64>,
}

impl Fingerprints {
    /// Every utterance and candidate of `dataset`; each case's last context
    /// turn with each of its candidates, its whole context, and its whole
    /// context with each candidate.
    pub fn of(dataset: &Dataset) -> Fingerprints {
        let mut f = Fingerprints::default();
        for case in &dataset.cases {
            let context: Vec<String> = case.context.iter().map(|u| normalise(u)).collect();
            for u in &context {
                f.lines.insert(line_digest(u));
            }
            f.contexts.insert(context_digest(&context));
            let last = context.last().cloned().unwrap_or_default();
            for c in &case.candidates {
                let reply = normalise(&c.text);
                f.lines.insert(line_digest(&reply));
                f.pairs.insert(pair_digest(&last, &reply));
                f.dialogues.insert(dialogue_digest(&context, &reply));
            }
        }
        f
    }

    /// The text form embedded under `datasets/`: `u` (line), `p` (pair), `c`
    /// (context) and `d` (dialogue) digests in hex, sorted, after a comment
    /// naming what made it.
    pub fn render(&self, comment: &str) -> String {
        let mut out = String::new();
        for line in comment.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        let sorted = |set: &HashSet<u64>| {
            let mut v: Vec<u64> = set.iter().copied().collect();
            v.sort_unstable();
            v
        };
        for (tag, set) in [
            ("u", &self.lines),
            ("p", &self.pairs),
            ("c", &self.contexts),
            ("d", &self.dialogues),
        ] {
            for d in sorted(set) {
                out.push_str(&format!("{tag} {d:016x}\n"));
            }
        }
        out
    }

    pub fn parse(origin: &str, text: &str) -> Result<Fingerprints, DataError> {
        let mut f = Fingerprints::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || DataError::Invalid {
                file: origin.to_owned(),
                line: i + 1,
                reason: "expected `u`, `p`, `c` or `d`, a space and 16 hex digits".into(),
            };
            let (kind, hex) = line.split_once(' ').ok_or_else(bad)?;
            let value = (hex.len() == 16)
                .then(|| u64::from_str_radix(hex, 16).ok())
                .flatten()
                .ok_or_else(bad)?;
            match kind {
                "u" => f.lines.insert(value),
                "p" => f.pairs.insert(value),
                "c" => f.contexts.insert(value),
                "d" => f.dialogues.insert(value),
                _ => return Err(bad()),
            };
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.pairs.is_empty() && self.contexts.is_empty() && self.dialogues.is_empty()
    }

    /// What of one dialogue (utterances oldest first, then its reply) is in
    /// this test set; `None` below the thresholds.
    pub fn matches(&self, context: &[String], reply: &str) -> Option<Match> {
        let context: Vec<String> = context.iter().map(|u| normalise(u)).collect();
        let reply = normalise(reply);
        let last = context.last().cloned().unwrap_or_default();
        let pair =
            last.chars().count() + reply.chars().count() >= PAIR && self.pairs.contains(&pair_digest(&last, &reply));
        let whole =
            (context.len() >= 2 && letters(&context) >= CONTEXT && self.contexts.contains(&context_digest(&context)))
                || (letters(&context) + reply.chars().count() >= PAIR
                    && self.dialogues.contains(&dialogue_digest(&context, &reply)));
        let mut seen = HashSet::new();
        let mut shared = 0;
        let mut longest = 0;
        for n in context.iter().chain(std::iter::once(&reply)) {
            let len = n.chars().count();
            if len >= DISTINCTIVE && seen.insert(n) && self.lines.contains(&line_digest(n)) {
                shared += 1;
                longest = longest.max(len);
            }
        }
        (pair || whole || shared >= SHARED_LINES || longest >= LONG).then_some(Match {
            pair,
            dialogue: whole,
            shared_lines: shared,
        })
    }
}

/// Why a dialogue counts as overlapping a test set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Match {
    /// Its last context turn and reply are a pair of the test set.
    pub pair: bool,
    /// Its whole context, or its whole context and reply, is the test set's.
    pub dialogue: bool,
    /// Its distinctive lines (at least [`DISTINCTIVE`] letters) found there.
    pub shared_lines: usize,
}

/// One dialogue of the input found in a test set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub id: String,
    #[serde(flatten)]
    pub by: Match,
}

/// The overlap of an input with every known test set: dialogues per test
/// set, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OverlapReport {
    pub dialogues: usize,
    pub checked: Vec<String>,
    pub test_sets: BTreeMap<String, Vec<Hit>>,
}

impl OverlapReport {
    pub fn is_clean(&self) -> bool {
        self.test_sets.values().all(Vec::is_empty)
    }

    /// One line per test set: how many dialogues, and the first ids.
    pub fn summary(&self, ids_shown: usize) -> String {
        self.test_sets
            .iter()
            .filter(|(_, hits)| !hits.is_empty())
            .map(|(name, hits)| {
                let whole = hits.iter().filter(|h| h.by.pair || h.by.dialogue).count();
                let ids: Vec<&str> = hits.iter().take(ids_shown).map(|h| h.id.as_str()).collect();
                format!(
                    "{} of {} dialogues are in {name}'s test set ({whole} whole or by their last turn and reply, {} by shared lines): {}{}",
                    hits.len(),
                    self.dialogues,
                    hits.len() - whole,
                    ids.join(", "),
                    if hits.len() > ids_shown { ", …" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

const FINGERPRINTS: &[(&str, &str, &str)] = &[(
    "koradvmrs",
    "datasets/koradvmrs.fingerprints",
    include_str!("../../datasets/koradvmrs.fingerprints"),
)];

/// Every known test set's content fingerprints, by dataset name: what the
/// contamination guard compares an input with. A manifest marked
/// `test_set` without embedded fingerprints is an error, not a silent pass.
pub fn test_set_fingerprints() -> Result<Vec<(String, Fingerprints)>, DataError> {
    super::manifest::known()?
        .into_iter()
        .filter(|m| m.test_set)
        .map(|m| {
            let (_, origin, text) = FINGERPRINTS
                .iter()
                .find(|(name, _, _)| *name == m.name)
                .ok_or_else(|| DataError::Manifest {
                    name: m.name.clone(),
                    reason: "a test set needs fingerprints under datasets/ (rsbench datasets fingerprint)".into(),
                })?;
            Ok((m.name.clone(), Fingerprints::parse(origin, text)?))
        })
        .collect()
}

/// Writes `report` as JSON at `path`, whole or not at all; an existing file is
/// replaced only when it is an earlier overlap report.
pub fn write_report(path: &std::path::Path, report: &OverlapReport) -> Result<std::path::PathBuf, DataError> {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    let kind = crate::output::OutputKind {
        what: "overlap report",
        shape: crate::output::Shape::File,
        recognise: Box::new(|p| {
            let old: serde_json::Value = std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .ok_or_else(|| "it is not JSON".to_owned())?;
            match (old.get("checked"), old.get("test_sets")) {
                (Some(_), Some(_)) => Ok(()),
                _ => Err("it is not an overlap report".into()),
            }
        }),
    };
    Ok(crate::output::write_file(path, kind, text.as_bytes())?)
}

/// `dialogues` (id, context, reply) against every known test set's
/// fingerprints.
pub fn check<'a>(
    dialogues: impl IntoIterator<Item = (&'a str, &'a [String], &'a str)>,
) -> Result<OverlapReport, DataError> {
    let sets = test_set_fingerprints()?;
    let mut report = OverlapReport {
        checked: sets.iter().map(|(name, _)| name.clone()).collect(),
        test_sets: sets.iter().map(|(name, _)| (name.clone(), Vec::new())).collect(),
        ..OverlapReport::default()
    };
    for (id, context, reply) in dialogues {
        report.dialogues += 1;
        for (name, fingerprints) in &sets {
            if let Some(by) = fingerprints.matches(context, reply) {
                if let Some(hits) = report.test_sets.get_mut(name) {
                    hits.push(Hit { id: id.to_owned(), by });
                }
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Candidate, Case};

    fn case(id: &str, context: &[&str], reply: &str) -> Case {
        Case {
            id: id.into(),
            source_dialogue: id.into(),
            case_type: "tense".into(),
            context: context.iter().map(|s| s.to_string()).collect(),
            candidates: vec![Candidate {
                text: reply.into(),
                label: 1,
                rule: None,
                made_from: None,
            }],
        }
    }

    fn test_set() -> Fingerprints {
        Fingerprints::of(&Dataset {
            name: "t".into(),
            cases: vec![
                case(
                    "a",
                    &["주말에 부산 바다 보러 다녀왔어", "누구랑 같이 갔는데?"],
                    "회사 동기들이랑 셋이서 갔지",
                ),
                case("b", &["감사합니다."], "별말씀을요, 조심히 들어가세요"),
            ],
            files: Vec::new(),
        })
    }

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn normalising_drops_spacing_punctuation_case_and_width() {
        assert_eq!(normalise("누구랑 같이 갔는데?!"), "누구랑같이갔는데");
        assert_eq!(normalise("ＯＫ, 좋아요 ~ ㅋㅋ"), "ok좋아요ᄏᄏ");
    }

    #[test]
    fn a_reformatted_dialogue_is_found_by_its_pair_and_its_lines() {
        let f = test_set();
        let m = f
            .matches(&lines(&["누구랑  같이 갔는데 ?"]), "회사 동기들이랑, 셋이서 갔지!")
            .expect("the pair is the test set's");
        assert!(m.pair);
        // The reply changed: two distinctive context lines still match.
        let m = f
            .matches(
                &lines(&["주말에 부산 바다 보러 다녀왔어!!", "누구랑 같이 갔는데"]),
                "재밌었겠다",
            )
            .expect("two shared lines");
        assert_eq!(
            m,
            Match {
                pair: false,
                dialogue: true,
                shared_lines: 2
            }
        );
    }

    #[test]
    fn a_short_dialogue_is_found_whole() {
        let short = Fingerprints::of(&Dataset {
            name: "t".into(),
            cases: vec![case("s", &["뭐하니?", "영화 볼 거야."], "혼자서?")],
            files: Vec::new(),
        });
        let m = short
            .matches(&lines(&["뭐 하니", "영화 볼거야"]), "혼자서")
            .expect("the whole dialogue");
        assert!(m.dialogue && !m.pair && m.shared_lines == 0);
        // Its context alone is too short to decide; with another reply it is not found.
        assert_eq!(short.matches(&lines(&["뭐하니?", "영화 볼 거야."]), "누구랑?"), None);
    }

    #[test]
    fn a_short_common_line_alone_never_decides() {
        let f = test_set();
        assert_eq!(f.matches(&lines(&["감사합니다"]), "네 안녕히 가세요"), None);
        // One distinctive shared line, under the long-line length: not enough.
        assert_eq!(f.matches(&lines(&["누구랑 같이 갔는데?"]), "혼자 갔어"), None);
    }

    #[test]
    fn the_text_form_round_trips_and_names_a_bad_line() {
        let f = test_set();
        let text = f.render("made by a test");
        assert_eq!(Fingerprints::parse("x", &text).unwrap(), f);
        let err = Fingerprints::parse("x.fingerprints", "u 12\n").unwrap_err();
        assert!(err.to_string().starts_with("x.fingerprints:1:"), "{err}");
    }
}
