//! KorAdvMRS JSON Lines: one case per line.

use super::record::Record;
use super::{nfc, Candidate, Case, DataError};

/// Splits `bytes` into numbered lines (1-based), checking UTF-8 per line so an
/// error can say which line is broken.
pub(crate) fn numbered_lines<'a>(
    file: &'a str,
    bytes: &'a [u8],
) -> impl Iterator<Item = Result<(usize, &'a str), DataError>> + 'a {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.split(|&b| b == b'\n').enumerate().map(move |(i, raw)| {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        std::str::from_utf8(raw)
            .map(|s| (i + 1, s))
            .map_err(|_| DataError::Utf8 {
                file: file.to_owned(),
                line: i + 1,
            })
    })
}

pub fn parse_jsonl(file: &str, case_type: &str, bytes: &[u8]) -> Result<Vec<Case>, DataError> {
    Ok(parse_jsonl_lines(file, case_type, bytes)?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

/// The cases with the line each came from.
pub(crate) fn parse_jsonl_lines(file: &str, case_type: &str, bytes: &[u8]) -> Result<Vec<(usize, Case)>, DataError> {
    let mut cases = Vec::new();
    for item in numbered_lines(file, bytes) {
        let (line, text) = item?;
        if text.trim().is_empty() {
            continue;
        }
        let invalid = |reason: String| DataError::Invalid {
            file: file.to_owned(),
            line,
            reason,
        };
        let json = |message: String| DataError::Json {
            file: file.to_owned(),
            line,
            message,
        };
        let raw: Record = serde_json::from_str(text).map_err(|e| json(e.to_string()))?;
        let Some(candidates) = raw.candidates else {
            return Err(json("missing field `candidates`".into()));
        };
        if raw.context.is_empty() || raw.context.iter().all(|u| u.trim().is_empty()) {
            return Err(invalid("empty context".into()));
        }
        if candidates.iter().any(|c| c.label > 1) {
            return Err(invalid("candidate label must be 0 or 1".into()));
        }
        if !candidates.iter().any(|c| c.label == 1) {
            return Err(invalid("case has no positive candidate (label 1)".into()));
        }
        if !candidates.iter().any(|c| c.label == 0) {
            return Err(invalid("case has no negative candidate (label 0)".into()));
        }
        if let Some(i) = candidates.iter().position(|c| c.text.trim().is_empty()) {
            return Err(invalid(format!("candidate {i} has an empty text")));
        }
        let id = raw.did.unwrap_or_else(|| format!("{case_type}:{line}"));
        let source_dialogue = raw.src_dlg_id.unwrap_or_else(|| id.clone());
        cases.push((
            line,
            Case {
                id,
                source_dialogue,
                case_type: case_type.to_owned(),
                context: raw.context.iter().map(|u| nfc(u)).collect(),
                candidates: candidates
                    .into_iter()
                    .map(|c| Candidate {
                        text: nfc(&c.text),
                        label: c.label,
                        made_from: c.provenance.as_ref().map(|p| match p.utterance {
                            Some(u) => format!("context {}", u + 1),
                            None => "reply".to_owned(),
                        }),
                        rule: c.provenance.map(|p| p.rule),
                    })
                    .collect(),
            },
        ));
    }
    if cases.is_empty() {
        return Err(DataError::EmptyFile(file.to_owned()));
    }
    Ok(cases)
}
