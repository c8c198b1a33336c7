//! Sharded evaluation: N processes (a Slurm array, a Kubernetes indexed job)
//! each score one shard of an evaluation's distinct pairs and write a shard
//! file; `merge` evaluates once every shard is there.
//!
//! Invariant: every process computes the same partition from the same pairs
//! (by pair digest, balanced by text length), so the shards cover each pair
//! exactly once; a merge replays the recorded scores under the recorded
//! scorer identity and configuration, so its report is byte-identical to an
//! unsharded run's. Shard files that disagree on the dataset, the scorer,
//! the configuration or the number of shards are refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::scorer::{pair_id, Pair, ScoreError, Scorer, ScorerIdentity};

/// Everything a merge needs to redo the evaluation, on each shard file's
/// first line.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShardHeader {
    pub rsbench_shard: u32,
    pub rsbench_version: String,
    pub shard: usize,
    pub shards: usize,
    /// The dataset as given (`<embedded sample>` for the sample set).
    pub dataset: String,
    /// Its files' SHA-256, by name.
    pub dataset_files: Vec<(String, String)>,
    pub split: String,
    pub candidates: Option<usize>,
    pub seed: u64,
    pub bootstrap: usize,
    /// `eval --response-only`: every context was scored empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub response_only: bool,
    pub scorer: ScorerIdentity,
    /// Distinct pairs of the whole evaluation, and of this shard.
    pub pairs_total: usize,
    pub pairs: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `--shard` (or the environment `auto` reads) names no shard.
    #[error("{0}")]
    Spec(String),
    #[error("{}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {message}", .path.display())]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {message}", .dir.display())]
    Set { dir: PathBuf, message: String },
    #[error("building the splits: {0}")]
    Splits(super::EvalError),
    #[error("planning the batches: {0}")]
    Plan(ScoreError),
    #[error("scoring: {0}")]
    Score(ScoreError),
    #[error("writing the shard file: {0}")]
    Render(serde_json::Error),
}

/// One process's share of a sharded run, scored: the shard file's text and
/// the number of its pairs and of the run's.
pub struct ScoredShard {
    pub text: String,
    pub pairs: usize,
    pub pairs_total: usize,
}

/// Scores shard `shard` of `shards` of the evaluation `config` describes:
/// the run's distinct pairs, assigned as [`assign`] does with the groups
/// the scorer forms for them all ([`Scorer::plan`]), each of this shard's
/// groups scored alone, as the unsharded run scores it; then the scorer's
/// end-of-run check. `source` and `split` name the dataset and split in
/// the header, as the unsharded run's metadata does.
pub fn score_shard(
    scorer: &dyn Scorer,
    dataset: &crate::data::Dataset,
    source: &str,
    config: &super::EvalConfig,
    split: &str,
    (shard, shards): (usize, usize),
) -> Result<ScoredShard, ShardError> {
    let built = super::build_splits(dataset, &config.splits, &config.split_options).map_err(ShardError::Splits)?;
    let (pairs, _) = super::distinct_pairs(dataset, &built, config.response_only);
    let planned = scorer.plan(&pairs).map_err(ShardError::Plan)?;
    let owner = assign(&pairs, planned.as_deref(), shards);
    // With a plan, each of this shard's groups is scored alone, as the
    // unsharded run's scorer forms it; without, all at once.
    let groups: Vec<Vec<usize>> = match &planned {
        Some(groups) => groups
            .iter()
            .filter(|g| g.first().is_some_and(|&i| owner[i] == shard))
            .cloned()
            .collect(),
        None => vec![(0..pairs.len()).filter(|&i| owner[i] == shard).collect()],
    };
    let mut mine: Vec<Pair<'_>> = Vec::new();
    let mut scores: Vec<f64> = Vec::new();
    for group in groups {
        let batch: Vec<Pair<'_>> = group.iter().map(|&i| pairs[i]).collect();
        scores.extend(crate::scorer::score_checked(scorer, &batch).map_err(ShardError::Score)?);
        mine.extend(batch);
    }
    scorer.finish().map_err(ShardError::Score)?;
    let header = ShardHeader {
        rsbench_shard: 1,
        rsbench_version: crate::VERSION.to_owned(),
        shard,
        shards,
        dataset: source.to_owned(),
        dataset_files: dataset_files(dataset),
        split: split.to_owned(),
        candidates: config.split_options.candidates,
        seed: config.split_options.seed,
        bootstrap: config.bootstrap.resamples,
        response_only: config.response_only,
        scorer: scorer.identity(),
        pairs_total: pairs.len(),
        pairs: mine.len(),
    };
    let text = render(&header, &mine, &scores).map_err(ShardError::Render)?;
    Ok(ScoredShard {
        text,
        pairs: mine.len(),
        pairs_total: pairs.len(),
    })
}

