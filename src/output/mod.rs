//! Where rsbench writes: run, comparison and audit directories, perturbation
//! files, downloaded dataset files, the compiled dictionary.
//!
//! Invariants this module keeps for every output:
//! - **Only what rsbench wrote is ever deleted**: its own staging entries
//!   (`.<name>.rsbench-tmp-<pid>`, and `.<name>.rsbench-old-<pid>` for a
//!   replaced output), stale ones left by rsbench processes that are no longer
//!   running, and, with `--overwrite`, a previous output that its [`OutputKind`]
//!   recognises as one rsbench wrote (every entry in it one rsbench writes).
//! - **Whole or nothing**: an output is built in a staging directory beside its
//!   destination, synced, and moved into place by one rename that never
//!   replaces what another process put there first; a replaced output is moved
//!   aside first and deleted only once the new one is in place, so a failure
//!   leaves the old one.
//! - **Checked before the work**: [`Pending::begin`] refuses a taken, foreign or
//!   unwritable destination before any scoring or generation starts.
//! - The working directory and its ancestors are never a destination.

mod interrupt;
mod rename;
mod stale;

use std::path::{Path, PathBuf};

pub use interrupt::{install_interrupt_cleanup, interrupted, register_group, unregister_group};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: already exists; choose another name or pass --overwrite", .0.display())]
    Exists(PathBuf),
    #[error("{}: not replaced, {reason}: rsbench replaces only a {what} it wrote", path.display())]
    NotOurs {
        path: PathBuf,
        what: &'static str,
        reason: String,
    },
    #[error("{}: is the working directory or one of its parents; name a new directory inside it", .0.display())]
    Encloses(PathBuf),
    #[error("{}: cannot be written: {cause}", path.display())]
    Unwritable { path: PathBuf, cause: std::io::Error },
    #[error("{}: another process created it while this one worked; this result was not kept (choose another name)", .0.display())]
    Raced(PathBuf),
    #[error("{}: {cause}", path.display())]
    Io { path: PathBuf, cause: std::io::Error },
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |cause| OutputError::Io {
        path: path.to_path_buf(),
        cause,
    }
}

/// Whether an output is one file or a directory of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    File,
    Dir,
}

/// Says whether the entry at a path is one a kind of output writes:
/// `Err(reason)` when it is not.
pub type Recognise = Box<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

/// A kind of output: its shape, and how to tell that an existing entry is one
/// rsbench wrote (and so may be replaced with `--overwrite`).
pub struct OutputKind {
    /// Named in messages: "run directory", "perturbation file".
    pub what: &'static str,
    pub shape: Shape,
    /// `Err(reason)` when the entry at the path is not one this kind writes.
    pub recognise: Recognise,
}

impl OutputKind {
    /// A directory whose `marker` file holds a JSON object with `marker_key`,
    /// and whose every entry is named as `owns` accepts.
    pub fn dir_with_marker(
        what: &'static str,
        marker: &'static str,
        marker_key: &'static str,
        owns: fn(&str) -> bool,
    ) -> OutputKind {
        OutputKind {
            what,
            shape: Shape::Dir,
            recognise: Box::new(move |dir| {
                let text = std::fs::read_to_string(dir.join(marker)).map_err(|_| format!("it has no {marker}"))?;
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|_| format!("its {marker} is not rsbench's"))?;
                if value.get(marker_key).is_none() {
                    return Err(format!("its {marker} is not rsbench's"));
                }
                only_entries(dir, owns)
            }),
        }
    }
}

/// `Ok` when every entry of `dir` is a plain file named as `owns` accepts.
pub fn only_entries(dir: &Path, owns: impl Fn(&str) -> bool) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("it cannot be listed ({e})"))?;
    let mut foreign = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("it cannot be listed ({e})"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let plain = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if !plain || !owns(&name) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    let more = if foreign.len() > 5 {
        format!(" and {} more", foreign.len() - 5)
    } else {
        String::new()
    };
    Err(format!(
        "it holds entries rsbench does not write ({}{more})",
        shown.join(", ")
    ))
}

