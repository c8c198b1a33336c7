//! `rsbench cache info|prune`: what the score cache holds, and removing the
//! scores of scorers not used for a while.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::Outcome;
use crate::scorer::cache::{default_cache_dir, ScoreCache};

#[derive(clap::Subcommand, Debug)]
pub(crate) enum CacheCommand {
    /// The cache's place, size and scorers (most recently used first).
    Info {
        /// The cache directory [default: $XDG_CACHE_HOME/rsbench].
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Remove the scores of scorers last used more than DAYS days ago (--older-than 0: all).
    Prune {
        #[arg(long)]
        cache: Option<PathBuf>,
        #[arg(long, value_name = "DAYS")]
        older_than: f64,
    },
}

fn open(dir: Option<PathBuf>) -> Result<ScoreCache> {
    let Some(dir) = dir.or_else(default_cache_dir) else {
        bail!("no cache directory: pass --cache DIR (neither XDG_CACHE_HOME nor HOME is set)");
    };
    ScoreCache::open(&dir).context("opening the score cache")
}

pub(super) fn run(command: CacheCommand) -> Result<Outcome> {
    crate::progress::enable(true);
    match command {
        CacheCommand::Info { cache } => {
            let c = open(cache)?;
            let size = std::fs::metadata(c.path()).map(|m| m.len()).unwrap_or(0);
            println!(
                "{}: {} scores, {:.1} MiB",
                c.path().display(),
                c.len()?,
                size as f64 / 1048576.0
            );
            for s in c.scorers()? {
                println!(
                    "  {:>9} scores  last used {}  {}",
                    s.scores,
                    s.last_used_unix,
                    serde_json::to_string(&s.identity).unwrap_or_default()
                );
            }
        }
        CacheCommand::Prune { cache, older_than } => {
            if !(older_than.is_finite() && older_than >= 0.0) {
                bail!("--older-than takes a number of days, 0 or more");
            }
            let c = open(cache)?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let before = if older_than == 0.0 {
                u64::MAX
            } else {
                now.saturating_sub((older_than * 86_400.0) as u64)
            };
            let (scorers, scores) = c.prune(before)?;
            eprintln!(
                "removed {scores} scores of {scorers} scorers from {}",
                c.path().display()
            );
        }
    }
    Ok(Outcome::Done)
}