/// `I/N`, 0 ≤ I < N.
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s.split_once('/').ok_or("expected I/N, e.g. 0/3, or auto")?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| format!("`{i}` is not a shard number"))?,
        n.trim().parse().map_err(|_| format!("`{n}` is not a shard count"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("shard {i} of {n}: I must be below N and N at least 1"));
    }
    Ok((i, n))
}

/// `--shard`'s `I/N`, or `auto`: Slurm's array task (`SLURM_ARRAY_TASK_ID`
/// less `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`), else
/// Kubernetes' `JOB_COMPLETION_INDEX` of `shards`. `var` reads the
/// environment.
pub fn resolve(
    spec: &str,
    shards: Option<usize>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<(usize, usize), ShardError> {
    let bad = |m: String| ShardError::Spec(m);
    if spec != "auto" {
        return parse_shard(spec).map_err(|e| bad(format!("--shard {spec}: {e}")));
    }
    let number = |name: &str| -> Result<Option<usize>, ShardError> {
        match var(name) {
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|e| bad(format!("{name}={v} is not a number: {e}"))),
            None => Ok(None),
        }
    };
    if let (Some(id), Some(count)) = (number("SLURM_ARRAY_TASK_ID")?, number("SLURM_ARRAY_TASK_COUNT")?) {
        let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let i = id
            .checked_sub(min)
            .ok_or_else(|| bad("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN".into()))?;
        return parse_shard(&format!("{i}/{count}")).map_err(|e| bad(format!("--shard auto (Slurm): {e}")));
    }
    if let Some(i) = number("JOB_COMPLETION_INDEX")? {
        let n = shards.ok_or_else(|| bad("--shard auto with JOB_COMPLETION_INDEX needs --shards N".into()))?;
        return parse_shard(&format!("{i}/{n}")).map_err(|e| bad(format!("--shard auto (Kubernetes): {e}")));
    }
    Err(bad(
        "--shard auto: neither SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT nor JOB_COMPLETION_INDEX is set".into(),
    ))
}

