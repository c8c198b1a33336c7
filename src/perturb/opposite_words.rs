//! Nouns and adverbs replaced by their opposite or by an incompatible word
//! of one set (아침 → 저녁, 합격 → 불합격, 일찍 → 늦게), from the `[[noun]]` and
//! `[[adverb]]` tables of `perturbations/lexical_contradiction.toml`.
//!
//! Invariant: an output differs from its input in one word only: a noun
//! token (NNG/NNP) starting its word, replaced with its particle re-chosen
//! (crate::perturb::noun_swap; with 하다 only for a pair marked `hada`), or
//! an adverb token (MAG) that is a word of its own, replaced whole (or, for
//! a pair marked `hada`, one inside its 하다 word: 잘해 → 못해). A word
//! named by two pairs, in a text with a pair's `not_with` word, or before a
//! predicate its pair's `before` does not name, is left alone.

use serde::Deserialize;

use super::analyser::{Token, Worker};
use super::{noun_swap, PerturbError};

const LEXICON: &str = include_str!("../../perturbations/lexical_contradiction.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct WordOpposites {
    pub noun: Vec<WordPair>,
    pub adverb: Vec<WordPair>,
    /// An adverb right after one of these is left alone (*좀 더 잠깐).
    pub degree_words: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WordPair {
    pub a: String,
    pub b: String,
    pub source: String,
    /// Both nouns take 하다 in one word (합격했어 → 불합격했어).
    #[serde(default)]
    pub hada: bool,
    #[serde(default)]
    pub not_with: Vec<String>,
    /// A noun is replaced only when the next predicate's stem is one of
    /// these (비/눈 before 오다, 내리다: 눈 is also "eye").
    #[serde(default)]
    pub before: Vec<String>,
    /// Only `a` becomes `b` (잘해 → 못해; 못 is also the negation: 못 가 ↛ 잘 가).
    #[serde(default)]
    pub one_way: bool,
}

pub fn opposites() -> Result<WordOpposites, PerturbError> {
    crate::perturb::rules::parse("perturbations/lexical_contradiction.toml", LEXICON)
}

/// One replacement and its rule (`lexical-contradiction/noun/particle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordSwap {
    pub text: String,
    pub rule: String,
    /// The word replaced (its surface in the text).
    pub replaced: String,
}

/// The other word of the one pair naming `word`; `None` for none or two.
fn other<'a>(pairs: &'a [WordPair], word: &str, text: &str) -> Option<&'a WordPair> {
    let mut found = pairs.iter().filter(|p| {
        (p.a == word || (p.b == word && !p.one_way)) && !p.not_with.iter().any(|w| text.contains(w.as_str()))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The stem of the first predicate after token `i`.
fn next_predicate_stem(tokens: &[Token], i: usize) -> Option<&str> {
    let t = tokens[i + 1..]
        .iter()
        .find(|t| matches!(t.tag.split('+').next(), Some("VV" | "VA")))?;
    Some(t.morphemes.first().map_or(t.surface.as_str(), |(m, _)| m.as_str()))
}

/// Whether a pair's `before` allows replacing the noun at `i`.
fn fits_before(p: &WordPair, tokens: &[Token], i: usize) -> bool {
    p.before.is_empty() || next_predicate_stem(tokens, i).is_some_and(|s| p.before.iter().any(|b| b == s))
}

/// Whether 하다 follows the adverb at `i` inside its word (잘해, 잘했어) and
/// a noun, what is done well, comes right before it (노래 잘해, 수학을 잘해):
/// alone, 잘했어 is praise and -길 잘했다 relief, neither a skill.
fn hada_in_word(tokens: &[Token], i: usize) -> bool {
    let hada = tokens.get(i + 1).is_some_and(|n| {
        n.start == tokens[i].end
            && n.morphemes
                .first()
                .is_some_and(|(m, tag)| m == "하" && (tag == "VV" || tag == "XSV"))
    });
    let before = match i.checked_sub(1).map(|p| &tokens[p]) {
        Some(p) if matches!(p.tag.as_str(), "JKO" | "JX") => i.checked_sub(2).map(|q| &tokens[q]),
        other => other,
    };
    hada && before.is_some_and(|t| t.tag == "NNG")
}

fn ends_word(text: &str, t: &Token) -> bool {
    text[t.end..]
        .chars()
        .next()
        .is_none_or(|c| crate::hangul::decompose(c).is_none())
}

impl WordOpposites {
    fn after_degree_word(&self, tokens: &[Token], i: usize) -> bool {
        i > 0 && self.degree_words.contains(&tokens[i - 1].surface)
    }

    /// Every text with one noun or adverb replaced by its opposite, in
    /// sentence order.
    pub fn swaps(&self, worker: &mut Worker<'_>, text: &str) -> Vec<WordSwap> {
        let text = text.trim();
        let tokens = worker.analyse(text);
        let mut out: Vec<WordSwap> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if !noun_swap::starts_word(text, t) {
                continue;
            }
            let swap = match t.tag.as_str() {
                "NNG" | "NNP" => other(&self.noun, &t.surface, text)
                    .filter(|p| fits_before(p, &tokens, i))
                    .and_then(|p| {
                        let new = if p.a == t.surface { &p.b } else { &p.a };
                        let replaced = noun_swap::replace(text, &tokens, i, new, p.hada)?;
                        let how = match tokens.get(i + 1).filter(|n| n.start == t.end) {
                            Some(n) if n.tag.starts_with("XS") => "hada",
                            Some(n) if n.tag.starts_with('J') || n.tag.contains("VCP") => "particle",
                            _ => "bare",
                        };
                        Some((replaced, format!("lexical-contradiction/noun/{how}")))
                    }),
                "MAG" if !self.after_degree_word(&tokens, i) => {
                    // A `hada` adverb only inside its 하다 word (잘해), any other only as a word.
                    let fits = |p: &&WordPair| {
                        if p.hada {
                            hada_in_word(&tokens, i)
                        } else {
                            ends_word(text, t)
                        }
                    };
                    other(&self.adverb, &t.surface, text).filter(fits).map(|p| {
                        let new = if p.a == t.surface { &p.b } else { &p.a };
                        (
                            format!("{}{new}{}", &text[..t.start], &text[t.end..]),
                            "lexical-contradiction/adverb/word".to_owned(),
                        )
                    })
                }
                _ => None,
            };
            if let Some((text, rule)) = swap {
                if !out.iter().any(|o| o.text == text) {
                    out.push(WordSwap {
                        text,
                        rule,
                        replaced: t.surface.clone(),
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lexicon_has_300_pairs_each_with_its_source() {
        let words = opposites().unwrap();
        let predicates = crate::perturb::predicate::lexical::opposites().unwrap();
        let total = words.noun.len() + words.adverb.len() + predicates.pair.len();
        assert!(total >= 300, "{total} pairs");
        assert!(words
            .noun
            .iter()
            .chain(&words.adverb)
            .all(|p| !p.source.is_empty() && p.a != p.b));
    }
}
