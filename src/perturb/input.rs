//! Reading `perturb`'s input: KorAdvMRS cases (the first positive is the
//! reply) or plain `{"context": [...], "response": "..."}` lines.

use std::collections::HashSet;
use std::path::Path;

use super::PerturbError;
use crate::data::Record;

/// A dialogue to perturb: a context and its correct reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialogue {
    pub id: String,
    pub source_dialogue: String,
    pub context: Vec<String>,
    pub positive: String,
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
        read_lines(&name, &stem, &bytes, &mut seen, &mut out)?;
    }
    Ok(out)
}

/// Dialogues from JSONL text that is not a file (the Python package's
/// `rsbench.perturb` sends each dialogue as one line): read exactly as
/// [`read_dialogues`] reads a file's lines, `name` standing for the file in
/// errors and, as the stem, in ids made for lines without a `did`.
pub fn dialogues_from_jsonl(name: &str, bytes: &[u8]) -> Result<Vec<Dialogue>, PerturbError> {
    let mut out = Vec::new();
    read_lines(name, name, bytes, &mut HashSet::new(), &mut out)?;
    Ok(out)
}

/// One file's lines into `out`, skipping (context, reply) pairs in `seen`.
fn read_lines(
    name: &str,
    stem: &str,
    bytes: &[u8],
    seen: &mut HashSet<(Vec<String>, String)>,
    out: &mut Vec<Dialogue>,
) -> Result<(), PerturbError> {
    for item in crate::data::numbered_lines(name, bytes) {
        let (line, text) = item?;
        if text.trim().is_empty() {
            continue;
        }
        let bad = |message: String| PerturbError::Input {
            file: name.to_owned(),
            line,
            message,
        };
        let raw: Record = serde_json::from_str(text).map_err(|e| bad(format!("malformed JSON: {e}")))?;
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
    Ok(())
}
