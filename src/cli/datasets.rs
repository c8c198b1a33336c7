//! `rsbench datasets`: list, verify and fetch the known datasets.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::positive;
use crate::data::{self, manifest};

#[derive(Subcommand, Debug)]
pub(crate) enum DatasetsCommand {
    /// Show the known datasets with license and files.
    List,
    /// Check a directory's files against a manifest (detected from the file names, or --name).
    Verify {
        dir: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
    /// Download a known dataset and check every SHA-256; nothing half-written is left.
    Fetch {
        name: String,
        /// Target directory [default: datasets/downloads/<name>].
        #[arg(long)]
        to: Option<PathBuf>,
        /// Fetch the files from this base URL instead of the manifest's (mirrors).
        #[arg(long)]
        base_url: Option<String>,
        /// Seconds to wait to connect, for a response, or for each read of a body.
        #[arg(long, default_value_t = 30, value_parser = positive)]
        timeout: usize,
        /// Seconds one file's whole download may take (a body that trickles in stops then).
        #[arg(long, default_value_t = 1800, value_parser = positive)]
        deadline: usize,
    },
    /// Print the content fingerprints of a test set in DIR (digests of its normalised lines and
    /// (last turn, reply) pairs, no text): the file `perturb`'s contamination guard embeds as
    /// `datasets/<name>.fingerprints`.
    Fingerprint { dir: PathBuf },
}

pub(super) fn run(cmd: DatasetsCommand) -> Result<()> {
    match cmd {
        DatasetsCommand::List => {
            for m in manifest::known()? {
                let cases: usize = m.files.iter().filter_map(|f| f.cases).sum();
                println!("{}  ({} files, {} cases, {})", m.name, m.files.len(), cases, m.license);
                println!("  {}", m.description);
                if let Some(h) = &m.homepage {
                    println!("  {h}");
                }
            }
            Ok(())
        }
        DatasetsCommand::Verify { dir, name } => {
            let m = match name {
                Some(n) => manifest::find(&n)?,
                None => manifest::detect(&dir)?.with_context(|| {
                    format!("{}: no known dataset's files are all here; pass --name", dir.display())
                })?,
            };
            let mut bad = 0;
            for check in m.verify_dir(&dir) {
                match check.status {
                    manifest::CheckStatus::Ok => println!("ok        {}", check.name),
                    manifest::CheckStatus::Missing => {
                        bad += 1;
                        println!("MISSING   {}", check.name)
                    }
                    manifest::CheckStatus::Mismatch { actual } => {
                        bad += 1;
                        println!("MISMATCH  {} (sha256 {actual})", check.name)
                    }
                }
            }
            if bad > 0 {
                bail!(
                    "{}: {bad} of {} files of `{}` failed verification",
                    dir.display(),
                    m.files.len(),
                    m.name
                );
            }
            let ds = data::load_path(&dir).with_context(|| format!("parsing {}", dir.display()))?;
            m.check_counts(&dir, &ds)?;
            println!("{}: {} verified, {} cases", dir.display(), m.name, ds.cases.len());
            Ok(())
        }
        DatasetsCommand::Fetch {
            name,
            to,
            base_url,
            timeout,
            deadline,
        } => {
            let m = manifest::find(&name)?;
            let to = to.unwrap_or_else(|| Path::new("datasets/downloads").join(&m.name));
            let options = data::fetch::FetchOptions {
                base_url,
                timeout: std::time::Duration::from_secs(timeout as u64),
                deadline: std::time::Duration::from_secs(deadline as u64),
                progress: true,
                ..data::fetch::FetchOptions::default()
            };
            let outcomes = data::fetch::fetch_with(&m, &to, &options)
                .with_context(|| format!("fetching {name} into {}", to.display()))?;
            for (file, outcome) in outcomes {
                match outcome {
                    data::fetch::FetchOutcome::Present => println!("present     {file}"),
                    data::fetch::FetchOutcome::Downloaded { bytes } => println!("downloaded  {file} ({bytes} bytes)"),
                }
            }
            println!("{name}: all files verified in {}", to.display());
            Ok(())
        }
        DatasetsCommand::Fingerprint { dir } => {
            let ds = data::load_path(&dir).with_context(|| format!("parsing {}", dir.display()))?;
            let name = manifest::detect(&dir)?.map_or_else(|| dir.display().to_string(), |m| m.name);
            let fingerprints = data::contamination::Fingerprints::of(&ds);
            print!(
                "{}",
                fingerprints.render(&format!(
                    "{name}: {} cases. 64-bit digests of normalised lines (u) and of (last context turn,\n\
                     candidate) pairs (p); no text. Made by `rsbench datasets fingerprint`.",
                    ds.cases.len()
                ))
            );
            Ok(())
        }
    }
}
