//! The Python package's native module, `rsbench._native` (the `python`
//! feature; `python/rsbench/` wraps it, docs/python.md).
//!
//! Invariant: the module adds no evaluation of its own. Every step is the
//! library function the command line calls: datasets and their metadata
//! name ([`crate::data::source_name`]), the splits and the distinct pairs,
//! [`crate::eval::evaluate`], [`RunMetadata::describe`] and
//! [`crate::report::write_run`]; a Python scorer's scores become a
//! [`ScoresFile`] held in memory, so `Run.write(dir)` writes the bytes
//! `rsbench eval --scores FILE --out DIR` writes when FILE holds the same
//! scores (timing.json aside); `compare` and the `rsbench` command run the
//! command line itself ([`crate::cli`]). Errors are raised as
//! `rsbench.RsbenchError` with the command line's text (file and line
//! included); an exception raised by a Python scorer is raised again as it
//! was.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::data::{self, Dataset, Split};
use crate::eval::{build_splits, distinct_pairs, evaluate as run_evaluation, EvalConfig, EvalResult};
use crate::report::html::PageCases;
use crate::report::{self, RunMetadata, Timing};
use crate::scorer::{self, cache, Pair, ScoreError, Scorer, ScorerIdentity, ScoresFile};

create_exception!(
    _native,
    RsbenchError,
    PyException,
    "An rsbench error: its text names the file (and line) at fault."
);
create_exception!(
    _native,
    DictionaryNotFound,
    RsbenchError,
    "The Korean analyser's dictionary (mecab-ko-dic 2.1.1) is not where RSBENCH_MECAB_DIC points."
);

/// An error of the library, as the command line prints it (each cause once).
fn failed(e: impl Into<anyhow::Error>) -> PyErr {
    RsbenchError::new_err(crate::cli::error_text(&e.into()))
}

fn splits(split: &str) -> PyResult<Vec<Split>> {
    match split {
        "adversarial" => Ok(vec![Split::Adversarial]),
        "clean" => Ok(vec![Split::Clean]),
        "both" => Ok(vec![Split::Adversarial, Split::Clean]),
        other => Err(PyValueError::new_err(format!(
            "split={other:?}: expected 'adversarial', 'clean' or 'both'"
        ))),
    }
}

/// The dataset at `path` (the embedded sample set without one) and the name
/// a run's metadata gives it, as `eval --dataset` loads them.
fn load_dataset(path: Option<&std::path::Path>) -> PyResult<(Dataset, String)> {
    let dataset = match path {
        None => data::sample::load().map_err(failed)?,
        Some(p) => data::load_path(p)
            .map_err(|e| failed(anyhow::Error::new(e).context(format!("loading dataset {}", p.display()))))?,
    };
    Ok((dataset, data::source_name(path)))
}

/// The evaluation's configuration, checked as the command line checks it.
fn config(
    split: &str,
    candidates: Option<usize>,
    seed: u64,
    bootstrap: usize,
    response_only: bool,
) -> PyResult<EvalConfig> {
    if candidates.is_some_and(|n| n < 2) {
        return Err(PyValueError::new_err(
            "candidates must be at least 2 (a positive and a negative)",
        ));
    }
    let resamples =
        crate::eval::check_resamples(bootstrap).map_err(|e| PyValueError::new_err(format!("bootstrap: {e}")))?;
    Ok(EvalConfig::new(
        splits(split)?,
        candidates,
        seed,
        resamples,
        response_only,
    ))
}

/// `rsbench pairs`: each distinct (context, response) pair the evaluation
/// would score, once, in the evaluator's order: (id, context, response).
#[pyfunction]
#[pyo3(signature = (dataset, split, candidates, seed, response_only))]
fn pairs(
    py: Python<'_>,
    dataset: Option<PathBuf>,
    split: &str,
    candidates: Option<usize>,
    seed: u64,
    response_only: bool,
) -> PyResult<Vec<(String, Vec<String>, String)>> {
    let config = config(split, candidates, seed, 0, response_only)?;
    let (dataset, _) = load_dataset(dataset.as_deref())?;
    py.detach(|| {
        let built = build_splits(&dataset, &config.splits, &config.split_options).map_err(failed)?;
        let (pairs, _) = distinct_pairs(&dataset, &built, config.response_only);
        Ok(pairs
            .iter()
            .map(|p| {
                (
                    scorer::pair_id(p.context, p.response),
                    p.context.to_vec(),
                    p.response.to_owned(),
                )
            })
            .collect())
    })
}

