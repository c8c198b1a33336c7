//! The verdict ledger: every generated negative people have judged, keyed by
//! what it is (type, context, text), so that numbers about generation
//! quality come from judgements and an output judged unsound cannot come
//! back unnoticed.
//!
//! One JSON object per line, sorted by key; an entry holds each annotator's
//! verdict. Its settled verdict is `sound` only when every annotator said so
//! (one dissent keeps a negative out of the sound count). An unsound entry is
//! `open` while the generator still writes it and `fixed` once a run on its
//! dialogue no longer does; a fixed entry written again is a regression,
//! which `audit ledger` reports and the ledger test refuses.
//!
//! Invariant: the file is a function of its entries (sorted keys, sorted
//! annotators, one line each), so adding the same verdicts twice, or in
//! another order, writes the same bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{AuditError, Role, Verdict};
use crate::data::{Dataset, RuleId};

/// What an entry is about: the same negative for the same dialogue.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct LedgerKey {
    /// The perturbation type's command-line name (`lexical-contradiction`).
    #[serde(rename = "type")]
    pub kind: String,
    pub context: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Unsound and still written by the generator when last checked.
    Open,
    /// Unsound and no longer written: it must not come back.
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    #[serde(flatten)]
    pub key: LedgerKey,
    /// The rule that wrote it when it was judged.
    pub rule: String,
    /// Annotator → verdict.
    pub verdicts: BTreeMap<String, Verdict>,
    /// None for a sound entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Free-text notes of the annotators, joined.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Entry {
    /// `sound` when every annotator said so; otherwise the most frequent
    /// other verdict (ties to the earlier in [`Verdict::ALL`]). A repetition
    /// is a near-copy by design: for that type `near-copy` counts as sound.
    pub fn settled(&self) -> Verdict {
        let by_design = |v: Verdict| v == Verdict::NearCopy && self.key.kind == "repetition";
        let others: Vec<Verdict> = self
            .verdicts
            .values()
            .copied()
            .filter(|v| *v != Verdict::Sound && !by_design(*v))
            .collect();
        Verdict::ALL
            .iter()
            .copied()
            .filter(|v| *v != Verdict::Sound)
            .max_by_key(|v| (others.iter().filter(|o| *o == v).count(), std::cmp::Reverse(*v)))
            .filter(|_| !others.is_empty())
            .unwrap_or(Verdict::Sound)
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Ledger {
    entries: BTreeMap<LedgerKey, Entry>,
}

impl Ledger {
    /// Reads a ledger; a missing file is an empty ledger.
    pub fn read(path: &Path) -> Result<Ledger, AuditError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
            Err(source) => {
                return Err(AuditError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let bad = |message: String| AuditError::Sheet {
                path: path.to_path_buf(),
                line: Some(i as u64 + 1),
                message,
            };
            let entry: Entry = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            if entry.verdicts.is_empty() {
                return Err(bad("an entry without verdicts".into()));
            }
            if entries.insert(entry.key.clone(), entry).is_some() {
                return Err(bad("the same (type, context, text) appears twice".into()));
            }
        }
        Ok(Ledger { entries })
    }

    /// The ledger's bytes: one entry a line, in key order.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for e in self.entries.values() {
            // Strings, maps and enums always serialise.
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Writes the ledger whole through a temporary file beside it.
    pub fn write(&self, path: &Path) -> Result<(), AuditError> {
        let io = |source| AuditError::Io {
            path: path.to_path_buf(),
            source,
        };
        let tmp = path.with_extension("jsonl.tmp");
        std::fs::write(&tmp, self.render()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn get(&self, key: &LedgerKey) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Adds `annotator`'s verdict on a negative (replacing an earlier one of
    /// theirs). A new unsound entry is open: it was judged because it was written.
    pub fn add(&mut self, key: LedgerKey, rule: &str, annotator: &str, verdict: Verdict, note: &str) {
        let entry = self.entries.entry(key.clone()).or_insert_with(|| Entry {
            key,
            rule: rule.to_owned(),
            verdicts: BTreeMap::new(),
            status: None,
            note: String::new(),
        });
        entry.verdicts.insert(annotator.to_owned(), verdict);
        if !note.trim().is_empty() && !entry.note.contains(note.trim()) {
            if !entry.note.is_empty() {
                entry.note.push_str(" | ");
            }
            entry.note.push_str(&format!("{annotator}: {}", note.trim()));
        }
        entry.status = match (entry.settled(), entry.status) {
            (Verdict::Sound, _) => None,
            (_, Some(s)) => Some(s),
            (_, None) => Some(Status::Open),
        };
    }

    /// Marks unsound entries of the dialogues in `input` fixed when `written`
    /// (a run on those dialogues) no longer holds them, and open again when it
    /// does. Returns how many changed.
    pub fn update_status(&mut self, input: &[Vec<String>], written: &HashSet<LedgerKey>) -> usize {
        let dialogues: HashSet<&Vec<String>> = input.iter().collect();
        let mut changed = 0;
        for e in self.entries.values_mut() {
            if e.settled() == Verdict::Sound || !dialogues.contains(&e.key.context) {
                continue;
            }
            let now = if written.contains(&e.key) {
                Status::Open
            } else {
                Status::Fixed
            };
            if e.status != Some(now) {
                e.status = Some(now);
                changed += 1;
            }
        }
        changed
    }
}

/// A generated negative of a `rsbench perturb` output, as the ledger keys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub key: LedgerKey,
    pub rule: String,
    /// The dialogue it was made for, as `perturb` counts them: its context
    /// and right reply (KorAdvMRS's 2,220 cases hold 400).
    pub dialogue: (Vec<String>, String),
}

/// The distinct generated negatives of a dataset (those with a provenance rule).
pub fn outputs(dataset: &Dataset) -> Vec<Output> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for case in &dataset.cases {
        let positive = case.positives().next().map(|p| p.text.clone()).unwrap_or_default();
        for c in case.candidates.iter().filter(|c| c.label == 0) {
            let Some(rule) = &c.rule else { continue };
            let key = LedgerKey {
                kind: RuleId(rule).kind().to_owned(),
                context: case.context.clone(),
                text: c.text.clone(),
            };
            if seen.insert(key.clone()) {
                out.push(Output {
                    key,
                    rule: rule.clone(),
                    dialogue: (case.context.clone(), positive.clone()),
                });
            }
        }
    }
    out
}

/// Folds a filled audit sheet into the ledger as `annotator`'s verdicts:
/// each judged negative of the sheet, found in `dataset` (the perturb output
/// the sheet was drawn from) by its case and rule. Returns how many were added.
pub fn add_sheet(
    ledger: &mut Ledger,
    sheet_dir: &Path,
    dataset: &Dataset,
    annotator: &str,
) -> Result<usize, AuditError> {
    let rows = super::read_audit(sheet_dir)?;
    let notes = super::sheet::read_notes(sheet_dir)?;
    let cases: HashMap<&str, &crate::data::Case> = dataset.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut added = 0;
    for (key, verdict) in rows {
        let (Role::Negative, Some(verdict)) = (key.role, verdict) else {
            continue;
        };
        let missing = |what: &str| AuditError::Sheet {
            path: sheet_dir.join(super::KEY),
            line: None,
            message: format!("item {}: {what} is not in the dataset given", key.item),
        };
        let case = cases
            .get(key.case_id.as_str())
            .ok_or_else(|| missing(&format!("case {}", key.case_id)))?;
        let candidate = case
            .candidates
            .iter()
            .find(|c| c.label == 0 && c.rule.as_deref() == Some(key.rule.as_str()))
            .ok_or_else(|| missing(&format!("a negative of rule {} in case {}", key.rule, key.case_id)))?;
        let ledger_key = LedgerKey {
            kind: RuleId(&key.rule).kind().to_owned(),
            context: case.context.clone(),
            text: candidate.text.clone(),
        };
        let note = notes.get(&key.item).map(String::as_str).unwrap_or("");
        ledger.add(ledger_key, &key.rule, annotator, verdict, note);
        added += 1;
    }
    Ok(added)
}

/// One type's row of `audit ledger`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TypeRow {
    #[serde(rename = "type")]
    pub kind: String,
    pub outputs: usize,
    pub judged: usize,
    pub sound: usize,
    pub acceptable: usize,
    pub broken: usize,
    pub near_copy: usize,
    pub other_type: usize,
    /// Outputs a near-copy of a context line by the measure of
    /// [`crate::perturb::near_copy`], judged or not.
    pub measured_near_copy: usize,
    /// Dialogues with at least one output of this type.
    pub dialogues_with_output: usize,
    /// Dialogues with at least one output judged sound.
    pub dialogues_with_sound: usize,
    /// The input's dialogues (the coverage's denominator), when given.
    pub dialogues: Option<usize>,
}

