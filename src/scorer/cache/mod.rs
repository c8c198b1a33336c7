//! The score cache: scores of expensive scorers (models, scorer programs,
//! rerank servers) kept on disk by content, so that a rerun scores only what
//! is missing and an interrupted run resumes.
//!
//! A score is keyed by the scorer's identity (exactly its `metadata.json`
//! identity: for a model, every input of its computation, the code's
//! revision included, `model::identity`) and the SHA-256 of the pair's
//! text; it is stored in redb (an embedded, copy-on-write store whose commits
//! are atomic and durable) chunk by chunk as scoring goes, with a checksum of
//! its key and value.
//!
//! Two files, each keeping its own invariants: this one is the store
//! ([`ScoreCache`]: the redb file, its keys and checksums, its errors);
//! `cached.rs` is the scorer that reads and writes it during a run
//! ([`CachedScorer`]), and keeps the invariants of a run's scores (each
//! exactly the f64 the scorer returned, kept only once the run's end-of-run
//! check passes, a damaged one scored again).
//!
//! Invariants kept here:
//! - a stored score carries a checksum of its key and its bits: a lookup
//!   reports a score that fails it as damaged, never as a score (what a run
//!   does with it: `cached.rs`);
//! - a damaged cache file is an error naming it and the way out, never a
//!   panic (redb asserts on some damage: every use of the store runs under
//!   [`guarded`]); a file that is not a cache this rsbench wrote is refused
//!   and never written;
//! - `cache info` reads without writing a byte ([`ScoreCache::open_read_only`]),
//!   and nothing but `eval` creates a cache.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use sha2::{Digest, Sha256};

use super::{Pair, ScorerIdentity};

mod cached;

pub use cached::CachedScorer;
use cached::Journal;

/// Key: scorer digest (16 bytes) ++ pair digest (16 bytes); value: the score
/// and its checksum ([`checksum`]).
const SCORES: TableDefinition<&[u8], (f64, u64)> = TableDefinition::new("scores");
/// Scorer digest → (identity JSON, last use as Unix seconds).
const SCORERS: TableDefinition<&[u8], (&str, u64)> = TableDefinition::new("scorers");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const FORMAT: &str = "rsbench score cache 2";
/// The cache file in the cache directory.
pub const FILE: &str = "scores-2.redb";
/// The file of format 1 (no checksums, keyed by the crate version): this
/// rsbench neither reads nor removes it; `cache info` points it out.
const FORMAT_1_FILE: &str = "scores.redb";
/// Pairs per commit (and per group for scorers without a plan).
pub const CHUNK: usize = 256;

/// How out of a damaged cache, after its path.
const WAY_OUT: &str = "score without it with --no-cache, or delete the file (the next run starts a new cache)";

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: is not a score cache this rsbench can read ({reason}); move it away or pass --no-cache", .path.display())]
    Foreign { path: PathBuf, reason: String },
    #[error("{}: is in use by another rsbench process", .path.display())]
    Busy { path: PathBuf },
    #[error("{}: no score cache there (nothing has been cached in {} yet)", .path.display(), .path.parent().unwrap_or(Path::new("")).display())]
    Absent { path: PathBuf },
    #[error("{}: the score cache is damaged ({message}); {WAY_OUT}", .path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("{}: {message}", .path.display())]
    Store { path: PathBuf, message: String },
}

/// RSBENCH_NO_CACHE=1 is `--no-cache` for a whole environment (the tests set
/// it); an explicit cache directory wins over it (`eval --cache`, Python's `cache=`).
pub fn off_by_env() -> bool {
    std::env::var_os("RSBENCH_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// `$XDG_CACHE_HOME/rsbench`, else `~/.cache/rsbench`.
pub fn default_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => Some(PathBuf::from(x).join("rsbench")),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/rsbench")),
    }
}

