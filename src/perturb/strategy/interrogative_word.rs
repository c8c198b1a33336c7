//! `interrogative-word`: a question whose answer the context already holds
//! ([`crate::perturb::interrogative`]): a statement of the other speaker
//! asked back on one of its arguments, or the responder's own answered
//! wh-question asked again. The reply is never a source (its answer is not
//! in the context), so `--from` does not apply.

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::interrogative::{self, WhRules};
use crate::perturb::persons::{self, PersonRules};
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "interrogative-word",
    stem: "interrogative_word",
    needs_analyser: true,
    copies_context: false,
    build,
};

struct InterrogativeWord {
    rules: WhRules,
    persons: PersonRules,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    if setup.rewriter.is_none() {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    }
    Ok(Box::new(InterrogativeWord {
        rules: interrogative::rules()?,
        persons: persons::rules()?,
    }))
}

impl Strategy for InterrogativeWord {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let n = d.context.len();
        let mut out: Vec<Generated> = Vec::new();
        for (i, utterance) in d.context.iter().enumerate() {
            // Turns alternate and the reply follows the last: the other
            // speaker said n-1, n-3, …; the responder said n-2, n-4, ….
            if (n - 1 - i).is_multiple_of(2) {
                for q in self.rules.questions(&self.persons, worker, utterance) {
                    super::push_new(&mut out, d, q.text, q.rule, Some(i));
                }
            } else if i + 1 < n {
                if let Some(q) = self.rules.re_ask(worker, utterance) {
                    super::push_new(&mut out, d, q.text, q.rule, Some(i));
                }
            }
        }
        out
    }
}