/// Per type: what a run wrote, how it was judged, and what came back.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LedgerReport {
    pub types: Vec<TypeRow>,
    /// Outputs whose ledger entry is unsound and still open.
    pub open: Vec<LedgerKey>,
    /// Outputs whose ledger entry is unsound and was fixed: regressions.
    pub came_back: Vec<LedgerKey>,
    pub unjudged: usize,
}

/// Matches a run's outputs with the ledger. `dialogues`: how many
/// dialogues the run's input held (for coverage), when known.
pub fn report(ledger: &Ledger, written: &[Output], dialogues: Option<usize>) -> LedgerReport {
    let mut by_type: BTreeMap<&str, Vec<&Output>> = BTreeMap::new();
    for o in written {
        by_type.entry(&o.key.kind).or_default().push(o);
    }
    let (mut open, mut came_back, mut unjudged) = (Vec::new(), Vec::new(), 0);
    let types = by_type
        .into_iter()
        .map(|(kind, outs)| {
            let mut row = TypeRow {
                kind: kind.to_owned(),
                outputs: outs.len(),
                judged: 0,
                sound: 0,
                acceptable: 0,
                broken: 0,
                near_copy: 0,
                other_type: 0,
                measured_near_copy: 0,
                dialogues_with_output: outs.iter().map(|o| &o.dialogue).collect::<BTreeSet<_>>().len(),
                dialogues_with_sound: 0,
                dialogues,
            };
            let mut covered = BTreeSet::new();
            for o in outs {
                if crate::perturb::near_copy::copied_line(&o.key.text, &o.key.context).is_some() {
                    row.measured_near_copy += 1;
                }
                let Some(entry) = ledger.get(&o.key) else {
                    unjudged += 1;
                    continue;
                };
                row.judged += 1;
                let settled = entry.settled();
                *match settled {
                    Verdict::Sound => &mut row.sound,
                    Verdict::Acceptable => &mut row.acceptable,
                    Verdict::Broken => &mut row.broken,
                    Verdict::NearCopy => &mut row.near_copy,
                    Verdict::OtherType => &mut row.other_type,
                } += 1;
                match (settled, entry.status) {
                    (Verdict::Sound, _) => {
                        covered.insert(&o.dialogue);
                    }
                    (_, Some(Status::Fixed)) => came_back.push(o.key.clone()),
                    _ => open.push(o.key.clone()),
                }
            }
            row.dialogues_with_sound = covered.len();
            row
        })
        .collect();
    LedgerReport {
        types,
        open,
        came_back,
        unjudged,
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}", 100.0 * part as f64 / whole as f64)
    }
}

