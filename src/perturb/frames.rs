//! Tense negatives built from a fact of the context, in the replier's voice:
//! the other speaker states something they did or will do, and the reply
//! asks about it in the other time (나 어제 운동화 샀어 → 언제 운동화 살
//! 거야?; 다음 주에 오신대 → 오셨어?). KorAdvMRS's hand-written tense
//! negatives are of this kind; a rewrite of the gold reply covers only the
//! dialogues whose reply restates a time.
//!
//! Invariant: a frame is built only from a statement of the speaker opposite
//! the replier (the last line, the one before the last but one, …) whose
//! final predicate the engine reads unambiguously, that speaks of that
//! speaker or of the world (no second person: the replier may deny a claim
//! about themselves), and only in the replier's own speech level and
//! honorifics ([`Voice`]), read from the reply. It carries the predicate
//! alone, conjugated by the rule engine, so it is never a near-copy of its
//! line, and its provenance records the line and the words contradicted.

use super::analyser::Worker;
use super::grounding::{self, Grounds};
use super::predicate::{Negation, Pos, Predicate, Tense};
use super::rewrite::{RewriteKind, Rewriter};
use super::Dialogue;

/// The speech level of a line, as its final ending shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 반말 (해체, 해라체).
    Banmal,
    /// 해요체.
    Haeyo,
    /// 합쇼체.
    Hapsyo,
}

/// How the replier speaks: the level of their reply, and whether they honour
/// the listener with -(으)시- anywhere in their lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    pub level: Level,
    pub honours_listener: bool,
}

/// The level an ending id belongs to (the ids of `perturbations/tense_negation.toml`).
fn level_of_ending(id: &str) -> Level {
    if id.starts_with("hapsyo") || matches!(id, "sipsio" | "upsida") {
        Level::Hapsyo
    } else if id.ends_with("yo") || id.contains("yo_") || id == "seyo_imperative" {
        Level::Haeyo
    } else {
        Level::Banmal
    }
}

/// Whether `text` holds the honorific -(으)시- (가셨어요, 드세요).
fn honours(worker: &mut Worker<'_>, text: &str) -> bool {
    worker.analyse(text).iter().any(|t| {
        t.morphemes
            .iter()
            .any(|(m, tag)| tag == "EP" && (m == "시" || m == "으시" || m == "셨"))
    })
}

