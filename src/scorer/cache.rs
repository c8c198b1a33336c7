//! The score cache: scores of expensive scorers (models, scorer programs,
//! rerank servers) kept on disk by content, so that a rerun scores only what
//! is missing and an interrupted run resumes.
//!
//! A score is keyed by the scorer's identity (its `metadata.json` identity
//! and the rsbench version) and the SHA-256 of the pair's text; it is stored
//! in redb (an embedded, copy-on-write store whose commits are atomic and
//! durable) chunk by chunk as scoring goes.
//!
//! Invariant: a cached score is exactly the f64 the same scorer returned for
//! the same pair: the pairs of a run are cut into the groups the scorer
//! forms when it scores them all at once ([`Scorer::plan`]: a model's padded
//! batches; fixed chunks in the evaluator's order for a scorer whose scores do
//! not depend on the others), each group's missing pairs are scored together
//! and committed every `CHUNK` pairs, so a resumed run scores what an
//! interruption lost in the batches an uninterrupted run used, and its report
//! is byte-identical to a run with or without the cache. A file that is not a cache this rsbench wrote is refused.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use sha2::{Digest, Sha256};

use super::{Pair, ScoreError, Scorer, ScorerIdentity};

/// Key: scorer digest (16 bytes) ++ pair digest (16 bytes).
const SCORES: TableDefinition<&[u8], f64> = TableDefinition::new("scores");
/// Scorer digest → (identity JSON, last use as Unix seconds).
const SCORERS: TableDefinition<&[u8], (&str, u64)> = TableDefinition::new("scorers");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const FORMAT: &str = "rsbench score cache 1";
const FILE: &str = "scores.redb";
/// Pairs per commit (and per group for scorers without a plan).
pub const CHUNK: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: is not a score cache this rsbench can read ({reason}); move it away or pass --no-cache", .path.display())]
    Foreign { path: PathBuf, reason: String },
    #[error("{}: is in use by another rsbench process", .path.display())]
    Busy { path: PathBuf },
    #[error("{}: {message}", .path.display())]
    Store { path: PathBuf, message: String },
}

/// SHA-256 of the files in a model directory that decide its scores besides
/// the weights (tokenizer, configuration, sidecar), by name.
pub fn model_files_digest(dir: &Path) -> Vec<(String, String)> {
    let names = [
        "config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "vocab.txt",
        "vocab.json",
        "merges.txt",
        "sentencepiece.bpe.model",
        "rsbench.toml",
    ];
    names
        .iter()
        .filter_map(|n| {
            let bytes = std::fs::read(dir.join(n)).ok()?;
            let hex: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            Some(((*n).to_owned(), hex))
        })
        .collect()
}

/// `$XDG_CACHE_HOME/rsbench`, else `~/.cache/rsbench`.
pub fn default_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => Some(PathBuf::from(x).join("rsbench")),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/rsbench")),
    }
}