/// A shard file's text: the header line, then one `{"id", "score"}` line per
/// pair, as [`ShardFile`] reads them back.
pub fn render(header: &ShardHeader, pairs: &[Pair<'_>], scores: &[f64]) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string(header)?;
    text.push('\n');
    for (p, s) in pairs.iter().zip(scores) {
        text.push_str(&serde_json::json!({ "id": pair_id(p.context, p.response), "score": s }).to_string());
        text.push('\n');
    }
    Ok(text)
}

/// The shard of each pair. Without a plan: pairs in the order of their ids,
/// each given to the shard with the least text so far. With the scorer's
/// plan (its batches, whose composition its scores depend on): whole groups,
/// in plan order, each to the shard with the least text so far. Ties go to
/// the lowest shard.
pub fn assign(pairs: &[Pair<'_>], plan: Option<&[Vec<usize>]>, shards: usize) -> Vec<usize> {
    let weight = |p: &Pair<'_>| p.response.len() + p.context.iter().map(String::len).sum::<usize>();
    let groups: Vec<Vec<usize>> = match plan {
        Some(groups) => groups.to_vec(),
        None => {
            let mut order: Vec<(String, usize)> = pairs
                .iter()
                .enumerate()
                .map(|(i, p)| (pair_id(p.context, p.response), i))
                .collect();
            order.sort();
            order.into_iter().map(|(_, i)| vec![i]).collect()
        }
    };
    let mut load = vec![0usize; shards.max(1)];
    let mut out = vec![0usize; pairs.len()];
    for group in groups {
        let s = (0..load.len()).min_by_key(|&s| (load[s], s)).unwrap_or(0);
        for i in group {
            load[s] += weight(&pairs[i]);
            out[i] = s;
        }
    }
    out
}

pub fn shard_file_name(shard: usize, shards: usize) -> String {
    format!("shard-{shard}-of-{shards}.jsonl")
}

/// One shard file: its header and its scores by pair id.
pub struct ShardFile {
    pub header: ShardHeader,
    pub scores: HashMap<String, f64>,
}

impl ShardFile {
    pub fn read(path: &Path) -> Result<ShardFile, ShardError> {
        let text = std::fs::read_to_string(path).map_err(|source| ShardError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let at = |line: usize, message: String| ShardError::Line {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header: ShardHeader = serde_json::from_str(lines.next().map_or("", |(_, l)| l))
            .map_err(|e| at(1, format!("is not a shard header ({e})")))?;
        let scores: HashMap<String, f64> = crate::scorer::score_lines(path, lines)
            .map_err(|e| match e {
                crate::scorer::ScoresFileError::Line { line, message, .. } => at(line, message),
                other => at(1, other.to_string()),
            })?
            .into_iter()
            .map(|(id, (score, _))| (id, score))
            .collect();
        if scores.len() != header.pairs {
            return Err(at(
                1,
                format!(
                    "the header promises {} scores, the file has {}",
                    header.pairs,
                    scores.len()
                ),
            ));
        }
        Ok(ShardFile { header, scores })
    }

    /// The shard files of `dir`: all N of one evaluation, or an error naming
    /// what is missing or does not match.
    pub fn read_set(dir: &Path) -> Result<Vec<ShardFile>, ShardError> {
        let set = |message: String| ShardError::Set {
            dir: dir.to_path_buf(),
            message,
        };
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| ShardError::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".jsonl"))
            })
            .collect();
        names.sort();
        if names.is_empty() {
            return Err(set("has no shard files (shard-I-of-N.jsonl)".into()));
        }
        let progress = crate::progress::bar(names.len() as u64, "reading shards", "files");
        let files: Vec<ShardFile> = names
            .iter()
            .map(|p| {
                let f = ShardFile::read(p);
                progress.inc(1);
                f
            })
            .collect::<Result<_, _>>()?;
        progress.finish_and_clear();
        let first = &files[0].header;
        let same = |h: &ShardHeader| ShardHeader {
            shard: first.shard,
            pairs: first.pairs,
            ..h.clone()
        };
        for (f, path) in files.iter().zip(&names) {
            if same(&f.header) != *first {
                return Err(set(format!(
                    "{} belongs to another evaluation than {} (dataset, split, seed, scorer or shard count differ)",
                    path.display(),
                    names[0].display()
                )));
            }
        }
        // A file is the shard its header says, and its name must say the same:
        // a renamed or copied file would otherwise stand in for another shard.
        let mut present = vec![false; first.shards];
        for (f, path) in files.iter().zip(&names) {
            let (shard, shards) = (f.header.shard, f.header.shards);
            let named = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if shard >= shards || named != shard_file_name(shard, shards) {
                return Err(set(format!(
                    "{}: its header says shard {shard} of {shards} (file {}): the name and the header do not match",
                    path.display(),
                    shard_file_name(shard, shards)
                )));
            }
            if std::mem::replace(&mut present[shard], true) {
                return Err(set(format!("{}: shard {shard} appears twice", path.display())));
            }
        }
        let missing: Vec<String> = (0..first.shards)
            .filter(|&s| !present[s])
            .map(|s| shard_file_name(s, first.shards))
            .collect();
        if !missing.is_empty() {
            return Err(set(format!(
                "{} of {} shards missing: {}",
                missing.len(),
                first.shards,
                missing.join(", ")
            )));
        }
        let total: usize = files.iter().map(|f| f.header.pairs).sum();
        if total != first.pairs_total {
            return Err(set(format!(
                "the shards hold {total} scores for {} pairs",
                first.pairs_total
            )));
        }
        Ok(files)
    }
}

/// The SHA-256 of a dataset's files, as a shard header records them.
pub fn dataset_files(dataset: &crate::data::Dataset) -> Vec<(String, String)> {
    dataset
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect()
}

/// Scores recorded by shards, served under the identity of the scorer that
/// computed them.
pub struct ReplayScorer {
    pub identity: ScorerIdentity,
    pub scores: HashMap<String, f64>,
}

impl Scorer for ReplayScorer {
    fn identity(&self) -> ScorerIdentity {
        self.identity.clone()
    }

    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        pairs
            .iter()
            .map(|p| {
                let id = pair_id(p.context, p.response);
                self.scores.get(&id).copied().ok_or_else(|| ScoreError::Failed {
                    scorer: "merged shards".into(),
                    reason: format!("no shard scored pair {id}: the dataset changed since the shards ran"),
                })
            })
            .collect()
    }
}
