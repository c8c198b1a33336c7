//! Tense negatives built from a fact of the context, in the replier's voice:
//! the other speaker states something they did or will do, and the reply
//! asks about it in the other time (나 어제 운동화 샀어 → 언제 운동화 살
//! 거야?; 다음 주에 오신대 → 오셨어?). KorAdvMRS's hand-written tense
//! negatives are of this kind; a rewrite of the gold reply covers only the
//! dialogues whose reply restates a time. The interrogative-word questions
//! ([`wh_frames`]) ask back what such a line gives; [`reaction`] takes it up
//! as its opposite for negation and lexical contradiction.
//!
//! Invariant: a frame is built only from a statement of the speaker opposite
//! the replier (the last line, the one before the last but one, …) whose
//! final predicate the engine reads unambiguously, that speaks of that
//! speaker or of the world (no second person: the replier may deny a claim
//! about themselves), and only in the replier's own speech level and
//! honorifics ([`super::register::Voice`]), read from the reply. It carries the predicate
//! alone, conjugated by the rule engine, so it is never a near-copy of its
//! line, and its provenance records the line and the words contradicted.

mod reaction;

use std::sync::Arc;

use super::analyser::Worker;
use super::grounding::{self, Grounds};
use super::predicate::{Negation, Pos, Predicate, Tense};
use super::register::{replier_voice, Level};
use super::rewrite::{RewriteKind, Rewriter};
use super::Dialogue;

pub use reaction::reaction_frames;

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

/// Whether a line speaks of the replier: a word of [`SECOND_PERSON`].
fn speaks_of_replier(line: &str) -> bool {
    line.split_whitespace().any(|w| {
        SECOND_PERSON
            .iter()
            .any(|p| w.trim_end_matches(['?', '!', '.', ',']) == *p)
    })
}

/// Predicates too general or too fixed to build a frame on (뭐 했어, 알았어,
/// 고마워, 그랬구나), and exclamations of the speaker's own wonder (대단하다,
/// 신기하다, 당연하지), which state no fact to take up.
const NO_FRAME_STEMS: [&str; 20] = [
    "대단하",
    "신기하",
    "당연하",
    "하",
    "되",
    "알",
    "모르",
    "그러",
    "이러",
    "저러",
    "이렇",
    "저렇",
    "고맙",
    "감사하",
    "죄송하",
    "미안하",
    "괜찮",
    "그렇",
    "어떻",
    "같",
];

/// 것 with a subject particle: the clause before it is the subject (보고
/// 가는 게 나을 거야).
const CLAUSE_SUBJECTS: [&str; 2] = ["게", "것이"];

/// 것 with a topic particle: a clause as the topic, of which only 있다/없다
/// is taken up (찍어 둔 건 있어요 → 그럼 없군요).
const CLAUSE_TOPICS: [&str; 2] = ["건", "것은"];

/// Verbs that are mostly auxiliaries after -아/-어 (자 버렸어, 사 놨어, 써 둬).
const AUXILIARY_VERBS: [&str; 3] = ["버리", "놓", "두"];

/// Auxiliaries after -아/-어 that a frame carries with their verb: an act
/// done for someone, kept done, or tried (보내 줄게 → 아 보내 줬구나; 사 놨어;
/// 먹어 볼게). Not 버리다 (regret or relief, which the frame would lose);
/// 드리다 only as 주다, where it is an act for the listener
/// ([`given_to_the_listener`]).
const CARRIED_AUXILIARIES: [&str; 4] = ["주", "두", "놓", "보"];

/// Stems that report an act failed, which is then mostly done again.
const FAILED: [&str; 5] = ["떨어지", "망하", "실패하", "놓치", "탈락하"];

/// Endings of realisation (`perturbations/tense_negation.toml` ids): 네,
/// 네요, 구나, 군, 군요.
const REALISATION_ENDINGS: [&str; 5] = ["ne", "neyo", "guna", "gun", "gunyo"];

/// Endings that remind the listener of what they know (-잖아, -지, -죠):
/// such a line mostly speaks of the listener's doing (어제도 먹었잖아 =
/// you ate it yesterday too), so it is no act of the speaker's to frame.
const REMINDING_ENDINGS: [&str; 5] = ["janha", "janhayo", "ji", "jiyo", "jyo"];

