//! The audit's files: `sheet.csv` for the annotator (UTF-8 with a byte-order
//! mark, so spreadsheet programs read the Hangul), `key.csv` kept from them,
//! and `instructions.md`. Read back with every row checked against the key.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::{AuditError, Item, KeyRow, Role, Verdict};
use crate::report::{io, ReportError};

pub const SHEET: &str = "sheet.csv";
pub const KEY: &str = "key.csv";
pub const INSTRUCTIONS: &str = "instructions.md";

const SHEET_HEADER: [&str; 5] = ["item", "context", "reply", "verdict", "note"];
const KEY_HEADER: [&str; 6] = ["item", "case_id", "role", "family", "rule", "family_total"];
const BOM: &str = "\u{feff}";

const INSTRUCTIONS_TEXT: &str = "# Audit instructions

Each row of `sheet.csv` is a dialogue (`context`, oldest turn first; A and B take turns) and a
`reply` by the speaker whose turn it is (the one opposite the last line). Fill `verdict` with
one word (or its first letter):

- `sound`: grammatical Korean (a small slip is noted, not fatal) and a reply you would reject
  here, because of what this dialogue says: it contradicts a fact, a time or a polarity the
  context sets, mixes up who did what, asks for what was already said, or is off the topic.
- `acceptable`: this speaker could say this here. A reply that is odd, curt or not what you
  would say, but that contradicts nothing the dialogue pins down, is `acceptable`.
- `broken`: not grammatical Korean (a wrong ending, a mangled word, word salad, a clash inside
  the sentence such as 어제 with a future), whatever it means.
- `near-copy`: wrong here, but it is a line of the context with an ending or a word changed,
  so it can be rejected as a repetition without understanding it.
- `other-type`: wrong here, fluent, but for a reason other than the ones above suggest.

Judge each row on its own; rows are shuffled and some replies are the dialogues' real ones.
Leave `verdict` empty to skip a row; `note` is free text (say which slip, which fact). The old
words `ok` (= acceptable) and `wrong` (= sound) are still read. Do not open `key.csv` until
the sheet is done. Then: `rsbench audit score DIR`.
";

