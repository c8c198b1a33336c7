//! The scorer that reads and writes the score cache during a run
//! ([`CachedScorer`]), with the journal of what the run stored ([`Journal`]);
//! the store itself is `mod.rs`'s.
//!
//! Invariants kept here:
//! - a cached score is exactly the f64 the same scorer returned for the same
//!   pair: the pairs of a run are cut into the groups the scorer forms when it
//!   scores them all at once ([`Scorer::plan`]: a model's padded batches;
//!   fixed chunks in the evaluator's order for a scorer whose scores do not
//!   depend on the others), each group's missing pairs are scored together
//!   and committed every `CHUNK` pairs, so a resumed run scores what an
//!   interruption lost in the batches an uninterrupted run used, and its
//!   report is byte-identical to a run with or without the cache;
//! - a run keeps what it stored only once its scorer passes its end-of-run
//!   check ([`Scorer::finish`]): a run that fails (a scoring error, the
//!   check, an error before it) takes its scores out again and puts back what
//!   they replaced ([`CachedScorer`]), so a program whose answers turned out
//!   shifted leaves none behind; a killed run keeps its commits, to resume;
//! - a stored score whose checksum fails is never used: its whole group is
//!   scored again (as an uninterrupted run scores it), stored again, and the
//!   run warns and counts it (`timing.json`'s `scorer.cache.corrupt`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{pair_digest, scorer_digest, CacheError, ScoreCache, Stored, CHUNK};
use crate::scorer::{Pair, ScoreError, Scorer, ScorerIdentity};

/// What a run's stores replaced in the cache, so that a failed run can put it
/// back ([`ScoreCache::restore`]).
#[derive(Debug, Default)]
pub(super) struct Journal {
    /// Per pair digest, the stored value (score, checksum) before the run
    /// first wrote it; `None`: there was none.
    pub(super) scores: HashMap<[u8; 16], Option<(f64, u64)>>,
    /// The scorer's row (identity, last use) before the run first wrote it:
    /// `None` until then, `Some(None)` when there was none.
    pub(super) scorer: Option<Option<(String, u64)>>,
}

/// A scorer whose scores go through the cache.
///
/// What a run stores is kept only if the run's scorer passes its end-of-run
/// check ([`Scorer::finish`]): a scoring error, a failed check, or a run that
/// ends without reaching the check (an error elsewhere, the scorer dropped
/// unfinished) takes this run's scores out again and puts back what they
/// replaced, so a program whose answers turned out shifted leaves none of
/// them behind; scores of other runs stay as they were. A run killed
/// (SIGKILL, or SIGINT/SIGTERM, whose handler exits at once) keeps what it
/// committed, so that rerunning it resumes.
pub struct CachedScorer {
    inner: Box<dyn Scorer>,
    cache: ScoreCache,
    scorer: [u8; 16],
    identity: String,
    hits: AtomicUsize,
    misses: AtomicUsize,
    corrupt: AtomicUsize,
    /// What this run stored, until its scorer's end-of-run check passes.
    journal: Mutex<Journal>,
}

impl CachedScorer {
    /// The scorer's scores through `cache`, keyed by its identity.
    pub fn new(inner: Box<dyn Scorer>, cache: ScoreCache) -> CachedScorer {
        let id = inner.identity();
        CachedScorer {
            scorer: scorer_digest(&id),
            identity: serde_json::to_string(&id).unwrap_or_default(),
            inner,
            cache,
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            corrupt: AtomicUsize::new(0),
            journal: Mutex::new(Journal::default()),
        }
    }

    fn failed(&self, e: CacheError) -> ScoreError {
        ScoreError::Failed {
            scorer: "score cache".into(),
            reason: e.to_string(),
        }
    }

    fn journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes this run's stored scores out of the cache again (see [`CachedScorer`]).
    fn discard(&self) -> Result<(), CacheError> {
        let journal = std::mem::take(&mut *self.journal());
        if journal.scorer.is_none() {
            return Ok(());
        }
        self.cache.restore(&self.scorer, &journal)
    }

    /// `e`, after this run's stored scores were taken out of the cache; and
    /// if they could not be, says so.
    fn undo(&self, e: ScoreError) -> ScoreError {
        match self.discard() {
            Ok(()) => e,
            Err(c) => ScoreError::Failed {
                scorer: "score cache".into(),
                reason: format!(
                    "{e}; the scores this run stored could not be taken out of the cache again ({c}); \
                     `rsbench cache prune --older-than 0` empties the cache"
                ),
            },
        }
    }

