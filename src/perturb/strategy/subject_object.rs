//! `subject-object`: who did what to whom, changed: speaker and listener
//! exchanged (나 ↔ 너, [`crate::perturb::persons`]), or two animate arguments
//! of a clause exchanged ([`crate::perturb::arguments`]), in the reply or in
//! an echo of a context utterance (`--from`).

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, PerturbOptions, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::persons::{self, PersonRules};
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "subject-object",
    stem: "subject_object",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: Some(one_sentence),
};

struct SubjectObject<'a> {
    rules: PersonRules,
    options: &'a PerturbOptions,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    if setup.rewriter.is_none() {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    }
    Ok(Box::new(SubjectObject {
        rules: persons::rules()?,
        options: setup.options,
    }))
}

impl Strategy for SubjectObject<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let mut out: Vec<Generated> = Vec::new();
        for (utterance, text) in super::sources(d, self.options.from, true) {
            if let Some(g) = self.rules.swap(worker, text).filter(|g| !g.still_fits) {
                super::push_new(&mut out, d, g.text, g.rule, utterance);
            }
        }
        // The argument exchanges after the pronoun swaps, so those keep their order.
        for (utterance, text) in super::sources(d, self.options.from, true) {
            for g in self.rules.argument_swaps(worker, text) {
                super::push_new(&mut out, d, g.text, g.rule, utterance);
            }
        }
        out
    }
}

/// Speaker and listener exchanged, then each exchange of two arguments.
fn one_sentence(
    _: &crate::perturb::rewrite::Rewriter,
    worker: &mut Worker<'_>,
    text: &str,
    _: Option<&str>,
) -> Result<Vec<(String, String)>, PerturbError> {
    let rules = persons::rules()?;
    let swapped = rules.swap(worker, text).map(|g| (g.rule, g.text));
    let exchanged = rules.argument_swaps(worker, text).into_iter().map(|g| (g.rule, g.text));
    Ok(swapped.into_iter().chain(exchanged).collect())
}
