//! Human audit of generated negatives. `rsbench perturb` writes negatives no
//! person has read; some are acceptable replies after all (label noise that
//! caps every model's score) and some are not Korean (trivial to reject). The
//! audit samples negatives per rule family into a blind sheet — no rule, no
//! label, shuffled among true replies kept as controls — and turns the
//! verdicts into per-family rates with intervals ([`score`]); two annotators'
//! sheets give their agreement ([`agree`]).

mod agree;
pub mod ledger;
mod score;
mod sheet;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;

use crate::data::Dataset;
use crate::data::RuleId;

pub use agree::{agree, Agreement, Kappa};
pub use score::{score, AuditSummary, FamilyRate};
pub use sheet::{audit_kind, begin_audit, read_audit, write_audit, KEY, SHEET};

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{}: no generated negatives (none records a provenance rule): audit a `rsbench perturb` output", .0.display())]
    NothingToAudit(PathBuf),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Sheet {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("{}: no verdicts yet: fill the `verdict` column (ok, wrong or broken)", .0.display())]
    NoVerdicts(PathBuf),
    #[error("{} and {}: not the same sample (their key.csv files differ); give both annotators one sheet", .0.display(), .1.display())]
    NotTheSameSample(PathBuf, PathBuf),
    #[error("{} and {}: no item has a verdict in both", .0.display(), .1.display())]
    NoCommonVerdicts(PathBuf, PathBuf),
    #[error(transparent)]
    Write(#[from] crate::report::ReportError),
}

/// What an annotator says of a reply, given its context: the rubric of
/// docs/perturbation.md ("Judging generated negatives"). A generated negative
/// is worth keeping only when it is [`Verdict::Sound`]; a dataset's own reply
/// (a control) should be [`Verdict::Acceptable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Grammatical (a small slip is noted, not fatal) and a reply a native
    /// speaker would reject here, for the reason its type names.
    Sound,
    /// A reply a person could give here: for a generated negative, label noise.
    Acceptable,
    /// Not grammatical Korean, whatever it means: any language model rejects it.
    Broken,
    /// Wrong here, but a near-copy of a context line (one ending or word
    /// changed): rejectable as a repetition without understanding anything.
    NearCopy,
    /// Wrong here, but for another reason than its type names (a tense
    /// negative that is wrong because of its polarity, say).
    OtherType,
}

impl Verdict {
    /// In the order sheets, tables and agreement matrices list them.
    pub const ALL: [Verdict; 5] = [
        Verdict::Sound,
        Verdict::Acceptable,
        Verdict::Broken,
        Verdict::NearCopy,
        Verdict::OtherType,
    ];
    pub const NAMES: &'static str = "sound, acceptable, broken, near-copy or other-type";

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Sound => "sound",
            Verdict::Acceptable => "acceptable",
            Verdict::Broken => "broken",
            Verdict::NearCopy => "near-copy",
            Verdict::OtherType => "other-type",
        }
    }

    /// A verdict by its name or first letter; the names of the first rubric
    /// (`ok` = acceptable, `wrong` = sound) are still read, so sheets filled
    /// before it changed score as they did.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim().to_lowercase().replace('_', "-").as_str() {
            "sound" | "s" | "wrong" | "w" => Some(Verdict::Sound),
            "acceptable" | "a" | "ok" | "o" => Some(Verdict::Acceptable),
            "broken" | "b" => Some(Verdict::Broken),
            "near-copy" | "n" => Some(Verdict::NearCopy),
            "other-type" | "t" => Some(Verdict::OtherType),
            _ => None,
        }
    }
}

/// Whether a sheet item is a generated negative or a dataset's own positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Negative,
    /// A true reply, so the rates can be read against how often annotators
    /// reject replies that are fine.
    Control,
}

/// One row the annotator sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub item: usize,
    pub context: Vec<String>,
    pub reply: String,
    pub verdict: Option<Verdict>,
    pub note: String,
}

