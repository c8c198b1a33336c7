//! The project's own sample set (datasets/sample/), embedded in the binary:
//! the default dataset of `rsbench eval` and the input of the snapshot tests.

use super::{check_unique_ids, parse_located, sha256_hex, DataError, Dataset, FileDigest, Format};

pub const NAME: &str = "sample";

/// (file name, type, contents), sorted by file name like a directory load.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "interrogative_word.jsonl",
        "interrogative_word",
        include_bytes!("../../datasets/sample/interrogative_word.jsonl"),
    ),
    (
        "lexical_contradiction.jsonl",
        "lexical_contradiction",
        include_bytes!("../../datasets/sample/lexical_contradiction.jsonl"),
    ),
    (
        "negation.jsonl",
        "negation",
        include_bytes!("../../datasets/sample/negation.jsonl"),
    ),
    (
        "repetition.jsonl",
        "repetition",
        include_bytes!("../../datasets/sample/repetition.jsonl"),
    ),
    (
        "subject_object.jsonl",
        "subject_object",
        include_bytes!("../../datasets/sample/subject_object.jsonl"),
    ),
    (
        "tense.jsonl",
        "tense",
        include_bytes!("../../datasets/sample/tense.jsonl"),
    ),
    (
        "topic.jsonl",
        "topic",
        include_bytes!("../../datasets/sample/topic.jsonl"),
    ),
];

pub fn load() -> Result<Dataset, DataError> {
    let mut cases = Vec::new();
    let mut origins = Vec::new();
    let mut files = Vec::new();
    for (name, case_type, bytes) in FILES {
        let display = format!("<embedded sample>/{name}");
        let (parsed, at) = parse_located(&display, case_type, Format::KorAdvMrs, bytes)?;
        cases.extend(parsed);
        origins.extend(at);
        files.push(FileDigest {
            name: (*name).to_owned(),
            sha256: sha256_hex(bytes),
        });
    }
    check_unique_ids(&cases, &origins)?;
    Ok(Dataset {
        name: NAME.to_owned(),
        cases,
        files,
    })
}
