//! `rsbench perturb`: new adversarial candidates for any dialogues.
//!
//! Each type is a [`strategy`] behind one trait, listed once in
//! [`strategy::REGISTRY`]: `repetition` (a context utterance offered as the
//! reply), `keyword-stuffing` (another dialogue's reply with the context's
//! keywords), `tense` and `negation` (the final predicate of the reply or of a
//! context utterance rewritten, [`RewriteSource`]: the [`analyser`] segments
//! it, [`predicate`] reads and writes it back, [`conjugate`] does the
//! morphology). [`input`] reads dialogues, [`writer`] writes the output (KorAdvMRS records, TSV, pairs).
//!
//! Rules live in `perturbations/*.toml`.

pub mod analyser;
pub mod arguments;
pub mod bank;
pub mod conjugate;
pub mod frames;
pub mod grounding;
pub mod input;
pub mod interrogative;
pub mod level;
pub(crate) mod memo;
pub mod near_copy;
mod noun_swap;
pub mod opposite_words;
pub mod persons;
pub mod predicate;
mod reason;
pub mod register;
pub mod rewrite;
mod rules;
pub mod strategy;
pub mod user_rules;
pub mod writer;

use std::path::PathBuf;

pub use input::{dialogues_from_jsonl, read_dialogues, Dialogue};
pub use strategy::{
    parse_exclusions, perturb, perturb_each, Generated, OutputCase, PerturbOptions, PerturbType, RewriteSource,
};
pub use writer::{begin_output, OutputFormat, OutputWriter};

#[derive(Debug, thiserror::Error)]
pub enum PerturbError {
    #[error("{file}: {message}")]
    Rules { file: &'static str, message: String },
    /// A file of `perturb --rules DIR`.
    #[error("{}: {message}", path.display())]
    UserRules { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Input { file: String, line: usize, message: String },
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error("{0}: no *.jsonl files")]
    NoInput(PathBuf),
    #[error("{}: the Korean analyser's dictionary (mecab-ko-dic 2.1.1) is not installed there; run ./scripts/setup.sh, which downloads PyPI python-mecab-ko-dic==2.1.1.post2 and converts it, or point RSBENCH_MECAB_DIC at a directory holding lex.csv, matrix.def, char.def and unk.def", .0.display())]
    NoDictionary(PathBuf),
    #[error("{}: {message}", path.display())]
    Dictionary { path: PathBuf, message: String },
    #[error("{}", crate::suggest::unknown("perturbation type", name, &known.iter().map(String::as_str).collect::<Vec<_>>()))]
    UnknownType { name: String, known: Vec<String> },
    #[error("--exclude-rules `{rule}`: rules start with one of {known} (see `report --by rule`)")]
    UnknownRule { rule: String, known: String },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("--format tsv writes a directory (one <type>.tsv and its <type>.tsv.provenance per type): name one without .jsonl")]
    TsvNeedsDirectory,
    #[error("{}: not written: no rule produced a negative (check --types and --exclude-rules)", .0.display())]
    NothingGenerated(PathBuf),
}

/// Every rule set parsed once, so a user file that does not fit is refused
/// before any dialogue is read.
pub fn check_rules() -> Result<(), PerturbError> {
    rules::repetition()?;
    rules::keywords()?;
    rules::tense_negation()?;
    grounding::rules()?;
    interrogative::rules()?;
    persons::rules()?;
    opposite_words::opposites()?;
    predicate::lexical::opposites()?;
    bank::load()?;
    Ok(())
}
