//! The dialogue's register: the speech level the replier speaks in (반말,
//! 해요체, 합쇼체) and whether they honour the listener with -(으)시-. One
//! reading, shared by every strategy that writes words of its own (frames,
//! bank replies, segues, repetition's decorations), so no strategy answers a
//! 합쇼체 dialogue in 반말 or drops the -시- a senior is owed.
//!
//! Invariant: the level comes from the reply's final ending, by the rule
//! engine's reading where it has one and all its readings agree, else from
//! the last word's ending; a reply whose level cannot be read has no voice,
//! and a strategy that needs one writes nothing.

use super::analyser::Worker;
use super::rewrite::Rewriter;
use super::Dialogue;

pub use super::level::{InLevels, Level};

/// How the replier speaks: the level of their reply, and whether they honour
/// the listener with -(으)시- anywhere in their lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    pub level: Level,
    pub honours_listener: bool,
}

/// The level an ending id belongs to (the ids of `perturbations/tense_negation.toml`).
pub(crate) fn level_of_ending(id: &str) -> Level {
    if id.starts_with("hapsyo") || matches!(id, "sipsio" | "upsida") {
        Level::Hapsyo
    } else if id.ends_with("yo") || id.contains("yo_") || id == "seyo_imperative" {
        Level::Haeyo
    } else {
        Level::Banmal
    }
}

/// Whether `text` holds the honorific -(으)시- (가셨어요, 드세요).
pub fn honours(worker: &mut Worker<'_>, text: &str) -> bool {
    worker.analyse(text).iter().any(|t| {
        t.morphemes
            .iter()
            .any(|(m, tag)| tag == "EP" && (m == "시" || m == "으시" || m == "셨"))
    })
}

/// The speech level a text ends in, read from its last word's ending
/// when the engine cannot read its final predicate: -요 and -죠 (-지요) are 해요체, -ㅂ니다,
/// -ㅂ니까 and -십시오 are 합쇼체, any other Hangul ending 반말.
pub fn level_of_text(text: &str) -> Option<Level> {
    let bare = text.trim_end_matches(|c: char| !crate::hangul::is_letter(c));
    let last = bare.chars().last()?;
    crate::hangul::Syllable::from_char(last)?;
    Some(if bare.ends_with('요') || bare.ends_with('죠') {
        Level::Haeyo
    } else if bare.ends_with("십시오") || ends_in_b_nida(bare) {
        Level::Hapsyo
    } else {
        Level::Banmal
    })
}

/// The replier's voice, read from the reply's final ending (by the engine's
/// reading where it has one).
pub fn replier_voice(rewriter: &Rewriter, worker: &mut Worker<'_>, d: &Dialogue) -> Option<Voice> {
    let readings = rewriter.readings(worker, &d.positive);
    let rules = rewriter.rules();
    let by_ending: Vec<Level> = readings
        .iter()
        .filter_map(|p| rules.ending.get(p.ending).map(|e| level_of_ending(&e.id)))
        .collect();
    // The replier's own earlier lines: the second-to-last, the fourth-to-last, ….
    let own: Vec<&String> = d.context.iter().rev().skip(1).step_by(2).collect();
    let level = match by_ending.first() {
        Some(&first) if by_ending.iter().all(|l| *l == first) => first,
        Some(_) => return None,
        // 네 alone ends in no ending: polite, at the level the replier's own
        // lines show, else 해요체 (in 반말 one says 응).
        None if ends_in_polite_answer(rewriter, &d.positive) => (own.iter())
            .filter_map(|l| level_of_text(l))
            .find(|l| *l != Level::Banmal)
            .unwrap_or(Level::Haeyo),
        None => level_of_text(&d.positive)?,
    };
    // 감사합니다 and 알겠습니다 are 합쇼체 in form and said by 해요체 speakers
    // too: a replier whose own lines are in 해요체 speaks 해요체.
    let level = if level == Level::Hapsyo && own.iter().any(|l| level_of_text(l) == Some(Level::Haeyo)) {
        Level::Haeyo
    } else {
        level
    };
    let honours_listener = readings.iter().any(|p| p.hon && !p.lexical_hon)
        || honours(worker, &d.positive)
        || addresses_by_title(&d.positive)
        || own.into_iter().any(|l| honours(worker, l) || addresses_by_title(l));
    Some(Voice {
        level,
        honours_listener,
    })
}

/// Whether `text`'s last word is a polite answer word (네, 아 네, 넵!).
fn ends_in_polite_answer(rewriter: &Rewriter, text: &str) -> bool {
    text.split_whitespace()
        .next_back()
        .map(|w| w.trim_matches(|c: char| !crate::hangul::is_letter(c)))
        .is_some_and(|w| rewriter.grounding().polite_answers.iter().any(|a| a == w))
}

/// Whether `line` opens by calling the listener by a title in -님 (과장님,
/// 보고서 검토 부탁드립니다; 선생님 저 질문 있어요): one honoured, though
/// the line itself has no -(으)시- to show it.
fn addresses_by_title(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .map(|w| w.trim_end_matches(|c: char| !crate::hangul::is_letter(c)))
        .is_some_and(|w| w.chars().count() >= 2 && w.ends_with('님'))
}

/// -ㅂ니다 and -ㅂ니까: 니다 or 니까 after a syllable closed by ㅂ (갑니다, 먹습니까), not
/// 아니다 "it is not" or 가니까 "since one goes".
pub(crate) fn ends_in_b_nida(bare: &str) -> bool {
    let Some(stem) = bare.strip_suffix("니다").or_else(|| bare.strip_suffix("니까")) else {
        return false;
    };
    stem.chars()
        .last()
        .is_some_and(|c| crate::hangul::final_of(c) == Some('ㅂ'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_come_from_the_last_ending_when_the_engine_reads_none() {
        assert_eq!(level_of_text("와 대박ㅋㅋ"), Some(Level::Banmal));
        assert_eq!(level_of_text("네, 감사합니다!"), Some(Level::Hapsyo));
        assert_eq!(level_of_text("저도 그래요~"), Some(Level::Haeyo));
        assert_eq!(level_of_text("같이 가 보시죠."), Some(Level::Haeyo));
        assert_eq!(level_of_text("ㅋㅋㅋ"), None);
        assert_eq!(level_of_text("텐트 치는 건 좀 아니다ㅋㅋ"), Some(Level::Banmal));
        assert_eq!(level_of_text("비 오니까"), Some(Level::Banmal));
        assert_eq!(level_of_text("먼저 가겠습니다."), Some(Level::Hapsyo));
        assert_eq!(level_of_text("언제 오십니까?"), Some(Level::Hapsyo));
    }

    #[test]
    fn levels_come_from_the_ending_ids() {
        assert_eq!(level_of_ending("hae"), Level::Banmal);
        assert_eq!(level_of_ending("guna"), Level::Banmal);
        assert_eq!(level_of_ending("haeyo"), Level::Haeyo);
        assert_eq!(level_of_ending("gunyo"), Level::Haeyo);
        assert_eq!(level_of_ending("haeyo_imperative_mala"), Level::Haeyo);
        assert_eq!(level_of_ending("ulgeyo"), Level::Haeyo);
        assert_eq!(level_of_ending("hapsyo_q"), Level::Hapsyo);
        assert_eq!(level_of_ending("ja"), Level::Banmal);
    }
}
