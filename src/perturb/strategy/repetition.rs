//! `repetition`: a context utterance offered as the reply, exact or lightly
//! edited (rules in `perturbations/repetition.toml`); the words it adds are
//! in the replier's speech level ([`crate::perturb::register`]).

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::register::{self, Level};
use crate::perturb::rewrite::Rewriter;
use crate::perturb::rules;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "repetition",
    stem: "repetition",
    needs_analyser: true,
    copies_context: true,
    build,
    one_sentence: None,
};

struct Repetition<'a> {
    rules: rules::RepetitionRules,
    rewriter: &'a Rewriter,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let Some(rewriter) = setup.rewriter else {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    };
    Ok(Box::new(Repetition {
        rules: rules::repetition()?,
        rewriter,
    }))
}

impl Strategy for Repetition<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let level = worker
            .and_then(|w| register::replier_voice(self.rewriter, w, d))
            .map(|v| v.level);
        repetition(d, &self.rules, level)
    }
}

/// Every repetition distractor of a dialogue, in rule order; decorations
/// only in a known `level` of the replier.
pub fn repetition(d: &Dialogue, rules: &rules::RepetitionRules, level: Option<Level>) -> Vec<Generated> {
    let mut out: Vec<Generated> = Vec::new();
    for (index, utterance) in d.context.iter().enumerate() {
        for rule in &rules.rule {
            let texts: Vec<String> = match rule.id.as_str() {
                "exact" => vec![utterance.clone()],
                // A question without its ? reads as the answer (연습은 하고 있어? →
                // 연습은 하고 있어 = yes): a fine reply, not a repetition.
                _ if !rule.strip.is_empty() && crate::perturb::grounding::asks(utterance) => Vec::new(),
                _ if !rule.strip.is_empty() => {
                    let mut t = utterance.as_str();
                    while let Some(s) = rule.strip.iter().find(|s| t.ends_with(s.as_str())) {
                        t = &t[..t.len() - s.len()];
                    }
                    vec![t.to_owned()]
                }
                // No second interjection before one (아 아 감사해요), no chat
                // suffix after a full stop (수업입니다.~).
                "prefix" if !starts_with_interjection(utterance) => {
                    decorations(rule, level).map(|v| format!("{v}{utterance}")).collect()
                }
                // Nor a second laugh after one, or a laugh after a cry (해봄 ㅎㅎ ㅎㅎ, 떨려ㅠㅠ ㅋㅋ):
                // a line that ends in chat letters keeps its own.
                "suffix" if !utterance.trim_end().ends_with(crate::hangul::is_compatibility_jamo) => {
                    let bare = utterance.trim_end().trim_end_matches('.');
                    decorations(rule, level).map(|v| format!("{bare}{v}")).collect()
                }
                _ => Vec::new(),
            };
            for text in texts {
                let text = text.trim().to_owned();
                if !text.is_empty() && text != d.positive && !out.iter().any(|g| g.text == text) {
                    out.push(Generated {
                        text,
                        rule: format!("repetition/{}", rule.id),
                        utterance: Some(index),
                        contradicts: None,
                        overlap: None,
                    });
                }
            }
        }
    }
    out
}

/// Whether a line opens with an interjection or an answer word of its own.
fn starts_with_interjection(line: &str) -> bool {
    const OPENERS: [&str; 12] = [
        "아",
        "앗",
        "오",
        "와",
        "헐",
        "응",
        "어",
        "네",
        "예",
        "아니",
        "아니요",
        "음",
    ];
    line.split_whitespace()
        .next()
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric()))
        .is_some_and(|w| OPENERS.contains(&w))
}

/// A rule's words for the replier's level; none when the level is unknown.
fn decorations(rule: &rules::RepetitionRule, level: Option<Level>) -> impl Iterator<Item = &String> {
    rule.values
        .as_ref()
        .zip(level)
        .map(|(v, l)| v.get(l).as_slice())
        .unwrap_or_default()
        .iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::strategy::tests::dialogue;

    #[test]
    fn repetition_offers_context_utterances_exact_and_edited() {
        let rules = rules::repetition().unwrap();
        let g = repetition(&dialogue(), &rules, Some(Level::Banmal));
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert!(texts.contains(&"오 누구랑 갔어?"));
        assert!(texts.contains(&"나 주말에 한강에서 자전거 탔어"));
        assert!(texts.contains(&"응 나 주말에 한강에서 자전거 탔어!"));
        // No second interjection before one.
        assert!(!texts
            .iter()
            .any(|t| t.ends_with("오 누구랑 갔어?") && t.len() > "오 누구랑 갔어?".len()));
        assert!(texts.contains(&"오 누구랑 갔어? ㅋㅋ"));
        assert!(!texts.contains(&"동생이랑 갔지"));
        // A question keeps its ?: without it, it reads as the answer.
        assert!(!texts.contains(&"오 누구랑 갔어"));
        assert_eq!(g[0].rule, "repetition/exact");
        // A 합쇼체 replier adds no ㅋㅋ or 헐; an unknown level adds nothing.
        let formal: Vec<String> = repetition(&dialogue(), &rules, Some(Level::Hapsyo))
            .into_iter()
            .map(|g| g.text)
            .collect();
        assert!(formal.contains(&"네, 나 주말에 한강에서 자전거 탔어!".to_owned()));
        assert!(!formal.iter().any(|t| t.contains("ㅋㅋ") || t.starts_with("헐")));
        let laughing = Dialogue {
            context: vec!["나 오늘 면접 봐ㅠㅠ".into(), "헐 떨리겠다".into()],
            ..dialogue()
        };
        let with_laugh = repetition(&laughing, &rules, Some(Level::Banmal));
        assert!(
            with_laugh.iter().all(|g| !g.text.starts_with("나 오늘 면접 봐ㅠㅠ ")),
            "{with_laugh:?}"
        );
        assert!(with_laugh.iter().any(|g| g.text == "헐 떨리겠다 ㅋㅋ"));
        let bare = repetition(&dialogue(), &rules, None);
        assert!(bare
            .iter()
            .all(|g| g.rule == "repetition/exact" || g.rule == "repetition/strip-final-punctuation"));
    }
}
