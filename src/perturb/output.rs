//! Writing `perturb`'s output: KorAdvMRS records, one file for all types or
//! one `<type>.jsonl` per type, staged and moved into place by
//! [`crate::output`] (whole or nothing; `--overwrite` replaces only a
//! perturbation output).

use std::path::{Path, PathBuf};

use super::strategy::{Generated, PerturbType};
use super::{Dialogue, PerturbError};
use crate::data::{Provenance, Record, RecordCandidate};
use crate::output::{Kind, Pending, Shape, Target};

/// One output case: the context, the positive, one generated negative.
pub type OutputCase = Record;

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
    let case: Option<Record> = serde_json::from_str(&first).ok();
    match case.and_then(|c| c.candidates) {
        Some(c) if c.iter().any(|c| c.provenance.is_some()) => Ok(()),
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
                    .is_some_and(|stem| PerturbType::all().any(|t| t.stem() == stem))
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
