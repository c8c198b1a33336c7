//! Perturbation strategies behind one trait, each listed once in
//! [`REGISTRY`]: the command line's type names, its help and its errors all
//! come from there. Adding a type is one file here and one registry line.
//!
//! Invariant: a strategy's candidates for a dialogue depend only on that
//! dialogue, the whole input (corpus statistics a strategy builds once), the
//! options and the dialogue's own seeded stream, never on thread count or
//! input order: the same inputs and seed give the same bytes.

mod interrogative_word;
mod keyword_stuffing;
mod lexical_contradiction;
mod negation;
mod repetition;
mod rewrites;
mod subject_object;
mod tense;
mod topic;

use std::sync::Arc;

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

pub use keyword_stuffing::{content_words, keywords, WordRarity};
pub use repetition::repetition;

use super::analyser::Worker;
use super::memo::Memo;
use super::near_copy::Guard;
use super::rewrite::Rewriter;
use super::{Dialogue, PerturbError};
use crate::data::{Provenance, Record, RecordCandidate, RuleId};

/// One output case: the context, the positive, one generated negative.
pub type OutputCase = Record;

/// Every strategy, in the order `--help` lists them.
pub static REGISTRY: [&Entry; 8] = [
    &repetition::ENTRY,
    &keyword_stuffing::ENTRY,
    &tense::ENTRY,
    &negation::ENTRY,
    &subject_object::ENTRY,
    &lexical_contradiction::ENTRY,
    &interrogative_word::ENTRY,
    &topic::ENTRY,
];

/// What a strategy builds itself from, once per run.
pub struct Setup<'a> {
    pub dialogues: &'a [Dialogue],
    /// The Korean analyser, loaded when a requested type needs it.
    pub rewriter: Option<&'a Rewriter>,
    pub options: &'a PerturbOptions,
}

/// One perturbation strategy, built for one run.
pub trait Strategy: Sync {
    /// Every candidate negative for `d`, in a fixed order (the caller drops
    /// excluded rules and draws from them with the same `rng`). `worker` is
    /// this thread's analyser state when the type needs the analyser.
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, rng: &mut ChaCha8Rng) -> Vec<Generated>;
}

/// A strategy's registry entry.
pub struct Entry {
    /// The type on the command line (`keyword-stuffing`).
    pub name: &'static str,
    /// The output file's stem, named as KorAdvMRS names its types (`keyword_stuffing`).
    pub stem: &'static str,
    /// Whether it needs the Korean analyser (mecab-ko-dic), which takes a
    /// few seconds to load.
    pub needs_analyser: bool,
    /// Whether its negatives may be near-copies of a context line
    /// ([`crate::perturb::near_copy`]): only repetition's are, by design;
    /// any other type's near-copy is dropped before the draw.
    pub copies_context: bool,
    pub build: for<'a> fn(&Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError>,
    /// What it writes from one sentence alone (`perturb --text` without a
    /// context), if it can: the types that need a dialogue have none.
    pub one_sentence: Option<OneSentence>,
}

