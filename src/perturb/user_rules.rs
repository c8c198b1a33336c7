//! A user's rules at run time (`perturb --rules DIR`): TOML files named like
//! the built-in ones under `perturbations/`, merged into them when a rule
//! file is parsed, with no rebuild.
//!
//! Invariants: a user file adds to the built-in rules and never goes around
//! their checks — tables merge key by key, arrays (lexicon pairs, names,
//! clusters, templates) are extended, a scalar is replaced, and the merged
//! whole is deserialised by the same types, strict where the built-in file
//! is; every file is read, named and checked before any dialogue is; the
//! overlay is installed once per process, before the first rule file is
//! parsed, and its digest goes into every negative's provenance, so an
//! output made with user rules always says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::PerturbError;

/// The built-in rule files a user file may extend.
pub const FILES: &[&str] = &[
    "grounding.toml",
    "interrogative_word.toml",
    "keyword_stuffing.toml",
    "lexical_contradiction.toml",
    "repetition.toml",
    "subject_object.toml",
    "tense_negation.toml",
    "topic_bank.toml",
];

/// The user's rule files, parsed, and the digest that names them.
#[derive(Debug, Clone)]
pub struct UserRules {
    files: BTreeMap<String, (PathBuf, toml::Table)>,
    digest: String,
}

static ACTIVE: OnceLock<UserRules> = OnceLock::new();

impl UserRules {
    /// Reads every `*.toml` in `dir`; each must be named like a built-in rule
    /// file and parse as TOML. Other files (a README) are left alone.
    pub fn read(dir: &Path) -> Result<UserRules, PerturbError> {
        let io = |source| PerturbError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        paths.sort();
        if paths.is_empty() {
            return Err(PerturbError::UserRules {
                path: dir.to_path_buf(),
                message: format!("no rule files here (*.toml named like {})", FILES.join(", ")),
            });
        }
        let mut hash = Sha256::new();
        let mut files = BTreeMap::new();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !FILES.contains(&name.as_str()) {
                return Err(PerturbError::UserRules {
                    path,
                    message: crate::suggest::unknown("rule file", &name, FILES),
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|source| PerturbError::Io {
                path: path.clone(),
                source,
            })?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| PerturbError::UserRules {
                path: path.clone(),
                message: e.to_string(),
            })?;
            hash.update(name.as_bytes());
            hash.update([0]);
            hash.update(text.as_bytes());
            hash.update([0]);
            files.insert(name, (path, table));
        }
        let digest = format!("sha256:{}", &crate::data::hex(&hash.finalize())[..16]);
        Ok(UserRules { files, digest })
    }

    /// What provenance records: `sha256:` and 16 hex digits of the files'
    /// names and bytes.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Makes these the rules every later parse merges in. Once per process.
    pub fn install(self) -> Result<(), PerturbError> {
        let dir = self.files.values().next().map(|(p, _)| p.clone()).unwrap_or_default();
        ACTIVE.set(self).map_err(|_| PerturbError::UserRules {
            path: dir,
            message: "user rules are already installed in this process".into(),
        })
    }
}

/// The installed user file named like the built-in `file`
/// (`perturbations/<name>`), and the built-in text with it merged in; `None`
/// when there is none.
pub(crate) fn merged(file: &str, builtin: &str) -> Option<(PathBuf, Result<toml::Table, String>)> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let (path, user) = ACTIVE.get()?.files.get(name)?;
    let merge = || -> Result<toml::Table, String> {
        let mut base: toml::Table = builtin.parse().map_err(|e: toml::de::Error| format!("{file}: {e}"))?;
        merge_into(&mut base, user.clone(), "")?;
        Ok(base)
    };
    Some((path.clone(), merge()))
}

/// Tables key by key, arrays extended, anything else replaced; a value of
/// another TOML type than the built-in one is refused, naming its key.
fn merge_into(base: &mut toml::Table, user: toml::Table, at: &str) -> Result<(), String> {
    for (key, value) in user {
        let here = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        match (base.get_mut(&key), value) {
            (None, value) => {
                base.insert(key, value);
            }
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge_into(b, u, &here)?,
            (Some(toml::Value::Array(b)), toml::Value::Array(u)) => b.extend(u),
            (Some(b), value) if b.type_str() == value.type_str() => *b = value,
            (Some(b), value) => {
                return Err(format!(
                    "`{here}` is {} in the built-in rules, not {}",
                    b.type_str(),
                    value.type_str()
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn arrays_extend_tables_merge_scalars_replace() {
        let mut base = table("n = 1\nwords = [\"a\"]\n[[pair]]\na = \"덥\"\n[t]\nx = 1\ny = 2\n");
        merge_into(
            &mut base,
            table("n = 2\nwords = [\"b\"]\n[[pair]]\na = \"비싸\"\n[t]\ny = 3\nz = 4\n"),
            "",
        )
        .unwrap();
        assert_eq!(base["n"].as_integer(), Some(2));
        assert_eq!(base["words"].as_array().unwrap().len(), 2);
        assert_eq!(base["pair"].as_array().unwrap()[1]["a"].as_str(), Some("비싸"));
        assert_eq!(base["t"]["x"].as_integer(), Some(1));
        assert_eq!(base["t"]["y"].as_integer(), Some(3));
        assert_eq!(base["t"]["z"].as_integer(), Some(4));
    }

    #[test]
    fn a_value_of_another_type_is_refused_by_its_key() {
        let mut base = table("[t]\nwords = [\"a\"]\n");
        let err = merge_into(&mut base, table("[t]\nwords = \"b\"\n"), "").unwrap_err();
        assert_eq!(err, "`t.words` is array in the built-in rules, not string");
    }

    #[test]
    fn a_directory_names_its_unknown_file_and_its_digest_follows_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lexical_contradictions.toml"), "").unwrap();
        let err = UserRules::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("did you mean `lexical_contradiction.toml`"), "{err}");
        std::fs::remove_file(dir.path().join("lexical_contradictions.toml")).unwrap();
        std::fs::write(dir.path().join("README.md"), "notes").unwrap();
        assert!(UserRules::read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("no rule files"));
        let file = dir.path().join("lexical_contradiction.toml");
        std::fs::write(
            &file,
            "[[pair]]\na = \"비싸\"\nb = \"싸\"\npos = \"adjective\"\nsource = \"me\"\n",
        )
        .unwrap();
        let one = UserRules::read(dir.path()).unwrap().digest().to_owned();
        assert!(one.starts_with("sha256:") && one.len() == 23, "{one}");
        std::fs::write(
            &file,
            "[[pair]]\na = \"비싸\"\nb = \"저렴하\"\npos = \"adjective\"\nsource = \"me\"\n",
        )
        .unwrap();
        assert_ne!(UserRules::read(dir.path()).unwrap().digest(), one);
        std::fs::write(&file, "[[pair]\n").unwrap();
        let err = UserRules::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("lexical_contradiction.toml"), "{err}");
    }
}
