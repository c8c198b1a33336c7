//! `rsbench datasets fetch`: download a manifest's files, check each SHA-256,
//! and move each file into place as soon as it is verified.
//!
//! Invariants: a file appears under its name only whole and verified (each is
//! staged by [`crate::output`]); a verified file stays when a later one fails,
//! so fetching again resumes; an existing file is never replaced (one that
//! differs from the manifest is an error that says so); no request waits
//! longer than the timeout for a byte, nor longer than the deadline in all,
//! and no body is read past the file's size in the manifest (else
//! [`DEFAULT_MAX_BYTES`]): an endless or trickled body stops with an error and
//! leaves nothing; a target directory this call created is removed again
//! when it fails with nothing in it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::manifest::{CheckStatus, Manifest};
use super::DataError;
use crate::output::{OutputKind, Pending, Shape, Target};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// Already present with the right checksum; not downloaded again.
    Present,
    Downloaded {
        bytes: u64,
    },
}

/// How `fetch` talks to the server.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Fetch from this base URL instead of the manifest's (mirrors, tests).
    pub base_url: Option<String>,
    /// Longest wait to connect, for the response, or for each read of the body.
    pub timeout: Duration,
    /// Longest time for one file's download, from connecting to its last byte.
    pub deadline: Duration,
    /// Most bytes read for a file whose size the manifest does not give.
    pub max_bytes: u64,
    /// Tries per file (a failed download or checksum is tried again once by default).
    pub attempts: usize,
    /// One line per file on stderr.
    pub progress: bool,
}

/// One file's whole download at most (KorAdvMRS's largest file is 130 kB).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// The size cap of a file whose size the manifest does not give: far above
/// any dataset rsbench knows, far below a full disk.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            base_url: None,
            timeout: Duration::from_secs(30),
            deadline: DEFAULT_DEADLINE,
            max_bytes: DEFAULT_MAX_BYTES,
            attempts: 2,
            progress: false,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Fetches with the default timeouts and retry, quietly.
pub fn fetch(
    manifest: &Manifest,
    to: &Path,
    base_override: Option<&str>,
) -> Result<Vec<(String, FetchOutcome)>, DataError> {
    let options = FetchOptions {
        base_url: base_override.map(str::to_owned),
        ..FetchOptions::default()
    };
    fetch_with(manifest, to, &options)
}

/// The outermost directory of `path` that does not exist yet.
fn first_missing(path: &Path) -> Option<PathBuf> {
    let mut missing = None;
    let mut at = Some(path);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
        if p.exists() {
            break;
        }
        missing = Some(p.to_path_buf());
        at = p.parent();
    }
    missing
}

pub fn fetch_with(
    manifest: &Manifest,
    to: &Path,
    options: &FetchOptions,
) -> Result<Vec<(String, FetchOutcome)>, DataError> {
    let created = first_missing(to);
    let result = fetch_into(manifest, to, options);
    if result.is_err() {
        if let Some(top) = created {
            // Only empty directories go: remove_dir refuses any other.
            let mut at = Some(to);
            while let Some(dir) = at {
                if std::fs::remove_dir(dir).is_err() || dir == top {
                    break;
                }
                at = dir.parent();
            }
        }
    }
    result
}

