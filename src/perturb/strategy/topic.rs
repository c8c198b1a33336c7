//! `topic`: the reply with a noun the context mentions replaced by another
//! of its topic that the dialogue never mentions ([`crate::perturb::topic`]);
//! with `--from context`, an echo of a context utterance with its noun so
//! replaced (나 떡볶이 먹었어 → 나 짜장면 먹었어): it shares the context's
//! words and says what the context did not.

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, PerturbOptions, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::topic::{self, TopicRules};
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "topic",
    stem: "topic",
    needs_analyser: true,
    copies_context: false,
    build,
};

struct Topic<'a> {
    rules: TopicRules,
    options: &'a PerturbOptions,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    if setup.rewriter.is_none() {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    }
    Ok(Box::new(Topic {
        rules: topic::rules()?,
        options: setup.options,
    }))
}

impl Strategy for Topic<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let mut out: Vec<Generated> = Vec::new();
        for (utterance, text) in super::sources(d, self.options.from, true) {
            for s in self.rules.siblings(worker, text, &d.context) {
                super::push_new(&mut out, d, s.text, s.rule, utterance);
            }
        }
        // Templates are new replies: with the reply's sources only; their
        // utterance is the one whose state they presuppose the opposite of.
        if self.options.from != super::RewriteSource::Context {
            for (i, s) in self.rules.templates(worker, &d.context) {
                super::push_new(&mut out, d, s.text, s.rule, Some(i));
            }
        }
        out
    }
}
