//! The final predicate of a reply: located in the analyser's tokens, read into
//! stem + honorific + tense + negation + ending, and written back.
//!
//! A reading is accepted only when writing it back reproduces the original
//! bytes exactly (round trip). That is what keeps the engine from producing
//! broken sentences: whatever the analyser mis-segments, or the rules do not
//! cover, fails the round trip and yields no output. When several readings
//! survive (노네: 노다 or 놀다?) and disagree on the output, there is none.

mod change;
pub mod lexical;
mod read;
mod write;

pub use read::Lexicon;

use super::conjugate::Class;
use super::rules::TenseNegationRules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pos {
    Verb,
    Adjective,
    /// 있다/없다 and compounds: verb-like before 는, adjective-like before -다.
    Exist,
    /// 이다, after a noun.
    Copula,
    /// 아니다, with the noun's 이/가 inside the span.
    NegCopula,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tense {
    Present,
    Past,
    /// -겠-
    FutureGess,
    /// -(으)ㄹ 거-, with or without the space before 거; `form` picks the
    /// ending's spelling (거다 or 것이다).
    FutureGeo {
        space: bool,
        form: u8,
    },
}

impl Tense {
    pub fn name(self) -> &'static str {
        match self {
            Tense::Present => "present",
            Tense::Past => "past",
            Tense::FutureGess | Tense::FutureGeo { .. } => "future",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Negation {
    None,
    /// 안/못 before the predicate.
    Short(String),
    /// -지 않다 / -지 못하다: the stem takes 지, the auxiliary conjugates.
    Long(String),
    /// -지 마(세요)/말자: the ending's `prohibit` form.
    Prohibit,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Predicate {
    /// Byte span of the text that is rewritten; the rest is kept.
    pub start: usize,
    pub end: usize,
    pub stem: String,
    pub class: Class,
    pub pos: Pos,
    /// The analyser's tag of the stem (VV, VA, VX, XSV, XSA, VCP, VCN).
    pub tag: String,
    pub hon: bool,
    pub tense: Tense,
    pub negation: Negation,
    /// Index into the rules' endings.
    pub ending: usize,
    /// For 이다/아니다: whether the noun ends in a consonant.
    pub noun_consonant: bool,
    /// 이다 written in full after a vowel (친구이다, not 친구다).
    pub copula_full: bool,
    /// Whether the span follows whitespace (안 needs a space before it).
    pub space_before: bool,
    /// Short negation between a noun and 하다 (공부 안 했어): removing it
    /// rejoins them (공부했어).
    pub noun_before_short: bool,
    /// The tag of the morpheme before the stem (NNG in 공부했어), or "".
    pub before_tag: String,
    /// That morpheme's text.
    pub before_text: String,
    /// A word before the predicate needs a negative one (하나도, 전혀).
    pub negative_polarity: bool,
    /// The whitespace-separated word before the one the span starts in
    /// (무슨 in 무슨 일이야, 안 in 안 피곤해), or "".
    pub word_before: String,
    /// A question with a question word before the predicate (뭐 먹었어?).
    pub wh_question: bool,
    /// A short negation (안, 못) stands as a word somewhere before the
    /// predicate (안 보고 있어): adding one would negate twice.
    pub negated_before: bool,
    /// Text kept between a short negation and the conjugated word (안 보고
    /// 있어: "보고 "; 안 피곤해: "피곤").
    pub between: String,
    /// 아니다 written right after its noun without 이/가 (내 가방 아니야).
    pub bare: bool,
    /// An honorific verb that is a word of its own (계시다, 주무시다, 드시다):
    /// `stem` is the part before 시 and `hon` is always set, so that every
    /// form keeps it whole (주무세요, never *주무시세요).
    pub lexical_hon: bool,
}

/// A rewritten reply and the rule that made it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rewrite {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub rule: String,
    pub text: String,
}

impl TenseNegationRules {
    /// Whether a word starts with a question word (뭐, 언제, 몇 …: 몇 장이십니까).
    pub fn is_wh_word(&self, word: &str) -> bool {
        self.negation_never_after_question_words
            .iter()
            .any(|q| word.starts_with(q.as_str()))
    }

    /// The irregular class of a stem (see `perturbations/tense_negation.toml`).
    pub fn class_of(&self, stem: &str, pos: Pos) -> Class {
        if stem.ends_with('하') {
            return Class::Ha;
        }
        for rule in &self.class {
            if !rule.class.fits(stem) {
                continue;
            }
            let longest = |list: &[String]| {
                list.iter()
                    .filter(|s| stem.ends_with(s.as_str()))
                    .map(|s| s.chars().count())
                    .max()
            };
            let irregular = longest(&rule.irregular);
            let regular = longest(&rule.regular);
            let is_irregular = match (irregular, regular) {
                (Some(i), Some(r)) => i > r,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => match pos {
                    Pos::Adjective => rule.adjective_default,
                    _ => rule.verb_default,
                },
            };
            if is_irregular {
                return rule.class;
            }
        }
        Class::Regular
    }
}
