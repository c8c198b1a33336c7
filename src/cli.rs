//! The command line: parses arguments and calls the library. Errors are
//! reported with their context chain and exit status 1 (2 for usage errors).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::data::{self, manifest, Dataset, Split, SplitOptions};
use crate::eval::{evaluate, BootstrapConfig, EvalConfig};
use crate::report::{self, RunMetadata, Timing};
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
        after_help = "Examples:\n  rsbench eval\n  rsbench eval --scorer tfidf --split adversarial\n  rsbench eval --scorer bm25 --dataset ../shared/datasets/koradvmrs --split both --out reports/bm25-koradvmrs\n  rsbench eval --scorer random --dataset my.tsv --split clean --candidates 10 --seed 7"
    )]
    Eval(EvalArgs),
    /// Render a run directory's summary again from its files.
    #[command(after_help = "Example:\n  rsbench report reports/sample-bm25-both-seed42 --format markdown")]
    Report {
        run_dir: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Terminal)]
        format: ReportFormat,
    },
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
    #[arg(long, value_enum, default_value_t = SplitArg::Both)]
    split: SplitArg,
    /// Candidates per case: tops adversarial cases up with random negatives; clean default 10.
    #[arg(long)]
    candidates: Option<usize>,
    /// Seed for random negatives, the random scorer and the bootstrap.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Bootstrap resamples for the 95 % intervals (0 disables them).
    #[arg(long, default_value_t = 1000)]
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
    #[arg(long)]
    threads: Option<usize>,
    /// Padded tokens per model batch (batch size × longest sequence).
    #[arg(long, default_value_t = 2048)]
    batch_tokens: usize,
    /// Do not print the summary table or the progress bar.
    #[arg(long, short)]
    quiet: bool,
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
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Eval(args) => eval(args),
        Command::Report { run_dir, format } => {
            let run = report::load_run(&run_dir).with_context(|| format!("reading run {}", run_dir.display()))?;
            let text = match format {
                ReportFormat::Terminal => report::render_terminal(&run.metadata, &run.summary),
                ReportFormat::Markdown => report::render_markdown(&run.metadata, &run.summary),
            };
            print!("{text}");
            Ok(())
        }
        Command::Datasets(cmd) => datasets(cmd),
        Command::Info => {
            let t = crate::scorer::torch_runtime();
            println!("rsbench {}", crate::VERSION);
            println!(
                "libtorch: cuda {} ({} devices), cudnn {}, mkldnn {}, {} intra-op threads",
                t.cuda_available, t.cuda_devices, t.cudnn_available, t.mkldnn, t.intra_op_threads
            );
            println!("rayon threads: {}", rayon::current_num_threads());
            Ok(())
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
        let options = RunOptions {
            device: parse_device(&args.device)?,
            dtype: match args.dtype {
                DtypeArg::F32 => tch::Kind::Float,
                DtypeArg::Bf16 => tch::Kind::BFloat16,
            },
            batch_tokens: args.batch_tokens.max(1),
            progress: !args.quiet,
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

/// The scorer's part of a generated run name: the model directory's name for models.
fn scorer_label(args: &EvalArgs, kind: &str) -> String {
    args.model
        .as_ref()
        .and_then(|m| {
            m.canonicalize()
                .ok()
                .unwrap_or_else(|| m.clone())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| kind.to_owned())
}

fn default_run_dir(dataset: &str, scorer: &str, split: &str, seed: u64) -> PathBuf {
    let base = format!("{dataset}-{scorer}-{split}-seed{seed}");
    let root = Path::new("reports");
    let mut candidate = root.join(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = root.join(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

fn eval(args: EvalArgs) -> Result<()> {
    let started = Instant::now();
    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if let Some(n) = args.threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        tch::set_num_threads(n as i32);
        // Fails only if the pool was already built (tests running in-process).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let (dataset, source) = load_dataset(args.dataset.as_deref())?;
    let scorer = make_scorer(&args, &dataset)?;
    let identity = scorer.identity();
    let splits = match args.split {
        SplitArg::Adversarial => vec![Split::Adversarial],
        SplitArg::Clean => vec![Split::Clean],
        SplitArg::Both => vec![Split::Adversarial, Split::Clean],
    };
    if let Some(out) = &args.out {
        if out.exists() && !args.overwrite {
            bail!(
                "{}: already exists; choose another --out or pass --overwrite",
                out.display()
            );
        }
    }
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
    let split_name = match args.split {
        SplitArg::Adversarial => "adversarial",
        SplitArg::Clean => "clean",
        SplitArg::Both => "both",
    };
    let dir = args.out.clone().unwrap_or_else(|| {
        default_run_dir(
            &dataset.name,
            &scorer_label(&args, &identity.kind),
            split_name,
            args.seed,
        )
    });
    let timing = Timing {
        wall_seconds: started.elapsed().as_secs_f64(),
        started_unix,
        scoring_seconds: result.scoring_seconds,
        distinct_pairs: result.distinct_pairs,
        scorer: scorer.stats(),
    };
    report::write_run(&dir, args.overwrite, &dataset, &result, &metadata, &timing)
        .with_context(|| format!("writing report {}", dir.display()))?;
    if !args.quiet {
        print!("{}", report::render_terminal(&metadata, &result.summary));
    }
    eprintln!("wrote {}", dir.display());
    Ok(())
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
        DatasetsCommand::Fetch { name, to, base_url } => {
            let m = manifest::find(&name)?;
            let to = to.unwrap_or_else(|| Path::new("datasets/downloads").join(&m.name));
            let outcomes = data::fetch::fetch(&m, &to, base_url.as_deref())
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