fn csv_bytes(path: &Path, header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    let fail = |e: csv::Error| ReportError::Table {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner().map_err(|e| ReportError::Table {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// The context as the annotator reads it: one turn a line, the speakers
/// lettered so that B says the reply.
fn context_cell(context: &[String]) -> String {
    let n = context.len();
    context
        .iter()
        .enumerate()
        .map(|(i, turn)| format!("{}: {turn}", if (n - 1 - i).is_multiple_of(2) { "A" } else { "B" }))
        .collect::<Vec<_>>()
        .join("\n")
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Negative => "negative",
        Role::Control => "control",
    }
}

/// An audit directory: `key.csv` with the key's header, nothing but the three
/// files `audit sample` writes, and a sheet nobody has filled in yet (an
/// annotator's verdicts are people's work that no `--overwrite` may erase).
pub fn audit_kind() -> crate::output::OutputKind {
    crate::output::OutputKind {
        what: "audit directory",
        shape: crate::output::Shape::Dir,
        recognise: Box::new(|dir| {
            if read_csv(&dir.join(KEY), &KEY_HEADER).is_err() {
                return Err(format!("it has no {KEY} of rsbench's"));
            }
            crate::output::only_entries(dir, |n| [SHEET, KEY, INSTRUCTIONS].contains(&n))?;
            let sheet = dir.join(SHEET);
            if sheet.exists() {
                let rows = read_csv(&sheet, &["verdict", "note"]).map_err(|_| format!("its {SHEET} cannot be read"))?;
                let filled = rows
                    .iter()
                    .filter(|(_, f)| f.iter().any(|v| !v.trim().is_empty()))
                    .count();
                if filled > 0 {
                    return Err(format!("its {SHEET} holds {filled} filled rows (verdicts or notes)"));
                }
            }
            Ok(())
        }),
    }
}

/// Checks an audit's destination and stages it, before sampling.
pub fn begin_audit(target: crate::output::Target, overwrite: bool) -> Result<crate::output::Pending, AuditError> {
    Ok(crate::output::Pending::begin(target, audit_kind(), overwrite).map_err(crate::report::ReportError::from)?)
}

/// Writes the audit directory, all or nothing; returns where it went.
pub fn write_audit(pending: crate::output::Pending, items: &[Item], key: &[KeyRow]) -> Result<PathBuf, AuditError> {
    let written = crate::report::write_staged(pending, |stage| {
        let sheet_rows = items
            .iter()
            .map(|i| {
                vec![
                    i.item.to_string(),
                    context_cell(&i.context),
                    i.reply.clone(),
                    String::new(),
                    String::new(),
                ]
            })
            .collect();
        let key_rows = key
            .iter()
            .map(|k| {
                vec![
                    k.item.to_string(),
                    k.case_id.clone(),
                    role_name(k.role).to_owned(),
                    k.family.clone(),
                    k.rule.clone(),
                    k.family_total.to_string(),
                ]
            })
            .collect();
        let sheet = stage.join(SHEET);
        std::fs::write(&sheet, csv_bytes(&sheet, &SHEET_HEADER, sheet_rows)?).map_err(io(&sheet))?;
        let key_path = stage.join(KEY);
        std::fs::write(&key_path, csv_bytes(&key_path, &KEY_HEADER, key_rows)?).map_err(io(&key_path))?;
        let instructions = stage.join(INSTRUCTIONS);
        std::fs::write(&instructions, INSTRUCTIONS_TEXT).map_err(io(&instructions))
    })?;
    Ok(written)
}

/// Rows of a CSV file with the named columns (any order, others ignored), each
/// with its line number.
fn read_csv(path: &Path, wanted: &[&str]) -> Result<Vec<(u64, Vec<String>)>, AuditError> {
    let sheet_err = |line: Option<u64>, message: String| AuditError::Sheet {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // Spreadsheet programs save with or without the mark.
    let text = text.strip_prefix(BOM).unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| sheet_err(Some(1), e.to_string()))?.clone();
    let columns: Vec<usize> = wanted
        .iter()
        .map(|w| {
            header.iter().position(|h| h.trim() == *w).ok_or_else(|| {
                sheet_err(
                    Some(1),
                    format!(
                        "no `{w}` column (header: {})",
                        header.iter().collect::<Vec<_>>().join(",")
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            sheet_err(line, e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let fields = columns
            .iter()
            .map(|&c| record.get(c).unwrap_or("").to_owned())
            .collect();
        rows.push((line, fields));
    }
    Ok(rows)
}

fn item_number(path: &Path, line: u64, field: &str) -> Result<usize, AuditError> {
    field.trim().parse().map_err(|_| AuditError::Sheet {
        path: path.to_path_buf(),
        line: Some(line),
        message: format!("item `{field}` is not a number"),
    })
}

/// The verdicts of a filled sheet, joined to the key. Every sheet item must be
/// in the key once and every key item in the sheet: a lost or pasted-over row
/// would bias the rates silently.
pub fn read_audit(dir: &Path) -> Result<Vec<(KeyRow, Option<Verdict>)>, AuditError> {
    crate::report::require_dir(dir, "audit directory")?;
    let key_path = dir.join(KEY);
    let mut key = BTreeMap::new();
    for (line, f) in read_csv(&key_path, &KEY_HEADER)? {
        let bad = |message: String| AuditError::Sheet {
            path: key_path.clone(),
            line: Some(line),
            message,
        };
        let item = item_number(&key_path, line, &f[0])?;
        let role = match f[2].as_str() {
            "negative" => Role::Negative,
            "control" => Role::Control,
            other => return Err(bad(format!("role `{other}`: expected negative or control"))),
        };
        let family_total = f[5]
            .trim()
            .parse()
            .map_err(|_| bad(format!("family_total `{}` is not a number", f[5])))?;
        let row = KeyRow {
            item,
            case_id: f[1].clone(),
            role,
            family: f[3].clone(),
            rule: f[4].clone(),
            family_total,
        };
        if key.insert(item, row).is_some() {
            return Err(bad(format!("item {item} appears twice")));
        }
    }
    let sheet_path = dir.join(SHEET);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (line, f) in read_csv(&sheet_path, &["item", "verdict"])? {
        let bad = |message: String| AuditError::Sheet {
            path: sheet_path.clone(),
            line: Some(line),
            message,
        };
        let item = item_number(&sheet_path, line, &f[0])?;
        let row = key
            .get(&item)
            .ok_or_else(|| bad(format!("item {item} is not in {KEY}")))?;
        if !seen.insert(item) {
            return Err(bad(format!("item {item} appears twice")));
        }
        let verdict = match f[1].trim() {
            "" => None,
            v => Some(
                Verdict::parse(v).ok_or_else(|| bad(format!("verdict `{v}`: expected {} or empty", Verdict::NAMES)))?,
            ),
        };
        out.push((row.clone(), verdict));
    }
    if let Some(missing) = key.keys().find(|k| !seen.contains(k)) {
        return Err(AuditError::Sheet {
            path: sheet_path,
            line: None,
            message: format!("item {missing} of {KEY} is missing (rows must not be deleted)"),
        });
    }
    if out.iter().all(|(_, v)| v.is_none()) {
        return Err(AuditError::NoVerdicts(sheet_path));
    }
    out.sort_by_key(|(k, _)| k.item);
    Ok(out)
}

/// The annotator's notes of a filled sheet, by item (empty notes left out).
pub fn read_notes(dir: &Path) -> Result<std::collections::HashMap<usize, String>, AuditError> {
    let sheet_path = dir.join(SHEET);
    let mut notes = std::collections::HashMap::new();
    for (line, f) in read_csv(&sheet_path, &["item", "note"])? {
        if !f[1].trim().is_empty() {
            notes.insert(item_number(&sheet_path, line, &f[0])?, f[1].trim().to_owned());
        }
    }
    Ok(notes)
}
