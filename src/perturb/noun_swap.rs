//! One noun of a sentence replaced by another, its particle re-chosen for
//! the new final sound (떡볶이를 → 삼겹살을, 피자로 → 곱창으로): what `topic`
//! and the noun opposites of `lexical-contradiction` share.
//!
//! Invariant: the output differs from the input only in the noun token and
//! the two-form particle right after it; anything else after the noun in its
//! word (a verb, a suffix, a particle the analyser does not give) means no
//! output, except 하다 where the caller allows it (합격했어 → 불합격했어).

use super::analyser::Token;
use crate::hangul::{self, Particle};

fn is_hangul(c: char) -> bool {
    hangul::decompose(c).is_some()
}

/// Whether the token starts its word (after a space, a mark or the start).
pub(crate) fn starts_word(text: &str, t: &Token) -> bool {
    t.start == 0 || text[..t.start].ends_with(|c: char| !is_hangul(c))
}

/// What follows the noun in its word, as it must be rewritten for another
/// noun: nothing to change, or a two-form particle (or the copula 이야/이에요)
/// of that many bytes.
enum After {
    Same,
    Particle(Particle, usize),
}

fn after_noun(text: &str, tokens: &[Token], i: usize, hada: bool) -> Option<After> {
    let noun = &tokens[i];
    let word_end = text[noun.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |k| noun.end + k);
    let rest = &text[noun.end..word_end];
    if !rest.chars().any(is_hangul) {
        return Some(After::Same);
    }
    let next = tokens.get(i + 1).filter(|t| t.start == noun.end)?;
    if hada && next.tag.split('+').next().is_some_and(|t| t == "XSV" || t == "XSA") {
        return Some(After::Same);
    }
    // The copula, however the analyser splits it (카페야, 응급실이야, 학생이에요).
    let hangul_rest: String = rest.chars().take_while(|&c| is_hangul(c)).collect();
    let copula = match hangul_rest.as_str() {
        "이야" | "야" => Some(Particle::IyaYa),
        "이에요" | "예요" => Some(Particle::IeyoYeyo),
        _ => None,
    };
    if let Some(p) = copula.filter(|_| next.tag.contains("VCP") || next.tag.starts_with('J')) {
        return Some(After::Particle(p, hangul_rest.len()));
    }
    if !next.tag.starts_with('J') {
        return None;
    }
    // After the particle, only more particles and marks (떡볶이도!).
    let trailing_ok = tokens[i + 2..].iter().take_while(|t| t.start < word_end).all(|t| {
        t.tag.starts_with('J') || t.tag.starts_with('S') || t.surface.chars().all(hangul::is_compatibility_jamo)
    });
    if !trailing_ok {
        return None;
    }
    Some(match Particle::of_form(&next.surface) {
        Some(p) => After::Particle(p, next.surface.len()),
        None => After::Same,
    })
}

/// `text` with noun token `i` replaced by `new`; `None` when its word holds
/// more than the noun and particles (and 하다, with `hada`).
pub(crate) fn replace(text: &str, tokens: &[Token], i: usize, new: &str, hada: bool) -> Option<String> {
    let t = &tokens[i];
    let (word, rest_from) = match after_noun(text, tokens, i, hada)? {
        After::Same => (new.to_owned(), t.end),
        After::Particle(p, len) => (hangul::attach(new, p), t.end + len),
    };
    Some(format!("{}{word}{}", &text[..t.start], &text[rest_from..]))
}
