//! Who did what to whom, changed: two animate arguments of one clause
//! exchanged, each role's particle re-chosen for the noun that now fills it
//! (고양이가 강아지를 쫓아 → 강아지가 고양이를 쫓아; 민수가 지수한테 꽃을 줬어 →
//! 지수가 민수한테 꽃을 줬어), from `animate_nouns` of
//! `perturbations/subject_object.toml`.
//!
//! Invariant: an output differs from its input only in the two nouns (NNG in
//! the list, or a name tagged NNP) and their particles; the first is a
//! subject or topic (이/가, 은/는), the second an object or a recipient (을/를,
//! 한테/에게), with no clause boundary (a connective or a modifier ending)
//! between them. A companion (랑, 하고) is not exchanged: 동생이 친구랑 싸웠어
//! and 친구가 동생이랑 싸웠어 say the same. Anything else gives no output.

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

impl PersonRules {
    fn animate(&self, t: &Token) -> bool {
        t.tag == "NNG" && self.animate_nouns.iter().any(|n| n == &t.surface)
    }

    /// The noun at `i` and its particle, when the noun starts its word and
    /// the particle alone follows it there.
    fn argument<'t>(&self, text: &str, tokens: &'t [Token], i: usize) -> Option<&'t str> {
        let (t, p) = (&tokens[i], tokens.get(i + 1)?);
        let word_end = text[t.end..]
            .find(char::is_whitespace)
            .map_or(text.len(), |k| t.end + k);
        let alone = p.start == t.end && p.end == word_end && p.tag.starts_with('J');
        let noun = self.animate(t) || t.tag == "NNP";
        (noun_swap::starts_word(text, t) && alone && noun).then_some(p.surface.as_str())
    }

    /// Every exchange of a subject or topic with a later object or recipient
    /// of the same clause.
    pub fn argument_swaps(&self, worker: &mut Worker<'_>, text: &str) -> Vec<ArgumentSwap> {
        let text = text.trim();
        let tokens = worker.analyse(text);
        let mut out: Vec<ArgumentSwap> = Vec::new();
        for i in 0..tokens.len() {
            let Some(first) = self.argument(text, &tokens, i) else {
                continue;
            };
            if !matches!(first, "이" | "가" | "은" | "는") {
                continue;
            }
            for k in i + 2..tokens.len() {
                if boundary(&tokens[k]) {
                    break;
                }
                let Some(role) = self.argument(text, &tokens, k).and_then(role_of_second) else {
                    continue;
                };
                let (a, b) = (&tokens[i].surface, &tokens[k].surface);
                // Both in the list; a name (NNP, a place as often as a person) only
                // beside 한테/에게, which take the living.
                let both_listed = self.animate(&tokens[i]) && self.animate(&tokens[k]);
                if a == b || !(both_listed || role == "recipient") {
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
