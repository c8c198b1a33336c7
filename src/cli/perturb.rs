//! `rsbench perturb`: new adversarial candidates for dialogues, or the
//! rewrites of one text (`--text`).

use std::path::PathBuf;

use super::{named, positive};
use crate::data;
use crate::eval::DEFAULT_SEED;
use crate::perturb::rewrite::TENSES;
use crate::perturb::{OutputFormat, PerturbOptions, PerturbType, RewriteSource};
use anyhow::{bail, Context, Result};

#[derive(clap::Args, Debug)]
pub(crate) struct PerturbArgs {
    /// Dialogues: KorAdvMRS JSONL (file or directory) or JSONL of {"context": [...], "response": "..."}.
    #[arg(long, required_unless_present = "text", conflicts_with = "text")]
    input: Option<PathBuf>,
    /// One reply to rewrite with the --types (add --context for the types that need a dialogue): prints one JSON line per output, nothing when no rule applies.
    #[arg(long)]
    text: Option<String>,
    /// With --text: a context utterance before the reply (repeatable, oldest first); the types
    /// then run on that one dialogue as on an --input one (topic and interrogative-word need it).
    #[arg(long = "context", requires = "text", value_name = "UTTERANCE")]
    context: Vec<String>,
    /// Comma-separated perturbation types (listed at the end of `rsbench perturb --help`), or `all`.
    #[arg(long, value_delimiter = ',', required = true)]
    types: Vec<String>,
    /// The tense to shift to [default: every tense but the reply's own].
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(TENSES))]
    tense_to: Option<String>,
    /// What tense, negation, subject-object, lexical-contradiction and topic rewrite: the reply, each context utterance (a negative that echoes the context, contradicting it), or both.
    /// With --text, only together with --context.
    #[arg(long, value_parser = named::<RewriteSource>(RewriteSource::ALL.map(RewriteSource::name)),
          default_value = RewriteSource::Reply.name())]
    from: RewriteSource,
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
    /// A `.jsonl` file (all types), or a directory with one `<type>.jsonl` per type
    /// (`<type>.tsv` + `<type>.tsv.provenance` with --format tsv, `<type>.pairs.jsonl` with pairs).
    #[arg(long, required_unless_present = "text")]
    output: Option<PathBuf>,
    /// jsonl: KorAdvMRS cases for `eval`; tsv: the Ubuntu/Douban training layout (each dialogue's
    /// positive, then its negatives); pairs: JSON lines of {context, response, label, provenance}.
    #[arg(long, value_parser = named::<OutputFormat>(OutputFormat::ALL.map(OutputFormat::name)),
          default_value = OutputFormat::Jsonl.name(), conflicts_with = "text")]
    format: OutputFormat,
    /// With --format tsv|pairs: write training data even from dialogues found in a known test
    /// set (refused otherwise; the contamination guard compares normalised lines and pairs).
    #[arg(long)]
    allow_test_data: bool,
    /// With --format tsv|pairs: write the contamination guard's report here (JSON: dialogues
    /// checked, and per test set every overlapping id and what matched), refused or not.
    #[arg(long, value_name = "FILE")]
    overlap_report: Option<PathBuf>,
    /// A directory of your own rule files, named like those under `perturbations/` (say a
    /// `lexical_contradiction.toml` with one more `[[pair]]`): merged into the built-in rules
    /// (arrays extended, tables merged, other values replaced) and checked like them; their
    /// digest goes into every negative's provenance (`user_rules`). No rebuild.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long)]
    overwrite: bool,
    /// No progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
}

