//! `rsbench eval`: score a dataset's candidates and write a run directory.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::builder::PossibleValue;
use clap::ValueEnum;

use super::{describe_target, named, positive, resample_count, Outcome};
use crate::data::{self, Dataset, Split};
use crate::eval::plan::EvalPlan;
use crate::eval::{evaluate, shard, EvalConfig, MinRule, DEFAULT_SEED};
use crate::output::Target;
use crate::report::{self, RunMetadata, Timing};
use crate::scorer::choice::{CachePlan, ModelChoice, Precision, ScorerChoice};
use crate::scorer::{Baseline, RerankApi, RerankOptions, Scorer, SubprocessOptions};

/// Candidates per case: a positive and at least one negative.
pub(super) fn candidate_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 2 => Ok(n),
        Ok(_) => Err("must be at least 2 (a positive and a negative)".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// `--dtype`'s values, with what int8 and auto do.
fn dtype_values() -> impl Iterator<Item = PossibleValue> {
    Precision::ALL.into_iter().map(|p| {
        let value = PossibleValue::new(p.name());
        match p {
            Precision::Int8 => value.help("int8 matrix products (per-channel weights, per-row activations), CPU only"),
            Precision::Auto => value.help(
                "Measure each precision's layer at the model's shape on this CPU (cached) and run the one \
                 predicted fastest, near-ties re-scored in fp32; fp32 on a GPU, for TorchScript and for shards",
            ),
            Precision::F32 | Precision::Bf16 => value,
        }
    })
}

// A CLI choice, not a mirror: `both` is two library `Split`s (see `splits`), recorded by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum SplitArg {
    Adversarial,
    Clean,
    Both,
}

impl SplitArg {
    pub(super) fn name(self) -> &'static str {
        match self {
            SplitArg::Adversarial => "adversarial",
            SplitArg::Clean => "clean",
            SplitArg::Both => "both",
        }
    }

    pub(super) fn splits(self) -> Vec<Split> {
        match self {
            SplitArg::Adversarial => vec![Split::Adversarial],
            SplitArg::Clean => vec![Split::Clean],
            SplitArg::Both => vec![Split::Adversarial, Split::Clean],
        }
    }
}

/// What an evaluation reads and how it builds its cases: shared by `eval`
/// and `pairs`, so the pairs `pairs` writes are the ones `eval --scores`
/// looks up.
#[derive(clap::Args, Debug)]
pub(super) struct DatasetArgs {
    /// A dataset file or directory (*.jsonl KorAdvMRS, *.tsv/*.txt TSV) [default: the embedded sample set].
    #[arg(long)]
    pub(super) dataset: Option<PathBuf>,
    /// Which split(s) to evaluate.
    #[arg(long, value_enum, default_value_t = SplitArg::Both)]
    pub(super) split: SplitArg,
    /// Candidates per case: tops adversarial cases up with random negatives; clean default 10.
    #[arg(long, value_parser = candidate_count)]
    pub(super) candidates: Option<usize>,
    /// Seed for random negatives, the random scorer and the bootstrap.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(super) seed: u64,
    /// Score every candidate with the context left empty: how much the scorer decides from the
    /// response alone (a bias run for `report --bias-run`; with `pairs`, the pairs such a run
    /// scores); recorded in metadata.json.
    #[arg(long)]
    pub(super) response_only: bool,
}