std::thread_local! {
    /// Set while this thread runs [`guarded`] code: its panics are errors, not messages.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (which uses the store) so that a panic inside it (redb asserts on
/// some kinds of damage) becomes [`CacheError::Corrupt`] naming `path`, with
/// no panic message printed.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, CacheError>) -> Result<T, CacheError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the storage library failed".into());
        Err(CacheError::Corrupt {
            path: path.to_path_buf(),
            message: format!(
                "the storage library stopped: {}",
                message.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        })
    })
}

/// A read-only view of a cache file for redb: reads come from the file,
/// writes (redb marks a file it opens, and repairs one a killed run left) stay
/// in memory and are dropped with it. A shared lock keeps writers out while it
/// is open (redb's own lock is exclusive).
#[derive(Debug)]
struct ReadOnlyFile {
    file: std::fs::File,
    state: Mutex<Overlay>,
}

/// What redb wrote to a [`ReadOnlyFile`], kept in memory.
#[derive(Debug)]
struct Overlay {
    /// The length as redb sees it.
    len: u64,
    /// Its writes (offset, bytes), in order.
    writes: Vec<(u64, Vec<u8>)>,
}

impl redb::StorageBackend for ReadOnlyFile {
    fn len(&self) -> Result<u64, std::io::Error> {
        Ok(self.state.lock().unwrap_or_else(|p| p.into_inner()).len)
    }

    fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, std::io::Error> {
        use std::os::unix::fs::FileExt;
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let end = offset
            .checked_add(len as u64)
            .filter(|&e| e <= state.len)
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "read past the end of the cache file")
            })?;
        let mut buffer = vec![0; len];
        // What the file has of the range (past its end: zeros, as redb extends files).
        let on_disk = self.file.metadata()?.len();
        if offset < on_disk {
            let n = (on_disk.min(end) - offset) as usize;
            self.file.read_exact_at(&mut buffer[..n], offset)?;
        }
        for (at, data) in &state.writes {
            let (w_start, w_end) = (*at, at + data.len() as u64);
            let (lo, hi) = (w_start.max(offset), w_end.min(end));
            if lo < hi {
                buffer[(lo - offset) as usize..(hi - offset) as usize]
                    .copy_from_slice(&data[(lo - w_start) as usize..(hi - w_start) as usize]);
            }
        }
        Ok(buffer)
    }

    fn set_len(&self, len: u64) -> Result<(), std::io::Error> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.len = len;
        Ok(())
    }

    fn sync_data(&self, _eventual: bool) -> Result<(), std::io::Error> {
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), std::io::Error> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.len = state.len.max(offset + data.len() as u64);
        state.writes.push((offset, data.to_vec()));
        Ok(())
    }
}

/// An open score cache file (see the module's invariants).
pub struct ScoreCache {
    path: PathBuf,
    /// Always `Some` until dropped (taken there, so that a panic while closing
    /// a damaged file is caught too).
    db: Option<Database>,
}

/// What `rsbench cache info` shows of one scorer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScorerEntry {
    pub identity: serde_json::Value,
    pub last_used_unix: u64,
    pub scores: u64,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn digest16(bytes: &[u8]) -> [u8; 16] {
    let d = Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// The cache key of a scorer: its identity, serialised (for a model the
/// identity names the code that computes, `model::identity::SCORING_REVISION`).
pub fn scorer_digest(identity: &ScorerIdentity) -> [u8; 16] {
    let text = serde_json::json!({ "cache": FORMAT, "identity": identity }).to_string();
    digest16(text.as_bytes())
}

fn pair_digest(pair: &Pair<'_>) -> [u8; 16] {
    digest16(
        serde_json::to_string(&(pair.context, pair.response))
            .unwrap_or_default()
            .as_bytes(),
    )
}

/// The checksum stored beside a score: the first 8 bytes of the SHA-256 of
/// its key and its bits, so a score changed in place, or moved to another
/// key, fails it.
fn checksum(key: &[u8], score: f64) -> u64 {
    let mut h = Sha256::new();
    h.update(key);
    h.update(score.to_bits().to_le_bytes());
    let d = h.finalize();
    u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// A stored score as a lookup finds it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stored {
    Missing,
    Score(f64),
    /// Its checksum fails.
    Corrupt,
}

/// How a cache is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Created when absent (eval).
    Create,
    /// Must exist; written (prune).
    Existing,
    /// Must exist; nothing written (info).
    ReadOnly,
}

