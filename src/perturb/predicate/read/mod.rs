//! Reading the final predicate out of the analyser's tokens: where it starts,
//! its stem, negation and pre-final endings ([`shape`]), then every reading
//! that writes back to the original bytes ([`round_trip`]), settled by the
//! predicate's mood ([`mood`]: statement, request or imperative).

mod mood;
mod round_trip;
mod shape;

use super::{Negation, Pos, Predicate, Tense};
use crate::hangul;
use crate::perturb::analyser::Token;
use crate::perturb::rules::{Ending, TenseNegationRules};

pub(super) fn stem_tag(tag: &str) -> bool {
    matches!(tag, "VV" | "VA" | "VX" | "VCP" | "VCN" | "XSV" | "XSA")
}

/// One morpheme of the final eojeols with the token it came from.
#[derive(Debug, Clone)]
pub(super) struct Morph {
    pub(super) token: usize,
    pub(super) text: String,
    pub(super) tag: String,
    /// First morpheme of its token (a span can start there).
    pub(super) first: bool,
}

pub(super) fn morphs(tokens: &[Token], range: std::ops::Range<usize>) -> Vec<Morph> {
    let mut out = Vec::new();
    for i in range {
        for (k, (text, tag)) in tokens[i].morphemes.iter().enumerate() {
            out.push(Morph {
                token: i,
                text: text.clone(),
                tag: tag.clone(),
                first: k == 0,
            });
        }
    }
    out
}

/// Token ranges of whitespace-separated words.
pub(super) fn eojeols(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..tokens.len() {
        match out.last_mut() {
            Some(r) if tokens[r.end - 1].end == tokens[i].start => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

impl TenseNegationRules {
    pub(super) fn is_decoration(&self, t: &Token) -> bool {
        self.decoration_tags.contains(&t.tag)
            || t.surface
                .chars()
                .all(|c| hangul::is_compatibility_jamo(c) || c == '~' || c == '^')
    }

    pub(super) fn pos_of(&self, lemma: &str, tag: &str) -> Option<Pos> {
        let exist = self.exist.iter().any(|e| e == lemma);
        Some(match tag {
            "VV" | "XSV" => {
                if exist {
                    Pos::Exist
                } else {
                    Pos::Verb
                }
            }
            "VA" | "XSA" => {
                if exist {
                    Pos::Exist
                } else {
                    Pos::Adjective
                }
            }
            "VX" => {
                if self.auxiliary.adjective.iter().any(|a| a == lemma) {
                    Pos::Adjective
                } else if self.auxiliary.exist.iter().any(|a| a == lemma) {
                    Pos::Exist
                } else {
                    Pos::Verb
                }
            }
            "VCP" => Pos::Copula,
            "VCN" => Pos::NegCopula,
            _ => return None,
        })
    }

    /// Every reading of the reply's final predicate that writes back to the
    /// original text. Empty when there is no predicate or nothing round-trips.
    ///
    /// `lex` answers what the dictionary knows (see [`Lexicon`]); it settles
    /// readings that differ only in the stem (실었어: 싣다, not *실다).
    pub fn readings(&self, text: &str, tokens: &[Token], lex: &mut dyn Lexicon) -> Vec<Predicate> {
        let mut n = tokens.len();
        while n > 0 && self.is_decoration(&tokens[n - 1]) {
            n -= 1;
        }
        if n == 0 {
            return Vec::new();
        }
        let words = eojeols(&tokens[..n]);
        let end = tokens[n - 1].end;
        if self
            .leave_alone
            .iter()
            .any(|phrase| text[..end].ends_with(phrase.as_str()))
        {
            return Vec::new();
        }
        let ctx = Ctx {
            text,
            tokens,
            words: &words,
        };
        let w = words.len() - 1;
        let last = words[w].clone();
        // 잖아 is 지 + 않 + 아 to the analyser; it is an ending here.
        // mecab-ko-dic's 었잖/겠잖 tokens list only 지 + 않, losing the pre-final
        // ending the surface shows: it is put back.
        let mut ms: Vec<Morph> = Vec::new();
        for m in morphs(tokens, last.clone()) {
            let surface = &tokens[m.token].surface;
            let jan = surface.contains('잖');
            if jan && m.text == "지" && m.tag == "EC" {
                let listed = tokens[m.token].morphemes.iter().any(|(_, tag)| tag == "EP");
                if let Some(ep) = prefinal_before_jan(surface).filter(|_| !listed) {
                    ms.push(Morph {
                        text: ep.to_owned(),
                        tag: "EP".to_owned(),
                        first: false,
                        ..m
                    });
                }
                continue;
            }
            if !(jan && m.text == "않" && m.tag == "VX") {
                ms.push(m);
            }
        }

        let shapes = self.shapes(&ctx, &ms, lex);
        let mut out = Vec::new();
        for shape in shapes {
            self.round_trip(text, tokens, end, &shape, lex, &mut out);
        }
        out
    }
}

/// What the analyser's dictionary says about strings the tokens do not show.
pub trait Lexicon {
    /// Whether `s` is a verb or adjective stem (the analyser reads `s + 다` as
    /// that stem).
    fn is_stem(&mut self, s: &str) -> bool;
    /// Whether `s` is an adjective stem (the analyser reads `s + 다` as one).
    fn is_adjective(&mut self, s: &str) -> bool;
    /// Whether `noun + 하다` is an adjective (행복하다, 피곤하다), not a verb
    /// (공부하다).
    fn ha_adjective(&mut self, noun: &str) -> bool;
}

/// The reply being read: its text, tokens and words (token ranges).
pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) tokens: &'a [Token],
    pub(super) words: &'a [std::ops::Range<usize>],
}

impl Ctx<'_> {
    pub(super) fn word_text(&self, w: usize) -> &str {
        let r = &self.words[w];
        &self.text[self.tokens[r.start].start..self.tokens[r.end - 1].end]
    }
}

