//! `rsbench datasets fetch`: download a manifest's files, check SHA-256, and
//! move them into place only when every file is complete and verified.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::manifest::Manifest;
use super::DataError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// Already present with the right checksum; not downloaded again.
    Present,
    Downloaded {
        bytes: u64,
    },
}

/// Removes the staging directory on every exit path, so a failed fetch leaves
/// nothing behind.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub fn fetch(
    manifest: &Manifest,
    to: &Path,
    base_override: Option<&str>,
) -> Result<Vec<(String, FetchOutcome)>, DataError> {
    std::fs::create_dir_all(to).map_err(io_err(to))?;
    let staging = Staging(to.join(format!(".rsbench-fetch-{}", std::process::id())));
    std::fs::create_dir_all(&staging.0).map_err(io_err(&staging.0))?;

    let present = manifest.verify_dir(to);
    let mut outcomes = Vec::new();
    let mut staged = Vec::new();
    for (file, check) in manifest.files.iter().zip(present) {
        if check.status == super::manifest::CheckStatus::Ok {
            outcomes.push((file.name.clone(), FetchOutcome::Present));
            continue;
        }
        let url = manifest
            .url_of(file, base_override)
            .ok_or_else(|| DataError::Manifest {
                name: manifest.name.clone(),
                reason: format!("no URL for `{}`; pass --base-url", file.name),
            })?;
        let part = staging.0.join(&file.name);
        let (bytes, actual) = download(&url, &part)?;
        if actual != file.sha256 {
            return Err(DataError::Checksum {
                file: url,
                expected: file.sha256.clone(),
                actual,
            });
        }
        outcomes.push((file.name.clone(), FetchOutcome::Downloaded { bytes }));
        staged.push((part, to.join(&file.name)));
    }
    for (part, dest) in staged {
        std::fs::rename(&part, &dest).map_err(io_err(&dest))?;
    }
    Ok(outcomes)
}

fn download(url: &str, dest: &Path) -> Result<(u64, String), DataError> {
    let fail = |reason: String| DataError::Download {
        url: url.to_owned(),
        reason,
    };
    let mut response = ureq::get(url).call().map_err(|e| fail(e.to_string()))?;
    let mut reader = response.body_mut().as_reader();
    let mut out = File::create(dest).map_err(io_err(dest))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf).map_err(|e| fail(e.to_string()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io_err(dest))?;
        total += n as u64;
    }
    out.sync_all().map_err(io_err(dest))?;
    Ok((total, super::hex(&hasher.finalize())))
}
