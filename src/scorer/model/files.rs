//! Reading a model directory's small files (configurations, tokenizers,
//! vocabularies, the sidecar), bounded, and remembering what was read.
//!
//! Invariants: a file that is absent is absent (`None`); a file that exists
//! in any form but cannot be read as a regular file (a dangling symbolic
//! link, a directory, a device such as `/dev/zero`, a FIFO, one without read
//! permission) is an error naming it, never taken for absent; no read goes
//! past a file's cap (the error names the file and the cap). Every file read
//! through a [`ModelFiles`] is recorded with the SHA-256 of exactly the bytes
//! read, so a model's identity (its score-cache key and `metadata.json`)
//! covers every byte that decided its scores besides the weights.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use super::ModelError;

/// Cap of a JSON or TOML configuration (config.json, tokenizer_config.json,
/// the sidecar, a shard index): real ones are a few KiB.
pub const CONFIG_CAP: u64 = 64 << 20;
/// Cap of a tokenizer file (tokenizer.json, vocab.txt): the largest real
/// ones (multilingual vocabularies of 250k+ tokens) are tens of MiB.
pub const TOKENIZER_CAP: u64 = 1 << 30;

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

/// What `path` is when it is not a regular file, in words; `None` when it is one.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// Checks that `path` is a regular file of at most `cap` bytes; `Ok(None)` when
/// nothing is there, `Ok(Some(len))` when it is fine.
pub fn check(path: &Path, cap: u64) -> Result<Option<u64>, ModelError> {
    let invalid = |message: String| ModelError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Absent, or a symbolic link to nothing (which is not absence).
            return match std::fs::symlink_metadata(path) {
                Ok(_) => {
                    let target = std::fs::read_link(path)
                        .map(|t| t.display().to_string())
                        .unwrap_or_else(|_| "?".into());
                    Err(invalid(format!(
                        "a symbolic link to {target}, which does not exist; remove the link or restore its target"
                    )))
                }
                Err(_) => Ok(None),
            };
        }
        Err(source) => {
            return Err(ModelError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if let Some(what) = not_regular(&meta) {
        return Err(invalid(format!("is {what}, not a regular file")));
    }
    if meta.len() > cap {
        return Err(invalid(format!(
            "is {} bytes, over the {} this file may have; is it the right file?",
            meta.len(),
            mib(cap)
        )));
    }
    Ok(Some(meta.len()))
}

/// Reads `path` whole when it is a regular file of at most `cap` bytes
/// (`Ok(None)` when absent; see the module's invariants).
pub fn read(path: &Path, cap: u64) -> Result<Option<Vec<u8>>, ModelError> {
    if check(path, cap)?.is_none() {
        return Ok(None);
    }
    let io = |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Bounded even if the file grows after the check.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ModelError::Invalid {
            path: path.to_path_buf(),
            message: format!("grew past the {} this file may have while being read", mib(cap)),
        });
    }
    Ok(Some(bytes))
}

/// As [`read`], as UTF-8 text.
pub fn read_text(path: &Path, cap: u64) -> Result<Option<String>, ModelError> {
    read(path, cap)?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| ModelError::Invalid {
                path: path.to_path_buf(),
                message: "is not UTF-8 text".into(),
            })
        })
        .transpose()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The small files of one model directory, read through [`read`], with the
/// SHA-256 of each file read (by its name relative to the directory).
pub struct ModelFiles {
    dir: PathBuf,
    read: Mutex<BTreeMap<String, String>>,
}

impl ModelFiles {
    pub fn new(dir: &Path) -> ModelFiles {
        ModelFiles {
            dir: dir.to_path_buf(),
            read: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn record(&self, name: &str, bytes: &[u8]) {
        let digest = hex(&Sha256::digest(bytes));
        self.read
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), digest);
    }

    /// `name`'s bytes (`None` when absent), recorded.
    pub fn read(&self, name: &str, cap: u64) -> Result<Option<Vec<u8>>, ModelError> {
        let bytes = read(&self.path(name), cap)?;
        if let Some(b) = &bytes {
            self.record(name, b);
        }
        Ok(bytes)
    }

    /// `name` as UTF-8 text (`None` when absent), recorded.
    pub fn read_text(&self, name: &str, cap: u64) -> Result<Option<String>, ModelError> {
        let text = read_text(&self.path(name), cap)?;
        if let Some(t) = &text {
            self.record(name, t.as_bytes());
        }
        Ok(text)
    }

    /// `name` parsed as JSON (`None` when absent), recorded.
    pub fn read_json(&self, name: &str) -> Result<Option<serde_json::Value>, ModelError> {
        self.read_text(name, CONFIG_CAP)?
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| ModelError::Invalid {
                    path: self.path(name),
                    message: e.to_string(),
                })
            })
            .transpose()
    }

    /// SHA-256 of every file read so far, by name.
    pub fn digests(&self) -> BTreeMap<String, String> {
        self.read.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_is_none_and_everything_unreadable_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(read(&d.join("none.json"), CONFIG_CAP).unwrap().is_none());
        std::os::unix::fs::symlink(d.join("gone"), d.join("dangling.json")).unwrap();
        std::fs::create_dir(d.join("dir.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("zero.json")).unwrap();
        for (name, says) in [
            ("dangling.json", "does not exist"),
            ("dir.json", "a directory"),
            ("zero.json", "a device"),
        ] {
            let err = read(&d.join(name), CONFIG_CAP).unwrap_err().to_string();
            assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        }
    }

    #[test]
    fn a_file_over_its_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.json");
        std::fs::write(&f, vec![b' '; 3 << 20]).unwrap();
        let err = read(&f, 2 << 20).unwrap_err().to_string();
        assert!(err.contains("big.json") && err.contains("2 MiB"), "{err}");
        assert_eq!(read(&f, 3 << 20).unwrap().unwrap().len(), 3 << 20);
    }

    #[test]
    fn the_digest_of_each_file_read_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        let files = ModelFiles::new(dir.path());
        assert_eq!(files.read_json("a.json").unwrap(), Some(serde_json::json!({})));
        assert!(files.read_json("b.json").unwrap().is_none());
        let d = files.digests();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d["a.json"],
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
