//! `lexical-contradiction`: one key word replaced by its opposite: the final
//! predicate, conjugated by the tense/negation engine
//! ([`crate::perturb::predicate::lexical`]), or a noun or adverb
//! ([`crate::perturb::opposite_words`]), in the reply or a context echo.

use rand_chacha::ChaCha8Rng;

use super::rewrites;
use super::{Entry, Generated, PerturbOptions, RewriteSource, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::opposite_words::{self, WordOpposites};
use crate::perturb::rewrite::{RewriteKind, Rewriter};
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "lexical-contradiction",
    stem: "lexical_contradiction",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: Some(one_sentence),
};

struct LexicalContradiction<'a> {
    rewriter: &'a Rewriter,
    words: WordOpposites,
    options: &'a PerturbOptions,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let rewriter = setup
        .rewriter
        .ok_or_else(|| PerturbError::NoDictionary(analyser::dictionary_dir()))?;
    Ok(Box::new(LexicalContradiction {
        rewriter,
        words: opposite_words::opposites()?,
        options: setup.options,
    }))
}

impl Strategy for LexicalContradiction<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        // The predicates first, as before the nouns and adverbs came: their
        // candidates keep their order.
        let mut out = rewrites::rewrites(self.rewriter, worker, d, RewriteKind::Lexical, self.options);
        // A word of the reply is swapped only where the context states it
        // (비 온대 / 응 비 온다더라 → 눈 온다더라): 언니랑 갔어 → 오빠랑 갔어
        // is still a fine reply when the context never says with whom.
        if self.options.from.reply() && !crate::perturb::grounding::asks(&d.positive) {
            let reply = self.rewriter.readings(worker, &d.positive);
            let reply_stem = crate::perturb::grounding::stem(&reply).map(str::to_owned);
            for s in self.words.swaps(worker, &d.positive) {
                let Some(at) = stated_in(d, &s.replaced) else {
                    continue;
                };
                // The line states the same predicate of the word: the reply
                // agrees with it (비 온대 / 응 비 온다더라), so the swap
                // contradicts it. The replier's own schedule beside the other's
                // (금요일에 수업 없어 / 나는 금요일에 수업 있는데) is no such fact.
                let stated = self.rewriter.readings(worker, &d.context[at]);
                if reply_stem.is_none() || crate::perturb::grounding::stem(&stated) != reply_stem.as_deref() {
                    continue;
                }
                let fact = crate::data::Contradicts {
                    utterance: at,
                    span: s.replaced.clone(),
                    slot: "word".into(),
                };
                super::push_grounded(&mut out, d, s.text, s.rule, None, fact);
            }
        }
        if self.options.from.context() {
            for (utterance, text) in super::sources(d, RewriteSource::Context, false) {
                for s in self.words.swaps(worker, text) {
                    super::push_new(&mut out, d, s.text, s.rule, utterance);
                }
            }
        }
        out
    }
}

/// The latest context line that states `word` (not one that asks, nor one
/// that only calls the listener by it: 할머니 나 왔어!).
fn stated_in(d: &Dialogue, word: &str) -> Option<usize> {
    (0..d.context.len()).rev().find(|&i| {
        let words: Vec<&str> = d.context[i].split_whitespace().collect();
        !crate::perturb::grounding::asks(&d.context[i])
            && words
                .iter()
                .enumerate()
                .any(|(k, w)| w.starts_with(word) && !(k == 0 && vocative(w, word, words.get(1).copied())))
    })
}

/// Pronouns a line goes on with after calling its listener (엄마 나 배고파).
const AFTER_A_CALL: [&str; 7] = ["나", "저", "너", "내가", "제가", "난", "전"];

/// Whether a line's first word `w` calls the listener by `word`: bare, and
/// then a comma or a pronoun of the speaker's or the listener's.
fn vocative(w: &str, word: &str, next: Option<&str>) -> bool {
    let bare = w.trim_end_matches([',', '!', '~']);
    bare == word && (w.ends_with(',') || next.is_some_and(|n| AFTER_A_CALL.contains(&n)))
}

/// The predicate's opposite, then each noun or adverb's.
fn one_sentence(
    rewriter: &Rewriter,
    worker: &mut Worker<'_>,
    text: &str,
    _: Option<&str>,
) -> Result<Vec<(String, String)>, PerturbError> {
    let mut out = rewrites::one_sentence(rewriter, worker, text, RewriteKind::Lexical, None);
    for s in opposite_words::opposites()?.swaps(worker, text) {
        out.push((s.rule, s.text));
    }
    Ok(out)
}
