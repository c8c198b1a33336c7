//! Dialogue model, loaders for the supported on-disk formats, dataset
//! manifests and the evaluation splits built from loaded cases.

pub mod contamination;
mod error;
pub mod fetch;
pub(crate) mod jsonl;
pub mod manifest;
mod record;
pub mod sample;
mod split;
mod tsv;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

pub use error::DataError;
pub(crate) use jsonl::numbered_lines;
pub use jsonl::parse_jsonl;
pub use record::{Contradicts, Overlap, Provenance, Record, RecordCandidate, RuleId};
pub use split::{build_split, EvalCandidate, EvalCase, NegativeSource, Split, SplitOptions};
pub use tsv::parse_tsv;

/// One candidate response with its gold label (1 = correct reply).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    pub text: String,
    pub label: u8,
    /// The rule that wrote this negative (`provenance.rule` in `rsbench
    /// perturb`'s output), when the file records one.
    pub rule: Option<String>,
    /// What the generated negative was made from: `reply`, or `context N`
    /// (the Nth utterance, 1 = the oldest), from its `provenance.utterance`.
    pub made_from: Option<String>,
}

/// One test case: a context, its candidates, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Unique within a dataset (`did` in KorAdvMRS, `stem:line` for TSV).
    pub id: String,
    /// Source dialogue; the unit of bootstrap resampling.
    pub source_dialogue: String,
    /// Adversarial type: the stem of the file the case came from.
    pub case_type: String,
    /// Utterances, oldest first.
    pub context: Vec<String>,
    pub candidates: Vec<Candidate>,
}

impl Case {
    pub fn positives(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates.iter().filter(|c| c.label == 1)
    }
}

/// Checksum of one loaded file, recorded in every run's metadata.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileDigest {
    pub name: String,
    pub sha256: String,
}

/// A loaded dataset: its cases in a fixed order (files by name, then lines).
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub cases: Vec<Case>,
    pub files: Vec<FileDigest>,
}

impl Dataset {
    /// Types in first-seen order (file name order).
    pub fn types(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for case in &self.cases {
            if !seen.contains(&case.case_type) {
                seen.push(case.case_type.clone());
            }
        }
        seen
    }

    /// Every utterance and candidate text, in dataset order (with repeats):
    /// the corpus the lexical baselines take their statistics from.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cases.iter().flat_map(|c| {
            c.context
                .iter()
                .map(String::as_str)
                .chain(c.candidates.iter().map(|x| x.text.as_str()))
        })
    }

    pub fn count_by_type(&self) -> Vec<(String, usize)> {
        self.types()
            .into_iter()
            .map(|t| {
                let n = self.cases.iter().filter(|c| c.case_type == t).count();
                (t, n)
            })
            .collect()
    }
}

/// The on-disk formats rsbench reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// KorAdvMRS JSON Lines (`.jsonl`).
    KorAdvMrs,
    /// `label \t utt1 \t … \t response` (`.tsv`, `.txt`): Ubuntu, Douban, E-commerce.
    Tsv,
}

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        // Extensions in any case: `NEGATION.JSONL` is read, not skipped.
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl") => Some(Format::KorAdvMrs),
            Some("tsv") | Some("txt") => Some(Format::Tsv),
            _ => None,
        }
    }
}