impl LedgerReport {
    /// The table `rsbench audit ledger` prints.
    pub fn render(&self) -> String {
        let mut b = tabled::builder::Builder::default();
        b.push_record([
            "type",
            "outputs",
            "judged",
            "sound %",
            "acceptable %",
            "broken %",
            "near-copy %",
            "other-type %",
            "near-copy (measured) %",
            "dialogues with output %",
            "dialogues with a sound one %",
        ]);
        for r in &self.types {
            let of_dialogues = |n: usize| r.dialogues.map_or("-".into(), |d| percent(n, d));
            b.push_record([
                r.kind.clone(),
                r.outputs.to_string(),
                r.judged.to_string(),
                percent(r.sound, r.judged),
                percent(r.acceptable, r.judged),
                percent(r.broken, r.judged),
                percent(r.near_copy, r.judged),
                percent(r.other_type, r.judged),
                percent(r.measured_near_copy, r.outputs),
                of_dialogues(r.dialogues_with_output),
                of_dialogues(r.dialogues_with_sound),
            ]);
        }
        let mut table = b.build();
        table.with(tabled::settings::Style::sharp());
        let mut out = format!("{table}\n");
        out.push_str(&format!(
            "Verdicts are the ledger's settled ones (sound only when every annotator said so); rates are of judged \
             outputs. {} outputs unjudged; {} judged unsound and still open; {} judged unsound, fixed, and written again.\n",
            self.unjudged,
            self.open.len(),
            self.came_back.len()
        ));
        for k in &self.came_back {
            out.push_str(&format!(
                "came back: [{}] {} ⟵ {}\n",
                k.kind,
                k.text,
                k.context.join(" / ")
            ));
        }
        out
    }
}

