//! `rsbench audit`: blind sheets of generated negatives for people to judge,
//! then per-family rates and annotator agreement.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::{describe_target, positive, resample_count};
use crate::data;
use crate::eval::DEFAULT_SEED;
use crate::output::Target;
use crate::report;

#[derive(Subcommand, Debug)]
pub(crate) enum AuditCommand {
    /// Draw generated negatives per rule family and true replies as controls into a shuffled sheet.
    Sample {
        /// A `rsbench perturb` output (file or directory).
        #[arg(long)]
        dataset: PathBuf,
        /// Negatives drawn per rule family (all of a smaller family).
        #[arg(long, default_value_t = 30, value_parser = positive)]
        per_rule: usize,
        /// True replies mixed in, from dialogues whose context no drawn negative shows.
        #[arg(long, default_value_t = 30)]
        controls: usize,
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// The audit directory to write (sheet.csv, key.csv, instructions.md).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        overwrite: bool,
    },
    /// Rates per rule family from a filled sheet: acceptable replies (label noise) and broken Korean.
    Score {
        dir: PathBuf,
        #[command(flatten)]
        stats: AuditStats,
    },
    /// Agreement of two annotators who filled copies of one sheet: Cohen's κ with intervals.
    Agree {
        first: PathBuf,
        second: PathBuf,
        #[command(flatten)]
        stats: AuditStats,
    },
}

#[derive(clap::Args, Debug)]
pub(crate) struct AuditStats {
    /// Also write the numbers as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Bootstrap resamples for the intervals (0, or at least 200).
    #[arg(long, default_value_t = 2000, value_parser = resample_count)]
    resamples: usize,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

pub(super) fn run(cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Sample {
            dataset,
            per_rule,
            controls,
            seed,
            out,
            overwrite,
        } => {
            let target = Target::Fixed(out.clone());
            let pending = crate::audit::begin_audit(target.clone(), overwrite)
                .with_context(|| describe_target("writing audit", &target))?;
            let ds = data::load_path(&dataset).with_context(|| format!("loading dataset {}", dataset.display()))?;
            let config = crate::audit::SampleConfig {
                per_family: per_rule,
                controls,
                seed,
            };
            let (items, key) = crate::audit::sample(&ds, &dataset, config)?;
            crate::audit::write_audit(pending, &items, &key)
                .with_context(|| describe_target("writing audit", &target))?;
            let negatives = key.iter().filter(|k| k.role == crate::audit::Role::Negative).count();
            eprintln!(
                "wrote {}: {} items ({negatives} negatives, {} controls); give {} to the annotators, keep {} from them",
                out.display(),
                items.len(),
                items.len() - negatives,
                crate::audit::SHEET,
                crate::audit::KEY
            );
            Ok(())
        }
        AuditCommand::Score { dir, stats } => {
            let rows = crate::audit::read_audit(&dir)?;
            let summary = crate::audit::score(&rows, stats.resamples, stats.seed);
            if let Some(path) = stats.json {
                report::write_json_output(&path, &summary).with_context(|| format!("writing {}", path.display()))?;
            }
            print!("{}", summary.render());
            Ok(())
        }
        AuditCommand::Agree { first, second, stats } => {
            let a = crate::audit::read_audit(&first)?;
            let b = crate::audit::read_audit(&second)?;
            let agreement = crate::audit::agree(&a, &b, (&first, &second), stats.resamples, stats.seed)?;
            if let Some(path) = stats.json {
                report::write_json_output(&path, &agreement).with_context(|| format!("writing {}", path.display()))?;
            }
            print!("{}", agreement.render());
            Ok(())
        }
    }
}