/// A Python callable as a [`Scorer`]: a list of `(context, response)`
/// tuples in, a list of floats out, `batch` pairs at a time (the Python
/// wrapper turns arrays and tensors into that list and checks its length).
struct PyScorer {
    callable: Py<PyAny>,
    batch: usize,
    /// What the callable declares itself to be (`rsbench_identity`): the
    /// score cache's key; without one nothing is cached.
    identity: Option<String>,
    /// The exception the callable raised, raised again as it was once the
    /// library has unwound.
    raised: Arc<Mutex<Option<PyErr>>>,
}

impl Scorer for PyScorer {
    fn identity(&self) -> ScorerIdentity {
        let mut params = serde_json::Map::new();
        params.insert("identity".into(), self.identity.clone().into());
        // A model that pads its batches gives a pair other last bits in
        // another batch, so the batch size is part of the cache key (as for
        // `eval --scorer-cmd`).
        params.insert("batch".into(), self.batch.into());
        ScorerIdentity {
            kind: "python".into(),
            params,
        }
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Python::attach(|py| {
            let mut out = Vec::with_capacity(pairs.len());
            for chunk in pairs.chunks(self.batch) {
                let called = (|| -> PyResult<Vec<f64>> {
                    let items = chunk
                        .iter()
                        .map(|p| {
                            PyTuple::new(
                                py,
                                [
                                    p.context.into_pyobject(py)?.into_any(),
                                    p.response.into_pyobject(py)?.into_any(),
                                ],
                            )
                        })
                        .collect::<PyResult<Vec<_>>>()?;
                    let batch = PyList::new(py, items)?;
                    self.callable.call1(py, (batch,))?.extract::<Vec<f64>>(py)
                })();
                match called {
                    Ok(scores) => out.extend(scores),
                    Err(e) => {
                        let reason = e.to_string();
                        *self.raised.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                        return Err(ScoreError::Failed {
                            scorer: "python".into(),
                            reason,
                        });
                    }
                }
            }
            Ok(out)
        })
    }