/// Whether a line ends in a realisation (-네, -구나) or a reminder (-잖아,
/// -지): it notes a state come about or speaks of the listener, not of an
/// act of its speaker's.
fn notes_or_reminds(rules: &super::rules::TenseNegationRules, readings: &[Predicate]) -> bool {
    grounding::ends_in(rules, readings, &REALISATION_ENDINGS) || grounding::ends_in(rules, readings, &REMINDING_ENDINGS)
}

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
        .trim_end_matches(|c: char| !crate::hangul::is_letter(c))
        .trim();
    (!word.is_empty()).then(|| word.to_owned())
}

/// Context line `i` as a line a frame may be built from, a statement of the
/// speaker opposite the replier (the caller passes only their lines), with
/// the readings of its final predicate. None when it asks, speaks of the
/// replier, or ends in a predicate a frame cannot carry alone (an
/// auxiliary, a humble verb, a fixed phrase, anything `carries` leaves out).
fn fact(rewriter: &Rewriter, worker: &mut Worker<'_>, line: &str, carries: Carries) -> Option<Arc<[Predicate]>> {
    fact_as(rewriter, worker, line, carries, Said::Stated)
}

/// [`fact`] of a line put as `said`: a yes/no question answered yes (회의실
/// 예약했어? / 네) states its predicate as well as a statement does, and its
/// plain present is not a request (이번 주말에 낚시 가?).
fn fact_as(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    line: &str,
    carries: Carries,
    said: Said,
) -> Option<Arc<[Predicate]>> {
    let rules = rewriter.rules();
    let g = rewriter.grounding();
    if (said == Said::Stated && grounding::asks(line)) || speaks_of_replier(line) || g.has_word(line, &g.degree) {
        return None;
    }
    let mut readings = rewriter.readings(worker, line);
    if let Some(promised) = grounding::promised(g, rules, &readings) {
        readings = promised.into();
    }
    if let Some(given) = given_to_the_listener(line, &readings) {
        readings = given.into();
    }
    let lemma = grounding::lemma(&readings)?;
    let stem = lemma.as_str();
    let first = readings.first()?;
    let statement = readings.iter().all(|p| {
        rules
            .ending
            .get(p.ending)
            .is_some_and(|e| e.mood == super::rules::Mood::Any)
    });
    let carried = readings.iter().all(|p| match carries {
        Carries::Verbs => p.pos == Pos::Verb && (p.tag != "VX" || CARRIED_AUXILIARIES.contains(&p.stem.as_str())),
        // 시간 있어 → 없구나; of the auxiliaries only a wish and the progressive
        // (가고 싶어, 공부하고 있어), carried with their verb.
        Carries::States => {
            (matches!(p.pos, Pos::Verb | Pos::Adjective | Pos::Exist | Pos::Copula) && p.tag != "VX")
                || (p.tag == "VX" && matches!(p.stem.as_str(), "싶" | "있") && p.word_before.ends_with('고'))
                || (p.tag == "VX" && CARRIED_AUXILIARIES.contains(&p.stem.as_str()))
        }
    });
    // 해체/해요체 present verbs are also requests (골라 가, 드셔 보세요).
    let maybe_request = said == Said::Stated
        && readings.iter().any(|p| grounding::plain_present_verb(rules, p))
        && !g.names_speaker_or_time(line);
    // 하다 after a bare noun and 안/못 (숙제 안 했어) is that noun's verb,
    // carried with it (아 숙제 했구나).
    let noun_ha = carries == Carries::States && stem == "하" && matches!(first.negation, Negation::Short(_)) && {
        let tokens = worker.analyse(&first.word_before);
        tokens.len() == 1 && tokens[0].tag == "NNG"
    };
    // A clause made a noun (보고 가는 게 나을 거야) is the subject: the frame
    // would carry its last word alone (*게 안 나을 거구나).
    let clause_subject = CLAUSE_SUBJECTS.contains(&first.word_before.as_str())
        || (CLAUSE_TOPICS.contains(&first.word_before.as_str()) && first.pos != Pos::Exist);
    // An auxiliary the analyser read as a verb after a one-syllable "noun"
    // (자 버렸어 = 자다 + -아 버리다, read as 자 "ruler" + 버리다).
    let misread_auxiliary = AUXILIARY_VERBS.contains(&stem) && first.word_before.chars().count() == 1;
    let fixed = maybe_request
        || clause_subject
        || misread_auxiliary
        || (NO_FRAME_STEMS.contains(&stem) && !noun_ha)
        || g.humble.iter().any(|h| h == stem)
        || (stem == "좋" && first.word_before.ends_with('면'));
    (statement && carried && !fixed && grounding::negated(&readings).is_some()).then_some(readings)
}