pub struct ScoreCache {
    path: PathBuf,
    db: Database,
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

/// The cache key of a scorer: its identity and the scoring code's version.
pub fn scorer_digest(identity: &ScorerIdentity) -> [u8; 16] {
    let text = serde_json::json!({
        "identity": identity,
        "rsbench": env!("CARGO_PKG_VERSION"),
    })
    .to_string();
    digest16(text.as_bytes())
}

fn pair_digest(pair: &Pair<'_>) -> [u8; 16] {
    digest16(
        serde_json::to_string(&(pair.context, pair.response))
            .unwrap_or_default()
            .as_bytes(),
    )
}

impl ScoreCache {
    /// Opens (creating it if needed) the cache in `dir`.
    pub fn open(dir: &Path) -> Result<ScoreCache, CacheError> {
        std::fs::create_dir_all(dir).map_err(|source| CacheError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE);
        let existed = path.exists();
        let db = match Database::create(&path) {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(CacheError::Busy { path }),
            Err(e) => {
                return Err(CacheError::Foreign {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        let cache = ScoreCache { path, db };
        let store = |e: &dyn std::fmt::Display| CacheError::Store {
            path: cache.path.clone(),
            message: e.to_string(),
        };
        let format: Option<String> = {
            let r = cache.db.begin_read().map_err(|e| store(&e))?;
            match r.open_table(META) {
                Ok(t) => t.get("format").map_err(|e| store(&e))?.map(|v| v.value().to_owned()),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(store(&e)),
            }
        };
        match format {
            Some(f) if f == FORMAT => {}
            Some(f) => {
                return Err(CacheError::Foreign {
                    path: cache.path.clone(),
                    reason: format!("its format is `{f}`, this rsbench writes `{FORMAT}`"),
                })
            }
            None if existed => {
                return Err(CacheError::Foreign {
                    path: cache.path.clone(),
                    reason: "it has no rsbench format record".into(),
                })
            }
            None => {
                let w = cache.db.begin_write().map_err(|e| store(&e))?;
                {
                    let mut t = w.open_table(META).map_err(|e| store(&e))?;
                    t.insert("format", FORMAT).map_err(|e| store(&e))?;
                    w.open_table(SCORES).map_err(|e| store(&e))?;
                    w.open_table(SCORERS).map_err(|e| store(&e))?;
                }
                w.commit().map_err(|e| store(&e))?;
            }
        }
        Ok(cache)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn store_error(&self, e: impl std::fmt::Display) -> CacheError {
        CacheError::Store {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Cached scores of `pairs` under `scorer` (`None` where missing).
    fn lookup(&self, scorer: &[u8; 16], keys: &[[u8; 16]]) -> Result<Vec<Option<f64>>, CacheError> {
        let r = self.db.begin_read().map_err(|e| self.store_error(e))?;
        let t = r.open_table(SCORES).map_err(|e| self.store_error(e))?;
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(scorer);
        keys.iter()
            .map(|k| {
                key[16..].copy_from_slice(k);
                Ok(t.get(&key[..]).map_err(|e| self.store_error(e))?.map(|v| v.value()))
            })
            .collect()
    }

    /// Stores a chunk's scores in one commit.
    fn store(&self, scorer: &[u8; 16], identity: &str, keys: &[[u8; 16]], scores: &[f64]) -> Result<(), CacheError> {
        let w = self.db.begin_write().map_err(|e| self.store_error(e))?;
        {
            let mut t = w.open_table(SCORES).map_err(|e| self.store_error(e))?;
            let mut key = [0u8; 32];
            key[..16].copy_from_slice(scorer);
            for (k, s) in keys.iter().zip(scores) {
                key[16..].copy_from_slice(k);
                t.insert(&key[..], s).map_err(|e| self.store_error(e))?;
            }
            let mut s = w.open_table(SCORERS).map_err(|e| self.store_error(e))?;
            s.insert(&scorer[..], (identity, now()))
                .map_err(|e| self.store_error(e))?;
        }
        w.commit().map_err(|e| self.store_error(e))
    }

    /// Every scorer with scores in the cache, most recently used first.
    pub fn scorers(&self) -> Result<Vec<ScorerEntry>, CacheError> {
        let r = self.db.begin_read().map_err(|e| self.store_error(e))?;
        let s = r.open_table(SCORERS).map_err(|e| self.store_error(e))?;
        let t = r.open_table(SCORES).map_err(|e| self.store_error(e))?;
        let mut out = Vec::new();
        for item in s.iter().map_err(|e| self.store_error(e))? {
            let (k, v) = item.map_err(|e| self.store_error(e))?;
            let prefix = k.value().to_vec();
            let (identity, last) = v.value();
            let mut end = prefix.clone();
            end.extend([0xff; 16]);
            let scores = t
                .range(&prefix[..]..=&end[..])
                .map_err(|e| self.store_error(e))?
                .count() as u64;
            out.push(ScorerEntry {
                identity: serde_json::from_str(identity).unwrap_or(serde_json::Value::Null),
                last_used_unix: last,
                scores,
            });
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.last_used_unix));
        Ok(out)
    }

    /// Total scores stored.
    pub fn len(&self) -> Result<u64, CacheError> {
        let r = self.db.begin_read().map_err(|e| self.store_error(e))?;
        let t = r.open_table(SCORES).map_err(|e| self.store_error(e))?;
        t.len().map_err(|e| self.store_error(e))
    }

    pub fn is_empty(&self) -> Result<bool, CacheError> {
        Ok(self.len()? == 0)
    }

    /// Removes the scores of scorers last used before `before_unix`; returns
    /// (scorers, scores) removed.
    pub fn prune(&self, before_unix: u64) -> Result<(usize, u64), CacheError> {
        let w = self.db.begin_write().map_err(|e| self.store_error(e))?;
        let mut removed = (0usize, 0u64);
        {
            let mut s = w.open_table(SCORERS).map_err(|e| self.store_error(e))?;
            let old: Vec<Vec<u8>> = s
                .iter()
                .map_err(|e| self.store_error(e))?
                .filter_map(Result::ok)
                .filter(|(_, v)| v.value().1 < before_unix)
                .map(|(k, _)| k.value().to_vec())
                .collect();
            let mut t = w.open_table(SCORES).map_err(|e| self.store_error(e))?;
            let progress = crate::progress::bar(old.len() as u64, "pruning the score cache", "scorers");
            for prefix in &old {
                progress.inc(1);
                let before = t.len().map_err(|e| self.store_error(e))?;
                let mut end = prefix.clone();
                end.extend([0xff; 16]);
                t.retain_in(&prefix[..]..=&end[..], |_, _| false)
                    .map_err(|e| self.store_error(e))?;
                removed.1 += before - t.len().map_err(|e| self.store_error(e))?;
                s.remove(&prefix[..]).map_err(|e| self.store_error(e))?;
                removed.0 += 1;
            }
            progress.finish_and_clear();
        }
        w.commit().map_err(|e| self.store_error(e))?;
        Ok(removed)
    }
}

/// A scorer whose scores go through the cache.
pub struct CachedScorer {
    inner: Box<dyn Scorer>,
    cache: ScoreCache,
    scorer: [u8; 16],
    identity: String,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl CachedScorer {
    /// `files` are digests of what the identity does not show but scores
    /// depend on (a model's tokenizer and config files).
    pub fn new(inner: Box<dyn Scorer>, cache: ScoreCache, files: &[(String, String)]) -> CachedScorer {
        let id = inner.identity();
        let mut key = id.clone();
        if !files.is_empty() {
            key.params.insert("cache_files_sha256".into(), serde_json::json!(files));
        }
        CachedScorer {
            scorer: scorer_digest(&key),
            identity: serde_json::to_string(&id).unwrap_or_default(),
            inner,
            cache,
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    fn failed(&self, e: CacheError) -> ScoreError {
        ScoreError::Failed {
            scorer: "score cache".into(),
            reason: e.to_string(),
        }
    }
}

impl Scorer for CachedScorer {
    fn identity(&self) -> ScorerIdentity {
        self.inner.identity()
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let keys: Vec<[u8; 16]> = pairs.iter().map(pair_digest).collect();
        let mut out = self.cache.lookup(&self.scorer, &keys).map_err(|e| self.failed(e))?;
        // The scorer's own groups where its scores depend on them (a model's
        // padded batches), else chunks of CHUNK pairs in order.
        let groups = match self.inner.plan(pairs)? {
            Some(groups) => groups,
            None => (0..pairs.len())
                .step_by(CHUNK)
                .map(|s| (s..(s + CHUNK).min(pairs.len())).collect())
                .collect(),
        };
        let mut pending: (Vec<[u8; 16]>, Vec<f64>) = (Vec::new(), Vec::new());
        let last = groups.len().saturating_sub(1);
        for (g, group) in groups.iter().enumerate() {
            // A group's missing pairs are scored together: after an interruption a
            // group is missing whole and is scored as an uninterrupted run scores it.
            let missing: Vec<usize> = group.iter().copied().filter(|&i| out[i].is_none()).collect();
            self.hits.fetch_add(group.len() - missing.len(), Ordering::Relaxed);
            if !missing.is_empty() {
                let batch: Vec<Pair<'_>> = missing.iter().map(|&i| pairs[i]).collect();
                let scores = super::score_checked(self.inner.as_ref(), &batch)?;
                self.misses.fetch_add(missing.len(), Ordering::Relaxed);
                for (&i, s) in missing.iter().zip(scores) {
                    out[i] = Some(s);
                    pending.0.push(keys[i]);
                    pending.1.push(s);
                }
            }
            // Committed every CHUNK pairs or so, and at the end.
            if !pending.0.is_empty() && (pending.0.len() >= CHUNK || g == last) {
                self.cache
                    .store(&self.scorer, &self.identity, &pending.0, &pending.1)
                    .map_err(|e| self.failed(e))?;
                pending.0.clear();
                pending.1.clear();
            }
        }
        Ok(out.into_iter().map(|s| s.unwrap_or(f64::NAN)).collect())
    }

    fn stats(&self) -> Option<serde_json::Value> {
        let mut v = self.inner.stats().unwrap_or_else(|| serde_json::json!({}));
        if let Some(o) = v.as_object_mut() {
            o.insert(
                "cache".into(),
                serde_json::json!({
                    "path": self.cache.path().display().to_string(),
                    "hits": self.hits.load(Ordering::Relaxed),
                    "misses": self.misses.load(Ordering::Relaxed),
                }),
            );
        }
        Some(v)
    }

    fn exact_twin(&self) -> Option<&dyn Scorer> {
        self.inner.exact_twin()
    }

    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        self.inner.plan(pairs)
    }

    fn finish(&self) -> Result<(), ScoreError> {
        self.inner.finish()
    }
}