fn fetch_into(
    manifest: &Manifest,
    to: &Path,
    options: &FetchOptions,
) -> Result<Vec<(String, FetchOutcome)>, DataError> {
    std::fs::create_dir_all(to).map_err(io_err(to))?;
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(options.timeout))
        .timeout_recv_response(Some(options.timeout))
        .timeout_per_read(Some(options.timeout))
        .timeout_global(Some(options.deadline))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let total = manifest.files.len();
    let mut outcomes = Vec::new();
    for (i, (file, check)) in manifest.files.iter().zip(manifest.verify_dir(to)).enumerate() {
        let dest = to.join(&file.name);
        match check.status {
            CheckStatus::Ok => {
                outcomes.push((file.name.clone(), FetchOutcome::Present));
                continue;
            }
            CheckStatus::Mismatch { actual } => {
                return Err(DataError::Foreign {
                    path: dest,
                    expected: file.sha256.clone(),
                    actual,
                })
            }
            CheckStatus::Missing => {}
        }
        let url = manifest
            .url_of(file, options.base_url.as_deref())
            .ok_or_else(|| DataError::Manifest {
                name: manifest.name.clone(),
                reason: format!("no URL for `{}`; pass --base-url", file.name),
            })?;
        let mut tries = 0;
        let bytes = loop {
            tries += 1;
            if options.progress {
                let again = if tries > 1 { ", again" } else { "" };
                eprintln!("fetching {} ({}/{total}{again}) from {url}", file.name, i + 1);
            }
            let limits = Limits {
                max_bytes: file.bytes.unwrap_or(options.max_bytes),
                from_manifest: file.bytes.is_some(),
                deadline: options.deadline,
            };
            match download_verified(&agent, &url, &dest, &file.sha256, &limits) {
                Ok(bytes) => break bytes,
                Err(e) if tries < options.attempts.max(1) && retryable(&e) => {
                    if options.progress {
                        eprintln!("  {e}");
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => return Err(e),
            }
        };
        outcomes.push((file.name.clone(), FetchOutcome::Downloaded { bytes }));
    }
    Ok(outcomes)
}

fn retryable(e: &DataError) -> bool {
    matches!(e, DataError::Download { .. } | DataError::Checksum { .. })
}

/// A downloaded dataset file is never replaced once in place.
fn download_kind() -> OutputKind {
    OutputKind {
        what: "dataset file",
        shape: Shape::File,
        recognise: Box::new(|_| Err("fetch does not replace files".into())),
    }
}

/// How much and how long one file's download may take.
struct Limits {
    max_bytes: u64,
    /// Whether `max_bytes` is the manifest's size of the file.
    from_manifest: bool,
    deadline: Duration,
}

fn download_verified(
    agent: &ureq::Agent,
    url: &str,
    dest: &Path,
    sha256: &str,
    limits: &Limits,
) -> Result<u64, DataError> {
    let pending = Pending::begin(Target::Fixed(dest.to_path_buf()), download_kind(), false)?;
    let (bytes, actual) = download(agent, url, &pending.path(), dest, limits)?;
    if actual != sha256 {
        return Err(DataError::Checksum {
            file: url.to_owned(),
            expected: sha256.to_owned(),
            actual,
        });
    }
    pending.commit()?;
    Ok(bytes)
}

/// Streams `url` into `part`, hashing as it goes, within `limits`; `dest`
/// names the file in errors.
fn download(
    agent: &ureq::Agent,
    url: &str,
    part: &Path,
    dest: &Path,
    limits: &Limits,
) -> Result<(u64, String), DataError> {
    let started = std::time::Instant::now();
    let fail = |reason: String| DataError::Download {
        url: url.to_owned(),
        reason,
    };
    let stopped = |reason: String| DataError::Bounded {
        url: url.to_owned(),
        reason,
    };
    let cap = || {
        if limits.from_manifest {
            format!(
                "the {} bytes the manifest gives for {}",
                limits.max_bytes,
                dest.display()
            )
        } else {
            format!("the {} byte cap of a file of unknown size", limits.max_bytes)
        }
    };
    let late = || {
        stopped(format!(
            "{} was not whole within {} s (the download deadline)",
            dest.display(),
            limits.deadline.as_secs()
        ))
    };
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(ureq::Timeout::Global) => late(),
        e => fail(e.to_string()),
    })?;
    let announced = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = announced.filter(|&n| n > limits.max_bytes) {
        return Err(stopped(format!("the server announces {n} bytes, more than {}", cap())));
    }
    // ureq's reader has no limit of its own: this loop keeps the cap.
    let mut reader = response.body_mut().as_reader();
    let mut out = std::fs::File::create(part).map_err(io_err(dest))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        if started.elapsed() > limits.deadline {
            return Err(late());
        }
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(_) if started.elapsed() >= limits.deadline => return Err(late()),
            Err(e) => return Err(fail(e.to_string())),
        };
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limits.max_bytes {
            return Err(stopped(format!("the body is longer than {}", cap())));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io_err(dest))?;
    }
    Ok((total, super::hex(&hasher.finalize())))
}
