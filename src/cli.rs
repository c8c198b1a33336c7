//! The command line: parses arguments and calls the library. Errors are
//! reported with their context chain and exit status 1 (2 for usage errors).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::data::{self, manifest, Dataset, Split, SplitOptions};
use crate::eval::{evaluate, BootstrapConfig, CompareConfig, EvalConfig, GroupBy, Metric, MinRule, RunInput};
use crate::output::Target;
use crate::report::{self, CompareOutput, LoadedForCompare, RunMetadata, TableStyle, Timing};
use crate::scorer::model::{parse_device, ModelScorer, RunOptions};
use crate::scorer::{Baseline, Scorer};

pub const DEFAULT_SEED: u64 = 42;

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
    Eval(EvalArgs),
    /// Render a run directory's summary again from its files.
    #[command(after_help = "Example:\n  rsbench report reports/sample-bm25-both-seed42 --format markdown")]
    Report {
        run_dir: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Terminal)]
        format: ReportFormat,
        /// Rows per type (the run's summary as written), or per rule that wrote the negatives
        /// (`rsbench perturb` datasets; recomputed from predictions.parquet).
        #[arg(long, value_enum, default_value_t = ReportBy::Type)]
        by: ReportBy,
    },
    /// Compare runs: per-type tables with intervals, paired tests against a baseline, robustness gaps.
    #[command(
        after_help = "Examples:\n  rsbench compare reports/bm25 reports/e5 --baseline bm25\n  rsbench compare reports/old reports/new --fail-if-worse   # exit 3 if new is significantly worse on any type"
    )]
    Compare(CompareArgs),
    /// Write new adversarial candidates for dialogues (KorAdvMRS format out).
    #[command(
        after_help = "Examples:\n  rsbench perturb --input ../shared/datasets/koradvmrs --types tense,negation,repetition,keyword-stuffing --output adv/\n  rsbench eval --dataset adv/\n  rsbench perturb --text \"어제 학교에 갔어\" --types tense --tense-to future\n\ntense and negation use the mecab-ko-dic dictionary that scripts/setup.sh installs (RSBENCH_MECAB_DIC to move it)."
    )]
    Perturb(PerturbArgs),
    /// Have people judge generated negatives: a blind sheet per rule family, then rates with intervals.
    #[command(
        subcommand,
        after_help = "Examples:\n  rsbench audit sample --dataset adv/ --per-rule 30 --controls 30 --out audit/\n  # fill audit/sheet.csv's verdict column (ok, wrong, broken), then:\n  rsbench audit score audit/\n  rsbench audit agree audit-anna/ audit-minho/   # two annotators, copies of one audit directory"
    )]
    Audit(AuditCommand),
    /// Show rsbench's version and what the linked libtorch offers here.
    Info,
    /// List, verify and fetch the known datasets.
    #[command(subcommand)]
    Datasets(DatasetsCommand),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Terminal,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportBy {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ScorerKind {
    Bm25,
    Tfidf,
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DtypeArg {
    F32,
    Bf16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SplitArg {
    Adversarial,
    Clean,
    Both,
}

#[derive(clap::Args, Debug)]
struct EvalArgs {
    /// A response selection model directory (libtorch scorer).
    #[arg(long, conflicts_with = "scorer")]
    model: Option<PathBuf>,
    /// A model-free scorer [default: bm25].
    #[arg(long, value_enum)]
    scorer: Option<ScorerKind>,
    /// A dataset file or directory (*.jsonl KorAdvMRS, *.tsv/*.txt TSV) [default: the embedded sample set].
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Which split(s) to evaluate.
    #[arg(long, value_enum, default_value_t = SplitArg::Both)]
    split: SplitArg,
    /// Candidates per case: tops adversarial cases up with random negatives; clean default 10.
    #[arg(long, value_parser = candidate_count)]
    candidates: Option<usize>,
    /// Seed for random negatives, the random scorer and the bootstrap.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Bootstrap resamples for the 95 % intervals (0 disables them; otherwise at least 200).
    #[arg(long, default_value_t = 1000, value_parser = resample_count)]
    bootstrap: usize,
    /// Run directory [default: reports/<dataset>-<scorer>-<split>-seed<seed>, numbered if taken].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the --out directory if it exists.
    #[arg(long)]
    overwrite: bool,
    /// Model device: cpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Model precision.
    #[arg(long, value_enum, default_value_t = DtypeArg::F32)]
    dtype: DtypeArg,
    /// Threads for tokenisation and libtorch [default: all cores].
    #[arg(long, value_parser = positive)]
    threads: Option<usize>,
    /// Padded tokens per model batch (batch size × longest sequence) [default: 2048 on cpu, 8192 on cuda].
    #[arg(long)]
    batch_tokens: Option<usize>,
    /// With --dtype bf16: do not re-score near-tied candidates in fp32 (faster, ~2 % of decisions may flip).
    #[arg(long)]
    no_bf16_recheck: bool,
    /// Fail (exit 3) when a type's pairwise accuracy is below PERCENT, e.g.
    /// `--min overall=45 --min repetition=30 --min clean:overall=70` (split defaults to adversarial).
    #[arg(long = "min", value_name = "[SPLIT:]TYPE=PERCENT")]
    min: Vec<MinRule>,
    /// Do not print the summary table or the progress bar.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args, Debug)]
struct PerturbArgs {
    /// Dialogues: KorAdvMRS JSONL (file or directory) or JSONL of {"context": [...], "response": "..."}.
    #[arg(long, required_unless_present = "text", conflicts_with = "text")]
    input: Option<PathBuf>,
    /// One reply to rewrite (tense, negation): prints one JSON line per output, nothing when no rule applies.
    #[arg(long)]
    text: Option<String>,
    /// Comma-separated: tense, negation, repetition, keyword-stuffing.
    #[arg(long, value_delimiter = ',', required = true)]
    types: Vec<String>,
    /// The tense to shift to [default: every tense but the reply's own].
    #[arg(long, value_parser = ["past", "present", "future"])]
    tense_to: Option<String>,
    /// What tense and negation rewrite: the reply, each context utterance (a negative that echoes the context, contradicting it), or both.
    #[arg(long, value_enum, default_value_t = RewriteFrom::Reply, conflicts_with = "text")]
    from: RewriteFrom,
    /// With --text: print the analyser's tokens and the readings of the final predicate to stderr.
    #[arg(long, requires = "text")]
    explain: bool,
    /// Generated negatives per dialogue and type (one output case each).
    #[arg(long, default_value_t = 1, value_parser = positive)]
    per_case: usize,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Rules never used, comma-separated: a rule, a family or a type (`negation/lexical-add,tense/future-to-past`).
    #[arg(long, value_delimiter = ',', conflicts_with = "text")]
    exclude_rules: Vec<String>,
    /// A `.jsonl` file (all types), or a directory with one `<type>.jsonl` per type.
    #[arg(long, required_unless_present = "text")]
    output: Option<PathBuf>,
    #[arg(long)]
    overwrite: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RewriteFrom {
    Reply,
    Context,
    Both,
}

#[derive(clap::Args, Debug)]
struct CompareArgs {
    /// Run directories written by `rsbench eval`.
    #[arg(required = true, num_args = 2..)]
    runs: Vec<PathBuf>,
    /// The run the others are tested against (directory name or path) [default: the first].
    #[arg(long)]
    baseline: Option<String>,
    /// Output directory [default: reports/compare-<runs>, numbered if taken].
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    overwrite: bool,
    /// Metric of the tables [default: pair_acc on adversarial, r1 on clean].
    #[arg(long, value_parser = parse_metric)]
    metric: Option<Metric>,
    /// Rows per type, or per rule that wrote the negatives (`rsbench perturb` datasets): paired
    /// tests per rule, Holm-corrected across the rules of a split.
    #[arg(long, value_enum, default_value_t = ReportBy::Type)]
    by: ReportBy,
    /// Significance level, after Holm's correction across types.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Bootstrap resamples for intervals and paired tests (0, or at least 200).
    #[arg(long, default_value_t = 1000, value_parser = resample_count)]
    bootstrap: usize,
    /// Compare runs whose dataset, seed or splits differ (recorded in the output).
    #[arg(long)]
    force: bool,
    /// Exit with status 3 if any run is significantly worse than the baseline on any type.
    #[arg(long)]
    fail_if_worse: bool,
    /// Do not print the tables.
    #[arg(long, short)]
    quiet: bool,
}

/// A count that must be at least one.
fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Candidates per case: a positive and at least one negative.
fn candidate_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 2 => Ok(n),
        Ok(_) => Err("must be at least 2 (a positive and a negative)".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Fewest bootstrap resamples for a 95 % percentile interval: with fewer, the
/// 2.5th and 97.5th percentiles rest on a handful of draws (with one, the
/// interval is a point that can exclude its own estimate).
pub const MIN_RESAMPLES: usize = 200;

fn resample_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n == 0 || n >= MIN_RESAMPLES => Ok(n),
        Ok(_) => Err(format!(
            "must be 0 (no intervals) or at least {MIN_RESAMPLES} (fewer cannot place a 95 % interval's bounds)"
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_metric(s: &str) -> Result<Metric, String> {
    Metric::ALL
        .into_iter()
        .find(|m| m.column() == s)
        .ok_or_else(|| format!("unknown metric `{s}` (pair_acc, r1, r2, r5, mrr, map, p1)"))
}

#[derive(Subcommand, Debug)]
enum DatasetsCommand {
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
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
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
        #[arg(long, default_value_t = 42)]
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
struct AuditStats {
    /// Also write the numbers as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Bootstrap resamples for the intervals (0, or at least 200).
    #[arg(long, default_value_t = 2000, value_parser = resample_count)]
    resamples: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Exit status of a gate (`eval --min`, `compare --fail-if-worse`) that failed.
pub const GATE_FAILED: u8 = 3;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::output::install_interrupt_cleanup();
    match run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::GateFailed(reasons)) => {
            for r in reasons {
                eprintln!("gate: {r}");
            }
            ExitCode::from(GATE_FAILED)
        }
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::FAILURE
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
        Command::Eval(args) => eval(args),
        Command::Compare(args) => compare(args),
        Command::Perturb(args) => perturb(args).map(|()| Outcome::Done),
        Command::Report { run_dir, format, by } => {
            let run = report::load_run(&run_dir).with_context(|| format!("reading run {}", run_dir.display()))?;
            let by = GroupBy::from(by);
            let rows = match by {
                GroupBy::Type => run.summary,
                GroupBy::Rule => report::summary_grouped(&run_dir, &run.metadata, by)
                    .with_context(|| format!("reading run {}", run_dir.display()))?,
            };
            let group = by.label();
            let text = match format {
                ReportFormat::Terminal => report::render_terminal_grouped(&run.metadata, &rows, group),
                ReportFormat::Markdown => report::render_markdown_grouped(&run.metadata, &rows, group),
            };
            print!("{text}");
            Ok(Outcome::Done)
        }
        Command::Datasets(cmd) => datasets(cmd).map(|()| Outcome::Done),
        Command::Audit(cmd) => audit(cmd).map(|()| Outcome::Done),
        Command::Info => {
            let t = crate::scorer::torch_runtime();
            println!("rsbench {}", crate::VERSION);
            println!(
                "libtorch: cuda {} ({} devices), cudnn {}, mkldnn {}, {} intra-op threads",
                t.cuda_available, t.cuda_devices, t.cudnn_available, t.mkldnn, t.intra_op_threads
            );
            println!("libtorch CUDA backend: {}", t.cuda_backend);
            println!("rayon threads: {}", rayon::current_num_threads());
            Ok(Outcome::Done)
        }
    }
}

fn load_dataset(path: Option<&Path>) -> Result<(Dataset, String)> {
    match path {
        None => Ok((
            data::sample::load().context("loading the embedded sample set")?,
            "<embedded sample>".to_owned(),
        )),
        Some(p) => {
            let ds = data::load_path(p).with_context(|| format!("loading dataset {}", p.display()))?;
            Ok((ds, p.display().to_string()))
        }
    }
}

fn make_scorer(args: &EvalArgs, dataset: &Dataset) -> Result<Box<dyn Scorer>> {
    if let Some(model) = &args.model {
        let device = parse_device(&args.device)?;
        // On an H100 the forward barely moved between 2,048 and 32,768 tokens (README); larger
        // batches there mean fewer host round trips, smaller ones on the CPU less padding.
        let default_tokens = if device.is_cuda() { 8192 } else { 2048 };
        let options = RunOptions {
            device,
            dtype: match args.dtype {
                DtypeArg::F32 => tch::Kind::Float,
                DtypeArg::Bf16 => tch::Kind::BFloat16,
            },
            batch_tokens: args.batch_tokens.unwrap_or(default_tokens).max(1),
            progress: !args.quiet,
            recheck: !args.no_bf16_recheck,
        };
        let scorer = ModelScorer::load(model, options).with_context(|| format!("loading model {}", model.display()))?;
        return Ok(Box::new(scorer));
    }
    let baseline = match args.scorer.unwrap_or(ScorerKind::Bm25) {
        ScorerKind::Bm25 => Baseline::Bm25,
        ScorerKind::Tfidf => Baseline::TfIdf,
        ScorerKind::Random => Baseline::Random,
    };
    Ok(baseline.build(dataset, args.seed))
}

/// The scorer's part of a generated run name: the model directory's name for
/// models, the baseline's name otherwise.
fn scorer_label(args: &EvalArgs) -> String {
    if let Some(m) = &args.model {
        let named = m.canonicalize().ok().unwrap_or_else(|| m.clone());
        if let Some(n) = named.file_name() {
            return n.to_string_lossy().into_owned();
        }
    }
    if args.model.is_some() {
        return "model".into();
    }
    match args.scorer.unwrap_or(ScorerKind::Bm25) {
        ScorerKind::Bm25 => "bm25".into(),
        ScorerKind::Tfidf => "tfidf".into(),
        ScorerKind::Random => "random".into(),
    }
}

fn default_run_target(dataset: &str, scorer: &str, split: &str, seed: u64) -> Target {
    numbered_target(&format!("{dataset}-{scorer}-{split}-seed{seed}"))
}

/// `reports/<base>`, or `reports/<base>-2`, `-3`… when taken (claimed when written).
fn numbered_target(base: &str) -> Target {
    Target::Numbered {
        root: PathBuf::from("reports"),
        base: base.to_owned(),
    }
}

/// "writing report reports/x" for a message's context.
fn describe_target(doing: &str, target: &Target) -> String {
    match target {
        Target::Fixed(p) => format!("{doing} {}", p.display()),
        Target::Numbered { root, base } => format!("{doing} {}", root.join(base).display()),
    }
}

fn eval(args: EvalArgs) -> Result<Outcome> {
    let started = Instant::now();
    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if let Some(n) = args.threads {
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        if n > cores {
            eprintln!(
                "warning: --threads {n} is more than the {cores} cores here; threads beyond the cores only compete"
            );
        }
        tch::set_num_threads(n as i32);
        // Fails only if the pool was already built (tests running in-process).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let (dataset, source) = load_dataset(args.dataset.as_deref())?;
    let split_name = match args.split {
        SplitArg::Adversarial => "adversarial",
        SplitArg::Clean => "clean",
        SplitArg::Both => "both",
    };
    // The destination is checked and staged before the (long) scoring.
    let target = match &args.out {
        Some(out) => Target::Fixed(out.clone()),
        None => default_run_target(&dataset.name, &scorer_label(&args), split_name, args.seed),
    };
    let pending = report::begin_run(target.clone(), args.overwrite)
        .with_context(|| describe_target("writing report", &target))?;
    let scorer = make_scorer(&args, &dataset)?;
    let identity = scorer.identity();
    let splits = match args.split {
        SplitArg::Adversarial => vec![Split::Adversarial],
        SplitArg::Clean => vec![Split::Clean],
        SplitArg::Both => vec![Split::Adversarial, Split::Clean],
    };
    let config = EvalConfig {
        splits,
        split_options: SplitOptions {
            candidates: args.candidates,
            seed: args.seed,
        },
        bootstrap: BootstrapConfig {
            resamples: args.bootstrap,
            level: 0.95,
            seed: args.seed,
        },
    };
    let result = evaluate(&dataset, scorer.as_ref(), &config).context("evaluating")?;
    let metadata = RunMetadata::describe(&dataset, &source, &identity, &config, &result);
    let timing = Timing {
        wall_seconds: started.elapsed().as_secs_f64(),
        started_unix,
        scoring_seconds: result.scoring_seconds,
        distinct_pairs: result.distinct_pairs,
        scorer: scorer.stats(),
        recheck: result.recheck.clone(),
    };
    let dir = report::write_run(pending, &dataset, &result, &metadata, &timing)
        .with_context(|| describe_target("writing report", &target))?;
    if !args.quiet {
        print!("{}", report::render_terminal(&metadata, &result.summary));
    }
    eprintln!("wrote {}", dir.display());
    let failures = crate::eval::check_min(&args.min, &result.summary)?;
    Ok(if failures.is_empty() {
        Outcome::Done
    } else {
        Outcome::GateFailed(failures)
    })
}

fn audit(cmd: AuditCommand) -> Result<()> {
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
                write_json_file(&path, &summary)?;
            }
            print!("{}", summary.render());
            Ok(())
        }
        AuditCommand::Agree { first, second, stats } => {
            let a = crate::audit::read_audit(&first)?;
            let b = crate::audit::read_audit(&second)?;
            let agreement = crate::audit::agree(&a, &b, (&first, &second), stats.resamples, stats.seed)?;
            if let Some(path) = stats.json {
                write_json_file(&path, &agreement)?;
            }
            print!("{}", agreement.render());
            Ok(())
        }
    }
}

/// Writes a `--json` file whole or not at all. An existing file is replaced
/// only when it is JSON of the same shape (an earlier run's output), never a
/// file of the user's.
fn write_json_file(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let value = serde_json::to_value(value)?;
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    };
    let ours = keys(&value);
    let kind = crate::output::Kind {
        what: "JSON file",
        shape: crate::output::Shape::File,
        recognise: Box::new(move |p| {
            let old: serde_json::Value = std::fs::read_to_string(p)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .ok_or_else(|| "it is not JSON".to_owned())?;
            if keys(&old) == ours {
                Ok(())
            } else {
                Err("it is not an earlier output of this command".into())
            }
        }),
    };
    crate::output::write_file(path, kind, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn perturb(args: PerturbArgs) -> Result<()> {
    use crate::perturb::{PerturbOptions, PerturbType, RewriteSource};
    let types: Vec<PerturbType> = args
        .types
        .iter()
        .map(|t| PerturbType::parse(t.trim()))
        .collect::<Result<_, _>>()?;
    // The destination is checked before the analyser loads or any dialogue is read.
    let pending = match (&args.text, &args.output) {
        (None, Some(output)) => Some(
            crate::perturb::begin_output(output, args.overwrite)
                .with_context(|| format!("writing {}", output.display()))?,
        ),
        _ => None,
    };
    let needs_analyser = types
        .iter()
        .any(|t| matches!(t, PerturbType::Tense | PerturbType::Negation));
    let rewriter = if needs_analyser {
        let dir = crate::perturb::analyser::dictionary_dir();
        Some(crate::perturb::rewrite::Rewriter::load(&dir).context("loading the Korean analyser")?)
    } else {
        None
    };
    if let Some(text) = &args.text {
        if let Some(t) = types
            .iter()
            .find(|t| !matches!(t, PerturbType::Tense | PerturbType::Negation))
        {
            bail!(
                "--text rewrites one reply with tense or negation; {} needs dialogues (--input)",
                t.stem()
            );
        }
        let Some(rewriter) = &rewriter else {
            bail!("--text needs --types tense and/or negation");
        };
        let text = data::nfc(text);
        let mut worker = rewriter.worker();
        if args.explain {
            for t in worker.analyse(&text) {
                eprintln!("{}\t{}\t{:?}", t.surface, t.tag, t.morphemes);
            }
            for r in rewriter.readings(&mut worker, &text) {
                eprintln!("reading: {r:?}");
            }
        }
        for kind in types {
            for r in rewriter.rewrite(&mut worker, &text, kind, args.tense_to.as_deref()) {
                println!("{}", serde_json::to_string(&r)?);
            }
        }
        return Ok(());
    }
    let (Some(input), Some(output), Some(pending)) = (&args.input, &args.output, pending) else {
        bail!("--input and --output are required without --text");
    };
    let dialogues =
        crate::perturb::read_dialogues(input).with_context(|| format!("reading dialogues from {}", input.display()))?;
    let exclude_rules: Vec<String> = args
        .exclude_rules
        .iter()
        .map(|r| r.trim().trim_end_matches('/').to_owned())
        .collect();
    for rule in &exclude_rules {
        let kind = rule.split('/').next().unwrap_or_default();
        if !["tense", "negation", "repetition", "keyword-stuffing"].contains(&kind) {
            bail!("--exclude-rules `{rule}`: rules start with tense/, negation/, repetition/ or keyword-stuffing/ (see `report --by rule`)");
        }
    }
    let options = PerturbOptions {
        per_case: args.per_case,
        seed: args.seed,
        tense_to: args.tense_to.clone(),
        from: match args.from {
            RewriteFrom::Reply => RewriteSource::Reply,
            RewriteFrom::Context => RewriteSource::Context,
            RewriteFrom::Both => RewriteSource::Both,
        },
        exclude_rules,
    };
    let generated = crate::perturb::perturb(&dialogues, &types, options, rewriter.as_ref())?;
    let written = crate::perturb::write_output(pending, output, &generated)
        .with_context(|| format!("writing {}", output.display()))?;
    for (kind, cases) in &generated {
        eprintln!(
            "{}: {} cases from {} dialogues{}",
            kind.stem(),
            cases.len(),
            dialogues.len(),
            if cases.is_empty() { " (no file written)" } else { "" }
        );
    }
    for w in written {
        eprintln!("wrote {}", w.display());
    }
    Ok(())
}

fn compare(args: CompareArgs) -> Result<Outcome> {
    // Runs are told apart by their directory names: two alike are refused
    // before anything is read.
    let mut named: Vec<(String, &PathBuf)> = args.runs.iter().map(|d| (report::run_name(d), d)).collect();
    named.sort();
    if let Some(w) = named.windows(2).find(|w| w[0].0 == w[1].0) {
        bail!(
            "{} and {}: two runs named `{}`; rename one directory so the tables can tell them apart",
            w[0].1.display(),
            w[1].1.display(),
            w[0].0
        );
    }
    let runs: Vec<LoadedForCompare> = args
        .runs
        .iter()
        .map(|d| report::load_for_compare(d).with_context(|| format!("reading run {}", d.display())))
        .collect::<Result<_>>()?;
    let baseline = match &args.baseline {
        None => 0,
        Some(b) => runs
            .iter()
            .position(|r| &r.name == b || r.dir == Path::new(b))
            .with_context(|| format!("--baseline {b}: not one of the runs given"))?,
    };
    let mut forced = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if i == baseline {
            continue;
        }
        let diffs = report::differences(&runs[baseline], run);
        if !diffs.is_empty() && !args.force {
            bail!(
                "runs are not comparable (pass --force to compare anyway):\n  {}",
                diffs.join("\n  ")
            );
        }
        forced.extend(diffs);
    }
    let seed = runs[baseline].metadata.seed;
    let target = match &args.out {
        Some(out) => Target::Fixed(out.clone()),
        None => {
            let label = runs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join("-vs-");
            numbered_target(&format!("compare-{label}"))
        }
    };
    let pending = report::begin_comparison(target.clone(), args.overwrite)
        .with_context(|| describe_target("writing comparison", &target))?;
    let config = CompareConfig {
        baseline,
        bootstrap: BootstrapConfig {
            resamples: args.bootstrap,
            level: 0.95,
            seed,
        },
        alpha: args.alpha,
        metric: args.metric,
        group_by: args.by.into(),
    };
    let inputs: Vec<RunInput> = runs.iter().map(|r| r.input.clone()).collect();
    let comparison = crate::eval::compare(&inputs, &config).context("comparing runs")?;
    let base_name = runs[baseline].name.clone();
    let output = CompareOutput {
        comparison: &comparison,
        runs: &runs,
        baseline: &base_name,
        alpha: args.alpha,
        resamples: args.bootstrap,
        seed,
        forced: &forced,
    };
    let dir =
        report::write_comparison(pending, &output).with_context(|| describe_target("writing comparison", &target))?;
    if !args.quiet {
        print!(
            "{}",
            report::render_comparison(&comparison, &base_name, args.alpha, &forced, TableStyle::Terminal)
        );
    }
    eprintln!("wrote {}", dir.display());
    let failures = if args.fail_if_worse {
        crate::eval::regressions(&comparison)
    } else {
        Vec::new()
    };
    Ok(if failures.is_empty() {
        Outcome::Done
    } else {
        Outcome::GateFailed(failures)
    })
}

fn datasets(cmd: DatasetsCommand) -> Result<()> {
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
            for (t, n) in ds.count_by_type() {
                let expected = m
                    .files
                    .iter()
                    .find(|f| f.name.strip_suffix(".jsonl") == Some(t.as_str()))
                    .and_then(|f| f.cases);
                if let Some(e) = expected {
                    if e != n {
                        bail!("{}: type {t} has {n} cases, manifest says {e}", dir.display());
                    }
                }
            }
            println!("{}: {} verified, {} cases", dir.display(), m.name, ds.cases.len());
            Ok(())
        }
        DatasetsCommand::Fetch {
            name,
            to,
            base_url,
            timeout,
        } => {
            let m = manifest::find(&name)?;
            let to = to.unwrap_or_else(|| Path::new("datasets/downloads").join(&m.name));
            let options = data::fetch::FetchOptions {
                base_url,
                timeout: std::time::Duration::from_secs(timeout as u64),
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
    }
}