/// Where the predicate starts and what was read from the analyser.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    pub(super) start_token: usize,
    pub(super) stem: String,
    pub(super) tag: String,
    /// "hon", "past", "gess", "ETM" or "other", per pre-final morpheme.
    pub(super) eps: Vec<String>,
    pub(super) tense: Option<Tense>,
    pub(super) negation: Negation,
    pub(super) noun_consonant: bool,
    pub(super) noun_before_short: bool,
    pub(super) before_tag: String,
    pub(super) before_text: String,
    /// Text kept between a short negation and the span's own words: the verb
    /// before an auxiliary (안 [보고 ]있어), the noun of a 하다 word (안 [피곤]해).
    pub(super) between: String,
    /// 아니다 right after its noun, without 이/가 (내 가방 아니야): the span
    /// starts at the space before it.
    pub(super) bare: bool,
}

impl Shape {
    /// A predicate with no negation, tense or neighbours read yet.
    pub(super) fn new(start_token: usize, stem: impl Into<String>, tag: impl Into<String>, eps: Vec<String>) -> Shape {
        Shape {
            start_token,
            stem: stem.into(),
            tag: tag.into(),
            eps,
            tense: None,
            negation: Negation::None,
            noun_consonant: false,
            noun_before_short: false,
            before_tag: String::new(),
            before_text: String::new(),
            between: String::new(),
            bare: false,
        }
    }
}

pub(super) fn has_word(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| last_word_end(text, w, true).is_some())
}

/// The first verb of a serial pair (챙겨 먹어, 사 와): a word that ends in the
/// connective -아/-어 right before the final predicate, so that the two read as
/// one predicate for the cue words before them.
pub(super) fn serial_first_verb(t: &Token, text: &str, predicate_start: usize) -> bool {
    let adjacent = text[t.end..predicate_start].chars().all(char::is_whitespace) && t.end < predicate_start;
    let connective = t
        .morphemes
        .last()
        .is_some_and(|(m, tag)| tag == "EC" && matches!(m.as_str(), "아" | "어" | "여"));
    adjacent && connective && t.morphemes.iter().any(|(_, tag)| tag == "VV")
}

/// Where the last occurrence of `word` in `text` that ends a word ends; with
/// `whole_word`, one that also starts a word (not inside a longer run of
/// letters).
pub(super) fn last_word_end(text: &str, word: &str, whole_word: bool) -> Option<usize> {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.rmatch_indices(word)
        .find(|(at, _)| {
            let starts_word = !letter(text[..*at].chars().next_back());
            let ends_word = !letter(text[at + word.len()..].chars().next());
            ends_word && (starts_word || !whole_word)
        })
        .map(|(at, _)| at + word.len())
}

pub(super) fn ep_morphs(ms: &[Morph]) -> Vec<String> {
    ms.iter()
        .filter(|m| m.tag == "EP" || m.tag == "ETM")
        .map(|m| {
            if m.tag == "ETM" {
                return "ETM".to_owned();
            }
            let t = m.text.as_str();
            if matches!(t, "시" | "으시" | "세" | "셔" | "으세") {
                "hon"
            } else if t == "겠" {
                "gess"
            } else if matches!(t, "었" | "았" | "였" | "ㅆ" | "ㅕㅆ" | "ㅓㅆ" | "ㅏㅆ" | "ㅐㅆ") {
                "past"
            } else {
                "other"
            }
            .to_owned()
        })
        .collect()
}

/// The stem with its last syllable's final replaced (`None`: removed).
pub(super) fn with_final(stem: &str, tail: Option<char>) -> Option<String> {
    let last = stem.chars().last()?;
    let s = hangul::Syllable::from_char(last)?;
    let mut out = stem[..stem.len() - last.len_utf8()].to_owned();
    out.push(s.with_final_jamo(tail)?.to_char()?);
    Some(out)
}

/// Whether an ending's written form can end in `c` (a cheap filter before
/// the round trip; infinitive-final templates end anywhere).
pub(super) fn ending_can_end_with(e: &Ending, c: char) -> bool {
    let ends = |t: &str| {
        let last = t.chars().last();
        matches!(last, Some('A')) || last == Some(c)
    };
    ends(&e.verb)
        || e.adjective.as_deref().is_some_and(ends)
        || e.prefinal.as_deref().is_some_and(ends)
        || e.copula.as_ref().is_some_and(|[a, b]| ends(a) || ends(b))
        || e.neg_copula.as_deref().is_some_and(ends)
        || e.geo.iter().any(|g| ends(g))
}

/// The pre-final ending written right before 잖 in a token (었잖, 갔잖, 겠잖),
/// or `None`.
fn prefinal_before_jan(surface: &str) -> Option<&'static str> {
    let before = surface.split('잖').next()?.chars().last()?;
    if before == '겠' {
        return Some("겠");
    }
    (hangul::final_of(before) == Some('ㅆ')).then_some("었")
}
