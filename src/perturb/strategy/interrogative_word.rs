//! `interrogative-word`: a question whose answer the context just gave
//! ([`crate::perturb::frames::wh_frames`]): a statement of the other speaker
//! asked about on an argument it states, with the wh-phrase and the line's
//! predicate alone, in the replier's speech level and honorifics (아까
//! 편의점에서 수아 만났어 → 어디서 만났어?). The reply is never a source (its
//! answer is not in the context), so `--from` does not apply. Each output
//! records the words that answer it (`contradicts`, slot `given`).

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::frames;
use crate::perturb::interrogative::{self, WhRules};
use crate::perturb::rewrite::Rewriter;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "interrogative-word",
    stem: "interrogative_word",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: Some(one_sentence),
};

struct InterrogativeWord<'a> {
    rules: WhRules,
    rewriter: &'a Rewriter,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let rewriter = setup
        .rewriter
        .ok_or_else(|| PerturbError::NoDictionary(analyser::dictionary_dir()))?;
    Ok(Box::new(InterrogativeWord {
        rules: interrogative::rules()?,
        rewriter,
    }))
}

impl Strategy for InterrogativeWord<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let mut out: Vec<Generated> = Vec::new();
        for (text, rule, fact) in frames::wh_frames(self.rewriter, worker, d, &self.rules) {
            super::push_grounded(&mut out, d, text, rule, Some(fact.utterance), fact);
        }
        out
    }
}

/// The sentence as the other speaker's turn: asked back on each argument,
/// or, a wh-question, asked again.
fn one_sentence(
    _: &Rewriter,
    worker: &mut Worker<'_>,
    text: &str,
    _: Option<&str>,
) -> Result<Vec<(String, String)>, PerturbError> {
    let rules = interrogative::rules()?;
    let persons = crate::perturb::persons::rules()?;
    let asked = rules.questions(&persons, worker, text);
    let again = rules.re_ask(worker, text);
    Ok(asked.into_iter().chain(again).map(|q| (q.rule, q.text)).collect())
}
