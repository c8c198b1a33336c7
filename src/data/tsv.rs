//! The classic benchmarks' TSV: `label \t utt1 \t … \t uttN \t response`.
//! Consecutive lines with the same context form one case.

use super::jsonl::numbered_lines;
use super::{nfc, Candidate, Case, DataError};

pub fn parse_tsv(file: &str, case_type: &str, bytes: &[u8]) -> Result<Vec<Case>, DataError> {
    Ok(parse_tsv_lines(file, case_type, bytes)?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

/// The cases with the line each starts at.
pub(crate) fn parse_tsv_lines(file: &str, case_type: &str, bytes: &[u8]) -> Result<Vec<(usize, Case)>, DataError> {
    let mut cases: Vec<(usize, Case)> = Vec::new();
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
        let fields: Vec<&str> = text.split('\t').collect();
        if fields.len() < 3 {
            return Err(invalid(format!(
                "expected `label<TAB>utterance…<TAB>response` (at least 3 fields), found {}",
                fields.len()
            )));
        }
        let label = match fields[0].trim() {
            "0" => 0,
            "1" => 1,
            other => return Err(invalid(format!("label must be 0 or 1, found `{other}`"))),
        };
        let context: Vec<String> = fields[1..fields.len() - 1].iter().map(|u| nfc(u)).collect();
        if context.iter().all(|u| u.trim().is_empty()) {
            return Err(invalid("empty context".into()));
        }
        if fields[fields.len() - 1].trim().is_empty() {
            return Err(invalid("empty response (the last field)".into()));
        }
        let candidate = Candidate {
            text: nfc(fields[fields.len() - 1]),
            label,
            rule: None,
            made_from: None,
        };
        match cases.last_mut() {
            Some((_, case)) if case.context == context => case.candidates.push(candidate),
            _ => {
                let id = format!("{case_type}:{line}");
                cases.push((
                    line,
                    Case {
                        source_dialogue: id.clone(),
                        id,
                        case_type: case_type.to_owned(),
                        context,
                        candidates: vec![candidate],
                    },
                ))
            }
        }
    }
    if cases.is_empty() {
        return Err(DataError::EmptyFile(file.to_owned()));
    }
    // Cases with no positive are kept (Douban has some) and excluded by the
    // metrics; a case with nothing to rank against is an input error.
    for (line, case) in &cases {
        if !case.candidates.iter().any(|c| c.label == 0) {
            return Err(DataError::Invalid {
                file: file.to_owned(),
                line: *line,
                reason: "case has no negative candidate (label 0)".into(),
            });
        }
    }
    Ok(cases)
}