    /// Consecutive batches of `batch` pairs: the score cache scores a missing
    /// batch as the uncached run forms it.
    fn plan(&self, pairs: &[Pair<'_>]) -> Result<Option<Vec<Vec<usize>>>, ScoreError> {
        Ok(Some(
            (0..pairs.len())
                .collect::<Vec<_>>()
                .chunks(self.batch)
                .map(<[usize]>::to_vec)
                .collect(),
        ))
    }
}

/// The score cache for a callable with an identity, as `eval` opens it for
/// a scorer program: `cache` (a directory) wins over RSBENCH_NO_CACHE; a
/// cache in use by another process is skipped with a warning.
fn with_cache(inner: PyScorer, cache_dir: Option<PathBuf>, no_cache: bool) -> PyResult<Box<dyn Scorer>> {
    if inner.identity.is_none() || no_cache || (cache::off_by_env() && cache_dir.is_none()) {
        return Ok(Box::new(inner));
    }
    let Some(dir) = cache_dir.or_else(cache::default_cache_dir) else {
        eprintln!("warning: no score cache (neither cache=, XDG_CACHE_HOME nor HOME is set)");
        return Ok(Box::new(inner));
    };
    match cache::ScoreCache::open(&dir) {
        Ok(opened) => Ok(Box::new(cache::CachedScorer::new(Box::new(inner), opened))),
        Err(cache::CacheError::Busy { path }) => {
            eprintln!(
                "warning: the score cache {} is in use by another rsbench; this run scores without it",
                path.display()
            );
            Ok(Box::new(inner))
        }
        Err(e) => Err(failed(anyhow::Error::new(e).context("opening the score cache"))),
    }
}

/// An evaluation: what `rsbench eval` computes, kept in memory until
/// written (`Run.write`).
#[pyclass(module = "rsbench._native", frozen)]
struct Run {
    dataset: Dataset,
    result: EvalResult,
    metadata: RunMetadata,
    timing: Timing,
    page_cases: PageCases,
    /// Each distinct pair's id and score, in the evaluator's order: what
    /// `eval --scores` reads back.
    scored: Vec<(String, f64)>,
    /// The Python scorer's identity (JSON), which metadata.json does not hold.
    scorer: Option<String>,
}

/// `rsbench eval` with a Python scorer (`scorer`, called on batches of
/// `batch_size` pairs), a scores file (`scores_path`) or scores in memory
/// (`scores`: (id, score) pairs).
#[pyfunction]
#[pyo3(signature = (dataset, split, candidates, seed, bootstrap, response_only, page_cases, scorer=None, batch_size=64, identity=None, scores_path=None, scores=None, cache=None, no_cache=false))]
#[allow(clippy::too_many_arguments)]
fn evaluate(
    py: Python<'_>,
    dataset: Option<PathBuf>,
    split: &str,
    candidates: Option<usize>,
    seed: u64,
    bootstrap: usize,
    response_only: bool,
    page_cases: &str,
    scorer: Option<Py<PyAny>>,
    batch_size: usize,
    identity: Option<String>,
    scores_path: Option<PathBuf>,
    scores: Option<Vec<(String, f64)>>,
    cache: Option<PathBuf>,
    no_cache: bool,
) -> PyResult<Run> {
    let started = Instant::now();
    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let page_cases: PageCases = page_cases
        .parse()
        .map_err(|e: String| PyValueError::new_err(format!("page_cases: {e}")))?;
    if batch_size == 0 {
        return Err(PyValueError::new_err("batch_size must be at least 1"));
    }
    let config = config(split, candidates, seed, bootstrap, response_only)?;
    let (dataset, source) = load_dataset(dataset.as_deref())?;
    let built = py
        .detach(|| build_splits(&dataset, &config.splits, &config.split_options))
        .map_err(failed)?;
    let (pairs, _) = distinct_pairs(&dataset, &built, config.response_only);
    let ids: Vec<String> = pairs.iter().map(|p| scorer::pair_id(p.context, p.response)).collect();
    let mut scorer_stats = None;
    let mut scoring_seconds = 0.0;
    let table = match (scorer, scores_path, scores) {
        (Some(callable), None, None) => {
            let raised = Arc::new(Mutex::new(None));
            let inner = PyScorer {
                callable,
                batch: batch_size,
                identity: identity.clone(),
                raised: raised.clone(),
            };
            let scorer = with_cache(inner, cache, no_cache)?;
            let scoring = Instant::now();
            // Detached: the cache and the library may score on their own
            // threads, and each batch attaches to call the function.
            let outcome = py.detach(|| {
                let scores = scorer::score_checked(scorer.as_ref(), &pairs)?;
                scorer.finish()?;
                Ok::<_, ScoreError>(scores)
            });
            scoring_seconds = scoring.elapsed().as_secs_f64();
            scorer_stats = scorer.stats();
            let computed = match outcome {
                Ok(s) => s,
                Err(e) => {
                    if let Some(original) = raised.lock().unwrap_or_else(|p| p.into_inner()).take() {
                        return Err(original);
                    }
                    return Err(failed(anyhow::Error::new(e).context("scoring")));
                }
            };
            ScoresFile::from_scores("the Python scorer's scores", ids.iter().cloned().zip(computed).collect())
                .map_err(failed)?
        }
        (None, Some(path), None) => ScoresFile::load(&path)
            .map_err(|e| failed(anyhow::Error::new(e).context("reading the scores file")))?,
        (None, None, Some(given)) => ScoresFile::from_scores("scores=", given).map_err(failed)?,
        _ => {
            return Err(PyValueError::new_err(
                "give exactly one of scorer= (a function of a batch of (context, response) pairs) or scores= (a scores file or a mapping of pair id to score)",
            ))
        }
    };
    let (result, scored) = py.detach(|| {
        let scored: Vec<(String, f64)> = ids
            .iter()
            .cloned()
            .zip(
                table
                    .score(&pairs)
                    .map_err(|e| failed(anyhow::Error::new(e).context("evaluating")))?,
            )
            .collect();
        let result = run_evaluation(&dataset, &table, &config)
            .map_err(|e| failed(anyhow::Error::new(e).context("evaluating")))?;
        Ok::<_, PyErr>((result, scored))
    })?;
    drop(pairs);
    drop(built);
    let metadata = RunMetadata::describe(&dataset, &source, &table.identity(), &config, &result);
    let timing = Timing {
        wall_seconds: started.elapsed().as_secs_f64(),
        started_unix,
        scoring_seconds: if scoring_seconds > 0.0 {
            scoring_seconds
        } else {
            result.scoring_seconds
        },
        distinct_pairs: result.distinct_pairs,
        scorer: scorer_stats,
        recheck: None,
    };
    let scorer = identity.map(|id| serde_json::json!({ "kind": "python", "identity": id }).to_string());
    Ok(Run {
        dataset,
        result,
        metadata,
        timing,
        page_cases,
        scored,
        scorer,
    })
}

#[pymethods]
impl Run {
    /// Writes the run directory `dir` (all files or none), as `rsbench eval
    /// --out DIR` does; `overwrite` replaces only a run directory.
    #[pyo3(signature = (dir, overwrite=false))]
    fn write(&self, py: Python<'_>, dir: PathBuf, overwrite: bool) -> PyResult<String> {
        py.detach(|| {
            let target = crate::output::Target::Fixed(dir.clone());
            let pending = report::begin_run(target, overwrite)
                .map_err(|e| failed(anyhow::Error::new(e).context(format!("writing report {}", dir.display()))))?;
            let written = report::write_run(
                pending,
                &self.dataset,
                &self.result,
                &self.metadata,
                &self.timing,
                self.page_cases,
            )
            .map_err(|e| failed(anyhow::Error::new(e).context(format!("writing report {}", dir.display()))))?;
            Ok(written.display().to_string())
        })
    }

