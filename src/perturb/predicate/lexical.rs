//! A predicate replaced by its opposite (덥다 → 춥다, 이기다 → 지다), the
//! ending, tense, polarity and honorific kept and the new stem conjugated by
//! its own irregular class (더웠어 → 추웠어, 어려웠어 → 쉬웠어).
//!
//! Invariant: only a verb or adjective stem the analyser tags VV or VA, or a
//! 하다 adjective (its root + XSA 하), found in
//! `perturbations/lexical_contradiction.toml`, is replaced; everything the
//! other rewrites keep (the text around the span, its ending) is kept.

use serde::Deserialize;

use super::{Negation, Pos, Predicate};
use crate::perturb::conjugate::{attach, Base, Class};
use crate::perturb::rules::TenseNegationRules;
use crate::perturb::PerturbError;

const LEXICON: &str = include_str!("../../../perturbations/lexical_contradiction.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Opposites {
    pub pair: Vec<OppositePair>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OppositePair {
    pub a: String,
    pub b: String,
    /// `verb`, `adjective`, or `exist` (있다, 없다 and their compounds).
    pub pos: String,
    /// Where the pair came from.
    pub source: String,
    /// Used only from `a` to `b`: `a` is a variant spelling (재밌 for 재미있), and `b`
    /// goes back to the standard form through its own pair.
    #[serde(default)]
    pub one_way: bool,
    /// Words that make the pair a set phrase wherever they appear in the text
    /// (고생 많았다 is thanks, not an amount).
    #[serde(default)]
    pub not_with: Vec<String>,
    /// Each verb tells an outcome whose opposite contradicts it outright
    /// (이기다/지다, 켜다/끄다): a reaction may take one up as the other.
    #[serde(default)]
    pub outcome: bool,
}

pub fn opposites() -> Result<Opposites, PerturbError> {
    crate::perturb::rules::parse("perturbations/lexical_contradiction.toml", LEXICON)
}

impl Opposites {
    /// Whether `stem` is a verb of an `outcome` pair.
    pub fn tells_outcome(&self, stem: &str) -> bool {
        self.pair
            .iter()
            .any(|p| p.outcome && p.pos == "verb" && (p.a == stem || p.b == stem))
    }

    /// The opposite of `stem`; None when no pair names it, or when two do: a
    /// stem with two opposites has two senses (떨어지다: fail, against 붙다; fall,
    /// against 오르다), and which one a sentence means is not read here.
    pub fn of(&self, stem: &str, text: &str) -> Option<(&str, &str)> {
        let mut found = self.pair.iter().filter_map(|p| {
            if p.not_with.iter().any(|w| text.contains(w.as_str())) {
                return None;
            }
            if p.a == stem {
                Some((p.b.as_str(), p.pos.as_str()))
            } else if p.b == stem && !p.one_way {
                Some((p.a.as_str(), p.pos.as_str()))
            } else {
                None
            }
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

impl TenseNegationRules {
    /// The reading with its predicate replaced by the opposite.
    pub fn contradict(&self, text: &str, p: &Predicate, opposites: &Opposites) -> Option<(Predicate, String)> {
        if !matches!(p.pos, Pos::Verb | Pos::Adjective | Pos::Exist) {
            return None;
        }
        // A 하다 adjective (조용해: 조용 + 하) is named by its root and 하,
        // and its span grows back over the root, which the opposite replaces.
        // An adjective made a change of state (길어졌어 = 길 + -어지다): the
        // opposite's own -어지다 (짧아졌어).
        if p.tag == "VX" && p.stem.ends_with('지') && p.negation == Negation::None {
            return self.contradict_change_of_state(text, p, opposites);
        }
        let (lemma, start, between) = match p.tag.as_str() {
            "VV" | "VA" => (p.stem.clone(), p.start, p.between.clone()),
            "XSA" if p.stem == "하" && matches!(p.before_tag.as_str(), "NNG" | "XR") && !p.before_text.is_empty() => {
                match &p.negation {
                    // 안 조용해: the root stands between 안 and 하.
                    Negation::Short(_) if p.between == p.before_text => {
                        (format!("{}하", p.before_text), p.start, String::new())
                    }
                    Negation::None | Negation::Long(_)
                        if !p.space_before && text.get(..p.start)?.ends_with(p.before_text.as_str()) =>
                    {
                        (
                            format!("{}하", p.before_text),
                            p.start - p.before_text.len(),
                            p.between.clone(),
                        )
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        // 계시다-type honorific words are their own stems; their opposites are not listed.
        if p.lexical_hon {
            return None;
        }
        // A word that needs this polarity (하나도, -밖에), and a wish (-면 좋겠다), keep the predicate.
        if p.negative_polarity || (self.wish_stems.contains(&lemma) && p.word_before.ends_with('면')) {
            return None;
        }
        let (other, pos) = opposites.of(&lemma, text)?;
        // The pair's part of speech must be the reading's: 짜다 read as a verb is
        // "squeeze", not "salty", and has no 싱겁다 for an opposite.
        let pos = match pos {
            "verb" => Pos::Verb,
            "adjective" => Pos::Adjective,
            "exist" => Pos::Exist,
            _ => return None,
        };
        if pos != p.pos {
            return None;
        }
        let e = self.ending.get(p.ending)?;
        let mut q = p.clone();
        q.class = self.class_of(other, p.pos);
        q.stem = other.to_owned();
        q.start = start;
        q.between = between;
        if q.tag == "XSA" {
            q.tag = "VA".into();
            q.before_tag = String::new();
            q.before_text = String::new();
        }
        Some((q, format!("lexical-contradiction/predicate/{}", e.id)))
    }

    /// [`Self::contradict`] of an adjective's -아/-어지다 (길어졌어 →
    /// 짧아졌어, 추워졌어요 → 더워졌어요): the adjective is found by writing
    /// each listed one's -아/-어 form, since the reading names only 지.
    fn contradict_change_of_state(
        &self,
        text: &str,
        p: &Predicate,
        opposites: &Opposites,
    ) -> Option<(Predicate, String)> {
        let head_start = text.get(..p.start)?.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        // The analyser's stem is 지 after the adjective's own morphemes (길 + 어
        // + 지), or the whole 추워지.
        let head = format!("{}{}", text.get(head_start..p.start)?, p.stem.strip_suffix('지')?);
        let head = head.as_str();
        if head.is_empty() {
            return None;
        }
        let infinitive = |stem: &str| attach(&Base::stem(stem, self.class_of(stem, Pos::Adjective)), "A");
        let mut found = opposites
            .pair
            .iter()
            .filter(|pair| pair.pos == "adjective")
            .flat_map(|pair| [pair.a.as_str(), pair.b.as_str()])
            .filter(|stem| infinitive(stem).as_deref() == Some(head));
        let stem = found.next()?;
        if found.next().is_some() {
            return None;
        }
        let (other, _) = opposites.of(stem, text)?;
        let e = self.ending.get(p.ending)?;
        let mut q = p.clone();
        q.stem = format!("{}지", infinitive(other)?);
        q.class = Class::Regular;
        q.tag = "VV".into();
        q.start = head_start;
        q.before_tag = String::new();
        q.before_text = String::new();
        Some((q, format!("lexical-contradiction/predicate/{}", e.id)))
    }
}
