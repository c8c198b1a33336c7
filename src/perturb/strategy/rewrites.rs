//! What `tense` and `negation` share: the final predicate of the reply or of
//! a context utterance rewritten by [`crate::perturb::rewrite::Rewriter`].

use rand_chacha::ChaCha8Rng;

use super::{Generated, PerturbOptions, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::rewrite::{self, RewriteKind};
use crate::perturb::{Dialogue, PerturbError};

pub(super) struct Rewrites<'a> {
    rewriter: &'a rewrite::Rewriter,
    kind: RewriteKind,
    options: &'a PerturbOptions,
}

pub(super) fn build<'a>(setup: &Setup<'a>, kind: RewriteKind) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let rewriter = setup
        .rewriter
        .ok_or_else(|| PerturbError::NoDictionary(analyser::dictionary_dir()))?;
    Ok(Box::new(Rewrites {
        rewriter,
        kind,
        options: setup.options,
    }))
}

impl Strategy for Rewrites<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        match worker {
            Some(w) => rewrites(self.rewriter, w, d, self.kind, self.options),
            None => Vec::new(),
        }
    }
}

/// Whether a reply ends in a question (decoration after the `?` aside).
pub(super) fn asks(text: &str) -> bool {
    text.trim_end_matches(|c: char| c.is_whitespace() || "ㅋㅎㅠㅜ~!^".contains(c))
        .ends_with('?')
}

/// Tense or negation rewrites of the texts `options.from` names. A rewrite
/// that equals the reply or a context utterance is dropped: that is a
/// repetition, not a contradiction. A reply that asks is not rewritten: the
/// question with its polarity or tense flipped is mostly still a fine reply
/// (재밌었어? → 안 재밌었어?, 언제 갈 거야? → 언제 가?). An echo of a
/// context question is kept: it repeats what the other side asked.
pub(super) fn rewrites(
    rewriter: &rewrite::Rewriter,
    worker: &mut analyser::Worker<'_>,
    d: &Dialogue,
    kind: RewriteKind,
    options: &PerturbOptions,
) -> Vec<Generated> {
    let mut out: Vec<Generated> = Vec::new();
    for (utterance, text) in super::sources(d, options.from, !asks(&d.positive)) {
        for g in rewriter.rewrite(worker, text, kind, options.tense_to.as_deref()) {
            super::push_new(&mut out, d, g.text, g.rule, utterance);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_asks_when_its_last_sentence_ends_in_a_question_mark() {
        assert!(asks("재밌었어?"));
        assert!(asks("진짜? 어디서 샀어?ㅋㅋ "));
        assert!(asks("헐 정말?!"));
        assert!(!asks("정말요? 다행이네요!"));
        assert!(!asks("재밌었어ㅋㅋ"));
    }
}
