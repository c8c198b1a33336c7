use std::path::PathBuf;

/// Everything that can be wrong with a dataset on disk or on the wire.
/// Every variant names the file (and the line, where there is one).
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{file}:{line}: invalid UTF-8")]
    Utf8 { file: String, line: usize },
    #[error("{file}:{line}: malformed JSON: {message}")]
    Json { file: String, line: usize, message: String },
    #[error("{file}:{line}: {reason}")]
    Invalid { file: String, line: usize, reason: String },
    #[error("{0}: no cases in this file")]
    EmptyFile(String),
    #[error("{}: no *.jsonl, *.tsv or *.txt files in this directory", .0.display())]
    EmptyDir(PathBuf),
    #[error("{}: unknown format (expected .jsonl, .tsv or .txt)", .0.display())]
    UnknownFormat(PathBuf),
    #[error("{second}: case id `{id}` already used at {first}")]
    DuplicateId { id: String, first: String, second: String },
    #[error("{}: {what}; a dataset entry must be a readable file", path.display())]
    NotAFile { path: PathBuf, what: String },
    #[error("{}: exists and is not the manifest's file (SHA-256 {actual}, expected {expected}); move it away and fetch again", path.display())]
    Foreign {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("case `{case}`: {reason}")]
    Split { case: String, reason: String },
    #[error("manifest {name}: {reason}")]
    Manifest { name: String, reason: String },
    #[error("{file}: SHA-256 mismatch: expected {expected}, got {actual}")]
    Checksum {
        file: String,
        expected: String,
        actual: String,
    },
    #[error("{url}: download failed: {reason}")]
    Download { url: String, reason: String },
    /// A body past its size cap or its deadline: not tried again.
    #[error("{url}: download stopped: {reason}")]
    Bounded { url: String, reason: String },
}