#[derive(clap::Args, Debug)]
pub(crate) struct EvalArgs {
    #[command(flatten)]
    data: DatasetArgs,
    /// A response selection model (libtorch scorer): a checkpoint directory, or a hub name `org/name[@revision]` read offline from the Hugging Face cache (HF_HUB_CACHE, HF_HOME).
    #[arg(long, conflicts_with_all = ["scorer", "scores", "scorer_cmd", "scorer_url"])]
    model: Option<PathBuf>,
    /// A rerank server's base URL, e.g. http://127.0.0.1:8000 (docs/scorers.md, "A rerank server").
    #[arg(long, conflicts_with_all = ["scorer", "scores", "scorer_cmd"])]
    scorer_url: Option<String>,
    /// With --scorer-url: `v1` (POST /v1/rerank: vLLM, Infinity, llama.cpp) or `tei` (POST /rerank).
    #[arg(long, value_parser = named::<RerankApi>(RerankApi::ALL.map(RerankApi::name)), requires = "scorer_url",
          default_value = RerankApi::V1.name())]
    rerank_api: RerankApi,
    /// With --scorer-url: the text between a context's turns in each query, e.g. " [SEP] " for a
    /// model trained on turns joined by its separator token [default: a line break].
    #[arg(long, requires = "scorer_url")]
    query_joiner: Option<String>,
    /// With --scorer-url: requests in flight at once.
    #[arg(long, requires = "scorer_url", default_value_t = 4, value_parser = positive)]
    scorer_concurrency: usize,
    /// With --scorer-url: attempts per request when the server is busy or unreachable (429, 5xx, dropped).
    #[arg(long, requires = "scorer_url", default_value_t = 4, value_parser = positive)]
    scorer_attempts: usize,
    /// With --scorer-url: a header sent with every request and never written anywhere, e.g.
    /// 'Authorization: Bearer $TOKEN' ($VAR and ${VAR} read from the environment, $$ a dollar sign).
    #[arg(long, requires = "scorer_url", value_name = "NAME: VALUE")]
    scorer_header: Vec<String>,
    /// A scorer that is another program, e.g. `python my_scorer.py`: one JSON request line per
    /// batch on its stdin, one answer line on its stdout (docs/scorers.md, "A scorer process").
    #[arg(long, conflicts_with_all = ["scorer", "scores"])]
    scorer_cmd: Option<String>,
    /// With --scorer-cmd: the program's NAME or NAME@VERSION when it sends no handshake line;
    /// with --scorer-url: the `model` each request names.
    #[arg(long)]
    scorer_name: Option<String>,
    /// With --scorer-cmd or --scorer-url: seconds to wait for each answer.
    #[arg(long, default_value_t = 300.0)]
    scorer_timeout: f64,
    /// With --scorer-cmd or --scorer-url: pairs (documents) per request.
    #[arg(long, default_value_t = 64, value_parser = positive)]
    scorer_batch: usize,
    /// Scores computed elsewhere: `{"id", "score"}` lines for the pairs `rsbench pairs` wrote
    /// with the same dataset, --split, --candidates and --seed.
    #[arg(long, conflicts_with = "scorer")]
    scores: Option<PathBuf>,
    /// A model-free scorer [default: bm25].
    #[arg(long, value_parser = named::<Baseline>(Baseline::ALL.map(Baseline::name)))]
    scorer: Option<Baseline>,
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
    #[arg(long, value_parser = named::<Precision>(dtype_values()), default_value = Precision::Auto.name())]
    dtype: Precision,
    /// Threads for tokenisation and libtorch [default: all cores].
    #[arg(long, value_parser = positive)]
    threads: Option<usize>,
    /// Padded tokens per model batch (batch size × longest sequence) [default: 2048 on cpu (512 with int8), 8192 on cuda].
    #[arg(long)]
    batch_tokens: Option<usize>,
    /// With --dtype bf16 or int8: do not re-score near-tied candidates in fp32 (faster; 2–5 % of decisions may flip).
    #[arg(long, alias = "no-bf16-recheck")]
    no_recheck: bool,
    /// Fail (exit 3) when a type's pairwise accuracy is below PERCENT, e.g.
    /// `--min overall=45 --min repetition=30 --min clean:overall=70` (split defaults to adversarial).
    #[arg(long = "min", value_name = "[SPLIT:]TYPE=PERCENT")]
    min: Vec<MinRule>,
    /// The score cache of models, scorer programs and rerank servers [default: $XDG_CACHE_HOME/rsbench].
    #[arg(long, conflicts_with = "no_cache")]
    cache: Option<PathBuf>,
    /// Score everything again and keep nothing.
    #[arg(long)]
    no_cache: bool,
    /// Score only shard I of N of the distinct pairs and write `--out/shard-I-of-N.jsonl`
    /// (`rsbench merge` then writes the report); `auto` reads Slurm's array task or
    /// Kubernetes' JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "I/N|auto", value_parser = shard_arg)]
    shard: Option<String>,
    /// With `--shard auto` and JOB_COMPLETION_INDEX: the number of shards.
    #[arg(long, requires = "shard")]
    shards: Option<usize>,
    /// Do not print the summary table or the progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Cases the HTML page's case browser may embed (all splits together), or `all`; over it the
    /// page keeps its tables and says how to write the browser.
    #[arg(long, value_name = "N|all", default_value = "20000")]
    page_cases: crate::report::html::PageCases,
}

pub(super) use crate::data::EMBEDDED_SOURCE;

pub(super) fn load_dataset(path: Option<&Path>) -> Result<(Dataset, String)> {
    match path {
        None => Ok((
            data::sample::load().context("loading the embedded sample set")?,
            data::source_name(None),
        )),
        Some(p) => {
            let ds = data::load_path(p).with_context(|| format!("loading dataset {}", p.display()))?;
            Ok((ds, data::source_name(Some(p))))
        }
    }
}

