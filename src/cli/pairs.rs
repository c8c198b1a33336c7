//! `rsbench pairs`: the distinct (context, response) pairs an evaluation
//! would score, each once with its stable id, for a scorer outside rsbench.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::eval::{load_dataset, DatasetArgs};
use super::{describe_target, Outcome};
use crate::data::SplitOptions;
use crate::eval::{build_splits, distinct_pairs};
use crate::output::{OutputKind, Pending, Shape, Target};
use crate::scorer::pair_id;

#[derive(clap::Args, Debug)]
pub(crate) struct PairsArgs {
    #[command(flatten)]
    data: DatasetArgs,
    /// The JSONL file to write: one `{"id", "context": [turns], "response"}` per line.
    #[arg(long)]
    out: PathBuf,
    /// Replace the --out file if `rsbench pairs` wrote it.
    #[arg(long)]
    overwrite: bool,
}

#[derive(serde::Serialize)]
struct PairLine<'a> {
    id: String,
    context: &'a [String],
    response: &'a str,
}

/// A pairs file rsbench wrote: its first line has exactly these keys.
fn pairs_kind() -> OutputKind {
    OutputKind {
        what: "pairs file",
        shape: Shape::File,
        recognise: Box::new(|p| {
            let first = std::fs::read_to_string(p)
                .ok()
                .and_then(|t| t.lines().next().map(str::to_owned))
                .and_then(|l| serde_json::from_str::<serde_json::Value>(&l).ok());
            let keys: Option<Vec<String>> = first.and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()));
            match keys {
                Some(k) if k == ["context", "id", "response"] => Ok(()),
                _ => Err("its first line is not a pair".into()),
            }
        }),
    }
}

pub(super) fn run(args: PairsArgs) -> Result<Outcome> {
    let (dataset, _) = load_dataset(args.data.dataset.as_deref())?;
    let target = Target::Fixed(args.out.clone());
    let pending = Pending::begin(target.clone(), pairs_kind(), args.overwrite)
        .with_context(|| describe_target("writing pairs", &target))?;
    let options = SplitOptions {
        candidates: args.data.candidates,
        seed: args.data.seed,
    };
    let built = build_splits(&dataset, &args.data.split.splits(), &options).context("building the splits")?;
    let (pairs, _) = distinct_pairs(&dataset, &built, args.data.response_only);
    let staged = pending.path();
    let write = || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&staged)?);
        for p in &pairs {
            let line = PairLine {
                id: pair_id(p.context, p.response),
                context: p.context,
                response: p.response,
            };
            serde_json::to_writer(&mut w, &line)?;
            w.write_all(b"\n")?;
        }
        w.flush()
    };
    write().with_context(|| format!("writing pairs {}", args.out.display()))?;
    let path = pending
        .commit()
        .with_context(|| describe_target("writing pairs", &target))?;
    eprintln!("wrote {} ({} pairs)", path.display(), pairs.len());
    Ok(Outcome::Done)
}
