//! The two evaluation splits: `adversarial` (each case as written, optionally
//! topped up with random negatives) and `clean` (the same context and positive
//! against random responses of other source dialogues).
//!
//! Every random draw comes from a ChaCha8 stream keyed by (seed, split, source
//! dialogue, context), so a case gets the same negatives whatever the order,
//! thread count or machine, and cases sharing a context share them (one fixed
//! candidate list per context, as in Ubuntu or Douban; it also means a model
//! scores each (context, response) pair once).

use std::collections::HashMap;

use rand_chacha::ChaCha8Rng;

use super::{Case, DataError, Dataset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Split {
    Adversarial,
    Clean,
}

impl Split {
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Adversarial => "adversarial",
            Split::Clean => "clean",
        }
    }

    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "adversarial" => Some(Split::Adversarial),
            "clean" => Some(Split::Clean),
            _ => None,
        }
    }
}

/// Where a candidate of an evaluation case came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegativeSource {
    /// Written in the dataset (the positive, or the adversarial negative).
    Given,
    /// Drawn at random from another source dialogue's responses.
    Random,
}

impl NegativeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NegativeSource::Given => "given",
            NegativeSource::Random => "random",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalCandidate {
    pub text: String,
    pub label: u8,
    pub source: NegativeSource,
    /// The dataset's rule for a generated negative (see [`super::Candidate`]).
    pub rule: Option<String>,
    /// What a generated negative was made from (see [`super::Candidate`]).
    pub made_from: Option<String>,
}

/// A case as it is scored: an index into `Dataset::cases` plus its candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalCase {
    pub case_index: usize,
    pub split: Split,
    pub candidates: Vec<EvalCandidate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitOptions {
    /// Candidates per case. `None`: as given for `adversarial`, 10 for `clean`.
    pub candidates: Option<usize>,
    pub seed: u64,
}

pub const DEFAULT_CLEAN_CANDIDATES: usize = 10;

impl SplitOptions {
    pub fn candidates_for(&self, split: Split) -> Option<usize> {
        match split {
            Split::Adversarial => self.candidates,
            Split::Clean => Some(self.candidates.unwrap_or(DEFAULT_CLEAN_CANDIDATES)),
        }
    }
}

/// Responses that may serve as random negatives: every distinct positive text, with the dialogues it appears in (as any candidate or
/// utterance) so a draw never takes a reply from the case's own dialogue.
struct ResponsePool<'a> {
    texts: Vec<&'a str>,
    /// Per dialogue, the sorted indices of the pool texts that appear in it.
    appearing_in: HashMap<&'a str, Vec<usize>>,
}

impl<'a> ResponsePool<'a> {
    fn new(dataset: &'a Dataset) -> Self {
        // Sorted, so a case's draws do not depend on the order of files or lines.
        let mut texts: Vec<&str> = dataset
            .cases
            .iter()
            .flat_map(|c| c.positives().map(|p| p.text.as_str()))
            .collect();
        texts.sort_unstable();
        texts.dedup();
        let index: HashMap<&str, usize> = texts.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let mut appearing_in: HashMap<&str, Vec<usize>> = HashMap::new();
        for case in &dataset.cases {
            let appearing = case
                .candidates
                .iter()
                .map(|c| c.text.as_str())
                .chain(case.context.iter().map(String::as_str));
            let own = appearing_in.entry(case.source_dialogue.as_str()).or_default();
            own.extend(appearing.filter_map(|text| index.get(text).copied()));
        }
        for own in appearing_in.values_mut() {
            own.sort_unstable();
            own.dedup();
        }
        ResponsePool { texts, appearing_in }
    }

    /// The pool texts `case` may not draw (those of its own dialogue), sorted.
    /// Depends on the dialogue alone (a case's own candidates belong to its
    /// dialogue), so every case of a context can share one draw.
    fn excluded(&self, case: &Case) -> &[usize] {
        self.appearing_in
            .get(case.source_dialogue.as_str())
            .map_or(&[], Vec::as_slice)
    }
}

/// The draw's random stream, keyed by what identifies a candidate list in the
/// classic benchmarks: the dialogue and its context. Cases that share a
/// context meet the same random negatives.
fn context_rng(seed: u64, split: Split, case: &Case) -> ChaCha8Rng {
    let mut parts: Vec<&[u8]> = vec![split.as_str().as_bytes(), &[0], case.source_dialogue.as_bytes()];
    for utterance in &case.context {
        parts.push(&[0x1f]);
        parts.push(utterance.as_bytes());
    }
    crate::stats::stream(seed, &parts)
}

/// Builds the evaluation cases of one split, in dataset order.
pub fn build_split(dataset: &Dataset, split: Split, options: &SplitOptions) -> Result<Vec<EvalCase>, DataError> {
    let pool = ResponsePool::new(dataset);
    let target = options.candidates_for(split);
    let mut out = Vec::with_capacity(dataset.cases.len());
    for (case_index, case) in dataset.cases.iter().enumerate() {
        let kept: Vec<_> = case
            .candidates
            .iter()
            .filter(|c| split == Split::Adversarial || c.label == 1)
            .map(|c| EvalCandidate {
                text: c.text.clone(),
                label: c.label,
                source: NegativeSource::Given,
                rule: c.rule.clone(),
                made_from: c.made_from.clone(),
            })
            .collect();
        let wanted = target.unwrap_or(kept.len());
        if wanted < kept.len() || (split == Split::Clean && wanted == kept.len()) {
            return Err(DataError::Split {
                case: case.id.clone(),
                reason: format!(
                    "{} {} candidate(s); --candidates {} leaves no room for negatives",
                    kept.len(),
                    if split == Split::Clean { "positive" } else { "given" },
                    wanted
                ),
            });
        }
        let mut candidates = kept;
        let draws = wanted - candidates.len();
        if draws > 0 {
            let excluded = pool.excluded(case);
            let eligible = pool.texts.len() - excluded.len();
            if eligible < draws {
                return Err(DataError::Split {
                    case: case.id.clone(),
                    reason: format!(
                        "only {} responses from other dialogues to draw {} random negatives from; lower --candidates",
                        eligible, draws
                    ),
                });
            }
            let mut rng = context_rng(options.seed, split, case);
            for pick in rand::seq::index::sample(&mut rng, eligible, draws) {
                candidates.push(EvalCandidate {
                    text: pool.texts[crate::stats::nth_not_in(pick, excluded)].to_owned(),
                    label: 0,
                    source: NegativeSource::Random,
                    rule: None,
                    made_from: None,
                });
            }
        }
        out.push(EvalCase {
            case_index,
            split,
            candidates,
        });
    }
    Ok(out)
}
