//! `rsbench cache info|prune`: what the score cache holds, and removing the
//! scores of scorers not used for a while. Neither creates a cache; `info`
//! writes nothing (it reads a read-only cache).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::Outcome;
use crate::scorer::cache::{default_cache_dir, CacheError, ScoreCache};

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

fn cache_dir(dir: Option<PathBuf>) -> Result<PathBuf> {
    match dir.or_else(default_cache_dir) {
        Some(d) => Ok(d),
        None => bail!("no cache directory: pass --cache DIR (neither XDG_CACHE_HOME nor HOME is set)"),
    }
}

/// `info`'s lines on stdout; a reader that stops early (`| head -1`) ends it quietly.
fn info(c: &ScoreCache) -> Result<()> {
    let size = std::fs::metadata(c.path()).map(|m| m.len()).unwrap_or(0);
    let mut lines = vec![format!(
        "{}: {} scores, {:.1} MiB",
        c.path().display(),
        c.len()?,
        size as f64 / 1048576.0
    )];
    for s in c.scorers()? {
        lines.push(format!(
            "  {:>9} scores  last used {}  {}",
            s.scores,
            s.last_used_unix,
            serde_json::to_string(&s.identity).unwrap_or_default()
        ));
    }
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(e).context("writing to stdout"),
        }
    }
    if let Some((old, bytes)) = c.format_1_file() {
        eprintln!(
            "note: {} ({:.1} MiB) is a score cache of an older rsbench, which this one does not read; delete it to free the space",
            old.display(),
            bytes as f64 / 1048576.0
        );
    }
    Ok(())
}

pub(super) fn run(command: CacheCommand) -> Result<Outcome> {
    crate::progress::enable(true);
    match command {
        CacheCommand::Info { cache } => {
            let dir = cache_dir(cache)?;
            let c = ScoreCache::open_read_only(&dir).context("reading the score cache")?;
            info(&c)?;
        }
        CacheCommand::Prune { cache, older_than } => {
            if !(older_than.is_finite() && older_than >= 0.0) {
                bail!("--older-than takes a number of days, 0 or more");
            }
            let dir = cache_dir(cache)?;
            let c = match ScoreCache::open_existing(&dir) {
                Ok(c) => c,
                Err(CacheError::Absent { path }) => {
                    eprintln!("{}: no score cache there: nothing to prune", path.display());
                    return Ok(Outcome::Done);
                }
                Err(e) => return Err(e).context("opening the score cache"),
            };
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