fn db_error(path: &Path, e: redb::DatabaseError) -> CacheError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => CacheError::Busy {
            path: path.to_path_buf(),
        },
        redb::DatabaseError::Storage(redb::StorageError::Io(source))
            if source.kind() != std::io::ErrorKind::InvalidData
                && source.kind() != std::io::ErrorKind::UnexpectedEof =>
        {
            CacheError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(message)) => CacheError::Corrupt {
            path: path.to_path_buf(),
            message,
        },
        e => CacheError::Foreign {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
    }
}

/// redb's errors as ours, naming the cache: its reports of damage as
/// [`CacheError::Corrupt`] (with the way out), the rest as [`CacheError::Store`].
trait At<T> {
    fn at(self, path: &Path) -> Result<T, CacheError>;
}

impl<T, E: std::fmt::Display> At<T> for Result<T, E> {
    fn at(self, path: &Path) -> Result<T, CacheError> {
        self.map_err(|e| {
            let message = e.to_string();
            if message.to_lowercase().contains("corrupt") {
                CacheError::Corrupt {
                    path: path.to_path_buf(),
                    message,
                }
            } else {
                CacheError::Store {
                    path: path.to_path_buf(),
                    message,
                }
            }
        })
    }
}

impl ScoreCache {
    /// Opens the cache in `dir`, creating it (and `dir`) if needed.
    pub fn open(dir: &Path) -> Result<ScoreCache, CacheError> {
        ScoreCache::open_as(dir, Access::Create)
    }

    /// Opens the cache in `dir` for writing; [`CacheError::Absent`] when there is none.
    pub fn open_existing(dir: &Path) -> Result<ScoreCache, CacheError> {
        ScoreCache::open_as(dir, Access::Existing)
    }

    /// Opens the cache in `dir` without writing anything (a read-only
    /// directory or file is fine); [`CacheError::Absent`] when there is none.
    pub fn open_read_only(dir: &Path) -> Result<ScoreCache, CacheError> {
        ScoreCache::open_as(dir, Access::ReadOnly)
    }