    fn score_through(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let keys: Vec<[u8; 16]> = pairs.iter().map(pair_digest).collect();
        let stored = self.cache.lookup(&self.scorer, &keys).map_err(|e| self.failed(e))?;
        let corrupt = stored.iter().filter(|s| **s == Stored::Corrupt).count();
        if corrupt > 0 {
            self.corrupt.fetch_add(corrupt, Ordering::Relaxed);
            eprintln!(
                "warning: {corrupt} stored scores in {} failed their checksum: not used, scored again and stored again; \
                 if this recurs, the disk may be failing (`rsbench cache prune --older-than 0`, or delete the file, empties the cache)",
                self.cache.path().display()
            );
        }
        let mut out: Vec<Option<f64>> = stored
            .iter()
            .map(|s| match s {
                Stored::Score(v) => Some(*v),
                _ => None,
            })
            .collect();
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
            // A group with a damaged score is scored whole again, for the same reason.
            let missing: Vec<usize> = if group.iter().any(|&i| stored[i] == Stored::Corrupt) {
                group.clone()
            } else {
                group.iter().copied().filter(|&i| out[i].is_none()).collect()
            };
            self.hits.fetch_add(group.len() - missing.len(), Ordering::Relaxed);
            if !missing.is_empty() {
                let batch: Vec<Pair<'_>> = missing.iter().map(|&i| pairs[i]).collect();
                let scores = crate::scorer::score_checked(self.inner.as_ref(), &batch)?;
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
                    .store(
                        &self.scorer,
                        &self.identity,
                        &pending.0,
                        &pending.1,
                        &mut self.journal(),
                    )
                    .map_err(|e| self.failed(e))?;
                pending.0.clear();
                pending.1.clear();
            }
        }
        Ok(out.into_iter().map(|s| s.unwrap_or(f64::NAN)).collect())
    }
}

impl Scorer for CachedScorer {
    fn identity(&self) -> ScorerIdentity {
        self.inner.identity()
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        self.score_through(pairs).map_err(|e| self.undo(e))
    }

    fn stats(&self) -> Option<serde_json::Value> {
        let mut v = self.inner.stats().unwrap_or_else(|| serde_json::json!({}));
        if let Some(o) = v.as_object_mut() {
            let mut cache = serde_json::json!({
                "path": self.cache.path().display().to_string(),
                "hits": self.hits.load(Ordering::Relaxed),
                "misses": self.misses.load(Ordering::Relaxed),
            });
            let corrupt = self.corrupt.load(Ordering::Relaxed);
            if let (Some(c), true) = (cache.as_object_mut(), corrupt > 0) {
                c.insert("corrupt".into(), corrupt.into());
            }
            o.insert("cache".into(), cache);
        }
        Some(v)
    }

    fn exact_twin(&self) -> Option<&dyn Scorer> {
        self.inner.exact_twin()
    }

    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        self.inner.plan(pairs)
    }

    /// The inner scorer's end-of-run check: passed, this run's scores are
    /// kept; failed, they are taken out again.
    fn finish(&self) -> Result<(), ScoreError> {
        match self.inner.finish() {
            Ok(()) => {
                *self.journal() = Journal::default();
                Ok(())
            }
            Err(e) => Err(self.undo(e)),
        }
    }
}

