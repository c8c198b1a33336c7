//! The reason a statement gives for its own main clause (야근이 많아서 못
//! 왔어요, 보고서 마무리하느라 늦었어, 비 때문에 취소됐어), read from the
//! analyser's tokens: the interrogative-word frames ask 왜 of such a clause,
//! whose answer the line has just given.
//!
//! Invariant: a reason is one of three word shapes, and only where a main
//! clause follows it in the same sentence: -느라(고) on any verb; -아서/-어서
//! (-라서) on an adjective, 있다/없다 or the copula; a noun's 때문에. A verb's
//! -어서 is never read as one: it is as often a sequence (친구 만나서 놀았어,
//! 사거리 지나서 있어요) as a cause, and when unsure there is no output.

use super::analyser::Token;

/// A reason and the main clause it explains, as byte offsets into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    /// Start and end of the reason's last two words (야근이 많아서, 비
    /// 때문에), or its one word where it starts the sentence.
    pub word_start: usize,
    pub word_end: usize,
    /// Where the main clause starts: the first word after the reason.
    pub main_start: usize,
}

/// -느라(고): always a cause (and never a sequence).
const BUSY_ENDINGS: [&str; 2] = ["느라", "느라고"];

/// -아서/-어서 and their forms after 하다 and the copula.
const CAUSE_ENDINGS: [&str; 5] = ["아서", "어서", "여서", "서", "라서"];

/// Stems read as states whatever tag the analyser gives them (있어서 is VV
/// in some readings).
const STATE_STEMS: [&str; 2] = ["있", "없"];

/// The last reason of `text` (one sentence) with a main clause after it.
pub fn last_reason(text: &str, tokens: &[Token]) -> Option<Reason> {
    let mut found = None;
    for (i, t) in tokens.iter().enumerate() {
        let ends_word = text[t.end..].starts_with(char::is_whitespace);
        if !ends_word || text[t.end..].trim().is_empty() {
            continue;
        }
        if !(gives_cause(tokens, i) || is_because(tokens, i)) {
            continue;
        }
        let own_start = text[..t.start].rfind(char::is_whitespace).map_or(0, |k| k + 1);
        let before = text[..own_start].trim_end();
        let word_start = before.rfind(char::is_whitespace).map_or(0, |k| k + 1).min(own_start);
        let main_start = t.end + text[t.end..].len() - text[t.end..].trim_start().len();
        found = Some(Reason {
            word_start,
            word_end: t.end,
            main_start,
        });
    }
    found
}

/// Token `i` ends in a causal connective on a stem that makes it a cause.
fn gives_cause(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    let Some((ending, tag)) = t.morphemes.last() else {
        return false;
    };
    if tag != "EC" {
        return false;
    }
    if BUSY_ENDINGS.contains(&ending.as_str()) {
        return true;
    }
    if !CAUSE_ENDINGS.contains(&ending.as_str()) {
        return false;
    }
    // The stem: the morpheme before the ending, in this token or the one
    // just before it within the word (많/VA 아서/EC).
    let stem = match t.morphemes.len() {
        n if n >= 2 => Some(&t.morphemes[n - 2]),
        _ => i
            .checked_sub(1)
            .map(|k| &tokens[k])
            .filter(|p| p.end == t.start)
            .and_then(|p| p.morphemes.last()),
    };
    stem.is_some_and(|(m, tag)| matches!(tag.as_str(), "VA" | "XSA" | "VCP") || STATE_STEMS.contains(&m.as_str()))
}

/// Token `i` is the 에 of 때문에 (or 때문에 read as one token) after a noun phrase.
fn is_because(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i];
    if t.surface == "때문에" {
        return true;
    }
    t.surface == "에" && t.tag == "JKB" && i > 0 && tokens[i - 1].surface == "때문" && tokens[i - 1].end == t.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::analyser::{dictionary_dir, Analyser};

    fn main_clause(text: &str) -> Option<String> {
        let analyser = Analyser::load(&dictionary_dir()).expect("the dictionary");
        let mut worker = analyser.worker();
        let tokens = worker.analyse(text);
        last_reason(text, &tokens).map(|r| text[r.main_start..].to_owned())
    }

    #[test]
    fn adjectives_existentials_and_busy_clauses_give_reasons() {
        assert_eq!(main_clause("야근이 많아서 못 왔어요").as_deref(), Some("못 왔어요"));
        assert_eq!(main_clause("아니 나는 무서워서 안 해").as_deref(), Some("안 해"));
        assert_eq!(
            main_clause("보고서 마무리하느라 열 시까지 있었습니다").as_deref(),
            Some("열 시까지 있었습니다")
        );
        assert_eq!(
            main_clause("나 그날 치과 예약 있어서 빠지려고").as_deref(),
            Some("빠지려고")
        );
        // 피곤하다: 하 is the adjective's suffix (XSA).
        assert_eq!(
            main_clause("어제 너무 피곤해서 일찍 잤어").as_deref(),
            Some("일찍 잤어")
        );
        assert_eq!(
            main_clause("비 때문에 소풍이 취소됐어").as_deref(),
            Some("소풍이 취소됐어")
        );
    }

    #[test]
    fn a_verbs_connective_is_no_reason() {
        // A sequence, not a cause.
        assert_eq!(main_clause("친구 만나서 놀았어"), None);
        assert_eq!(main_clause("저 사거리 지나서 오른쪽에 있어요"), None);
        // A cause, but a verb's: left alone with the sequences.
        assert_eq!(main_clause("나 오늘 지각해서 팀장님한테 혼났어"), None);
    }

    #[test]
    fn a_reason_needs_a_main_clause_after_it() {
        assert_eq!(main_clause("요즘 좀 바빠서"), None);
        assert_eq!(main_clause("얼룩 빼는 데 시간이 좀 걸려서요"), None);
    }
}
