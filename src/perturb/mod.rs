//! `rsbench perturb`: new adversarial candidates for any dialogues.
//!
//! - `repetition`: a context utterance offered as the reply, exact or lightly
//!   edited; `keyword-stuffing`: another dialogue's reply with the context's
//!   keywords inserted, or a reply assembled from those keywords.
//! - `tense` and `negation` rewrite the final predicate of the reply or of a
//!   context utterance ([`RewriteSource`], [`rewrite`]): the analyser
//!   ([`analyser`]) segments it, [`predicate`] reads and writes it back,
//!   [`conjugate`] does the morphology.
//!
//! Rules live in `perturbations/*.toml`.

pub mod analyser;
pub mod conjugate;
pub mod predicate;
pub mod rewrite;
mod rules;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rand::seq::{IndexedRandom, SliceRandom};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::output::{Kind, Pending, Shape, Target};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum PerturbError {
    #[error("{file}: {message}")]
    Rules { file: &'static str, message: String },
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
    #[error("unknown perturbation type `{0}` (repetition, keyword-stuffing, tense, negation)")]
    UnknownType(String),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{}: not written: no rule produced a negative (check --types and --exclude-rules)", .0.display())]
    NothingGenerated(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PerturbType {
    Repetition,
    KeywordStuffing,
    Tense,
    Negation,
}

impl PerturbType {
    pub const ALL: [PerturbType; 4] = [
        PerturbType::Repetition,
        PerturbType::KeywordStuffing,
        PerturbType::Tense,
        PerturbType::Negation,
    ];

    pub fn parse(s: &str) -> Result<PerturbType, PerturbError> {
        match s {
            "repetition" => Ok(PerturbType::Repetition),
            "keyword-stuffing" | "keyword_stuffing" => Ok(PerturbType::KeywordStuffing),
            "tense" => Ok(PerturbType::Tense),
            "negation" => Ok(PerturbType::Negation),
            other => Err(PerturbError::UnknownType(other.to_owned())),
        }
    }

    /// The output file stem, which `rsbench eval` reads as the type.
    pub fn stem(self) -> &'static str {
        match self {
            PerturbType::Repetition => "repetition",
            PerturbType::KeywordStuffing => "keyword_stuffing",
            PerturbType::Tense => "tense",
            PerturbType::Negation => "negation",
        }
    }
}

/// A dialogue to perturb: a context and its correct reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialogue {
    pub id: String,
    pub source_dialogue: String,
    pub context: Vec<String>,
    pub positive: String,
}

#[derive(Deserialize)]
struct RawInput {
    context: Vec<String>,
    #[serde(default)]
    candidates: Option<Vec<crate::data::jsonl::RawCandidate>>,
    #[serde(default)]
    response: Option<String>,
    #[serde(default)]
    src_dlg_id: Option<String>,
    #[serde(default)]
    did: Option<String>,
}

/// Reads KorAdvMRS cases (the first positive is the reply) or plain
/// `{"context": [...], "response": "..."}` lines, from a file or every
/// `*.jsonl` of a directory. Repeated (context, reply) pairs are read once.
pub fn read_dialogues(path: &Path) -> Result<Vec<Dialogue>, PerturbError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| PerturbError::Io { path: p, source }
    };
    let files = crate::data::input_files(path, |p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl")))?;
    if files.is_empty() {
        return Err(PerturbError::NoInput(path.to_path_buf()));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(io(&file))?;
        let name = file.display().to_string();
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for item in crate::data::numbered_lines(&name, &bytes) {
            let (line, text) = item?;
            if text.trim().is_empty() {
                continue;
            }
            let bad = |message: String| PerturbError::Input {
                file: name.clone(),
                line,
                message,
            };
            let raw: RawInput = serde_json::from_str(text).map_err(|e| bad(format!("malformed JSON: {e}")))?;
            let positive = match (&raw.candidates, &raw.response) {
                (Some(c), _) => c.iter().find(|c| c.label == 1).map(|c| c.text.clone()),
                (None, Some(r)) => Some(r.clone()),
                (None, None) => None,
            }
            .ok_or_else(|| bad("needs `response` or a candidate with label 1".into()))?;
            if raw.context.iter().all(|u| u.trim().is_empty()) {
                return Err(bad("empty context".into()));
            }
            let context: Vec<String> = raw.context.iter().map(|u| crate::data::nfc(u)).collect();
            let positive = crate::data::nfc(&positive);
            if !seen.insert((context.clone(), positive.clone())) {
                continue;
            }
            let id = raw.did.unwrap_or_else(|| format!("{stem}:{line}"));
            out.push(Dialogue {
                source_dialogue: raw.src_dlg_id.unwrap_or_else(|| id.clone()),
                id,
                context,
                positive,
            });
        }
    }
    Ok(out)
}

