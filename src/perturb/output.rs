//! Writing `perturb`'s output, staged and moved into place by
//! [`crate::output`] (whole or nothing; `--overwrite` replaces only a
//! perturbation output): KorAdvMRS records, one file for all types or one
//! `<type>.jsonl` per type; or, as training data, the Ubuntu/Douban TSV layout
//! (`<type>.tsv`, one positive then its negatives, with the negatives'
//! provenance line for line in `<type>.tsv.provenance`) or JSON lines of
//! labelled pairs (`<type>.pairs.jsonl`, or one `.jsonl` file).

use std::path::{Path, PathBuf};

use super::strategy::{Generated, PerturbType};
use super::{Dialogue, PerturbError};
use crate::data::{Provenance, Record, RecordCandidate};
use crate::output::{Kind, Pending, Shape, Target};

/// One output case: the context, the positive, one generated negative.
pub type OutputCase = Record;

/// What `perturb --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// KorAdvMRS records: a positive and one negative per case, for `eval`.
    #[default]
    Jsonl,
    /// `label \t turn1 \t … \t turnN \t response`: each dialogue's positive,
    /// then its negatives (what BERT-FP- and UMS-style training code reads).
    Tsv,
    /// `{"context", "response", "label", "provenance"}` per line, the positive first.
    Pairs,
}

/// One line of `--format pairs`.
#[derive(serde::Serialize, serde::Deserialize)]
struct PairLine {
    context: Vec<String>,
    response: String,
    label: u8,
    /// None for the positive.
    provenance: Option<Provenance>,
}

/// One dialogue of an output: context, positive, the negatives with their provenance.
type DialogueGroup<'a> = (&'a [String], &'a str, Vec<(&'a str, &'a Provenance)>);

/// The output's records grouped by dialogue, in order.
fn by_dialogue(cases: &[OutputCase]) -> Vec<DialogueGroup<'_>> {
    let mut groups: Vec<DialogueGroup<'_>> = Vec::new();
    let mut last: Option<&str> = None;
    for c in cases {
        let Some([positive, negative]) = c.candidates.as_deref() else {
            continue;
        };
        let Some(p) = negative.provenance.as_ref() else {
            continue;
        };
        match groups.last_mut() {
            Some(g) if last == Some(p.source_case.as_str()) => g.2.push((negative.text.as_str(), p)),
            _ => groups.push((&c.context, positive.text.as_str(), vec![(negative.text.as_str(), p)])),
        }
        last = Some(p.source_case.as_str());
    }
    groups
}

/// A field of the TSV: its layout has no escapes, so a tab or line break
/// inside a text becomes a space.
fn tsv_field(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The TSV and its provenance file (one JSON value per TSV line: `null` for a positive).
fn to_tsv(cases: &[OutputCase]) -> (String, String) {
    let (mut tsv, mut provenance) = (String::new(), String::new());
    for (context, positive, negatives) in by_dialogue(cases) {
        let turns: Vec<String> = context.iter().map(|t| tsv_field(t)).collect();
        let turns = turns.join("\t");
        tsv.push_str(&format!("1\t{turns}\t{}\n", tsv_field(positive)));
        provenance.push_str("null\n");
        for (text, p) in negatives {
            tsv.push_str(&format!("0\t{turns}\t{}\n", tsv_field(text)));
            provenance.push_str(&serde_json::to_string(p).unwrap_or_default());
            provenance.push('\n');
        }
    }
    (tsv, provenance)
}

fn to_pairs(cases: &[OutputCase]) -> String {
    let mut s = String::new();
    for (context, positive, negatives) in by_dialogue(cases) {
        let lines = std::iter::once((positive, None))
            .chain(negatives.into_iter().map(|(t, p)| (t, Some(p.clone()))))
            .map(|(response, provenance)| PairLine {
                context: context.to_vec(),
                response: response.to_owned(),
                label: u8::from(provenance.is_some()) ^ 1,
                provenance,
            });
        for line in lines {
            s.push_str(&serde_json::to_string(&line).unwrap_or_default());
            s.push('\n');
        }
    }
    s
}

/// The `k`-th (0-based) negative of `kind` for dialogue `d`.
pub(super) fn output_case(d: &Dialogue, kind: PerturbType, k: usize, g: Generated, seed: u64) -> OutputCase {
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
                    seed,
                }),
            },
        ]),
        response: None,
        src_dlg_id: Some(d.source_dialogue.clone()),
        did: Some(format!("{}-{}{}", d.id, kind.stem(), k + 1)),
    }
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

/// A file's first non-blank line ("" for none).
fn first_line(path: &Path) -> Result<String, String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).map_err(|e| format!("it cannot be read ({e})"))?;
    Ok(std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default())
}

/// A file `perturb` wrote: its first case has a negative with a provenance
/// rule (KorAdvMRS's own files have none).
fn recognise_output_file(path: &Path) -> Result<(), String> {
    let first = first_line(path)?;
    let case: Option<Record> = serde_json::from_str(&first).ok();
    match case.and_then(|c| c.candidates) {
        Some(c) if c.iter().any(|c| c.provenance.is_some()) => Ok(()),
        _ => Err("it is not a perturbation output (no provenance in its first case)".into()),
    }
}

/// A pairs file `perturb` wrote: its first line is a labelled pair.
fn recognise_pairs_file(path: &Path) -> Result<(), String> {
    let first = first_line(path)?;
    serde_json::from_str::<PairLine>(&first)
        .map(|_| ())
        .map_err(|_| "it is not a perturbation output (its first line is not a labelled pair)".into())
}

