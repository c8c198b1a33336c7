//! `lexical-contradiction`: the final predicate replaced by its opposite
//! (this round: predicates only; [`crate::perturb::predicate::lexical`]).

use super::rewrites;
use super::{Entry, Setup, Strategy};
use crate::perturb::rewrite::RewriteKind;
use crate::perturb::PerturbError;

pub static ENTRY: Entry = Entry {
    name: "lexical-contradiction",
    stem: "lexical_contradiction",
    needs_analyser: true,
    build,
};

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    rewrites::build(setup, RewriteKind::Lexical)
}