/// One generated negative and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub text: String,
    pub rule: String,
    /// The context utterance it was made from (0 = the oldest), if any.
    pub utterance: Option<usize>,
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

impl RewriteSource {
    fn reply(self) -> bool {
        matches!(self, RewriteSource::Reply | RewriteSource::Both)
    }

    fn context(self) -> bool {
        matches!(self, RewriteSource::Context | RewriteSource::Both)
    }
}

fn case_rng(seed: u64, kind: PerturbType, id: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(kind.stem().as_bytes());
    h.update([0]);
    h.update(id.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// Every repetition distractor of a dialogue, in rule order.
pub fn repetition(d: &Dialogue, rules: &rules::RepetitionRules) -> Vec<Generated> {
    let mut out: Vec<Generated> = Vec::new();
    for (index, utterance) in d.context.iter().enumerate() {
        for rule in &rules.rule {
            let texts: Vec<String> = match rule.id.as_str() {
                "exact" => vec![utterance.clone()],
                _ if !rule.strip.is_empty() => {
                    let mut t = utterance.as_str();
                    while let Some(s) = rule.strip.iter().find(|s| t.ends_with(s.as_str())) {
                        t = &t[..t.len() - s.len()];
                    }
                    vec![t.to_owned()]
                }
                "prefix" => rule.values.iter().map(|v| format!("{v}{utterance}")).collect(),
                "suffix" => rule.values.iter().map(|v| format!("{utterance}{v}")).collect(),
                _ => Vec::new(),
            };
            for text in texts {
                let text = text.trim().to_owned();
                if !text.is_empty() && text != d.positive && !out.iter().any(|g| g.text == text) {
                    out.push(Generated {
                        text,
                        rule: format!("repetition/{}", rule.id),
                        utterance: Some(index),
                    });
                }
            }
        }
    }
    out
}

/// Inverse document frequency of words over dialogue contexts.
pub struct WordRarity {
    df: HashMap<String, usize>,
    documents: usize,
}

impl WordRarity {
    pub fn new(dialogues: &[Dialogue], rules: &rules::KeywordRules) -> Self {
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut contexts = HashSet::new();
        for d in dialogues {
            if !contexts.insert(&d.context) {
                continue;
            }
            let words: HashSet<String> = d.context.iter().flat_map(|u| content_words(u, rules)).collect();
            for w in words {
                *df.entry(w).or_default() += 1;
            }
        }
        WordRarity {
            df,
            documents: contexts.len(),
        }
    }

    fn idf(&self, w: &str) -> f64 {
        ((1 + self.documents) as f64 / (1 + self.df.get(w).copied().unwrap_or(0)) as f64).ln()
    }
}

/// Words of an utterance with punctuation trimmed and one trailing particle
/// removed, kept if they have at least `min_syllables` Hangul syllables.
pub fn content_words(utterance: &str, rules: &rules::KeywordRules) -> Vec<String> {
    let mut particles: Vec<&str> = rules.particles.iter().map(String::as_str).collect();
    particles.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    utterance
        .split_whitespace()
        .filter_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            let stem = particles
                .iter()
                .find_map(|p| w.strip_suffix(p).filter(|s| s.chars().count() >= rules.min_syllables))
                .unwrap_or(w);
            let syllables = stem
                .chars()
                .filter(|c| crate::hangul::Syllable::from_char(*c).is_some())
                .count();
            (syllables >= rules.min_syllables && syllables == stem.chars().count()).then(|| stem.to_owned())
        })
        .collect()
}

/// The context's most salient words: rarest first, then earliest.
pub fn keywords(d: &Dialogue, rarity: &WordRarity, rules: &rules::KeywordRules) -> Vec<String> {
    let mut words: Vec<(usize, String)> = Vec::new();
    for w in d.context.iter().flat_map(|u| content_words(u, rules)) {
        if !words.iter().any(|(_, x)| *x == w) {
            words.push((words.len(), w));
        }
    }
    words.sort_by(|(ia, a), (ib, b)| rarity.idf(b).total_cmp(&rarity.idf(a)).then(ia.cmp(ib)));
    words.into_iter().take(rules.max_keywords).map(|(_, w)| w).collect()
}

