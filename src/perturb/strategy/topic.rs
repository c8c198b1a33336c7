//! `topic`: a reply of another conversation ([`crate::perturb::bank`]): one
//! per cluster the dialogue is neither on nor near, the four closest to the
//! context on the surface, in the replier's speech level. It is fluent, in the dialogue's register, shares none of its nouns,
//! and answers a conversation about something else (a pet's walks after a
//! turn about a job interview). After a question it is a question on
//! another topic ([`Offer::Questions`]): a statement of one's own doings
//! would read as an indirect answer. After a line that asks nothing it is a
//! statement: a question is one way to change the subject. After 왜?, 무슨
//! 일 있어? or a request there is none: any news of the replier's may be the
//! reason or the excuse ([`LastLine`]). Whatever `--from` says, the reply is
//! new.

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::bank::{self, Bank, LastLine, Offer};
use crate::perturb::register;
use crate::perturb::rewrite::Rewriter;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "topic",
    stem: "topic",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: None,
};

/// How many clusters' replies a dialogue is offered, the closest to its
/// context on the surface: the hardest off-topic replies for a scorer that
/// reads words, still from several topics.
const CHOICES: usize = 4;

struct Topic<'a> {
    bank: Bank,
    rewriter: &'a Rewriter,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let Some(rewriter) = setup.rewriter else {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    };
    Ok(Box::new(Topic {
        bank: bank::load()?,
        rewriter,
    }))
}

impl Strategy for Topic<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, rng: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let offer = match self.bank.last_line(self.rewriter, worker, d) {
            LastLine::Tells => Offer::Statements,
            LastLine::Asks => Offer::Questions,
            LastLine::AsksWhy | LastLine::Requests => return Vec::new(),
        };
        let Some(voice) = register::replier_voice(self.rewriter, worker, d) else {
            return Vec::new();
        };
        let topics = self.bank.read(worker, d);
        let mut out = Vec::new();
        for r in self.bank.closest(&topics, voice, offer, CHOICES, rng) {
            super::push_new(
                &mut out,
                d,
                r.text.to_owned(),
                format!("topic/{}/{}", r.cluster, r.level.id()),
                None,
            );
        }
        out
    }
}