/// The scorer `args` name, every flag of it read here once.
fn scorer_choice(args: &EvalArgs) -> Result<ScorerChoice> {
    if args.scorer_name.is_some() && args.scorer_cmd.is_none() && args.scorer_url.is_none() {
        anyhow::bail!("--scorer-name names a --scorer-cmd program or a --scorer-url model");
    }
    if !(args.scorer_timeout.is_finite() && args.scorer_timeout > 0.0) {
        anyhow::bail!("--scorer-timeout must be a positive number of seconds");
    }
    if let Some(url) = &args.scorer_url {
        let headers = args
            .scorer_header
            .iter()
            .map(|h| crate::scorer::parse_header(h, |v| std::env::var(v).ok()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("--scorer-header {e}"))?;
        return Ok(ScorerChoice::Server(RerankOptions {
            url: url.clone(),
            api: args.rerank_api,
            model: args.scorer_name.clone(),
            batch: args.scorer_batch,
            concurrency: args.scorer_concurrency,
            timeout: std::time::Duration::from_secs_f64(args.scorer_timeout),
            attempts: args.scorer_attempts,
            backoff: std::time::Duration::from_millis(200),
            query_joiner: args
                .query_joiner
                .clone()
                .unwrap_or_else(|| crate::scorer::DEFAULT_QUERY_JOINER.to_owned()),
            headers,
        }));
    }
    if let Some(command) = &args.scorer_cmd {
        return Ok(ScorerChoice::Program(SubprocessOptions {
            command: command.clone(),
            name: args.scorer_name.clone(),
            timeout: std::time::Duration::from_secs_f64(args.scorer_timeout),
            batch: args.scorer_batch,
        }));
    }
    if let Some(scores) = &args.scores {
        return Ok(ScorerChoice::Scores(scores.clone()));
    }
    if let Some(model) = &args.model {
        return Ok(ScorerChoice::Model(ModelChoice {
            model: model.clone(),
            device: args.device.clone(),
            precision: args.dtype,
            batch_tokens: args.batch_tokens,
            recheck: !args.no_recheck,
            probe_dir: None,
            sharded: args.shard.is_some(),
            quiet: args.quiet,
            pair_letters: None,
        }));
    }
    Ok(ScorerChoice::Baseline(args.scorer.unwrap_or(Baseline::Bm25)))
}

/// The run's plan: every decision made once from `args`.
fn plan(args: &EvalArgs) -> Result<EvalPlan> {
    let mut scorer = scorer_choice(args)?;
    let cache = CachePlan::decide(scorer.costly(), args.no_cache, args.cache.clone());
    // auto's probe keeps its timings in the score cache's directory.
    if let ScorerChoice::Model(m) = &mut scorer {
        m.probe_dir = cache.dir().cloned();
    }
    let shard = match &args.shard {
        Some(spec) => Some(shard::resolve(spec, args.shards, |v| std::env::var(v).ok())?),
        None => None,
    };
    let config = eval_config(
        args.data.split,
        args.data.candidates,
        args.data.seed,
        args.bootstrap,
        args.data.response_only,
    );
    Ok(EvalPlan::new(scorer, cache, config, args.data.split.name(), shard)?)
}

/// The plan's scorer, behind the cache where the plan has one; notes printed.
fn build_scorer(plan: EvalPlan, dataset: &Dataset) -> Result<Box<dyn Scorer>> {
    let mut notes = Vec::new();
    let built = plan.scorer.build(dataset, plan.config.split_options.seed, &mut notes);
    for note in notes.drain(..) {
        eprintln!("{note}");
    }
    let scorer = plan.cache.wrap(built?, &mut notes).context("opening the score cache");
    for note in notes {
        eprintln!("{note}");
    }
    scorer
}

pub(super) fn run(args: EvalArgs) -> Result<Outcome> {
    crate::progress::enable(!args.quiet);
    let finish = Finish::start(args.quiet, &args.min, args.page_cases);
    if let Some(n) = args.threads {
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        if n > cores {
            eprintln!(
                "warning: --threads {n} is more than the {cores} cores here; threads beyond the cores only compete"
            );
        }
        #[cfg(feature = "torch")]
        tch::set_num_threads(n as i32);
        // Fails only if the pool was already built (tests running in-process).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    let (dataset, source) = load_dataset(args.data.dataset.as_deref())?;
    let plan = plan(&args)?;
    // The destination is checked and staged before the (long) scoring.
    let target = match &args.out {
        Some(out) => Target::Fixed(out.clone()),
        None => report::default_run_target(&dataset.name, &plan.scorer.run_label(), plan.split, args.data.seed),
    };
    if let Some((shard, shards)) = plan.shard {
        let out = args
            .out
            .clone()
            .context("--shard needs --out: the shards of one run share that directory")?;
        return run_shard(plan, &out, args.overwrite, &dataset, &source, shard, shards);
    }
    let pending = report::begin_run(target.clone(), args.overwrite)
        .with_context(|| describe_target("writing report", &target))?;
    let config = plan.config.clone();
    let scorer = build_scorer(plan, &dataset)?;
    finish.run(pending, &target, &dataset, &source, scorer.as_ref(), &config)
}

pub(super) fn eval_config(
    split: SplitArg,
    candidates: Option<usize>,
    seed: u64,
    resamples: usize,
    response_only: bool,
) -> EvalConfig {
    EvalConfig::new(split.splits(), candidates, seed, resamples, response_only)
}

/// The end of a run, shared by `eval` and `merge`: evaluate, write the run
/// directory, print the summary, check the gates.
pub(super) struct Finish<'a> {
    started: Instant,
    started_unix: u64,
    quiet: bool,
    /// The `--min` gates checked at the end.
    min: &'a [MinRule],
    page_cases: crate::report::html::PageCases,
}

impl<'a> Finish<'a> {
    /// Starts the clock of a run's timing.json.
    pub(super) fn start(quiet: bool, min: &'a [MinRule], page_cases: crate::report::html::PageCases) -> Finish<'a> {
        Finish {
            min,
            page_cases,
            started: Instant::now(),
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            quiet,
        }
    }

    pub(super) fn run(
        &self,
        pending: crate::output::Pending,
        target: &Target,
        dataset: &Dataset,
        source: &str,
        scorer: &dyn Scorer,
        config: &EvalConfig,
    ) -> Result<Outcome> {
        let identity = scorer.identity();
        let result = evaluate(dataset, scorer, config).context("evaluating")?;
        let metadata = RunMetadata::describe(dataset, source, &identity, config, &result);
        let timing = Timing {
            wall_seconds: self.started.elapsed().as_secs_f64(),
            started_unix: self.started_unix,
            scoring_seconds: result.scoring_seconds,
            distinct_pairs: result.distinct_pairs,
            scorer: scorer.stats(),
            recheck: result.recheck.clone(),
        };
        let dir = report::write_run(pending, dataset, &result, &metadata, &timing, self.page_cases)
            .with_context(|| describe_target("writing report", target))?;
        if !self.quiet {
            print!("{}", report::render_terminal(&metadata, &result.summary));
        }
        eprintln!("wrote {}", dir.display());
        let failures = crate::eval::check_min(self.min, &result.summary)?;
        Ok(if failures.is_empty() {
            Outcome::Done
        } else {
            Outcome::GateFailed(failures)
        })
    }
}

/// `--shard`'s value checked when the command line is read: a bad `I/N` is a
/// usage error (exit 2).
fn shard_arg(s: &str) -> Result<String, String> {
    if s != "auto" {
        shard::parse_shard(s)?;
    }
    Ok(s.to_owned())
}

/// A shard file rsbench wrote: its first line is a shard header.
fn shard_kind() -> crate::output::OutputKind {
    crate::output::OutputKind {
        what: "shard file",
        shape: crate::output::Shape::File,
        recognise: Box::new(|p| {
            let first = std::fs::read_to_string(p)
                .ok()
                .and_then(|t| t.lines().next().map(str::to_owned));
            match first.map(|l| serde_json::from_str::<shard::ShardHeader>(&l)) {
                Some(Ok(_)) => Ok(()),
                _ => Err("its first line is not a shard header".into()),
            }
        }),
    }
}

/// Scores this process's shard of the distinct pairs and writes its shard
/// file into `out` (created if no shard made it yet).
fn run_shard(
    plan: EvalPlan,
    out: &Path,
    overwrite: bool,
    dataset: &Dataset,
    source: &str,
    shard: usize,
    shards: usize,
) -> Result<Outcome> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let target = Target::Fixed(out.join(shard::shard_file_name(shard, shards)));
    let pending = crate::output::Pending::begin(target.clone(), shard_kind(), overwrite)
        .with_context(|| describe_target("writing shard", &target))?;
    let config = plan.config.clone();
    let split = plan.split;
    let scorer = build_scorer(plan, dataset)?;
    let scored = shard::score_shard(scorer.as_ref(), dataset, source, &config, split, (shard, shards))?;
    std::fs::write(pending.path(), scored.text).with_context(|| describe_target("writing shard", &target))?;
    let path = pending
        .commit()
        .with_context(|| describe_target("writing shard", &target))?;
    eprintln!(
        "wrote {} ({} of {} pairs)",
        path.display(),
        scored.pairs,
        scored.pairs_total
    );
    Ok(Outcome::Done)
}
