//! `lexical-contradiction`: one key word replaced by its opposite: the final
//! predicate, conjugated by the tense/negation engine
//! ([`crate::perturb::predicate::lexical`]), or a noun or adverb
//! ([`crate::perturb::opposite_words`]), in the reply or a context echo.

use rand_chacha::ChaCha8Rng;

use super::rewrites;
use super::{Entry, Generated, PerturbOptions, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::opposite_words::{self, WordOpposites};
use crate::perturb::rewrite::{RewriteKind, Rewriter};
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "lexical-contradiction",
    stem: "lexical_contradiction",
    needs_analyser: true,
    build,
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
        for (utterance, text) in super::sources(d, self.options.from, !rewrites::asks(&d.positive)) {
            for s in self.words.swaps(worker, text) {
                super::push_new(&mut out, d, s.text, s.rule, utterance);
            }
        }
        out
    }
}
