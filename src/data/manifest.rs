//! Dataset manifests: one TOML file per known dataset under `datasets/`,
//! embedded in the binary so `rsbench datasets` works from anywhere.

use std::path::Path;

use serde::Deserialize;

use super::{sha256_hex, DataError};

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub name: String,
    pub description: String,
    pub license: String,
    pub citation: String,
    #[serde(default)]
    pub homepage: Option<String>,
    /// Where `files[].name` is fetched from unless a file gives its own `url`.
    #[serde(default)]
    pub base_url: Option<String>,
    pub files: Vec<ManifestFile>,
    /// A benchmark's test set: `perturb --format tsv|pairs` (training data)
    /// refuses an input that shares its content (`data::contamination`).
    #[serde(default)]
    pub test_set: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    pub name: String,
    pub sha256: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Number of cases in the file, where known; checked by `datasets verify`.
    #[serde(default)]
    pub cases: Option<usize>,
    /// The file's size in bytes, where known: `datasets fetch` reads no more.
    #[serde(default)]
    pub bytes: Option<u64>,
}

impl Manifest {
    /// Every type's case count in `dataset` against the manifest's.
    pub fn check_counts(&self, dir: &Path, dataset: &super::Dataset) -> Result<(), DataError> {
        for (t, n) in dataset.count_by_type() {
            let expected = self
                .files
                .iter()
                .find(|f| f.name.strip_suffix(".jsonl") == Some(t.as_str()))
                .and_then(|f| f.cases);
            if let Some(e) = expected.filter(|e| *e != n) {
                return Err(DataError::Manifest {
                    name: self.name.clone(),
                    reason: format!("{}: type {t} has {n} cases, the manifest says {e}", dir.display()),
                });
            }
        }
        Ok(())
    }

    pub fn parse(origin: &str, text: &str) -> Result<Manifest, DataError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| DataError::Manifest {
            name: origin.to_owned(),
            reason: e.to_string(),
        })?;
        for file in &manifest.files {
            let ok = file.sha256.len() == 64 && file.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            if !ok || file.name.contains('/') || file.name.starts_with('.') {
                return Err(DataError::Manifest {
                    name: origin.to_owned(),
                    reason: format!("file entry `{}` needs a plain file name and a 64-hex sha256", file.name),
                });
            }
        }
        Ok(manifest)
    }

    /// The URL of `file`, under `base_override` when given (mirrors, tests).
    pub fn url_of(&self, file: &ManifestFile, base_override: Option<&str>) -> Option<String> {
        let join = |base: &str| format!("{}/{}", base.trim_end_matches('/'), file.name);
        match base_override {
            Some(base) => Some(join(base)),
            None => file.url.clone().or_else(|| self.base_url.as_deref().map(join)),
        }
    }

    /// Checks every listed file in `dir` against its SHA-256.
    pub fn verify_dir(&self, dir: &Path) -> Vec<FileCheck> {
        self.files
            .iter()
            .map(|file| {
                let path = dir.join(&file.name);
                let status = match std::fs::read(&path) {
                    Err(_) => CheckStatus::Missing,
                    Ok(bytes) => {
                        let actual = sha256_hex(&bytes);
                        if actual == file.sha256 {
                            CheckStatus::Ok
                        } else {
                            CheckStatus::Mismatch { actual }
                        }
                    }
                };
                FileCheck {
                    name: file.name.clone(),
                    status,
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    pub name: String,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckStatus {
    Ok,
    Missing,
    Mismatch { actual: String },
}

const EMBEDDED: &[(&str, &str)] = &[
    ("datasets/koradvmrs.toml", include_str!("../../datasets/koradvmrs.toml")),
    ("datasets/sample.toml", include_str!("../../datasets/sample.toml")),
    ("datasets/devset.toml", include_str!("../../datasets/devset.toml")),
];

/// Every manifest shipped with rsbench, KorAdvMRS first.
pub fn known() -> Result<Vec<Manifest>, DataError> {
    EMBEDDED
        .iter()
        .map(|(origin, text)| Manifest::parse(origin, text))
        .collect()
}

pub fn find(name: &str) -> Result<Manifest, DataError> {
    let all = known()?;
    let names: Vec<String> = all.iter().map(|m| m.name.clone()).collect();
    all.into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| DataError::Manifest {
            name: name.to_owned(),
            reason: format!("unknown dataset; known: {}", names.join(", ")),
        })
}

/// The known manifest whose files all sit in `dir`, if any.
pub fn detect(dir: &Path) -> Result<Option<Manifest>, DataError> {
    Ok(known()?
        .into_iter()
        .find(|m| m.files.iter().all(|f| dir.join(&f.name).is_file())))
}
