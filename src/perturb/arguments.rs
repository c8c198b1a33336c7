//! Who did what to whom, changed: two animate arguments of one clause
//! exchanged, each role's particle re-chosen for the noun that now fills it
//! (고양이가 강아지를 쫓아 → 강아지가 고양이를 쫓아; 민수가 지수한테 꽃을 줬어 →
//! 지수가 민수한테 꽃을 줬어), from `animate_nouns` of
//! `perturbations/subject_object.toml`.
//!
//! Invariant: an output differs from its input only in the two nouns (each a
//! listed person or animal, a listed given name, or a name the analyser
//! classes 인명; a suffix 님/이/들 moves with its noun) and their particles; the first is a
//! subject or topic (이/가, 은/는), the second an object or a recipient (을/를,
//! 한테/에게), with no clause boundary (a connective or a modifier ending)
//! between them. A companion (랑, 하고) is not exchanged: 동생이 친구랑 싸웠어
//! and 친구가 동생이랑 싸웠어 say the same, and so does a symmetric predicate
//! (`symmetric_predicates`: 민수가 지수를 만났어). Anything else gives no output.

use super::analyser::{Token, Worker};
use super::noun_swap;
use super::persons::PersonRules;

/// One exchange and its rule (`subject-object/argument-swap/object`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentSwap {
    pub text: String,
    pub rule: String,
}

fn role_of_second(particle: &str) -> Option<&'static str> {
    match particle {
        "을" | "를" => Some("object"),
        "한테" | "에게" | "한테서" | "에게서" => Some("recipient"),
        _ => None,
    }
}

fn boundary(t: &Token) -> bool {
    t.tag.split('+').any(|p| p == "EC" || p == "ETM")
}

/// The suffixes that stay with their noun when it moves: 님 (선생님), the
/// 이 of a name (서연이), the plural 들 (친구들).
const SUFFIXES: [&str; 3] = ["님", "이", "들"];

/// `tokens` with each noun and the suffix right after it made one token
/// (선생/NNG + 님/XSN → 선생님/NNG), beside each token's bare noun.
fn with_suffixes(text: &str, tokens: &[Token]) -> (Vec<Token>, Vec<String>) {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut bare: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let suffix = tokens
            .get(i + 1)
            .filter(|n| n.start == t.end && n.tag == "XSN" && SUFFIXES.contains(&n.surface.as_str()));
        match suffix.filter(|_| t.tag == "NNG" || t.tag == "NNP") {
            Some(n) => {
                let mut merged = t.clone();
                merged.end = n.end;
                merged.surface = text[t.start..n.end].to_owned();
                out.push(merged);
                bare.push(t.surface.clone());
                i += 2;
            }
            None => {
                out.push(t.clone());
                bare.push(t.surface.clone());
                i += 1;
            }
        }
    }
    (out, bare)
}

impl PersonRules {
    /// A person or an animal: a listed noun, a name the analyser classes as
    /// one (인명), or a listed given name however it is tagged (it reads
    /// many as common nouns: 지수 "index", 철수 "withdrawal").
    fn animate(&self, t: &Token, bare: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|n| n == bare);
        match t.tag.as_str() {
            "NNG" => listed(&self.animate_nouns) || listed(&self.given_names),
            "NNP" => t.class == "인명" || (t.class != "지명" && listed(&self.given_names)),
            _ => false,
        }
    }

    /// The particle after the noun at `i`, when the noun starts its word, is
    /// animate, and the particle alone follows it there.
    fn argument<'t>(&self, text: &str, tokens: &'t [Token], bare: &[String], i: usize) -> Option<&'t str> {
        let (t, p) = (&tokens[i], tokens.get(i + 1)?);
        let word_end = text[t.end..]
            .find(char::is_whitespace)
            .map_or(text.len(), |k| t.end + k);
        let alone = p.start == t.end && p.end == word_end && p.tag.starts_with('J');
        (noun_swap::starts_word(text, t) && alone && self.animate(t, &bare[i])).then_some(p.surface.as_str())
    }

    /// Whether the clause's predicate after token `k` says the same both ways
    /// (만나다, 닮다): its exchange would be no contradiction.
    fn symmetric_after(&self, tokens: &[Token], k: usize) -> bool {
        let predicate = tokens[k..].iter().find(|t| {
            let first = t.tag.split('+').next().unwrap_or("");
            matches!(first, "VV" | "VA" | "XSV" | "XSA") || (first == "NNG" && t.class == "행위")
        });
        let Some(p) = predicate else {
            return false;
        };
        let stem = p.morphemes.first().map_or(p.surface.as_str(), |(m, _)| m.as_str());
        self.symmetric_predicates.iter().any(|s| s == stem)
    }

    /// Every exchange of a subject or topic with a later object or recipient
    /// of the same clause.
    pub fn argument_swaps(&self, worker: &mut Worker<'_>, text: &str) -> Vec<ArgumentSwap> {
        let text = text.trim();
        let (tokens, bare) = with_suffixes(text, &worker.analyse(text));
        let mut out: Vec<ArgumentSwap> = Vec::new();
        for i in 0..tokens.len() {
            let Some(first) = self.argument(text, &tokens, &bare, i) else {
                continue;
            };
            if !matches!(first, "이" | "가" | "은" | "는") {
                continue;
            }
            for k in i + 2..tokens.len() {
                if boundary(&tokens[k]) {
                    break;
                }
                let Some(role) = self.argument(text, &tokens, &bare, k).and_then(role_of_second) else {
                    continue;
                };
                let (a, b) = (&tokens[i].surface, &tokens[k].surface);
                if a == b || self.symmetric_after(&tokens, k + 2) {
                    continue;
                }
                // The later noun first: the earlier one's offsets stay valid.
                let Some(step) = noun_swap::replace(text, &tokens, k, a, false) else {
                    continue;
                };
                let Some(swapped) = noun_swap::replace(&step, &tokens, i, b, false) else {
                    continue;
                };
                if !out.iter().any(|o| o.text == swapped) {
                    out.push(ArgumentSwap {
                        text: swapped,
                        rule: format!("subject-object/argument-swap/{role}"),
                    });
                }
            }
        }
        out
    }
}