/// Keyword-stuffed distractors: another dialogue's reply with the keywords
/// inserted, and replies assembled from the keywords.
pub fn keyword_stuffing(
    d: &Dialogue,
    keywords: &[String],
    other_reply: Option<&str>,
    rules: &rules::KeywordRules,
) -> Vec<Generated> {
    let mut out = Vec::new();
    if keywords.is_empty() {
        return out;
    }
    let joined = keywords.join(" ");
    if let Some(reply) = other_reply {
        for t in &rules.insert {
            out.push(Generated {
                text: t.template.replace("{keywords}", &joined).replace("{response}", reply),
                rule: format!("keyword-stuffing/{}", t.id),
                utterance: None,
            });
        }
    }
    for t in &rules.assemble {
        let needed = (1..=3)
            .filter(|i| t.template.contains(&format!("{{k{i}}}")))
            .max()
            .unwrap_or(0);
        if keywords.len() < needed {
            continue;
        }
        let mut text = t.template.clone();
        for (i, k) in keywords.iter().enumerate() {
            text = text.replace(&format!("{{k{}}}", i + 1), k);
        }
        out.push(Generated {
            text,
            rule: format!("keyword-stuffing/{}", t.id),
            utterance: None,
        });
    }
    out.retain(|g| g.text != d.positive);
    out
}

/// One output case: the context, the positive, one generated negative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputCase {
    pub context: Vec<String>,
    pub candidates: Vec<OutputCandidate>,
    pub src_dlg_id: String,
    pub did: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputCandidate {
    pub text: String,
    pub label: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    #[serde(rename = "type")]
    pub kind: String,
    pub rule: String,
    pub source_case: String,
    /// The context utterance the negative was made from (0 = the oldest):
    /// repetition, and tense/negation with `--from context|both`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utterance: Option<usize>,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerturbOptions {
    pub per_case: usize,
    pub seed: u64,
    /// Tense rewrites only to this tense (past, present, future).
    pub tense_to: Option<String>,
    /// What tense and negation rewrite.
    pub from: RewriteSource,
    /// Rules never used: a whole rule (`negation/short-add/hae`), a family
    /// (`negation/short-add`) or a type (`negation`), e.g. those an audit found noisy.
    pub exclude_rules: Vec<String>,
}