    /// summary.csv's text, as `write` writes it.
    fn summary_csv(&self) -> PyResult<String> {
        use polars::prelude::{CsvWriter, SerWriter};
        let table = |e: polars::error::PolarsError| failed(anyhow::Error::new(e).context("summary.csv"));
        let mut frame = report::summary_frame(&self.result.summary).map_err(table)?;
        let mut bytes = Vec::new();
        CsvWriter::new(&mut bytes)
            .include_header(true)
            .finish(&mut frame)
            .map_err(table)?;
        String::from_utf8(bytes).map_err(failed)
    }

    /// predictions.parquet's bytes.
    fn predictions_parquet<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut bytes = Vec::new();
        py.detach(|| report::write_predictions(&mut bytes, &self.dataset, &self.result))
            .map_err(|e| failed(anyhow::Error::new(e).context("predictions")))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// metadata.json's text.
    fn metadata_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.metadata).map_err(failed)
    }

    /// timing.json's text.
    fn timing_json(&self) -> PyResult<String> {
        serde_json::to_string_pretty(&self.timing).map_err(failed)
    }

    /// The summary table as `eval` prints it.
    fn terminal(&self) -> String {
        report::render_terminal(&self.metadata, &self.result.summary)
    }

    /// Each distinct pair's (id, score), in the evaluator's order.
    fn scores(&self) -> Vec<(String, f64)> {
        self.scored.clone()
    }

    /// The scores as a file `eval --scores` reads: one `{"id", "score"}`
    /// line per pair (the scores exactly: serde_json writes the shortest
    /// text of each f64).
    fn scores_jsonl(&self) -> String {
        self.scored
            .iter()
            .map(|(id, s)| format!("{}\n", serde_json::json!({ "id": id, "score": s })))
            .collect()
    }

    /// The Python scorer's declared identity, JSON (None without one).
    fn scorer_identity(&self) -> Option<String> {
        self.scorer.clone()
    }
}