/// What the annotator does not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub item: usize,
    pub case_id: String,
    pub role: Role,
    /// Rule family for negatives; empty for controls.
    pub family: String,
    pub rule: String,
    /// How many distinct negatives of this family the dataset holds (the
    /// weight of the family in the overall rate).
    pub family_total: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleConfig {
    pub per_family: usize,
    pub controls: usize,
    pub seed: u64,
}

/// A sheet and its key: up to `per_family` distinct negatives of each rule
/// family and `controls` positives of dialogues whose context no drawn
/// negative shows, shuffled together and numbered from 1.
///
/// Negatives `known` already holds (judged before) are left out.
pub fn sample(
    dataset: &Dataset,
    source: &Path,
    config: SampleConfig,
    known: Option<&ledger::Ledger>,
) -> Result<(Vec<Item>, Vec<KeyRow>), AuditError> {
    let mut rng = crate::stats::stream(config.seed, &[b"audit-sample\0"]);
    // family → distinct (context, text) negatives, in dataset order.
    let mut families: BTreeMap<&str, Vec<(usize, &str, &str)>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for (ci, case) in dataset.cases.iter().enumerate() {
        for c in &case.candidates {
            let Some(rule) = c.rule.as_deref().filter(|_| c.label == 0) else {
                continue;
            };
            let judged = known.is_some_and(|l| {
                l.get(&ledger::LedgerKey {
                    kind: RuleId(rule).kind().to_owned(),
                    context: case.context.clone(),
                    text: c.text.clone(),
                })
                .is_some()
            });
            if !judged && seen.insert((&case.context, c.text.as_str())) {
                families
                    .entry(RuleId(rule).family())
                    .or_default()
                    .push((ci, rule, c.text.as_str()));
            }
        }
    }
    if families.is_empty() {
        return Err(AuditError::NothingToAudit(source.to_path_buf()));
    }
    let mut drawn: Vec<(Item, KeyRow)> = Vec::new();
    // Contexts shown with a negative: a control on one of them would sit beside
    // its own edited copy and give the edit away.
    let mut used_contexts = HashSet::new();
    for (family, mut negatives) in families {
        let total = negatives.len();
        negatives.shuffle(&mut rng);
        for (ci, rule, text) in negatives.into_iter().take(config.per_family) {
            let case = &dataset.cases[ci];
            used_contexts.insert(&case.context);
            drawn.push(entry(case, text, Role::Negative, family, rule, total));
        }
    }
    let mut control_cases: Vec<usize> = (0..dataset.cases.len())
        .filter(|ci| {
            let case = &dataset.cases[*ci];
            !used_contexts.contains(&case.context) && case.positives().next().is_some()
        })
        .collect();
    control_cases.shuffle(&mut rng);
    let mut seen_controls = HashSet::new();
    for ci in control_cases {
        if seen_controls.len() == config.controls {
            break;
        }
        let case = &dataset.cases[ci];
        if let Some(p) = case.positives().next() {
            if seen_controls.insert((&case.context, p.text.as_str())) {
                drawn.push(entry(case, &p.text, Role::Control, "", "", 0));
            }
        }
    }
    drawn.shuffle(&mut rng);
    Ok(drawn
        .into_iter()
        .enumerate()
        .map(|(i, (mut item, mut key))| {
            item.item = i + 1;
            key.item = i + 1;
            (item, key)
        })
        .unzip())
}

fn entry(case: &crate::data::Case, text: &str, role: Role, family: &str, rule: &str, total: usize) -> (Item, KeyRow) {
    (
        Item {
            item: 0,
            context: case.context.clone(),
            reply: text.to_owned(),
            verdict: None,
            note: String::new(),
        },
        KeyRow {
            item: 0,
            case_id: case.id.clone(),
            role,
            family: family.to_owned(),
            rule: rule.to_owned(),
            family_total: total,
        },
    )
}