/// The speech level a text ends in, read from its last word's ending
/// when the engine cannot read its final predicate: -요 is 해요체, -ㅂ니다,
/// -ㅂ니까 and -십시오 are 합쇼체, any other Hangul ending 반말.
fn level_of_text(text: &str) -> Option<Level> {
    let bare = text.trim_end_matches(|c: char| !c.is_alphanumeric() || crate::hangul::is_compatibility_jamo(c));
    let last = bare.chars().last()?;
    crate::hangul::Syllable::from_char(last)?;
    Some(if bare.ends_with('요') {
        Level::Haeyo
    } else if ["니다", "니까", "십시오"].iter().any(|e| bare.ends_with(e)) {
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
    let level = match by_ending.first() {
        Some(&first) if by_ending.iter().all(|l| *l == first) => first,
        Some(_) => return None,
        None => level_of_text(&d.positive)?,
    };
    // The replier's own earlier lines: the second-to-last, the fourth-to-last, ….
    let own: Vec<&String> = d.context.iter().rev().skip(1).step_by(2).collect();
    let honours_listener = readings.iter().any(|p| p.hon && !p.lexical_hon)
        || honours(worker, &d.positive)
        || own.into_iter().any(|l| honours(worker, l));
    Some(Voice {
        level,
        honours_listener,
    })
}

/// Words that make a line speak of the replier (the listener of that line).
const SECOND_PERSON: [&str; 10] = [
    "너",
    "니가",
    "네가",
    "넌",
    "너도",
    "너는",
    "니",
    "당신",
    "자기",
    "선배님",
];

/// Predicates too general or too fixed to build a frame on (뭐 했어, 알았어,
/// 고마워, 그랬구나).
const NO_FRAME_STEMS: [&str; 15] = [
    "하",
    "되",
    "알",
    "모르",
    "그러",
    "이러",
    "저러",
    "고맙",
    "감사하",
    "죄송하",
    "미안하",
    "괜찮",
    "그렇",
    "어떻",
    "같",
];

/// The words of `new` that differ from `old`, from the start of the first
/// word that changed to the end, without trailing punctuation or decoration.
fn changed_words(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let same = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let start = new[..same].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = new[start..]
        .trim_end_matches(|c: char| !c.is_alphanumeric() || crate::hangul::is_compatibility_jamo(c))
        .trim();
    (!word.is_empty()).then(|| word.to_owned())
}

/// The line a frame may be built from: the last of the context, a
/// statement of the speaker opposite the replier (what the reply answers;
/// older lines may no longer be what the talk is about), with the readings
/// of its final predicate. None when it asks, speaks of the replier, or
/// ends in a predicate a frame cannot carry alone (anything but a verb, an
/// auxiliary, a humble verb, a fixed phrase).
fn fact(rewriter: &Rewriter, worker: &mut Worker<'_>, d: &Dialogue) -> Option<(usize, Vec<Predicate>)> {
    let rules = rewriter.rules();
    let g = rewriter.grounding();
    let i = d.context.len().checked_sub(1)?;
    let line = d.context[i].as_str();
    let second_person = line.split_whitespace().any(|w| {
        SECOND_PERSON
            .iter()
            .any(|p| w.trim_end_matches(['?', '!', '.', ',']) == *p)
    });
    if grounding::asks(line) || second_person || g.has_word(line, &g.degree) {
        return None;
    }
    let readings = rewriter.readings(worker, line);
    let stem = grounding::stem(&readings)?;
    let first = readings.first()?;
    let statement = readings.iter().all(|p| {
        rules
            .ending
            .get(p.ending)
            .is_some_and(|e| e.mood == super::rules::Mood::Any)
    });
    // Deliberate acts only: verbs, no auxiliary.
    let carried = readings.iter().all(|p| p.pos == Pos::Verb && p.tag != "VX");
    // 해체/해요체 present verbs are also requests (골라 가, 드셔 보세요).
    let plain_present = readings.iter().any(|p| {
        p.pos == Pos::Verb
            && p.tense == Tense::Present
            && rules
                .ending
                .get(p.ending)
                .is_some_and(|e| e.id == "hae" || e.id == "haeyo")
    });
    let maybe_request = plain_present && !g.has_word(line, &g.first_person) && g.time_word(line).is_none();
    let fixed = maybe_request
        || NO_FRAME_STEMS.contains(&stem)
        || g.humble.iter().any(|h| h == stem)
        || (stem == "좋" && first.word_before.ends_with('면'));
    (statement && carried && !fixed && grounding::negated(&readings).is_some()).then_some((i, readings))
}

/// The word before byte `at` of `text` when it is a noun, bare or with a
/// subject, object or topic particle (영화 봤어, 책을 읽었어, 미세먼지가
/// 심해): the frame keeps it, so that it says what the line says of what.
/// Pronouns are not kept (the frame speaks in the replier's persons), nor
/// places, times and amounts (`not_carried`, or a noun with 에/에서).
fn noun_before(worker: &mut Worker<'_>, text: &str, at: usize, not_carried: &[String]) -> Option<String> {
    let head = text.get(..at)?.trim_end();
    let start = head.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &head[start..];
    let tokens = worker.analyse(word);
    let (noun, rest) = tokens.split_first()?;
    let is_noun = matches!(noun.tag.as_str(), "NNG" | "NNP") && !not_carried.contains(&noun.surface);
    let particles = rest.iter().all(|t| matches!(t.tag.as_str(), "JKO" | "JKS" | "JX"));
    (is_noun && particles && !word.is_empty()).then(|| word.to_owned())
}

/// What a frame does to the fact's predicate.
struct Frame {
    family: &'static str,
    /// The tense the predicate takes.
    tense: Tense,
    /// What stands before the words of the question ("언제 " or nothing).
    lead: &'static str,
}

/// Whether a noun before byte `at` is marked as the clause's subject or
/// topic (큰 애가 괴롭혀요, 소리가 안 나요): the predicate is then not the
/// listener's doing, and takes no honorific.
fn names_a_subject(worker: &mut Worker<'_>, text: &str, at: usize) -> bool {
    let tokens = worker.analyse(text);
    tokens.windows(2).any(|w| {
        w[1].end <= at
            && matches!(w[0].tag.as_str(), "NNG" | "NNP" | "NNB")
            && (w[1].tag == "JKS" || (w[1].tag == "JX" && matches!(w[1].surface.as_str(), "은" | "는")))
    })
}

/// The tense frames of `d`: (text, rule, the fact it contradicts).
///
/// A past deliberate act of the other speaker is asked about as still to
/// come (나 자격증 땄어 → 언제 자격증 딸 거야?), a planned one as done
/// (다음 주에 검진 받을 거야 → 검진 받았어?), in the replier's level and
/// honorifics.
pub fn tense_frames(rewriter: &Rewriter, worker: &mut Worker<'_>, d: &Dialogue) -> Vec<(String, String, Grounds)> {
    let Some(voice) = replier_voice(rewriter, worker, d) else {
        return Vec::new();
    };
    let Some((i, readings)) = fact(rewriter, worker, d) else {
        return Vec::new();
    };
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    let line = d.context[i].as_str();
    let Some(first) = readings.first() else {
        return Vec::new();
    };
    let stem = grounding::stem(&readings).unwrap_or_default();
    // One clause: 다 식어서 왔어 says the food came, not the speaker.
    let one_clause = !grounding::clause_before(&worker.analyse(line), first.start);
    let deliberate = one_clause && g.volitional.iter().any(|v| v == stem);
    if !deliberate || grounding::negated(&readings) != Some(false) {
        return Vec::new();
    }
    let planned = grounding::when_of(&readings) == Some(grounding::When::Future)
        || (first.tense == Tense::Present && g.time_word(line).is_some_and(|(w, _)| w == grounding::When::Future));
    let done = grounding::when_of(&readings) == Some(grounding::When::Past);
    let frame = match (done, planned) {
        (true, _) => Frame {
            family: "fact-question",
            tense: Tense::FutureGeo { space: true, form: 0 },
            lead: "언제 ",
        },
        (false, true) => Frame {
            family: "fact-done",
            tense: Tense::Past,
            lead: "",
        },
        (false, false) => return Vec::new(),
    };
    let ending_id = match voice.level {
        Level::Banmal => "hae",
        Level::Haeyo => "haeyo",
        Level::Hapsyo => "hapsyo_q",
    };
    let Some(ending) = rules.ending.iter().position(|e| e.id == ending_id) else {
        return Vec::new();
    };
    let hon = voice.honours_listener && !names_a_subject(worker, line, first.start);
    let rewritten = rewriter.rewrite_with(line, &readings, RewriteKind::Tense, |mut q: Predicate| {
        q.ending = ending;
        q.hon = q.hon || hon;
        q.tense = frame.tense;
        q.negation = Negation::None;
        q
    });
    let Some(word) = rewritten.and_then(|new| changed_words(line, &new)) else {
        return Vec::new();
    };
    let noun = noun_before(worker, line, first.start, &g.not_carried).filter(|n| !word.starts_with(n.as_str()));
    let words = match noun {
        Some(n) => format!("{n} {word}"),
        None => word,
    };
    let text = format!("{}{words}?", frame.lead);
    let span = line.get(first.start..first.end).unwrap_or(line).to_owned();
    let rule = format!("tense/{}/{ending_id}", frame.family);
    vec![(
        text,
        rule,
        Grounds {
            utterance: i,
            span,
            slot: "time".into(),
        },
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_words_run_from_the_first_changed_word_to_the_end() {
        assert_eq!(
            changed_words("나 어제 영화 봤어!", "나 어제 영화 안 봤구나!").as_deref(),
            Some("안 봤구나")
        );
        assert_eq!(
            changed_words("나 학생이야", "나 학생이 아니구나").as_deref(),
            Some("학생이 아니구나")
        );
        assert_eq!(
            changed_words("머리 잘랐어ㅋㅋ", "머리 자를 거야ㅋㅋ").as_deref(),
            Some("자를 거야")
        );
        assert_eq!(changed_words("같아", "같아"), None);
    }

    #[test]
    fn levels_come_from_the_last_ending_when_the_engine_reads_none() {
        assert_eq!(level_of_text("와 대박ㅋㅋ"), Some(Level::Banmal));
        assert_eq!(level_of_text("네, 감사합니다!"), Some(Level::Hapsyo));
        assert_eq!(level_of_text("저도 그래요~"), Some(Level::Haeyo));
        assert_eq!(level_of_text("ㅋㅋㅋ"), None);
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
