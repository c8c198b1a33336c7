//! Dialogue model, loaders for the supported on-disk formats, dataset
//! manifests and the evaluation splits built from loaded cases.

mod error;
pub mod fetch;
pub(crate) mod jsonl;
pub mod manifest;
pub mod sample;
mod split;
mod tsv;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

pub use error::DataError;
pub(crate) use jsonl::numbered_lines;
pub use jsonl::parse_jsonl;
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
        match path.extension().and_then(|e| e.to_str()) {
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
    match format {
        Format::KorAdvMrs => parse_jsonl(display, stem, bytes),
        Format::Tsv => parse_tsv(display, stem, bytes),
    }
}

/// Loads a file, or every `*.jsonl` / `*.tsv` / `*.txt` in a directory (sorted by name).
pub fn load_path(path: &Path) -> Result<Dataset, DataError> {
    let files = dataset_files(path)?;
    let mut cases = Vec::new();
    let mut digests = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).map_err(|source| DataError::Io {
            path: file.clone(),
            source,
        })?;
        let format = Format::from_path(file).ok_or_else(|| DataError::UnknownFormat(file.clone()))?;
        let display = file.display().to_string();
        cases.extend(parse_file(&display, &file_stem(file), format, &bytes)?);
        digests.push(FileDigest {
            name: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(&bytes),
        });
    }
    check_unique_ids(&cases, &path.display().to_string())?;
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
    let meta = std::fs::metadata(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let p = entry.path();
        if p.is_file() && Format::from_path(&p).is_some() {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(DataError::EmptyDir(path.to_path_buf()));
    }
    Ok(files)
}

pub(crate) fn check_unique_ids(cases: &[Case], origin: &str) -> Result<(), DataError> {
    let mut seen = std::collections::HashSet::new();
    for case in cases {
        if !seen.insert(case.id.as_str()) {
            return Err(DataError::DuplicateId {
                origin: origin.to_owned(),
                id: case.id.clone(),
            });
        }
    }
    Ok(())
}