impl Drop for CachedScorer {
    /// A run that ends before its scorer's check passed (an error elsewhere)
    /// keeps none of its scores.
    fn drop(&mut self) {
        if let Err(e) = self.discard() {
            eprintln!(
                "warning: the scores this unfinished run stored could not be taken out of the score cache again ({e})"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{pairs, Lengths};
    use super::super::FILE;
    use super::*;

    /// The same identity as [`Lengths`], with scores off by 100 (as a program
    /// whose answers were shifted) and an end-of-run check that fails.
    struct Shifted;

    impl Scorer for Shifted {
        fn identity(&self) -> ScorerIdentity {
            Lengths(AtomicUsize::new(0)).identity()
        }
        fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
            Ok(pairs.iter().map(|p| p.response.len() as f64 + 100.0).collect())
        }
        fn finish(&self) -> Result<(), ScoreError> {
            Err(ScoreError::Failed {
                scorer: "shifted".into(),
                reason: "printed a line more than its answers".into(),
            })
        }
    }

    #[test]
    fn a_damaged_score_is_never_used_and_is_scored_again() {
        let dir = tempfile::tempdir().unwrap();
        let context = vec!["안녕".to_string()];
        let responses: Vec<String> = (0..10).map(|i| "x".repeat(i + 1)).collect();
        let p = pairs(&context, &responses);
        let cached = CachedScorer::new(
            Box::new(Lengths(AtomicUsize::new(0))),
            ScoreCache::open(dir.path()).unwrap(),
        );
        let first = cached.score(&p).unwrap();
        cached.finish().unwrap();
        drop(cached);
        assert!(ScoreCache::open(dir.path()).unwrap().damage_first_score(-99.5).unwrap());
        let cached = CachedScorer::new(
            Box::new(Lengths(AtomicUsize::new(0))),
            ScoreCache::open(dir.path()).unwrap(),
        );
        assert_eq!(cached.score(&p).unwrap(), first, "the damaged score was not used");
        let stats = cached.stats().unwrap();
        assert_eq!(stats["cache"]["corrupt"], 1);
        assert_eq!(stats["cache"]["misses"], 10, "its group (all ten) was scored again");
        // And stored again: a third run takes everything from the cache.
        cached.finish().unwrap();
        drop(cached);
        let cached = CachedScorer::new(
            Box::new(Lengths(AtomicUsize::new(0))),
            ScoreCache::open(dir.path()).unwrap(),
        );
        assert_eq!(cached.score(&p).unwrap(), first);
        assert_eq!(cached.stats().unwrap()["cache"]["hits"], 10);
    }

    #[test]
    fn a_failed_run_leaves_none_of_its_scores_and_every_other_runs_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let context = vec!["안녕".to_string()];
        let responses: Vec<String> = (0..10).map(|i| "x".repeat(i + 1)).collect();
        let all = pairs(&context, &responses);
        let open = || ScoreCache::open(dir.path()).unwrap();
        // Another run stored the first five, and passed its check.
        let good = CachedScorer::new(Box::new(Lengths(AtomicUsize::new(0))), open());
        let truth = good.score(&all).unwrap();
        drop(good);
        assert_eq!(open().len().unwrap(), 0, "a run dropped before its check keeps nothing");
        let good = CachedScorer::new(Box::new(Lengths(AtomicUsize::new(0))), open());
        good.score(&all[..5]).unwrap();
        good.finish().unwrap();
        drop(good);
        let before = open().scorers().unwrap();
        assert_eq!(before[0].scores, 5);

        // A run of the same identity scores the other five wrong, stores them,
        // then fails its end-of-run check: they go; the first five stay.
        let bad = CachedScorer::new(Box::new(Shifted), open());
        assert_eq!(bad.score(&all).unwrap()[9], truth[9] + 100.0);
        assert_eq!(bad.stats().unwrap()["cache"]["hits"], 5);
        assert!(bad.finish().is_err());
        drop(bad);
        let c = open();
        let scorer = scorer_digest(&Lengths(AtomicUsize::new(0)).identity());
        let keys: Vec<[u8; 16]> = all.iter().map(pair_digest).collect();
        let stored = c.lookup(&scorer, &keys).unwrap();
        let expected: Vec<Stored> = (0..10)
            .map(|i| {
                if i < 5 {
                    Stored::Score(truth[i])
                } else {
                    Stored::Missing
                }
            })
            .collect();
        assert_eq!(stored, expected);
        let after = c.scorers().unwrap();
        assert_eq!(
            (after.len(), after[0].scores, after[0].last_used_unix),
            (1, 5, before[0].last_used_unix),
            "the scorer's row is as it was"
        );

        // A damaged score of the other run makes its group (all ten) scored again
        // and overwritten; the failed run puts back every value it replaced, bit
        // for bit (the damaged one too: it fails its checksum as before).
        assert!(c.damage_first_score(-99.5).unwrap());
        let damaged = c.lookup(&scorer, &keys).unwrap();
        drop(c);
        let bad = CachedScorer::new(Box::new(Shifted), open());
        bad.score(&all).unwrap();
        assert_eq!(bad.stats().unwrap()["cache"]["misses"], 10);
        assert!(bad.finish().is_err());
        drop(bad);
        assert_eq!(open().lookup(&scorer, &keys).unwrap(), damaged);
        assert_eq!(damaged.iter().filter(|s| **s == Stored::Corrupt).count(), 1);

        // A scoring error takes out what the run stored before it, too.
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        /// Scores its first group (a whole chunk, so it is committed), fails on the second.
        struct FailsLate(AtomicUsize);
        impl Scorer for FailsLate {
            fn identity(&self) -> ScorerIdentity {
                Lengths(AtomicUsize::new(0)).identity()
            }
            fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
                match self.0.fetch_add(1, Ordering::Relaxed) {
                    0 => Ok(pairs.iter().map(|p| p.response.len() as f64).collect()),
                    _ => Err(ScoreError::Failed {
                        scorer: "late".into(),
                        reason: "crashed".into(),
                    }),
                }
            }
            fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
                Ok(Some(vec![(0..CHUNK).collect(), (CHUNK..pairs.len()).collect()]))
            }
        }
        let many: Vec<String> = (0..=CHUNK).map(|i| i.to_string()).collect();
        let cached = CachedScorer::new(Box::new(FailsLate(AtomicUsize::new(0))), open());
        assert!(cached.score(&pairs(&context, &many)).is_err());
        assert_eq!(
            cached.stats().unwrap()["cache"]["misses"],
            CHUNK,
            "the first chunk was stored"
        );
        assert_eq!(cached.cache.len().unwrap(), 0, "and taken out again");
        assert!(cached.cache.scorers().unwrap().is_empty());
    }
}
