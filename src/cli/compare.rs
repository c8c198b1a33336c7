//! `rsbench compare`: per-type tables, paired tests against a baseline, gates.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{describe_target, resample_count, Outcome, ReportBy};
use crate::eval::{BootstrapConfig, CompareConfig, GroupBy, Metric, RunInput, DEFAULT_LEVEL};
use crate::output::Target;
use crate::report::{self, CompareOutput, LoadedForCompare, TableStyle};

#[derive(clap::Args, Debug)]
pub(crate) struct CompareArgs {
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
    #[arg(long)]
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
    /// A run of a bias scorer on the same cases (BM25, TF-IDF, `eval --response-only`): adds
    /// tables and paired tests on the cases it ranks right (bias-aligned) and on the rest.
    #[arg(long, value_name = "RUN_DIR")]
    bias_run: Option<PathBuf>,
    /// Compare runs whose dataset, seed or splits differ (recorded in the output).
    #[arg(long)]
    force: bool,
    /// Exit with status 3 if any run is significantly worse than the baseline on any type.
    #[arg(long)]
    fail_if_worse: bool,
    /// Do not print the tables.
    #[arg(long, short)]
    quiet: bool,
    /// The tables on stdout: terminal, or latex (booktabs tables for a paper, also written
    /// to compare.tex in the output directory).
    #[arg(long, value_enum, default_value_t = CompareFormat::Terminal)]
    format: CompareFormat,
    /// Cases the compare.html's case browser may embed (all splits together), or `all`; over it the
    /// page keeps its tables and says how to write the browser.
    #[arg(long, value_name = "N|all", default_value = "20000")]
    page_cases: crate::report::html::PageCases,
}

// A CLI choice, not a mirror: where the tables go (stdout, or also compare.tex), no library enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CompareFormat {
    Terminal,
    Latex,
}

pub(super) fn run(args: CompareArgs) -> Result<Outcome> {
    crate::progress::enable(!args.quiet);
    report::check_distinct_names(&args.runs)?;
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
    let forced = report::check_comparable(&runs, baseline, args.force)?;
    let seed = runs[baseline].metadata.seed;
    let target = match &args.out {
        Some(out) => Target::Fixed(out.clone()),
        None => {
            let label = runs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join("-vs-");
            report::reports_target(&format!("compare-{label}"))
        }
    };
    let pending = report::begin_comparison(target.clone(), args.overwrite)
        .with_context(|| describe_target("writing comparison", &target))?;
    let config = CompareConfig {
        baseline,
        bootstrap: BootstrapConfig {
            resamples: args.bootstrap,
            level: DEFAULT_LEVEL,
            seed,
        },
        alpha: args.alpha,
        metric: args.metric,
        group_by: args.by.into(),
    };
    let inputs: Vec<RunInput> = runs.iter().map(|r| r.input.clone()).collect();
    let comparison = crate::eval::compare(&inputs, &config).context("comparing runs")?;
    let bias = match &args.bias_run {
        Some(dir) => {
            let bias = report::load_for_compare(dir).with_context(|| format!("reading bias run {}", dir.display()))?;
            let groups = report::bias_groups(&runs[baseline], &bias).context("grouping by the bias run")?;
            let regrouped: Vec<RunInput> = inputs
                .iter()
                .map(|r| RunInput {
                    name: r.name.clone(),
                    cases: groups.regroup(&r.cases),
                })
                .collect();
            let config = CompareConfig {
                group_by: GroupBy::Bias,
                ..config
            };
            Some(report::BiasComparison {
                comparison: crate::eval::compare(&regrouped, &config).context("comparing runs on the bias groups")?,
                bias_run: bias.name.clone(),
                bias_scorer: bias.metadata.scorer.kind.clone(),
                ties: groups.ties,
            })
        }
        None => None,
    };
    let base_name = runs[baseline].name.clone();
    let latex = (args.format == CompareFormat::Latex)
        .then(|| report::render_comparison_latex(&comparison, &base_name, args.alpha, &forced, bias.as_ref()));
    let output = CompareOutput {
        comparison: &comparison,
        bias: bias.as_ref(),
        runs: &runs,
        baseline: &base_name,
        alpha: args.alpha,
        resamples: args.bootstrap,
        seed,
        forced: &forced,
        page_cases: args.page_cases,
        latex: latex.as_deref(),
    };
    let dir =
        report::write_comparison(pending, &output).with_context(|| describe_target("writing comparison", &target))?;
    if let (Some(tex), false) = (&latex, args.quiet) {
        print!("{tex}");
    } else if !args.quiet {
        print!(
            "{}",
            report::render_comparison(&comparison, &base_name, args.alpha, &forced, TableStyle::Terminal)
        );
        if let Some(b) = &bias {
            print!("{}", report::render_bias(b, &base_name, TableStyle::Terminal));
        }
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