/// Whether `rule` is `pattern` or lies under it (`negation/short-add` covers
/// `negation/short-add/hae`, not `negation/short-additional`).
pub fn rule_matches(rule: &str, pattern: &str) -> bool {
    rule.strip_prefix(pattern)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a reply ends in a question (decoration after the `?` aside).
fn asks(text: &str) -> bool {
    text.trim_end_matches(|c: char| c.is_whitespace() || "ㅋㅎㅠㅜ~!^".contains(c))
        .ends_with('?')
}

/// Tense or negation rewrites of the texts `options.from` names. A rewrite
/// that equals the reply or a context utterance is dropped: that is a
/// repetition, not a contradiction. A reply that asks is not rewritten: the
/// question with its polarity or tense flipped is mostly still a fine reply
/// (재밌었어? → 안 재밌었어?, 언제 갈 거야? → 언제 가?). An echo of a
/// context question is kept: it repeats what the other side asked.
fn rewrites(
    rewriter: &rewrite::Rewriter,
    worker: &mut analyser::Worker<'_>,
    d: &Dialogue,
    kind: PerturbType,
    options: &PerturbOptions,
) -> Vec<Generated> {
    let reply = (options.from.reply() && !asks(&d.positive)).then_some((None, d.positive.as_str()));
    let context: &[String] = if options.from.context() { &d.context } else { &[] };
    let context = context.iter().enumerate().map(|(i, u)| (Some(i), u.as_str()));
    let mut out: Vec<Generated> = Vec::new();
    for (utterance, text) in reply.into_iter().chain(context) {
        for g in rewriter.rewrite(worker, text, kind, options.tense_to.as_deref()) {
            let repeats = g.text == d.positive || d.context.contains(&g.text);
            if !repeats && !out.iter().any(|o| o.text == g.text) {
                out.push(Generated {
                    text: g.text,
                    rule: g.rule,
                    utterance,
                });
            }
        }
    }
    out
}

/// Generates up to `per_case` negatives per dialogue and type, chosen by a
/// seeded shuffle per (seed, type, dialogue): the same on every run and
/// thread count.
pub fn perturb(
    dialogues: &[Dialogue],
    types: &[PerturbType],
    options: PerturbOptions,
    rewriter: Option<&rewrite::Rewriter>,
) -> Result<Vec<(PerturbType, Vec<OutputCase>)>, PerturbError> {
    let rep_rules = rules::repetition()?;
    let kw_rules = rules::keywords()?;
    let rarity = WordRarity::new(dialogues, &kw_rules);
    // Replies of other dialogues to stuff, sorted so draws do not depend on input order.
    let replies: Vec<(&str, &str)> = {
        let set: BTreeSet<(&str, &str)> = dialogues
            .iter()
            .map(|d| (d.positive.as_str(), d.source_dialogue.as_str()))
            .collect();
        set.into_iter().collect()
    };
    let mut out = Vec::new();
    for &kind in types {
        if matches!(kind, PerturbType::Tense | PerturbType::Negation) && rewriter.is_none() {
            return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
        }
        let cases: Vec<Vec<OutputCase>> = dialogues
            .par_iter()
            .map_init(
                || rewriter.map(|r| r.worker()),
                |worker, d| {
                    let mut rng = case_rng(options.seed, kind, &d.id);
                    let mut generated = match kind {
                        PerturbType::Repetition => repetition(d, &rep_rules),
                        PerturbType::KeywordStuffing => {
                            let others: Vec<&str> = replies
                                .iter()
                                .filter(|(_, dlg)| *dlg != d.source_dialogue)
                                .map(|(r, _)| *r)
                                .collect();
                            let other = others.choose(&mut rng).copied();
                            keyword_stuffing(d, &keywords(d, &rarity, &kw_rules), other, &kw_rules)
                        }
                        PerturbType::Tense | PerturbType::Negation => match (rewriter, worker.as_mut()) {
                            (Some(r), Some(w)) => rewrites(r, w, d, kind, &options),
                            _ => Vec::new(),
                        },
                    };
                    generated.retain(|g| !options.exclude_rules.iter().any(|x| rule_matches(&g.rule, x)));
                    generated.shuffle(&mut rng);
                    generated
                        .into_iter()
                        .take(options.per_case)
                        .enumerate()
                        .map(|(k, g)| OutputCase {
                            context: d.context.clone(),
                            candidates: vec![
                                OutputCandidate {
                                    text: d.positive.clone(),
                                    label: 1,
                                    provenance: None,
                                },
                                OutputCandidate {
                                    text: g.text,
                                    label: 0,
                                    provenance: Some(Provenance {
                                        kind: kind.stem().to_owned(),
                                        rule: g.rule,
                                        source_case: d.id.clone(),
                                        utterance: g.utterance,
                                        seed: options.seed,
                                    }),
                                },
                            ],
                            src_dlg_id: d.source_dialogue.clone(),
                            did: format!("{}-{}{}", d.id, kind.stem(), k + 1),
                        })
                        .collect()
                },
            )
            .collect();
        out.push((kind, cases.into_iter().flatten().collect()));
    }
    Ok(out)
}

fn to_jsonl(cases: &[OutputCase]) -> String {
    let mut s = String::new();
    for c in cases {
        // Serialising plain strings and numbers cannot fail.
        s.push_str(&serde_json::to_string(c).unwrap_or_default());
        s.push('\n');
    }
    s
}

/// Whether `path` names one JSONL file (all types) rather than a directory
/// with one file per type.
fn is_single_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// A file `perturb` wrote: its first case has a negative with a provenance
/// rule (KorAdvMRS's own files have none).
fn recognise_output_file(path: &Path) -> Result<(), String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| format!("it cannot be read ({e})"))?;
    let first = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let case: Option<crate::data::jsonl::RawCaseView> = serde_json::from_str(&first).ok();
    match case {
        Some(c) if c.candidates.iter().any(|c| c.provenance.is_some()) => Ok(()),
        _ => Err("it is not a perturbation output (no provenance in its first case)".into()),
    }
}