    fn open_as(dir: &Path, access: Access) -> Result<ScoreCache, CacheError> {
        let path = dir.join(FILE);
        let foreign = |reason: String| CacheError::Foreign {
            path: path.clone(),
            reason,
        };
        // What is there: nothing, a regular file, or something never to be opened.
        let existed = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => true,
            Ok(m) if m.is_dir() => return Err(foreign("it is a directory".into())),
            Ok(_) => return Err(foreign("it is not a regular file".into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::fs::symlink_metadata(&path).is_ok() {
                    return Err(foreign("it is a symbolic link to nothing".into()));
                }
                false
            }
            Err(source) => return Err(CacheError::Io { path, source }),
        };
        if !existed && access != Access::Create {
            return Err(CacheError::Absent { path });
        }
        if access == Access::Create {
            std::fs::create_dir_all(dir).map_err(|source| CacheError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let db = guarded(&path, || match access {
            Access::ReadOnly => {
                let file = std::fs::File::open(&path).map_err(|source| CacheError::Io {
                    path: path.clone(),
                    source,
                })?;
                match file.try_lock_shared() {
                    Ok(()) => {}
                    Err(std::fs::TryLockError::WouldBlock) => return Err(CacheError::Busy { path: path.clone() }),
                    Err(std::fs::TryLockError::Error(source)) => {
                        return Err(CacheError::Io {
                            path: path.clone(),
                            source,
                        })
                    }
                }
                let len = file.metadata().map_err(|source| CacheError::Io {
                    path: path.clone(),
                    source,
                })?;
                let backend = ReadOnlyFile {
                    file,
                    state: Mutex::new(Overlay {
                        len: len.len(),
                        writes: Vec::new(),
                    }),
                };
                Database::builder()
                    .create_with_backend(backend)
                    .map_err(|e| db_error(&path, e))
            }
            Access::Existing => Database::open(&path).map_err(|e| db_error(&path, e)),
            Access::Create => Database::create(&path).map_err(|e| db_error(&path, e)),
        })?;
        let cache = ScoreCache { path, db: Some(db) };
        let format = cache.run(|db, p| {
            let r = db.begin_read().at(p)?;
            match r.open_table(META) {
                Ok(t) => Ok(t.get("format").at(p)?.map(|v| v.value().to_owned())),
                Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
                Err(e) => Err(e).at(p),
            }
        })?;
        match format {
            Some(f) if f == FORMAT => {}
            Some(f) => {
                return Err(CacheError::Foreign {
                    path: cache.path.clone(),
                    reason: format!("its format is `{f}`, this rsbench writes `{FORMAT}`"),
                })
            }
            None if existed || access != Access::Create => {
                return Err(CacheError::Foreign {
                    path: cache.path.clone(),
                    reason: "it has no rsbench format record".into(),
                })
            }
            None => cache.run(|db, p| {
                let w = db.begin_write().at(p)?;
                {
                    let mut t = w.open_table(META).at(p)?;
                    t.insert("format", FORMAT).at(p)?;
                    w.open_table(SCORES).at(p)?;
                    w.open_table(SCORERS).at(p)?;
                }
                w.commit().at(p)
            })?,
        }
        Ok(cache)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A format-1 cache file beside this one (an older rsbench's), with its size.
    pub fn format_1_file(&self) -> Option<(PathBuf, u64)> {
        let old = self.path.with_file_name(FORMAT_1_FILE);
        let m = std::fs::symlink_metadata(&old)
            .ok()
            .filter(std::fs::Metadata::is_file)?;
        Some((old, m.len()))
    }

    /// Runs `f` on the store (and the cache's path, for [`At::at`]), [`guarded`].
    fn run<T>(&self, f: impl FnOnce(&Database, &Path) -> Result<T, CacheError>) -> Result<T, CacheError> {
        guarded(&self.path, || match &self.db {
            Some(db) => f(db, &self.path),
            None => Err(CacheError::Store {
                path: self.path.clone(),
                message: "closed".into(),
            }),
        })
    }

    /// Stored scores of `keys` under `scorer`.
    fn lookup(&self, scorer: &[u8; 16], keys: &[[u8; 16]]) -> Result<Vec<Stored>, CacheError> {
        self.run(|db, p| {
            let r = db.begin_read().at(p)?;
            let t = r.open_table(SCORES).at(p)?;
            let mut key = [0u8; 32];
            key[..16].copy_from_slice(scorer);
            keys.iter()
                .map(|k| {
                    key[16..].copy_from_slice(k);
                    Ok(match t.get(&key[..]).at(p)? {
                        None => Stored::Missing,
                        Some(v) => {
                            let (score, sum) = v.value();
                            if sum == checksum(&key, score) {
                                Stored::Score(score)
                            } else {
                                Stored::Corrupt
                            }
                        }
                    })
                })
                .collect()
        })
    }

    /// Stores a chunk's scores in one commit, noting in `journal` what they
    /// replaced (once committed).
    fn store(
        &self,
        scorer: &[u8; 16],
        identity: &str,
        keys: &[[u8; 16]],
        scores: &[f64],
        journal: &mut Journal,
    ) -> Result<(), CacheError> {
        let (replaced, row) = self.run(|db, p| {
            let w = db.begin_write().at(p)?;
            let mut replaced = Vec::with_capacity(keys.len());
            let row;
            {
                let mut t = w.open_table(SCORES).at(p)?;
                let mut key = [0u8; 32];
                key[..16].copy_from_slice(scorer);
                for (k, &s) in keys.iter().zip(scores) {
                    key[16..].copy_from_slice(k);
                    let before = t.insert(&key[..], (s, checksum(&key, s))).at(p)?.map(|v| v.value());
                    replaced.push((*k, before));
                }
                let mut s = w.open_table(SCORERS).at(p)?;
                row = s.insert(&scorer[..], (identity, now())).at(p)?.map(|v| {
                    let (identity, last) = v.value();
                    (identity.to_owned(), last)
                });
            }
            w.commit().at(p)?;
            Ok((replaced, row))
        })?;
        // The first value a run replaced is what was there before it.
        for (k, before) in replaced {
            journal.scores.entry(k).or_insert(before);
        }
        journal.scorer.get_or_insert(row);
        Ok(())
    }

    /// Puts back what `journal` says a run's stores replaced under `scorer`,
    /// in one commit: a score it added is removed, one it overwrote (a damaged
    /// one scored again) is restored bit for bit, and the scorer's row is as
    /// before (gone if the run added it and no score of the scorer is left).
    fn restore(&self, scorer: &[u8; 16], journal: &Journal) -> Result<(), CacheError> {
        self.run(|db, p| {
            let w = db.begin_write().at(p)?;
            {
                let mut t = w.open_table(SCORES).at(p)?;
                let mut key = [0u8; 32];
                key[..16].copy_from_slice(scorer);
                for (k, before) in &journal.scores {
                    key[16..].copy_from_slice(k);
                    match before {
                        Some(value) => {
                            t.insert(&key[..], *value).at(p)?;
                        }
                        None => {
                            t.remove(&key[..]).at(p)?;
                        }
                    }
                }
                let mut s = w.open_table(SCORERS).at(p)?;
                match &journal.scorer {
                    Some(Some((identity, last))) => {
                        s.insert(&scorer[..], (identity.as_str(), *last)).at(p)?;
                    }
                    Some(None) => {
                        let mut end = scorer.to_vec();
                        end.extend([0xff; 16]);
                        if t.range(&scorer[..]..=&end[..]).at(p)?.next().is_none() {
                            s.remove(&scorer[..]).at(p)?;
                        }
                    }
                    None => {}
                }
            }
            w.commit().at(p)
        })
    }

    /// Every scorer with scores in the cache, most recently used first.
    pub fn scorers(&self) -> Result<Vec<ScorerEntry>, CacheError> {
        let mut out = self.run(|db, p| {
            let r = db.begin_read().at(p)?;
            let s = r.open_table(SCORERS).at(p)?;
            let t = r.open_table(SCORES).at(p)?;
            let mut out = Vec::new();
            for item in s.iter().at(p)? {
                let (k, v) = item.at(p)?;
                let prefix = k.value().to_vec();
                let (identity, last) = v.value();
                let mut end = prefix.clone();
                end.extend([0xff; 16]);
                let scores = t.range(&prefix[..]..=&end[..]).at(p)?.count() as u64;
                out.push(ScorerEntry {
                    identity: serde_json::from_str(identity).unwrap_or(serde_json::Value::Null),
                    last_used_unix: last,
                    scores,
                });
            }
            Ok(out)
        })?;
        out.sort_by_key(|s| std::cmp::Reverse(s.last_used_unix));
        Ok(out)
    }

    /// Total scores stored.
    pub fn len(&self) -> Result<u64, CacheError> {
        self.run(|db, p| {
            let r = db.begin_read().at(p)?;
            let t = r.open_table(SCORES).at(p)?;
            t.len().at(p)
        })
    }

    pub fn is_empty(&self) -> Result<bool, CacheError> {
        Ok(self.len()? == 0)
    }

    /// Removes the scores of scorers last used before `before_unix`; returns
    /// (scorers, scores) removed.
    pub fn prune(&self, before_unix: u64) -> Result<(usize, u64), CacheError> {
        self.run(|db, p| {
            let w = db.begin_write().at(p)?;
            let mut removed = (0usize, 0u64);
            {
                let mut s = w.open_table(SCORERS).at(p)?;
                let mut old: Vec<Vec<u8>> = Vec::new();
                for item in s.iter().at(p)? {
                    let (k, v) = item.at(p)?;
                    if v.value().1 < before_unix {
                        old.push(k.value().to_vec());
                    }
                }
                let mut t = w.open_table(SCORES).at(p)?;
                let progress = crate::progress::bar(old.len() as u64, "pruning the score cache", "scorers");
                for prefix in &old {
                    progress.inc(1);
                    let before = t.len().at(p)?;
                    let mut end = prefix.clone();
                    end.extend([0xff; 16]);
                    t.retain_in(&prefix[..]..=&end[..], |_, _| false).at(p)?;
                    removed.1 += before - t.len().at(p)?;
                    s.remove(&prefix[..]).at(p)?;
                    removed.0 += 1;
                }
                progress.finish_and_clear();
            }
            w.commit().at(p)?;
            Ok(removed)
        })
    }

    /// Overwrites the first stored score with `value`, keeping its checksum
    /// (what damage on disk does); for tests of the checksum.
    #[doc(hidden)]
    pub fn damage_first_score(&self, value: f64) -> Result<bool, CacheError> {
        self.run(|db, p| {
            let w = db.begin_write().at(p)?;
            let found = {
                let mut t = w.open_table(SCORES).at(p)?;
                let first = t
                    .iter()
                    .at(p)?
                    .next()
                    .transpose()
                    .at(p)?
                    .map(|(k, v)| (k.value().to_vec(), v.value().1));
                match first {
                    Some((k, sum)) => {
                        t.insert(&k[..], (value, sum)).at(p)?;
                        true
                    }
                    None => false,
                }
            };
            w.commit().at(p)?;
            Ok(found)
        })
    }
}

impl Drop for ScoreCache {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            // redb writes its header when it closes a file; on a damaged one that may panic.
            let _ = guarded(&self.path, move || {
                drop(db);
                Ok(())
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::scorer::{ScoreError, Scorer};

    /// A scorer that scores a pair by its response's length and counts what it scored
    /// (the tests of `cached.rs` use it too).
    pub(super) struct Lengths(pub(super) AtomicUsize);

    impl Scorer for Lengths {
        fn identity(&self) -> ScorerIdentity {
            ScorerIdentity {
                kind: "lengths".into(),
                params: Default::default(),
            }
        }
        fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
            self.0.fetch_add(pairs.len(), Ordering::Relaxed);
            Ok(pairs.iter().map(|p| p.response.len() as f64).collect())
        }
    }

    pub(super) fn pairs<'a>(context: &'a [String], responses: &'a [String]) -> Vec<Pair<'a>> {
        responses.iter().map(|r| Pair { context, response: r }).collect()
    }

    #[test]
    fn a_read_only_open_writes_nothing_and_sees_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let context = vec!["a".to_string()];
        let responses = vec!["b".to_string(), "cc".to_string()];
        let cached = CachedScorer::new(
            Box::new(Lengths(AtomicUsize::new(0))),
            ScoreCache::open(dir.path()).unwrap(),
        );
        cached.score(&pairs(&context, &responses)).unwrap();
        cached.finish().unwrap();
        drop(cached);
        let file = dir.path().join(FILE);
        let before = std::fs::read(&file).unwrap();
        let c = ScoreCache::open_read_only(dir.path()).unwrap();
        assert_eq!(c.len().unwrap(), 2);
        assert_eq!(c.scorers().unwrap()[0].identity["kind"], "lengths");
        drop(c);
        assert!(std::fs::read(&file).unwrap() == before, "the file is unchanged");
        let none = tempfile::tempdir().unwrap();
        assert!(matches!(
            ScoreCache::open_read_only(&none.path().join("new")),
            Err(CacheError::Absent { .. })
        ));
        assert!(!none.path().join("new").exists(), "nothing was created");
    }

    #[test]
    fn the_checksum_covers_the_key_and_the_bits() {
        let a = checksum(&[1; 32], 0.5);
        assert_ne!(a, checksum(&[2; 32], 0.5));
        assert_ne!(a, checksum(&[1; 32], 0.5000000000000001));
        assert_eq!(a, checksum(&[1; 32], 0.5));
    }
}