/// Where the project keeps its ledger of the dev set (`datasets/devset/`).
pub fn default_path() -> PathBuf {
    PathBuf::from("datasets/devset/ledger.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> LedgerKey {
        LedgerKey {
            kind: "tense".into(),
            context: vec!["어제 뭐 했어?".into()],
            text: text.into(),
        }
    }

    #[test]
    fn one_dissent_keeps_an_entry_out_of_the_sound_count() {
        let mut l = Ledger::default();
        l.add(key("영화 볼 거야"), "tense/x", "a", Verdict::Sound, "");
        assert_eq!(l.get(&key("영화 볼 거야")).unwrap().settled(), Verdict::Sound);
        assert_eq!(l.get(&key("영화 볼 거야")).unwrap().status, None);
        l.add(
            key("영화 볼 거야"),
            "tense/x",
            "b",
            Verdict::Acceptable,
            "미래도 자연스러움",
        );
        let e = l.get(&key("영화 볼 거야")).unwrap();
        assert_eq!((e.settled(), e.status), (Verdict::Acceptable, Some(Status::Open)));
        assert_eq!(e.note, "b: 미래도 자연스러움");
    }

    #[test]
    fn a_repetition_judged_a_near_copy_is_sound() {
        let mut l = Ledger::default();
        let k = LedgerKey {
            kind: "repetition".into(),
            ..key("어제 뭐 했어?")
        };
        l.add(k.clone(), "repetition/exact", "a", Verdict::NearCopy, "");
        assert_eq!(l.get(&k).unwrap().settled(), Verdict::Sound);
        l.add(key("어제 뭐 했어?"), "tense/x", "a", Verdict::NearCopy, "");
        assert_eq!(l.get(&key("어제 뭐 했어?")).unwrap().settled(), Verdict::NearCopy);
    }

    #[test]
    fn a_fixed_entry_written_again_is_reported_as_come_back() {
        let mut l = Ledger::default();
        l.add(key("영화 봐"), "tense/x", "a", Verdict::Broken, "");
        l.add(key("영화 볼 거야"), "tense/y", "a", Verdict::Sound, "");
        let context = vec![key("").context];
        assert_eq!(l.update_status(&context, &HashSet::new()), 1);
        assert_eq!(l.get(&key("영화 봐")).unwrap().status, Some(Status::Fixed));
        let written = [key("영화 봐"), key("영화 볼 거야")].map(|k| Output {
            key: k,
            rule: "tense/x".into(),
            dialogue: (vec!["어제 뭐 했어?".into()], "영화 봤어".into()),
        });
        let r = report(&l, &written, Some(2));
        assert_eq!(r.came_back, vec![key("영화 봐")]);
        assert_eq!(
            (r.types[0].sound, r.types[0].broken, r.types[0].dialogues_with_sound),
            (1, 1, 1)
        );
    }

    #[test]
    fn the_file_is_the_same_whatever_order_verdicts_came_in() {
        let (mut a, mut b) = (Ledger::default(), Ledger::default());
        a.add(key("x"), "r", "a", Verdict::Sound, "");
        a.add(key("y"), "r", "b", Verdict::Broken, "");
        b.add(key("y"), "r", "b", Verdict::Broken, "");
        b.add(key("x"), "r", "a", Verdict::Sound, "");
        assert_eq!(a.render(), b.render());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        a.write(&path).unwrap();
        assert_eq!(Ledger::read(&path).unwrap(), a);
    }
}