pub(crate) fn nfc(text: &str) -> String {
    text.nfc().collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hexadecimal of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, streamed (model weights run to gigabytes).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Parses one file's bytes; `display` names the file in errors.
pub fn parse_file(display: &str, stem: &str, format: Format, bytes: &[u8]) -> Result<Vec<Case>, DataError> {
    Ok(parse_file_lines(display, stem, format, bytes)?
        .into_iter()
        .map(|(_, c)| c)
        .collect())
}

/// The cases with the line each starts at.
fn parse_file_lines(display: &str, stem: &str, format: Format, bytes: &[u8]) -> Result<Vec<(usize, Case)>, DataError> {
    match format {
        Format::KorAdvMrs => jsonl::parse_jsonl_lines(display, stem, bytes),
        Format::Tsv => tsv::parse_tsv_lines(display, stem, bytes),
    }
}

/// Where a case was read: file and line, for errors.
pub(crate) type Origin = (String, usize);

/// Parses one file, with each case's origin.
pub(crate) fn parse_located(
    display: &str,
    stem: &str,
    format: Format,
    bytes: &[u8],
) -> Result<(Vec<Case>, Vec<Origin>), DataError> {
    Ok(parse_file_lines(display, stem, format, bytes)?
        .into_iter()
        .map(|(line, case)| (case, (display.to_owned(), line)))
        .unzip())
}

/// How a run's metadata (and a shard's header) names the embedded sample set.
pub const EMBEDDED_SOURCE: &str = "<embedded sample>";

/// The dataset's name in a run's metadata (`dataset.source`): the path as the
/// user gave it (command line or Python), [`EMBEDDED_SOURCE`] for the sample
/// set. The CLI and the Python package both take it from here, so the same
/// path gives the same `metadata.json`.
pub fn source_name(path: Option<&Path>) -> String {
    match path {
        None => EMBEDDED_SOURCE.to_owned(),
        Some(p) => p.display().to_string(),
    }
}

/// Loads a file, or every `*.jsonl` / `*.tsv` / `*.txt` in a directory (sorted by name).
pub fn load_path(path: &Path) -> Result<Dataset, DataError> {
    let files = dataset_files(path)?;
    let mut cases = Vec::new();
    let mut origins = Vec::new();
    let mut digests = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).map_err(|source| DataError::Io {
            path: file.clone(),
            source,
        })?;
        let format = Format::from_path(file).ok_or_else(|| DataError::UnknownFormat(file.clone()))?;
        let display = file.display().to_string();
        let (parsed, at) = parse_located(&display, &file_stem(file), format, &bytes)?;
        cases.extend(parsed);
        origins.extend(at);
        digests.push(FileDigest {
            name: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(&bytes),
        });
    }
    check_unique_ids(&cases, &origins)?;
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    }
    .map(|s| s.to_string_lossy().into_owned())
    .unwrap_or_else(|| "dataset".to_owned());
    Ok(Dataset {
        name,
        cases,
        files: digests,
    })
}

fn dataset_files(path: &Path) -> Result<Vec<PathBuf>, DataError> {
    let files = input_files(path, |p| Format::from_path(p).is_some())?;
    if files.is_empty() {
        return Err(DataError::EmptyDir(path.to_path_buf()));
    }
    Ok(files)
}

/// A file, or the entries of a directory that `wanted` accepts, sorted by
/// name. Every accepted entry must be a readable regular file: a dangling link,
/// a loop or a FIFO named like a dataset file is an error naming it.
pub fn input_files(path: &Path, wanted: fn(&Path) -> bool) -> Result<Vec<PathBuf>, DataError> {
    let io = |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        return Err(DataError::NotAFile {
            path: path.to_path_buf(),
            what: "not a regular file or a directory".into(),
        });
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        let p = entry.map_err(io)?.path();
        if !wanted(&p) {
            continue;
        }
        // An entry named like a dataset file is read or refused, never skipped:
        // a dangling link would otherwise drop a whole type without a word.
        match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => {}
            Ok(m) if m.is_dir() => {
                return Err(DataError::NotAFile {
                    path: p,
                    what: "a directory".into(),
                })
            }
            Ok(_) => {
                return Err(DataError::NotAFile {
                    path: p,
                    what: "not a regular file".into(),
                })
            }
            Err(e) => {
                let what = if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
                    format!("a symbolic link that cannot be followed ({e})")
                } else {
                    e.to_string()
                };
                return Err(DataError::NotAFile { path: p, what });
            }
        }
        files.push(p);
    }
    files.sort();
    Ok(files)
}

/// Every case id once; a repeat names both places.
pub(crate) fn check_unique_ids(cases: &[Case], origins: &[Origin]) -> Result<(), DataError> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        if let Some(&first) = seen.get(case.id.as_str()) {
            let at = |k: usize| {
                origins
                    .get(k)
                    .map(|(file, line)| format!("{file}:{line}"))
                    .unwrap_or_default()
            };
            return Err(DataError::DuplicateId {
                id: case.id.clone(),
                first: at(first),
                second: at(i),
            });
        }
        seen.insert(case.id.as_str(), i);
    }
    Ok(())
}