/// A type's rewrites of one sentence: (rule, text), given the target tense
/// of `--tense-to`.
pub type OneSentence =
    fn(&Rewriter, &mut Worker<'_>, &str, Option<&str>) -> Result<Vec<(String, String)>, PerturbError>;

/// A perturbation type: a handle on its registry entry.
#[derive(Clone, Copy)]
pub struct PerturbType(&'static Entry);

impl PartialEq for PerturbType {
    fn eq(&self, other: &PerturbType) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for PerturbType {}

impl std::fmt::Debug for PerturbType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

impl PerturbType {
    /// Every type, in registry order.
    pub fn all() -> impl Iterator<Item = PerturbType> {
        REGISTRY.iter().map(|e| PerturbType(e))
    }

    /// What the type writes from one sentence alone, if it can.
    pub fn one_sentence(self) -> Option<OneSentence> {
        self.0.one_sentence
    }

    /// A type by its command-line name or its file stem.
    pub fn parse(s: &str) -> Result<PerturbType, PerturbError> {
        PerturbType::all()
            .find(|t| t.name() == s || t.stem() == s)
            .ok_or_else(|| PerturbError::UnknownType {
                name: s.to_owned(),
                known: PerturbType::all().map(|t| t.name().to_owned()).collect(),
            })
    }

    /// A `--types` list: names or stems, `all` for every type in registry
    /// order; each type once, in the order first named.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<PerturbType>, PerturbError> {
        let mut types: Vec<PerturbType> = Vec::new();
        for name in names {
            let name = name.as_ref().trim();
            let named: Vec<PerturbType> = if name == "all" {
                PerturbType::all().collect()
            } else {
                vec![PerturbType::parse(name)?]
            };
            for t in named {
                if !types.contains(&t) {
                    types.push(t);
                }
            }
        }
        Ok(types)
    }

    /// The known names, comma-separated, for help and errors.
    pub fn names() -> String {
        PerturbType::all().map(|t| t.name()).collect::<Vec<_>>().join(", ")
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn stem(self) -> &'static str {
        self.0.stem
    }

    pub fn needs_analyser(self) -> bool {
        self.0.needs_analyser
    }
}

/// `--exclude-rules` patterns, trimmed, each starting with a known type.
pub fn parse_exclusions(patterns: &[String]) -> Result<Vec<String>, PerturbError> {
    patterns
        .iter()
        .map(|r| r.trim().trim_end_matches('/').to_owned())
        .map(|rule| {
            let kind = RuleId(&rule).kind().to_owned();
            if PerturbType::all().any(|t| t.name() == kind) {
                Ok(rule)
            } else {
                Err(PerturbError::UnknownRule {
                    rule,
                    known: PerturbType::all()
                        .map(|t| format!("{}/", t.name()))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        })
        .collect()
}

/// The texts a rewriting strategy starts from: the reply (utterance `None`)
/// when `reply` is set, then each context utterance when `from` includes the
/// context.
fn sources(d: &Dialogue, from: RewriteSource, reply: bool) -> impl Iterator<Item = (Option<usize>, &str)> {
    let reply = (from.reply() && reply).then_some((None, d.positive.as_str()));
    let context: &[String] = if from.context() { &d.context } else { &[] };
    reply
        .into_iter()
        .chain(context.iter().enumerate().map(|(i, u)| (Some(i), u.as_str())))
}

/// Adds a rewrite of `utterance` (None: the reply) unless it is the reply, a
/// context utterance (a repetition, not this type) or an earlier output.
fn push_new(out: &mut Vec<Generated>, d: &Dialogue, text: String, rule: String, utterance: Option<usize>) {
    let repeats = text == d.positive || d.context.contains(&text);
    if !repeats && !out.iter().any(|o| o.text == text) {
        out.push(Generated {
            text,
            rule,
            utterance,
            contradicts: None,
            overlap: None,
        });
    }
}

/// [`push_new`] for a negative that contradicts a context fact, recorded in
/// its provenance; `utterance` as for [`push_new`].
fn push_grounded(
    out: &mut Vec<Generated>,
    d: &Dialogue,
    text: String,
    rule: String,
    utterance: Option<usize>,
    fact: crate::data::Contradicts,
) {
    let before = out.len();
    push_new(out, d, text, rule, utterance);
    if out.len() > before {
        if let Some(g) = out.last_mut() {
            g.contradicts = Some(fact);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub text: String,
    pub rule: String,
    /// The context utterance it was made from (0 = the oldest), if any.
    pub utterance: Option<usize>,
    /// The fact of the context it contradicts, where its type records one.
    pub contradicts: Option<crate::data::Contradicts>,
    /// The context words it shares, where its type records them (keyword stuffing).
    pub overlap: Option<crate::data::Overlap>,
}

/// What `tense` and `negation` rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RewriteSource {
    /// The reply: a negative that says the opposite of the right answer.
    #[default]
    Reply,
    /// Each context utterance: a negative that echoes the context with its
    /// tense or polarity flipped, so it shares the context's words and
    /// contradicts it, as most of KorAdvMRS's hand-written negation and
    /// tense cases do.
    Context,
    /// Both pools together.
    Both,
}

impl std::str::FromStr for RewriteSource {
    type Err = String;

    /// A source by its name (`perturb --from`).
    fn from_str(s: &str) -> Result<RewriteSource, String> {
        crate::suggest::parse_named("rewrite source", s, &RewriteSource::ALL, RewriteSource::name)
    }
}

impl RewriteSource {
    pub const ALL: [RewriteSource; 3] = [RewriteSource::Reply, RewriteSource::Context, RewriteSource::Both];

    pub fn name(self) -> &'static str {
        match self {
            RewriteSource::Reply => "reply",
            RewriteSource::Context => "context",
            RewriteSource::Both => "both",
        }
    }

    fn reply(self) -> bool {
        matches!(self, RewriteSource::Reply | RewriteSource::Both)
    }

    fn context(self) -> bool {
        matches!(self, RewriteSource::Context | RewriteSource::Both)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerturbOptions {
    pub per_case: usize,
    pub seed: u64,
    /// Tense rewrites only to this tense (past, present, future).
    pub tense_to: Option<String>,
    /// What tense, negation, subject-object, lexical-contradiction and topic rewrite.
    pub from: RewriteSource,
    /// Rules never used: a whole rule (`negation/short-add/hae`), a family
    /// (`negation/short-add`) or a type (`negation`), e.g. those an audit found noisy.
    pub exclude_rules: Vec<String>,
    /// The digest of the user rules installed (`perturb --rules`), recorded
    /// in every negative's provenance.
    pub user_rules: Option<String>,
}

pub(crate) fn case_rng(seed: u64, kind: PerturbType, id: &str) -> ChaCha8Rng {
    crate::stats::stream(seed, &[kind.stem().as_bytes(), &[0], id.as_bytes()])
}

/// Dialogues generated at a time by [`perturb_each`]: what a run holds at once
/// is one chunk's outputs, not the whole output.
const CHUNK: usize = 16_384;

/// Contexts whose near-copy guard a run keeps before it starts afresh.
const GUARDS: usize = 4096;

/// Generates up to `per_case` negatives per dialogue and type, chosen by a
/// seeded shuffle per (seed, type, dialogue): the same on every run, thread
/// count and chunking. Hands them to `sink` type by type (the index into
/// `types`), [`CHUNK`] dialogues at a time, in order, each dialogue's own.
pub fn perturb_each(
    dialogues: &[Dialogue],
    types: &[PerturbType],
    options: &PerturbOptions,
    rewriter: Option<&Rewriter>,
    sink: impl FnMut(usize, PerturbType, Vec<Vec<OutputCase>>) -> Result<(), PerturbError>,
) -> Result<(), PerturbError> {
    perturb_in_chunks(dialogues, types, options, rewriter, CHUNK, sink)
}

/// [`perturb_each`] with `chunk` dialogues at a time.
pub(crate) fn perturb_in_chunks(
    dialogues: &[Dialogue],
    types: &[PerturbType],
    options: &PerturbOptions,
    rewriter: Option<&Rewriter>,
    chunk: usize,
    mut sink: impl FnMut(usize, PerturbType, Vec<Vec<OutputCase>>) -> Result<(), PerturbError>,
) -> Result<(), PerturbError> {
    let setup = Setup {
        dialogues,
        rewriter,
        options,
    };
    let progress = crate::progress::bar((dialogues.len() * types.len()) as u64, "perturbing", "dialogue × type");
    for (index, &kind) in types.iter().enumerate() {
        let strategy = (kind.0.build)(&setup)?;
        // A context's lines are read for the near-copy guard once, however
        // many cases share it.
        let guards: Memo<Vec<String>, Arc<Guard>> = Memo::new(GUARDS);
        for chunk in dialogues.chunks(chunk.max(1)) {
            let cases: Vec<Vec<OutputCase>> = chunk
                .par_iter()
                .map_init(
                    || rewriter.map(|r| r.worker()),
                    |worker, d| {
                        let mut rng = case_rng(options.seed, kind, &d.id);
                        let mut generated = strategy.generate(d, worker.as_mut(), &mut rng);
                        generated.retain(|g| !options.exclude_rules.iter().any(|x| RuleId(&g.rule).matches(x)));
                        if !kind.0.copies_context && !generated.is_empty() {
                            let guard = guards.get_or_make(&d.context[..], || Arc::new(Guard::new(&d.context)));
                            generated.retain(|g| guard.copied_line(&g.text).is_none());
                        }
                        generated.shuffle(&mut rng);
                        let written = generated
                            .into_iter()
                            .take(options.per_case)
                            .enumerate()
                            .map(|(k, g)| output_case(d, kind, k, g, options))
                            .collect::<Vec<_>>();
                        progress.inc(1);
                        written
                    },
                )
                .collect();
            sink(index, kind, cases)?;
        }
    }
    progress.finish_and_clear();
    Ok(())
}

/// [`perturb_each`]'s output whole: per type, its cases in dialogue order.
pub fn perturb(
    dialogues: &[Dialogue],
    types: &[PerturbType],
    options: PerturbOptions,
    rewriter: Option<&Rewriter>,
) -> Result<Vec<(PerturbType, Vec<OutputCase>)>, PerturbError> {
    let mut out: Vec<(PerturbType, Vec<OutputCase>)> = types.iter().map(|&t| (t, Vec::new())).collect();
    perturb_each(dialogues, types, &options, rewriter, |index, _, cases| {
        out[index].1.extend(cases.into_iter().flatten());
        Ok(())
    })?;
    Ok(out)
}

/// The `k`-th (0-based) negative of `kind` for dialogue `d`.
fn output_case(d: &Dialogue, kind: PerturbType, k: usize, g: Generated, options: &PerturbOptions) -> OutputCase {
    Record {
        context: d.context.clone(),
        candidates: Some(vec![
            RecordCandidate {
                text: d.positive.clone(),
                label: 1,
                provenance: None,
            },
            RecordCandidate {
                text: g.text,
                label: 0,
                provenance: Some(Provenance {
                    kind: kind.stem().to_owned(),
                    rule: g.rule,
                    source_case: d.id.clone(),
                    utterance: g.utterance,
                    seed: options.seed,
                    contradicts: g.contradicts,
                    overlap: g.overlap,
                    user_rules: options.user_rules.clone(),
                }),
            },
        ]),
        response: None,
        src_dlg_id: Some(d.source_dialogue.clone()),
        did: Some(format!("{}-{}{}", d.id, kind.stem(), k + 1)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn dialogue() -> Dialogue {
        Dialogue {
            id: "x1".into(),
            source_dialogue: "d1".into(),
            context: vec!["나 주말에 한강에서 자전거 탔어!".into(), "오 누구랑 갔어?".into()],
            positive: "동생이랑 갔지".into(),
        }
    }

    #[test]
    fn the_docs_describe_every_registered_type() {
        let docs = include_str!("../../../docs/perturbation.md");
        for t in PerturbType::all() {
            assert!(
                docs.contains(&format!("- `{}`", t.name())),
                "docs/perturbation.md: no entry for `{}`",
                t.name()
            );
        }
    }

    #[test]
    fn types_parse_by_name_or_stem_and_errors_list_the_registry() {
        assert_eq!(
            PerturbType::parse("keyword-stuffing").unwrap().stem(),
            "keyword_stuffing"
        );
        assert_eq!(
            PerturbType::parse("keyword_stuffing").unwrap().name(),
            "keyword-stuffing"
        );
        let all = PerturbType::parse_list(&["tense", "all", "tense"]).unwrap();
        assert_eq!(all.len(), REGISTRY.len());
        assert_eq!(all[0].name(), "tense");
        assert_eq!(all[1].name(), "repetition");
        let err = PerturbType::parse("nope").unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown perturbation type `nope`; available: repetition, keyword-stuffing, tense, negation, subject-object, lexical-contradiction, interrogative-word, topic"
        );
        assert!(parse_exclusions(&["tense/past-to-future/".into()]).is_ok());
        assert!(parse_exclusions(&["nope/x".into()]).is_err());
    }
}
