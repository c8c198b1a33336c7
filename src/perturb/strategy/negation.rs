//! `negation`: the final predicate's polarity flipped.

use super::rewrites;
use super::{Entry, Setup, Strategy};
use crate::perturb::rewrite::RewriteKind;
use crate::perturb::PerturbError;

pub static ENTRY: Entry = Entry {
    name: "negation",
    stem: "negation",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: Some(one_sentence),
};

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    rewrites::build(setup, RewriteKind::Negation)
}

fn one_sentence(
    rewriter: &crate::perturb::rewrite::Rewriter,
    worker: &mut crate::perturb::analyser::Worker<'_>,
    text: &str,
    tense_to: Option<&str>,
) -> Result<Vec<(String, String)>, PerturbError> {
    Ok(rewrites::one_sentence(
        rewriter,
        worker,
        text,
        RewriteKind::Negation,
        tense_to,
    ))
}
