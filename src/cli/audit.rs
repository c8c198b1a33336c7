//! `rsbench audit`: blind sheets of generated negatives for people to judge,
//! then per-family rates and annotator agreement.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::{describe_target, positive, resample_count};
use crate::audit::ledger::{self, Ledger};
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
        /// Leave out the negatives this verdict ledger already judged.
        #[arg(long, value_name = "LEDGER")]
        skip_judged: Option<PathBuf>,
    },
    /// Rates per rule family from a filled sheet: acceptable replies (label noise) and broken Korean.
    Score {
        dir: PathBuf,
        #[command(flatten)]
        stats: AuditStats,
    },
    /// The verdict ledger: fold a judged sheet into it, or match a perturb output against it.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Agreement of two annotators who filled copies of one sheet: Cohen's κ with intervals.
    Agree {
        first: PathBuf,
        second: PathBuf,
        #[command(flatten)]
        stats: AuditStats,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Per type: outputs, judged, sound / acceptable / broken / near-copy %, dialogues covered.
    Show {
        /// A `rsbench perturb` output (file or directory).
        #[arg(long)]
        dataset: PathBuf,
        /// The dialogues it was made from, for coverage (and `--update`).
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long, default_value_os_t = crate::audit::ledger::default_path())]
        ledger: PathBuf,
        /// Mark the input's unsound entries fixed (no longer written) or open (written again).
        #[arg(long, requires = "input")]
        update: bool,
        /// Exit 1 when an output judged unsound and fixed is written again.
        #[arg(long)]
        check: bool,
        /// Also write the numbers as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Add an annotator's filled sheet (`audit sample` of DATASET) to the ledger.
    Add {
        /// The filled audit directory.
        sheet: PathBuf,
        /// The perturb output the sheet was drawn from.
        #[arg(long)]
        dataset: PathBuf,
        /// Who judged it (a name kept beside each verdict).
        #[arg(long)]
        annotator: String,
        #[arg(long, default_value_os_t = crate::audit::ledger::default_path())]
        ledger: PathBuf,
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
            skip_judged,
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
            let known = skip_judged.as_deref().map(Ledger::read).transpose()?;
            let (items, key) = crate::audit::sample(&ds, &dataset, config, known.as_ref())?;
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
        AuditCommand::Ledger(cmd) => ledger(cmd),
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

fn ledger(cmd: LedgerCommand) -> Result<()> {
    match cmd {
        LedgerCommand::Show {
            dataset,
            input,
            ledger: path,
            update,
            check,
            json,
        } => {
            let mut book = Ledger::read(&path)?;
            let ds = data::load_path(&dataset).with_context(|| format!("loading dataset {}", dataset.display()))?;
            let written = ledger::outputs(&ds);
            let dialogues = input
                .as_deref()
                .map(|p| crate::perturb::read_dialogues(p).with_context(|| format!("reading {}", p.display())))
                .transpose()?;
            if update {
                let contexts: Vec<Vec<String>> = dialogues.iter().flatten().map(|d| d.context.clone()).collect();
                let keys = written.iter().map(|o| o.key.clone()).collect();
                let changed = book.update_status(&contexts, &keys);
                book.write(&path)?;
                eprintln!("{}: {changed} entries changed status", path.display());
            }
            let report = ledger::report(&book, &written, dialogues.as_ref().map(Vec::len));
            if let Some(j) = json {
                report::write_json_output(&j, &report).with_context(|| format!("writing {}", j.display()))?;
            }
            print!("{}", report.render());
            if check && !report.came_back.is_empty() {
                anyhow::bail!(
                    "{} outputs judged unsound in {} were written again",
                    report.came_back.len(),
                    path.display()
                );
            }
            Ok(())
        }
        LedgerCommand::Add {
            sheet,
            dataset,
            annotator,
            ledger: path,
        } => {
            let mut book = Ledger::read(&path)?;
            let ds = data::load_path(&dataset).with_context(|| format!("loading dataset {}", dataset.display()))?;
            let added = ledger::add_sheet(&mut book, &sheet, &ds, &annotator)?;
            book.write(&path)?;
            eprintln!("{}: {added} verdicts of {annotator} added", path.display());
            Ok(())
        }
    }
}