/// Where an output goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// Exactly this path.
    Fixed(PathBuf),
    /// `root/base`, or `root/base-2`, `-3`… when taken: never refused.
    Numbered { root: PathBuf, base: String },
}

/// An output being built: its staging directory exists (and is removed on
/// drop, on SIGINT and on SIGTERM) until [`Pending::commit`] moves it into place.
pub struct Pending {
    target: Target,
    kind: OutputKind,
    overwrite: bool,
    staging: PathBuf,
    /// The name of the payload inside `staging` for a file-shaped output.
    file_name: String,
    committed: bool,
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `path` is the working directory or one of its ancestors.
fn encloses_working_dir(path: &Path) -> bool {
    let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) else {
        return false;
    };
    match path.canonicalize() {
        Ok(abs) => cwd.starts_with(abs),
        // A path that does not exist cannot hold the working directory.
        Err(_) => false,
    }
}

fn staging_name(name: &str) -> String {
    format!(".{name}.{}{}", stale::TMP_TAG, std::process::id())
}

fn aside_name(name: &str) -> String {
    format!(".{name}.{}{}", stale::OLD_TAG, std::process::id())
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn remove_entry(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

impl Pending {
    /// Checks the destination and creates the staging directory beside it.
    pub fn begin(target: Target, kind: OutputKind, overwrite: bool) -> Result<Pending, OutputError> {
        let (parent, name) = match &target {
            Target::Fixed(dest) => {
                if encloses_working_dir(dest) {
                    return Err(OutputError::Encloses(dest.clone()));
                }
                let Some(name) = dest.file_name() else {
                    return Err(OutputError::Encloses(dest.clone()));
                };
                if exists(dest) {
                    if !overwrite {
                        return Err(OutputError::Exists(dest.clone()));
                    }
                    check_ours(dest, &kind)?;
                }
                (parent_of(dest), name.to_string_lossy().into_owned())
            }
            Target::Numbered { root, base } => (root.clone(), base.clone()),
        };
        let unwritable = |cause| {
            let path = match &target {
                Target::Fixed(dest) => dest.clone(),
                Target::Numbered { root, base } => root.join(base),
            };
            OutputError::Unwritable { path, cause }
        };
        std::fs::create_dir_all(&parent).map_err(unwritable)?;
        stale::sweep(&parent);
        let staging = parent.join(staging_name(&name));
        // A leftover of this very process id (an earlier, killed process that
        // had the same id) is ours too.
        let _ = remove_entry(&staging);
        std::fs::create_dir(&staging).map_err(unwritable)?;
        interrupt::register(&staging);
        Ok(Pending {
            target,
            kind,
            overwrite,
            staging,
            file_name: name,
            committed: false,
        })
    }

    /// Where to write: the staging directory, or for a file-shaped output the
    /// file inside it.
    pub fn path(&self) -> PathBuf {
        match self.kind.shape {
            Shape::Dir => self.staging.clone(),
            Shape::File => self.staging.join(&self.file_name),
        }
    }

    /// Where `path` (inside the staging directory) will be once the output is
    /// in place: what a message should name, not the hidden staging path. A
    /// numbered target is named by its base (`reports/run`, before `-2`…).
    pub fn public_path(&self, path: &Path) -> PathBuf {
        let dest = match &self.target {
            Target::Fixed(dest) => dest.clone(),
            Target::Numbered { root, base } => root.join(base),
        };
        let inner = match self.kind.shape {
            Shape::Dir => path.strip_prefix(&self.staging).ok(),
            Shape::File => path.strip_prefix(self.staging.join(&self.file_name)).ok(),
        };
        match inner {
            Some(rest) if rest.as_os_str().is_empty() => dest,
            Some(rest) => dest.join(rest),
            None if path == self.staging => dest,
            None => path.to_path_buf(),
        }
    }

    /// Syncs what was written and moves it into place; returns where it went.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        if let Err(e) = sync_tree(&self.staging) {
            return Err(match e {
                OutputError::Io { path, cause } => OutputError::Io {
                    path: self.public_path(&path),
                    cause,
                },
                other => other,
            });
        }
        let payload = self.path();
        let dest = match self.target.clone() {
            Target::Fixed(dest) => {
                self.place(&payload, &dest)?;
                dest
            }
            Target::Numbered { root, base } => {
                let mut n = 1;
                loop {
                    let name = if n == 1 { base.clone() } else { format!("{base}-{n}") };
                    let candidate = root.join(name);
                    n += 1;
                    if exists(&candidate) {
                        continue;
                    }
                    match rename::no_replace(&payload, &candidate) {
                        Ok(()) => break candidate,
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                        Err(e) => return Err(io_at(&candidate)(e)),
                    }
                }
            }
        };
        sync_dir(&parent_of(&dest))?;
        if self.kind.shape == Shape::File {
            let _ = std::fs::remove_dir(&self.staging);
        }
        self.committed = true;
        interrupt::unregister(&self.staging);
        Ok(dest)
    }

    fn place(&self, payload: &Path, dest: &Path) -> Result<(), OutputError> {
        let mut aside = None;
        if exists(dest) {
            if !self.overwrite {
                return Err(OutputError::Raced(dest.to_path_buf()));
            }
            // Checked again: the entry may have changed while this run worked.
            check_ours(dest, &self.kind)?;
            let name = dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let moved = parent_of(dest).join(aside_name(&name));
            match std::fs::rename(dest, &moved) {
                Ok(()) => aside = Some(moved),
                // Another run replacing the same output moved it first.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_at(dest)(e)),
            }
        }
        match rename::no_replace(payload, dest) {
            Ok(()) => {
                if let Some(old) = aside {
                    if let Err(e) = remove_entry(&old) {
                        eprintln!(
                            "warning: {}: the replaced output could not be removed: {e}",
                            old.display()
                        );
                    }
                }
                Ok(())
            }
            Err(e) => {
                let raced = e.kind() == std::io::ErrorKind::AlreadyExists;
                if let Some(old) = aside {
                    // Put the old output back where it was, unless something took its place.
                    if rename::no_replace(&old, dest).is_err() {
                        let _ = remove_entry(&old);
                    }
                }
                Err(if raced {
                    OutputError::Raced(dest.to_path_buf())
                } else {
                    io_at(dest)(e)
                })
            }
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_entry(&self.staging);
            interrupt::unregister(&self.staging);
        }
    }
}

