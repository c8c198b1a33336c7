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
};

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    rewrites::build(setup, RewriteKind::Negation)
}