fn output_kind(output: &Path) -> Kind {
    if is_single_file(output) {
        return Kind {
            what: "perturbation file",
            shape: Shape::File,
            recognise: Box::new(recognise_output_file),
        };
    }
    Kind {
        what: "perturbation directory",
        shape: Shape::Dir,
        recognise: Box::new(|dir| {
            crate::output::only_entries(dir, |name| {
                name.strip_suffix(".jsonl")
                    .is_some_and(|stem| PerturbType::ALL.iter().any(|t| t.stem() == stem))
            })?;
            for entry in std::fs::read_dir(dir)
                .map_err(|e| format!("it cannot be listed ({e})"))?
                .flatten()
            {
                recognise_output_file(&entry.path())
                    .map_err(|why| format!("{}: {why}", entry.file_name().to_string_lossy()))?;
            }
            Ok(())
        }),
    }
}

/// Checks `--output` and stages it, before any dialogue is read.
pub fn begin_output(output: &Path, overwrite: bool) -> Result<Pending, PerturbError> {
    Ok(Pending::begin(
        Target::Fixed(output.to_path_buf()),
        output_kind(output),
        overwrite,
    )?)
}

/// Writes one JSONL file (all types) or, for a path without `.jsonl`, a
/// directory with one file per type; staged and moved into place, all or
/// nothing. Returns the files written.
pub fn write_output(
    pending: Pending,
    output: &Path,
    generated: &[(PerturbType, Vec<OutputCase>)],
) -> Result<Vec<PathBuf>, PerturbError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| PerturbError::Io { path: p, source }
    };
    if generated.iter().all(|(_, cases)| cases.is_empty()) {
        return Err(PerturbError::NothingGenerated(output.to_path_buf()));
    }
    let staging = pending.path();
    let mut written = Vec::new();
    if is_single_file(output) {
        let all: Vec<OutputCase> = generated.iter().flat_map(|(_, c)| c.clone()).collect();
        std::fs::write(&staging, to_jsonl(&all)).map_err(io(output))?;
        written.push(output.to_path_buf());
    } else {
        // A type without cases gets no file: `eval` refuses an empty one.
        for (kind, cases) in generated.iter().filter(|(_, cases)| !cases.is_empty()) {
            let name = format!("{}.jsonl", kind.stem());
            std::fs::write(staging.join(&name), to_jsonl(cases)).map_err(io(&output.join(&name)))?;
            written.push(output.join(name));
        }
    }
    pending.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialogue() -> Dialogue {
        Dialogue {
            id: "x1".into(),
            source_dialogue: "d1".into(),
            context: vec!["나 주말에 한강에서 자전거 탔어!".into(), "오 누구랑 갔어?".into()],
            positive: "동생이랑 갔지".into(),
        }
    }

    #[test]
    fn repetition_offers_context_utterances_exact_and_edited() {
        let g = repetition(&dialogue(), &rules::repetition().unwrap());
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert!(texts.contains(&"오 누구랑 갔어?"));
        assert!(texts.contains(&"나 주말에 한강에서 자전거 탔어"));
        assert!(texts.contains(&"응 오 누구랑 갔어?"));
        assert!(texts.contains(&"오 누구랑 갔어? ㅋㅋ"));
        assert!(!texts.contains(&"동생이랑 갔지"));
        assert_eq!(g[0].rule, "repetition/exact");
    }

    #[test]
    fn a_reply_asks_when_its_last_sentence_ends_in_a_question_mark() {
        assert!(asks("재밌었어?"));
        assert!(asks("진짜? 어디서 샀어?ㅋㅋ "));
        assert!(asks("헐 정말?!"));
        assert!(!asks("정말요? 다행이네요!"));
        assert!(!asks("재밌었어ㅋㅋ"));
    }

    #[test]
    fn keywords_strip_particles_and_prefer_rare_words() {
        let rules = rules::keywords().unwrap();
        assert_eq!(
            content_words("나 주말에 한강에서 자전거 탔어!", &rules),
            vec!["주말", "한강", "자전거", "탔어"]
        );
        let d = dialogue();
        let rarity = WordRarity::new(std::slice::from_ref(&d), &rules);
        let k = keywords(&d, &rarity, &rules);
        assert_eq!(k, vec!["주말", "한강", "자전거"]);
        let g = keyword_stuffing(&d, &k, Some("축하해!"), &rules);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "주말 한강 자전거 축하해!",
                "축하해! 주말 한강 자전거",
                "주말 한강?",
                "주말도 한강도 진짜 좋다!"
            ]
        );
    }
}