/// The file names a directory output of `format` holds, per type stem.
fn owned_name(format: OutputFormat, name: &str) -> bool {
    let stem = match format {
        OutputFormat::Jsonl => name.strip_suffix(".jsonl"),
        OutputFormat::Tsv => name
            .strip_suffix(".tsv")
            .or_else(|| name.strip_suffix(".tsv.provenance")),
        OutputFormat::Pairs => name.strip_suffix(".pairs.jsonl"),
    };
    stem.is_some_and(|stem| PerturbType::all().any(|t| t.stem() == stem))
}

fn output_kind(output: &Path, format: OutputFormat) -> Kind {
    if is_single_file(output) {
        return Kind {
            what: "perturbation file",
            shape: Shape::File,
            recognise: Box::new(move |p| match format {
                OutputFormat::Pairs => recognise_pairs_file(p),
                _ => recognise_output_file(p),
            }),
        };
    }
    let owns: fn(&str) -> bool = match format {
        OutputFormat::Jsonl => |n| owned_name(OutputFormat::Jsonl, n),
        OutputFormat::Tsv => |n| owned_name(OutputFormat::Tsv, n),
        OutputFormat::Pairs => |n| owned_name(OutputFormat::Pairs, n),
    };
    Kind {
        what: "perturbation directory",
        shape: Shape::Dir,
        recognise: Box::new(move |dir| {
            crate::output::only_entries(dir, owns)?;
            for entry in std::fs::read_dir(dir)
                .map_err(|e| format!("it cannot be listed ({e})"))?
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                let checked = match format {
                    OutputFormat::Jsonl => recognise_output_file(&entry.path()),
                    OutputFormat::Pairs => recognise_pairs_file(&entry.path()),
                    // A TSV carries no provenance; its provenance file beside it must be there.
                    OutputFormat::Tsv if name.ends_with(".tsv") => {
                        if dir.join(format!("{name}.provenance")).is_file() {
                            Ok(())
                        } else {
                            Err("it has no provenance file beside it".into())
                        }
                    }
                    OutputFormat::Tsv => Ok(()),
                };
                checked.map_err(|why| format!("{name}: {why}"))?;
            }
            Ok(())
        }),
    }
}

/// Checks `--output` and stages it, before any dialogue is read.
pub fn begin_output(output: &Path, overwrite: bool, format: OutputFormat) -> Result<Pending, PerturbError> {
    if format == OutputFormat::Tsv && is_single_file(output) {
        return Err(PerturbError::TsvNeedsDirectory);
    }
    Ok(Pending::begin(
        Target::Fixed(output.to_path_buf()),
        output_kind(output, format),
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
    format: OutputFormat,
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
        let text = match format {
            OutputFormat::Pairs => to_pairs(&all),
            _ => to_jsonl(&all),
        };
        std::fs::write(&staging, text).map_err(io(output))?;
        written.push(output.to_path_buf());
    } else {
        // A type without cases gets no file: `eval` refuses an empty one.
        for (kind, cases) in generated.iter().filter(|(_, cases)| !cases.is_empty()) {
            let mut files: Vec<(String, String)> = Vec::new();
            match format {
                OutputFormat::Jsonl => files.push((format!("{}.jsonl", kind.stem()), to_jsonl(cases))),
                OutputFormat::Pairs => files.push((format!("{}.pairs.jsonl", kind.stem()), to_pairs(cases))),
                OutputFormat::Tsv => {
                    let (tsv, provenance) = to_tsv(cases);
                    files.push((format!("{}.tsv", kind.stem()), tsv));
                    files.push((format!("{}.tsv.provenance", kind.stem()), provenance));
                }
            }
            for (name, text) in files {
                std::fs::write(staging.join(&name), text).map_err(io(&output.join(&name)))?;
                written.push(output.join(name));
            }
        }
    }
    pending.commit()?;
    Ok(written)
}

#[cfg(test)]
mod format_tests {
    use super::*;

    fn case(id: &str, context: &[&str], positive: &str, negative: &str) -> OutputCase {
        Record {
            context: context.iter().map(|s| s.to_string()).collect(),
            candidates: Some(vec![
                RecordCandidate {
                    text: positive.into(),
                    label: 1,
                    provenance: None,
                },
                RecordCandidate {
                    text: negative.into(),
                    label: 0,
                    provenance: Some(Provenance {
                        kind: "negation".into(),
                        rule: "negation/x".into(),
                        source_case: id.into(),
                        utterance: None,
                        seed: 1,
                    }),
                },
            ]),
            response: None,
            src_dlg_id: None,
            did: None,
        }
    }

    #[test]
    fn tsv_groups_a_dialogues_negatives_under_its_positive_and_keeps_fields_apart() {
        let cases = [
            case("a", &["안녕", "뭐 해?"], "밥 먹어", "밥 안 먹어"),
            case("a", &["안녕", "뭐 해?"], "밥 먹어", "밥\t먹지 마"),
            case("b", &["잘 자"], "너도", "너도\n잘 자"),
        ];
        let (tsv, provenance) = to_tsv(&cases);
        assert_eq!(
            tsv,
            "1\t안녕\t뭐 해?\t밥 먹어\n0\t안녕\t뭐 해?\t밥 안 먹어\n0\t안녕\t뭐 해?\t밥 먹지 마\n1\t잘 자\t너도\n0\t잘 자\t너도 잘 자\n"
        );
        let lines: Vec<&str> = provenance.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0], "null");
        assert!(lines[1].contains("\"source_case\":\"a\""));
        let pairs = to_pairs(&cases);
        let labels: Vec<u64> = pairs
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["label"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(labels, [1, 0, 0, 1, 0]);
    }
}