fn check_ours(dest: &Path, kind: &OutputKind) -> Result<(), OutputError> {
    let meta = std::fs::symlink_metadata(dest).map_err(io_at(dest))?;
    let shape_ok = match kind.shape {
        Shape::Dir => meta.is_dir(),
        Shape::File => meta.is_file(),
    };
    let not_ours = |reason: String| OutputError::NotOurs {
        path: dest.to_path_buf(),
        what: kind.what,
        reason,
    };
    if !shape_ok {
        let is = if meta.is_dir() {
            "it is a directory"
        } else if meta.file_type().is_symlink() {
            "it is a symbolic link"
        } else if meta.is_file() {
            "it is a file"
        } else {
            "it is not a regular file or directory"
        };
        return Err(not_ours(is.to_owned()));
    }
    (kind.recognise)(dest).map_err(not_ours)
}

/// Flushes every file under `dir`, then `dir` itself, to the disk.
fn sync_tree(dir: &Path) -> Result<(), OutputError> {
    for entry in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let path = entry.map_err(io_at(dir))?.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            std::fs::File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(io_at(&path))?;
        }
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io_at(dir))
}

/// Writes a small file (`--json` outputs) whole or not at all; an existing file
/// is replaced only when `kind` recognises it.
pub fn write_file(path: &Path, kind: OutputKind, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let overwrite = true;
    let pending = Pending::begin(Target::Fixed(path.to_path_buf()), kind, overwrite)?;
    let p = pending.path();
    std::fs::write(&p, bytes).map_err(io_at(path))?;
    pending.commit()
}

#[cfg(test)]
mod tests;