pub(super) fn run(args: PerturbArgs) -> Result<()> {
    crate::progress::enable(!args.quiet);
    let types = PerturbType::parse_list(&args.types)?;
    // Installed before any rule file is parsed, and every rule set checked with it.
    let user_rules = match &args.rules {
        Some(dir) => {
            let rules = crate::perturb::user_rules::UserRules::read(dir)?;
            let digest = rules.digest().to_owned();
            rules.install()?;
            crate::perturb::check_rules()?;
            Some(digest)
        }
        None => None,
    };
    // The destination is checked before the analyser loads or any dialogue is read.
    let pending = match (&args.text, &args.output) {
        (None, Some(output)) => Some(
            crate::perturb::begin_output(output, args.overwrite, args.format)
                .with_context(|| format!("writing {}", output.display()))?,
        ),
        _ => None,
    };
    let needs_analyser = types.iter().any(|t| t.needs_analyser());
    let rewriter = if needs_analyser {
        let dir = crate::perturb::analyser::dictionary_dir();
        Some(crate::perturb::rewrite::Rewriter::load(&dir).context("loading the Korean analyser")?)
    } else {
        None
    };
    if let (Some(text), false) = (&args.text, args.context.is_empty()) {
        return one_dialogue(&args, text, &types, rewriter.as_ref(), user_rules);
    }
    if let Some(text) = &args.text {
        if args.from != RewriteSource::Reply {
            bail!("--from with --text needs --context: alone, --text is the one sentence rewritten");
        }
        if let Some(t) = types.iter().find(|t| t.one_sentence().is_none()) {
            let alone: Vec<&str> = PerturbType::all()
                .filter(|t| t.one_sentence().is_some())
                .map(|t| t.name())
                .collect();
            bail!(
                "--text alone rewrites one sentence with {}; {} needs a context (--context, repeatable) or dialogues (--input)",
                alone.join(", "),
                t.stem()
            );
        }
        let Some(rewriter) = &rewriter else {
            bail!("--text needs a type that reads Korean: the analyser was not loaded");
        };
        let text = data::nfc(text);
        let mut worker = rewriter.worker();
        if args.explain {
            for t in worker.analyse(&text).iter() {
                eprintln!("{}\t{}\t{:?}", t.surface, t.tag, t.morphemes);
            }
            for r in rewriter.readings(&mut worker, &text).iter() {
                eprintln!("reading: {r:?}");
            }
        }
        for t in &types {
            let Some(rewrite) = t.one_sentence() else {
                continue;
            };
            for (rule, out) in rewrite(rewriter, &mut worker, &text, args.tense_to.as_deref())? {
                println!(
                    "{}",
                    serde_json::to_string(&SentenceRewrite {
                        kind: t.stem(),
                        rule: &rule,
                        text: &out,
                    })?
                );
            }
        }
        return Ok(());
    }
    let (Some(input), Some(output), Some(pending)) = (&args.input, &args.output, pending) else {
        bail!("--input and --output are required without --text");
    };
    let dialogues =
        crate::perturb::read_dialogues(input).with_context(|| format!("reading dialogues from {}", input.display()))?;
    let exclude_rules = crate::perturb::parse_exclusions(&args.exclude_rules)?;
    let options = PerturbOptions {
        per_case: args.per_case,
        seed: args.seed,
        tense_to: args.tense_to.clone(),
        from: args.from,
        exclude_rules,
        user_rules,
    };
    if args.format != OutputFormat::Jsonl {
        // Training on negatives made from a benchmark's own dialogues contaminates that
        // benchmark: the guard compares content, so a reformatted or partial copy is caught.
        let report = crate::data::contamination::check(
            dialogues
                .iter()
                .map(|d| (d.id.as_str(), d.context.as_slice(), d.positive.as_str())),
        )?;
        if let Some(path) = &args.overlap_report {
            crate::data::contamination::write_report(path, &report)?;
        }
        if !report.is_clean() {
            let summary = report.summary(10);
            if !args.allow_test_data {
                bail!(
                    "refusing to write training data from test dialogues: {summary}\n\
                     (--overlap-report FILE lists every id; --allow-test-data writes it anyway)"
                );
            }
            eprintln!("warning: training data from test dialogues (--allow-test-data): {summary}");
        }
    }
    // Written as generated, a chunk of dialogues at a time: a run holds one
    // chunk's outputs, not all of them.
    let mut writer = crate::perturb::OutputWriter::new(pending, output, args.format, types.len());
    crate::perturb::perturb_each(&dialogues, &types, &options, rewriter.as_ref(), |index, kind, cases| {
        writer.append(index, kind, cases)
    })?;
    let (written, counts) = writer
        .finish()
        .with_context(|| format!("writing {}", output.display()))?;
    for (kind, n) in types.iter().zip(counts) {
        eprintln!(
            "{}: {} cases from {} dialogues{}",
            kind.stem(),
            n,
            dialogues.len(),
            if n == 0 { " (no file written)" } else { "" }
        );
    }
    for w in written {
        eprintln!("wrote {}", w.display());
    }
    Ok(())
}

/// `--text` with `--context`: the types run on that one dialogue as they run
/// on an `--input` one; every negative is printed as a JSON line (type, text,
/// rule, the context utterance it was made from and the context fact it
/// contradicts, where there is one).
fn one_dialogue(
    args: &PerturbArgs,
    text: &str,
    types: &[PerturbType],
    rewriter: Option<&crate::perturb::rewrite::Rewriter>,
    user_rules: Option<String>,
) -> Result<()> {
    let dialogue = crate::perturb::Dialogue {
        id: "text".into(),
        source_dialogue: "text".into(),
        context: args.context.iter().map(|u| data::nfc(u)).collect(),
        positive: data::nfc(text),
    };
    let options = PerturbOptions {
        per_case: usize::MAX,
        seed: args.seed,
        tense_to: args.tense_to.clone(),
        from: args.from,
        exclude_rules: Vec::new(),
        user_rules,
    };
    for (kind, cases) in crate::perturb::perturb(std::slice::from_ref(&dialogue), types, options, rewriter)? {
        for case in cases {
            let Some(negative) = case.candidates.as_ref().and_then(|c| c.get(1)) else {
                continue;
            };
            let provenance = negative.provenance.as_ref();
            println!(
                "{}",
                serde_json::json!({
                    "type": kind.stem(),
                    "text": negative.text,
                    "rule": provenance.map(|p| p.rule.as_str()),
                    "utterance": provenance.and_then(|p| p.utterance),
                    "contradicts": provenance.and_then(|p| p.contradicts.as_ref()),
                })
            );
        }
    }
    Ok(())
}

/// One line of `perturb --text`: `{"type", "rule", "text"}`, in that order
/// for every type.
#[derive(serde::Serialize)]
struct SentenceRewrite<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    rule: &'a str,
    text: &'a str,
}