/// `rsbench perturb` on `dialogues` (JSONL text, one dialogue a line: a
/// KorAdvMRS record or `{"context", "response"}`) or on the file or
/// directory `input`: the records `--output X.jsonl` would hold, one JSON
/// text each, types in the order given.
#[pyfunction]
#[pyo3(signature = (dialogues, input, types, seed, per_case, tense_to, rewrite_from, exclude_rules))]
#[allow(clippy::too_many_arguments)]
fn perturb(
    py: Python<'_>,
    dialogues: Option<String>,
    input: Option<PathBuf>,
    types: Vec<String>,
    seed: u64,
    per_case: usize,
    tense_to: Option<String>,
    rewrite_from: &str,
    exclude_rules: Vec<String>,
) -> PyResult<Vec<String>> {
    use crate::perturb::{PerturbError, PerturbOptions, PerturbType, RewriteSource};
    if per_case == 0 {
        return Err(PyValueError::new_err("per_case must be at least 1"));
    }
    if let Some(t) = tense_to
        .as_deref()
        .filter(|t| !crate::perturb::rewrite::TENSES.contains(t))
    {
        return Err(PyValueError::new_err(format!(
            "tense_to={t:?}: expected one of {:?}",
            crate::perturb::rewrite::TENSES
        )));
    }
    let from = match rewrite_from {
        "reply" => RewriteSource::Reply,
        "context" => RewriteSource::Context,
        "both" => RewriteSource::Both,
        other => {
            return Err(PyValueError::new_err(format!(
                "rewrite_from={other:?}: expected 'reply', 'context' or 'both'"
            )))
        }
    };
    let types = PerturbType::parse_list(&types).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let exclude_rules =
        crate::perturb::parse_exclusions(&exclude_rules).map_err(|e| PyValueError::new_err(e.to_string()))?;
    py.detach(|| {
        let dialogues = match (&dialogues, &input) {
            (Some(text), None) => crate::perturb::dialogues_from_jsonl("dialogues", text.as_bytes()).map_err(failed)?,
            (None, Some(path)) => crate::perturb::read_dialogues(path).map_err(|e| {
                failed(anyhow::Error::new(e).context(format!("reading dialogues from {}", path.display())))
            })?,
            _ => return Err(PyValueError::new_err("give dialogues or a path")),
        };
        let rewriter = if types.iter().any(|t| t.needs_analyser()) {
            let dir = crate::perturb::analyser::dictionary_dir();
            match crate::perturb::rewrite::Rewriter::load(&dir) {
                Ok(r) => Some(r),
                Err(e @ PerturbError::NoDictionary(_)) => {
                    return Err(DictionaryNotFound::new_err(format!(
                        "{e} (the Python package does not include the dictionary: about 200 MB; set RSBENCH_MECAB_DIC before calling perturb, docs/python.md)"
                    )))
                }
                Err(e) => return Err(failed(anyhow::Error::new(e).context("loading the Korean analyser"))),
            }
        } else {
            None
        };
        let options = PerturbOptions {
            per_case,
            seed,
            tense_to,
            from,
            exclude_rules,
            user_rules: None,
        };
        let generated = crate::perturb::perturb(&dialogues, &types, options, rewriter.as_ref()).map_err(failed)?;
        let mut records = Vec::new();
        for (_, cases) in generated {
            for case in cases {
                records.push(serde_json::to_string(&case).map_err(failed)?);
            }
        }
        Ok(records)
    })
}

/// The `rsbench` command itself (the package's console script): the exit
/// status. A usage error or `--help` prints and exits the process, as the
/// binary does.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| crate::cli::main_from(argv))
}

/// One command run in this process (no signal handlers installed): 0, or 3
/// for a failed gate; an error is raised.
#[pyfunction]
fn run_command(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    let cli = crate::cli::try_parse(argv).map_err(|e| PyValueError::new_err(e.to_string()))?;
    match py.detach(|| crate::cli::run(cli)) {
        Ok(crate::cli::Outcome::Done) => Ok(0),
        Ok(crate::cli::Outcome::GateFailed(_)) => Ok(crate::cli::GATE_FAILED),
        Err(e) => Err(RsbenchError::new_err(crate::cli::error_text(&e))),
    }
}

/// The perturbation types and whether each needs the analyser.
#[pyfunction]
fn perturb_types() -> Vec<(String, bool)> {
    crate::perturb::PerturbType::all()
        .map(|t| (t.name().to_owned(), t.needs_analyser()))
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", crate::VERSION)?;
    m.add("RsbenchError", m.py().get_type::<RsbenchError>())?;
    m.add("DictionaryNotFound", m.py().get_type::<DictionaryNotFound>())?;
    m.add_class::<Run>()?;
    m.add_function(wrap_pyfunction!(pairs, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(perturb, m)?)?;
    m.add_function(wrap_pyfunction!(perturb_types, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(run_command, m)?)?;
    Ok(())
}