/// The verb an auxiliary of [`CARRIED_AUXILIARIES`] goes with (보내 줄게,
/// 예약해 둘게요, 설명해줄게).
struct CarriedVerb {
    /// Where the verb's word starts in the line.
    at: usize,
    /// The verb as written, apart from the auxiliary (보내, 설명해).
    written: String,
    /// Its lemma (보내, 설명하), which says what act the line states.
    lemma: String,
    /// The auxiliary's stem (주, 두, 놓, 보).
    auxiliary: String,
}

impl CarriedVerb {
    /// An act tried (끓여 봤어): put to come (언제 끓여 볼 거야?), it reads
    /// as trying again, after a first try that went wrong as often as not.
    fn tried(&self) -> bool {
        self.auxiliary == "보"
    }
}

/// An act done for the listener in humble speech (다시 만들어 드릴게요):
/// -아/-어 드리다 humbles the speaker to the one the act is for, here the
/// listener, who in reply speaks of it as given to them (만들어 주셨군요):
/// the readings with 주다 for 드리다. `None` for any other predicate, and
/// where the act may be for someone else: a line in 반말 (알려 드릴게, of
/// parents) or a sentence that names another honoured (팀장님께, 부모님).
fn given_to_the_listener(line: &str, readings: &[Predicate]) -> Option<Vec<Predicate>> {
    if !readings.iter().all(|p| p.tag == "VX" && p.stem == "드리") || readings.is_empty() {
        return None;
    }
    let sentence = grounding::sentences(line).last().copied().unwrap_or(line);
    let polite = matches!(
        super::register::level_of_text(sentence),
        Some(Level::Haeyo | Level::Hapsyo)
    );
    let another_honoured = sentence
        .split_whitespace()
        .any(|w| w.contains('님') || w.ends_with('께') || w.ends_with("께서"));
    if !polite || another_honoured {
        return None;
    }
    Some(
        readings
            .iter()
            .map(|p| Predicate {
                stem: "주".to_owned(),
                ..p.clone()
            })
            .collect(),
    )
}

/// [`CarriedVerb`] of `first`, the final predicate of `line`; `None` for
/// any other predicate.
fn carried_verb(worker: &mut Worker<'_>, line: &str, first: &Predicate) -> Option<CarriedVerb> {
    if first.tag != "VX" || !CARRIED_AUXILIARIES.contains(&first.stem.as_str()) {
        return None;
    }
    let before = line.get(..first.start)?;
    let (at, written) = if first.space_before {
        (word_before_at(line, first)?, first.word_before.clone())
    } else {
        // Written as one word (설명해줄게): the verb is the word's head.
        let at = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        (at, before[at..].to_owned())
    };
    let morphemes: Vec<(String, String)> = worker
        .analyse(&written)
        .iter()
        .flat_map(|t| t.morphemes.iter().cloned())
        .collect();
    let k = morphemes
        .iter()
        .rposition(|(_, tag)| matches!(tag.as_str(), "VV" | "XSV"))?;
    let lemma = match (morphemes[k].1.as_str(), k.checked_sub(1).map(|j| &morphemes[j])) {
        ("XSV", Some((noun, tag))) if tag == "NNG" => format!("{noun}{}", morphemes[k].0),
        ("XSV", _) => return None,
        _ => morphemes[k].0.clone(),
    };
    (!written.is_empty()).then(|| CarriedVerb {
        at,
        written,
        lemma,
        auxiliary: first.stem.clone(),
    })
}

/// Where the word before the final predicate `first` of `line` starts.
fn word_before_at(line: &str, first: &Predicate) -> Option<usize> {
    line.get(..first.start)?
        .trim_end()
        .len()
        .checked_sub(first.word_before.len())
}

/// How a line puts the fact a frame takes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    /// A statement of the other speaker.
    Stated,
    /// A yes/no question of the replier, without its ?, that the other
    /// speaker answered: its question endings (-습니까, -죠, -나요) ask, and
    /// its plain present is a question, not a request.
    Asked,
}

/// What a frame carries of a line: the predicates it can put alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carries {
    /// A verb: an act asked about in another time.
    Verbs,
    /// A verb, an adjective, 있다/없다, a wish or the progressive: a fact
    /// or a state taken up as its opposite.
    States,
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
    // A compound noun (건강검진 = 건강 + 검진), then at most its particles.
    let nouns = rest
        .iter()
        .take_while(|t| matches!(t.tag.as_str(), "NNG" | "NNP"))
        .count();
    let particles = rest[nouns..]
        .iter()
        .all(|t| matches!(t.tag.as_str(), "JKO" | "JKS" | "JX"));
    // After a number the noun counts (한 통, 두 장): it says how much, not what.
    let before = head[..start].split_whitespace().next_back().unwrap_or("");
    let counted = before.starts_with(|c: char| c.is_ascii_digit()) || NUMERALS.contains(&before);
    (is_noun && particles && !counted && !word.is_empty()).then(|| word.to_owned())
}

/// Native numerals before a counter (한 통, 두 잔, 몇 개).
const NUMERALS: [&str; 12] = [
    "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "몇", "스무",
];

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
/// Only the sentence `at` is in: an earlier one has subjects of its own.
pub fn names_a_subject(worker: &mut Worker<'_>, text: &str, at: usize) -> bool {
    let tokens = worker.analyse(text);
    let sentence_start = tokens
        .iter()
        .rev()
        .find(|t| t.end <= at && t.tag == "SF")
        .map(|t| t.end)
        .unwrap_or(0);
    tokens.windows(2).any(|w| {
        w[0].start >= sentence_start
            && w[1].end <= at
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
    let mut out = Vec::new();
    for i in other_speaker_lines(d) {
        if let Some(frame) = tense_frame(rewriter, worker, d, voice, i) {
            if !out.iter().any(|(t, _, _): &(String, String, Grounds)| *t == frame.0) {
                out.push(frame);
            }
        }
    }
    out
}

/// When the act a line states happens: done (the past), or planned (a
/// future, a promise or an intention, or a present with a time to come or a day and no aspect word:
/// 다음 주에 검진 받아, 토요일에 이사해). None for the present of what goes
/// on or recurs.
fn act_time(
    rules: &super::rules::TenseNegationRules,
    g: &grounding::GroundingRules,
    line: &str,
    readings: &[Predicate],
) -> Option<grounding::When> {
    use grounding::When;
    let first = readings.first()?;
    // A promise or an intention (오늘 보낼게, 강아지 입양하려고) is of an act
    // still to come; but an intention to give the listener something (우산
    // 돌려드리려고요) is said as it is given: its past may be a fine reply.
    if grounding::plans(rules, readings) {
        let gives_now = grounding::ends_in(rules, readings, &["ryeogo", "ryeogoyo"])
            && readings.iter().all(|p| p.stem.ends_with('주'));
        return (!gives_now).then_some(When::Future);
    }
    match grounding::when_of(readings) {
        Some(When::Past) => Some(When::Past),
        Some(When::Future) => Some(When::Future),
        None if first.tense == Tense::Present
            && (g.time_word(line).is_some_and(|(w, _)| w == When::Future)
                || (g.has_word(line, &g.days) && !g.has_aspect_word(line))) =>
        {
            Some(When::Future)
        }
        None => None,
    }
}

/// Whether the act of `stem` in line `i` is taken up again in a later line
/// (지난주에 봉사 다녀왔어 … 다음 달에 또 가는데; 음료 나왔습니다 … 다시
/// 만들어 드릴게요), or failed there
/// (떨어졌어, 망했어) and so is mostly done again: the act then has another
/// time too, and putting it in the other one may say the plan.
fn taken_up_again(rewriter: &Rewriter, worker: &mut Worker<'_>, d: &Dialogue, i: usize, stem: &str) -> bool {
    d.context[i + 1..].iter().any(|later| {
        grounding::lemma(&rewriter.readings(worker, later)).as_deref() == Some(stem)
            || later.split_whitespace().any(|w| w == "또" || w == "다시")
            || worker
                .analyse(later)
                .iter()
                .flat_map(|t| t.morphemes.iter())
                .any(|(m, tag)| {
                    (tag.starts_with('V') && FAILED.contains(&m.as_str())) || (tag.starts_with("VV") && m == stem)
                })
    })
}

/// The lines of the speaker opposite the replier, the latest first (the
/// last line, the one three before the reply, …).
fn other_speaker_lines(d: &Dialogue) -> impl Iterator<Item = usize> {
    let n = d.context.len();
    (0..n).rev().step_by(2)
}

fn tense_frame(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    d: &Dialogue,
    voice: super::register::Voice,
    i: usize,
) -> Option<(String, String, Grounds)> {
    let readings = fact(rewriter, worker, &d.context[i], Carries::Verbs)?;
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    let line = d.context[i].as_str();
    let first = readings.first()?;
    // An act done for someone (보내 줄게) is its verb's act, which the frame
    // carries with the auxiliary (보내 줬어?).
    let carried = carried_verb(worker, line, first);
    let lemma = match &carried {
        Some(verb) => verb.lemma.clone(),
        None => grounding::lemma(&readings).unwrap_or_default(),
    };
    let stem = lemma.as_str();
    // A purpose clause in -러 is one act with its verb of motion (머리 자르러
    // 가 = go for a haircut): the frame carries it too (머리 자르러 갔어?).
    let purpose_at = purpose_word(line, first).filter(|_| matches!(stem, "가" | "오" | "다녀오"));
    let clause_end = purpose_at
        .or(carried.as_ref().map(|verb| verb.at))
        .unwrap_or(first.start);
    // One clause: 다 식어서 왔어 says the food came, not the speaker.
    let one_clause = !grounding::clause_before(&worker.analyse(line), clause_end);
    let deliberate = one_clause && g.volitional.iter().any(|v| v == stem);
    // A realisation (다 갔네, 벌써 왔구나) notes a state come about, not an
    // act of the speaker's: 2020년도 다 갔네 asked as 언제 갈 거야? is nonsense;
    // a reminder (-잖아) mostly speaks of the listener.
    let not_an_act = notes_or_reminds(rules, &readings);
    // An act taken up again later (지난주에 봉사 다녀왔어 … 다음 달에 또 가는데)
    // has another time too: asking it in the other one may ask the plan.
    // So has an act that failed (떨어졌어, 망했어): it is mostly done again
    // (언제 도로주행 볼 거야? asks about the retake).
    let again = taken_up_again(rewriter, worker, d, i, stem);
    if !deliberate || not_an_act || again || grounding::negated(&readings) != Some(false) {
        return None;
    }
    let frame = match act_time(rules, g, line, &readings)? {
        grounding::When::Past if carried.as_ref().is_some_and(CarriedVerb::tried) => return None,
        grounding::When::Past => Frame {
            family: "fact-question",
            tense: Tense::FutureGeo { space: true, form: 0 },
            lead: "언제 ",
        },
        grounding::When::Future => Frame {
            family: "fact-done",
            tense: Tense::Past,
            lead: "",
        },
    };
    let (ending, ending_id) = question_ending(rules, voice.level)?;
    let hon = voice.honours_listener && !names_a_subject(worker, line, first.start);
    let rewritten = rewriter.rewrite_with(line, &readings, RewriteKind::Tense, |mut q: Predicate| {
        q.ending = ending;
        q.hon = q.hon || hon;
        q.tense = frame.tense;
        q.negation = Negation::None;
        q
    });
    let mut word = rewritten.and_then(|new| changed_words(line, &new))?;
    if purpose_at.is_some() {
        word = format!("{} {word}", first.word_before);
    } else if let Some(verb) = carried.filter(|verb| !word.starts_with(verb.written.as_str())) {
        word = format!("{} {word}", verb.written);
    }
    let noun = noun_before(worker, line, clause_end, &g.not_carried).filter(|n| !word.starts_with(n.as_str()));
    // A one-syllable head of a longer noun phrase says nothing alone (할머니
    // 댁 다녀왔어 → *언제 댁 다녀올 거야?); a longer head does (성적 장학금 →
    // 언제 장학금 받을 거야?, sound by both judges).
    let bare_head = |n: &str| {
        n.chars().filter(|c| crate::hangul::is_syllable(*c)).count() == 1
            && reaction::after_a_bare_noun(worker, g, line, clause_end, n)
    };
    if noun.as_deref().is_some_and(bare_head) {
        return None;
    }
    // From a line before the last, the bare verb may be read as asking about
    // what the talk moved on to (보고서 제출했습니다 … 영수증은 아직 정리 중입니다
    // → 언제 제출할 거야? asks about the receipts): the frame names its object.
    if i + 1 < d.context.len() && noun.is_none() && purpose_at.is_none() {
        return None;
    }
    let words = match noun {
        Some(n) => format!("{n} {word}"),
        None => word,
    };
    let text = format!("{}{words}?", frame.lead);
    let span = line.get(first.start..first.end).unwrap_or(line).to_owned();
    let rule = format!("tense/{}/{ending_id}", frame.family);
    Some((
        text,
        rule,
        Grounds {
            utterance: i,
            span,
            slot: "time".into(),
        },
    ))
}

/// Where the word before the final predicate starts when it is a purpose
/// clause in -러 (자르러 가, 먹으러 왔어).
fn purpose_word(line: &str, first: &Predicate) -> Option<usize> {
    let w = first.word_before.as_str();
    let bare = w.strip_suffix('러')?;
    let head = line.get(..first.start)?.trim_end();
    (!bare.is_empty() && head.ends_with(w)).then(|| head.len() - w.len())
}

/// The question ending of a speech level in the engine's rules (해체 가?,
/// 해요체 가요?, 합쇼체 갑니까?): its index and id.
fn question_ending(rules: &super::rules::TenseNegationRules, level: Level) -> Option<(usize, &'static str)> {
    let id = match level {
        Level::Banmal => "hae",
        Level::Haeyo => "haeyo",
        Level::Hapsyo => "hapsyo_q",
    };
    rules.ending.iter().position(|e| e.id == id).map(|i| (i, id))
}

/// The interrogative-word frames of `d`: (text, rule, the fact whose words
/// answer it).
///
/// A statement of the other speaker (the last line, or the one before the
/// last but one) is asked about on an argument it states, with the
/// wh-phrase and the line's own predicate alone, in the replier's level and
/// honorifics (아까 편의점에서 수아 만났어 → 어디서 만났어?; 두 마리 키워요 →
/// 몇 마리 키우세요? to an honoured listener): the answer was just given. Not
/// from a line that asks, is negated, or speaks of the replier; the
/// predicate keeps its tense.
pub fn wh_frames(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    d: &Dialogue,
    wh: &super::interrogative::WhRules,
) -> Vec<(String, String, Grounds)> {
    let Some(voice) = replier_voice(rewriter, worker, d) else {
        return Vec::new();
    };
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    let Some((ending, _)) = question_ending(rules, voice.level) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String, Grounds)> = Vec::new();
    // Each sentence of a line is a statement of its own (지난달부터요. 아침
    // 여섯 시 반에 가요 → 몇 시에 가요?); a line that speaks of the replier
    // anywhere is left whole.
    let statements = other_speaker_lines(d).flat_map(|i| {
        let line = d.context[i].trim();
        let sentences = if speaks_of_replier(line) {
            Vec::new()
        } else {
            grounding::sentences(line)
        };
        sentences.into_iter().map(move |s| (i, s))
    });
    for (i, line) in statements {
        if grounding::asks(line) {
            continue;
        }
        if let Some((text, span)) = why_frame(rewriter, worker, line, voice, ending) {
            if !out.iter().any(|(t, _, _)| *t == text) {
                out.push((
                    text,
                    format!("interrogative-word/why/{}", voice.level.id()),
                    Grounds {
                        utterance: i,
                        span,
                        slot: "given".into(),
                    },
                ));
            }
        }
        let slots = wh.slots(worker, line);
        if slots.is_empty() {
            continue;
        }
        let readings = rewriter.readings(worker, line);
        let Some(first) = readings.first() else {
            continue;
        };
        let statement = readings.iter().all(|p| {
            rules
                .ending
                .get(p.ending)
                .is_some_and(|e| e.mood == super::rules::Mood::Any)
        });
        // A humble predicate (보내 드렸습니다) honours the replier: asked back, it
        // would honour the asker.
        let humble = grounding::lemma(&readings).is_some_and(|st| g.humble.contains(&st));
        // -겠- of intent (완성하겠습니다) asked back reads stiff and odd: 언제 완성하겠어?
        let intent = readings.iter().any(|p| p.tense == Tense::FutureGess);
        // A senior's plain present to a junior who answers politely is mostly
        // an instruction (다섯 시 반쯤 내 방으로 와): no fact to ask back.
        // A plan (나 내일 면접 보러 가!) names its speaker or its time.
        let instruction = voice.level != Level::Banmal
            && first.tense == Tense::Present
            && rules.ending.get(first.ending).is_some_and(|e| e.id == "hae")
            && !g.names_speaker_or_time(line);
        if !statement || humble || intent || instruction || grounding::negated(&readings) != Some(false) {
            continue;
        }
        // Hearsay is asked as hearsay (엄마 여섯 시에 오신대 → 몇 시에 오신대?),
        // of a third person: no -(으)시- for the listener; 합쇼체 has no
        // everyday hearsay question.
        let hearsay = grounding::ends_in(rules, &readings, &["dae", "daeyo"]);
        // A copula's hearsay (열두 시까지래요) puts its noun inside the word the
        // frame would cut.
        if hearsay && first.pos == Pos::Copula {
            continue;
        }
        let asking_ending = if hearsay {
            let id = match voice.level {
                Level::Banmal => "dae",
                Level::Haeyo => "daeyo",
                Level::Hapsyo => continue,
            };
            let Some(k) = rules.ending.iter().position(|e| e.id == id) else {
                continue;
            };
            k
        } else {
            ending
        };
        let hon = voice.honours_listener && !hearsay && !names_a_subject(worker, line, first.start);
        let Some(asked) = rewriter.render_with(line, &readings, |mut q: Predicate| {
            q.ending = asking_ending;
            q.hon = q.hon || hon;
            q
        }) else {
            continue;
        };
        // The predicate's word, and the word before it where the predicate is
        // an auxiliary (갔다 왔어, 먹어 봤어): one predicate.
        let mut start = line[..first.start].rfind(char::is_whitespace).map_or(0, |k| k + 1);
        // The word before goes too where the predicate completes it: an
        // auxiliary (갔다 왔어, 먹어 봤어) or a quote (달라고 하셨어요).
        // A round trip (갔다 왔어) is one predicate of two words: asked whole
        // (어디 갔다 왔어?) a blind judge called it a near-copy of its line, cut
        // (*어디 왔어?) it is wrong; no frame.
        if first.word_before.ends_with('다') && matches!(first.stem.as_str(), "오" | "가") {
            continue;
        }
        // So does the verb of -아야 하다 (기다리셔야 합니다) and of -아 있다
        // (서 있었어요), which the analyser may read as a verb of its own.
        let completes = first.word_before.ends_with('야')
            || (first.stem == "있"
                && first
                    .word_before
                    .chars()
                    .next_back()
                    .and_then(crate::hangul::decompose)
                    .is_some_and(|(_, vowel, tail)| {
                        tail.is_none()
                            && matches!(
                                crate::hangul::to_compatibility_jamo(&vowel.to_string()).as_str(),
                                "ㅏ" | "ㅓ" | "ㅕ" | "ㅐ" | "ㅘ" | "ㅝ"
                            )
                    }));
        // The word before is carried as the line has it: with the other
        // speaker's -시- (기다리셔야 합니다) it would honour the replier.
        if completes
            && worker
                .analyse(&first.word_before)
                .iter()
                .flat_map(|t| t.morphemes.iter())
                .any(|(m, tag)| tag == "EP" && (m == "시" || m == "으시"))
        {
            continue;
        }
        // A predicate that starts on a bound noun (고민 중이야, 갈 거야) asked
        // alone loses what the noun is of: *언제 중이야?
        if first.before_tag == "NNB"
            && line
                .get(start..)
                .is_some_and(|w| w.starts_with(first.before_text.as_str()))
        {
            continue;
        }
        if first.tag == "VX" || first.word_before.ends_with('고') || completes {
            start = line[..start].trim_end().rfind(char::is_whitespace).map_or(0, |k| k + 1);
            // A quote whose own predicate ends in an auxiliary (가고 싶다고
            // 하셨어) takes its main verb too: *누가 싶다고 하셨어?
            let tokens = worker.analyse(line);
            while start > 0 && tokens.iter().any(|t| t.start == start && t.tag.starts_with("VX")) {
                start = line[..start].trim_end().rfind(char::is_whitespace).map_or(0, |k| k + 1);
            }
        }
        let Some(predicate) = asked
            .get(start..)
            .map(|p| p.trim_end_matches(|c: char| !crate::hangul::is_letter(c)).trim())
        else {
            continue;
        };
        if predicate.is_empty() {
            continue;
        }
        for slot in slots.iter().filter(|s| s.end <= start) {
            // A count before a bare noun counts that noun (12개월 무이자 돼요;
            // not 정도, 동안): asked with the predicate alone, it would count
            // something else.
            if slot.wh == "how-many" {
                let bare_count = worker
                    .analyse(&line[slot.start..slot.end])
                    .last()
                    .is_some_and(|t| t.tag == "NNBC");
                let next_word = line[slot.end..start].split_whitespace().next().unwrap_or("");
                let tokens = worker.analyse(next_word);
                if bare_count
                    && tokens.len() == 1
                    && tokens[0].tag == "NNG"
                    && !g.not_carried.contains(&tokens[0].surface)
                {
                    continue;
                }
            }
            let text = format!("{} {predicate}?", slot.asked);
            if out.iter().any(|(t, _, _)| *t == text) {
                continue;
            }
            out.push((
                text,
                format!("interrogative-word/{}/{}", slot.wh, voice.level.id()),
                Grounds {
                    utterance: i,
                    span: line[slot.start..slot.end].to_owned(),
                    slot: "given".into(),
                },
            ));
        }
    }
    out
}

/// Pronouns of the speaker in any form (내 가방, 제가, 나한테, 우리): a main
/// clause that keeps one after its first word would ask the replier about
/// the replier.
const SPEAKER_PRONOUNS: [&str; 8] = ["나", "내", "난", "날", "저", "제", "전", "우리"];

/// A 왜-question of a statement that gives its own reason (야근이 많아서 못
/// 왔어요 → 왜 못 오셨어요?; [`super::reason`]): its main clause alone, less a
/// first-person subject, in the replier's level and honorifics; the fact is
/// the reason's words. None where the main clause is long, speaks of its
/// speaker past its first word, is reported speech, a realisation or a
/// reminder, intent or a fixed phrase, or holds a clause of its own.
fn why_frame(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    line: &str,
    voice: super::register::Voice,
    ending: usize,
) -> Option<(String, String)> {
    let (rules, g) = (rewriter.rules(), rewriter.grounding());
    let tokens = worker.analyse(line);
    let reason = super::reason::last_reason(line, &tokens)?;
    let mut main = line[reason.main_start..].trim();
    let first_word = main.split_whitespace().next()?;
    if g.first_person.iter().any(|p| p == first_word) {
        main = main[first_word.len()..].trim_start();
    }
    let words = main.split_whitespace().count();
    if words == 0 || words > 4 || main.contains('?') {
        return None;
    }
    let main_tokens = worker.analyse(main);
    let about_speaker = main_tokens.iter().any(|t| {
        t.tag.starts_with("NP")
            && t.morphemes
                .first()
                .is_some_and(|(m, _)| SPEAKER_PRONOUNS.contains(&m.as_str()))
    });
    let readings = rewriter.readings(worker, main);
    let first = readings.first()?;
    let statement = readings.iter().all(|p| {
        rules
            .ending
            .get(p.ending)
            .is_some_and(|e| e.mood == super::rules::Mood::Any && !matches!(e.id.as_str(), "dae" | "daeyo"))
    });
    // A realisation (일 많아서 피곤하구나) or a reminder (-잖아) mostly
    // speaks of the listener: the replier would be asked about themselves.
    let of_listener = notes_or_reminds(rules, &readings);
    let lemma = grounding::lemma(&readings).unwrap_or_default();
    let fixed = (lemma != "하" && NO_FRAME_STEMS.contains(&lemma.as_str())) || g.humble.contains(&lemma);
    let intent = readings.iter().any(|p| p.tense == Tense::FutureGess);
    // As in the argument questions: a senior's plain present to a polite
    // junior is mostly an instruction.
    let instruction = voice.level != Level::Banmal
        && first.tense == Tense::Present
        && rules.ending.get(first.ending).is_some_and(|e| e.id == "hae");
    if about_speaker
        || of_listener
        || !statement
        || fixed
        || intent
        || instruction
        || grounding::clause_before(&main_tokens, first.start)
    {
        return None;
    }
    let hon = voice.honours_listener && !names_a_subject(worker, main, first.start);
    let asked = rewriter.render_with(main, &readings, |mut q: Predicate| {
        q.ending = ending;
        q.hon = q.hon || hon;
        q
    })?;
    let asked = asked.trim_end_matches(|c: char| !crate::hangul::is_letter(c)).trim();
    (!asked.is_empty()).then(|| {
        (
            format!("왜 {asked}?"),
            line[reason.word_start..reason.word_end].to_owned(),
        )
    })
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
}
