//! Perturbation throughput: every KorAdvMRS positive (2,220 replies, repeats
//! included) through every type, on all cores, best of 5 rounds. Beside each
//! rule type it prints the analyser alone (vibrato over mecab-ko-dic, the work
//! every tense/negation rewrite starts with) so the rules' own cost shows as a
//! ratio, and the goal (50k replies/s on 2 cores).
//!
//!     cargo bench --bench perturb_throughput            (RSBENCH_KORADVMRS_DIR to move the data)

use std::time::Instant;

use rayon::prelude::*;
use rsbench::perturb::rewrite::{RewriteKind, Rewriter};
use rsbench::perturb::{perturb, Dialogue, PerturbOptions, PerturbType, RewriteSource};

const ROUNDS: usize = 5;
const GOAL: f64 = 50_000.0;

fn best_of<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("ROUNDS > 0"))
}

/// One row of the table: the rate against the goal, and the analyser's share when known.
fn row(label: &str, rate: f64, outputs: impl std::fmt::Display, share: Option<f64>) {
    let share = share.map_or("—".to_owned(), |p| format!("{p:.0}%"));
    println!(
        "{label:<34} {rate:>12.0} {outputs:>10} {:>9.2}× {share:>8}",
        rate / GOAL
    );
}

fn main() {
    let dir = std::env::var_os("RSBENCH_KORADVMRS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/koradvmrs"));
    let mut dialogues = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for (i, line) in text.lines().enumerate() {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{}:{}: {e}", f.display(), i + 1));
            dialogues.push(Dialogue {
                id: format!("{}:{}", f.display(), i + 1),
                source_dialogue: v["src_dlg_id"].as_str().unwrap_or_default().to_owned(),
                context: v["context"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|u| u.as_str().map(str::to_owned))
                    .collect(),
                positive: v["candidates"][0]["text"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    let replies: Vec<&str> = dialogues.iter().map(|d| d.positive.as_str()).collect();
    let rewriter = Rewriter::load(&rsbench::perturb::analyser::dictionary_dir()).unwrap_or_else(|e| panic!("{e}"));
    let n = replies.len() as f64;
    println!(
        "{} KorAdvMRS positives, {} threads, best of {ROUNDS} rounds",
        replies.len(),
        rayon::current_num_threads()
    );
    println!(
        "{:<34} {:>12} {:>10} {:>10} {:>8}",
        "stage", "replies/s", "outputs", "vs goal", "share"
    );

    for (label, kind, to) in [
        ("tense (every other tense)", RewriteKind::Tense, None),
        ("tense --tense-to past", RewriteKind::Tense, Some("past")),
        ("negation", RewriteKind::Negation, None),
    ] {
        let (s, outputs) = best_of(|| {
            rewriter.forget();
            replies
                .par_iter()
                .map_init(|| rewriter.worker(), |w, t| rewriter.rewrite(w, t, kind, to).len())
                .sum::<usize>()
        });
        let rate = n / s;
        row(label, rate, outputs, None);
    }
    // The same rewrites over each distinct reply once: the engine's own speed,
    // with nothing for the memo of repeated texts to save (KorAdvMRS repeats a
    // dialogue's reply and context in each of its cases).
    let mut distinct: Vec<&str> = replies.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let utterances: Vec<&str> = dialogues
        .iter()
        .flat_map(|d| d.context.iter().map(String::as_str))
        .collect();
    let mut distinct_utterances = utterances.clone();
    distinct_utterances.sort_unstable();
    distinct_utterances.dedup();
    println!(
        "(distinct: {} of {} replies, {} of {} context utterances)",
        distinct.len(),
        replies.len(),
        distinct_utterances.len(),
        utterances.len()
    );
    // The analyser alone over each distinct reply once: what one analysis
    // costs (the analyser keeps what it made, and each round starts afresh).
    let (analyse_s, tokens) = best_of(|| {
        rewriter.forget();
        distinct
            .par_iter()
            .map_init(|| rewriter.worker(), |w, t| w.analyse(t).len())
            .sum::<usize>()
    });
    let analyse_rate = distinct.len() as f64 / analyse_s;
    row(
        "analyser alone, each distinct reply",
        analyse_rate,
        format!("{tokens} tok"),
        None,
    );
    for (label, kind) in [
        ("tense, each distinct reply once", RewriteKind::Tense),
        ("negation, each distinct reply once", RewriteKind::Negation),
        ("lexical, each distinct reply once", RewriteKind::Lexical),
    ] {
        let (s, outputs) = best_of(|| {
            rewriter.forget();
            distinct
                .par_iter()
                .map_init(|| rewriter.worker(), |w, t| rewriter.rewrite(w, t, kind, None).len())
                .sum::<usize>()
        });
        let rate = distinct.len() as f64 / s;
        let analysis = distinct.len() as f64 / analyse_rate;
        row(label, rate, outputs, Some(100.0 * analysis / s));
    }
    // Whole-dialogue types run through `perturb`. --from context rewrites every
    // context utterance of each case (2.9 on average) rather than its reply:
    // the rate still counts cases.
    for (label, kind, from) in [
        ("repetition", "repetition", RewriteSource::Reply),
        ("keyword_stuffing", "keyword-stuffing", RewriteSource::Reply),
        // The default run of the grounded types: rewrites of the reply where
        // the context pins them, and frames built from the context's facts.
        ("tense (grounded, frames)", "tense", RewriteSource::Reply),
        ("negation (grounded, reactions)", "negation", RewriteSource::Reply),
        ("tense --from context", "tense", RewriteSource::Context),
        ("negation --from context", "negation", RewriteSource::Context),
        ("subject-object", "subject-object", RewriteSource::Reply),
        (
            "subject-object --from context",
            "subject-object",
            RewriteSource::Context,
        ),
        ("lexical-contradiction", "lexical-contradiction", RewriteSource::Reply),
        (
            "lexical-contradiction --from context",
            "lexical-contradiction",
            RewriteSource::Context,
        ),
        // Reads every context utterance of a case, whatever --from says.
        ("interrogative-word", "interrogative-word", RewriteSource::Reply),
        // Bank replies: --from does not apply.
        ("topic", "topic", RewriteSource::Reply),
    ] {
        let kind = PerturbType::parse(kind).expect("a registered type");
        let options = PerturbOptions {
            per_case: 1,
            seed: 13,
            tense_to: None,
            from,
            exclude_rules: Vec::new(),
            user_rules: None,
        };
        let rewriter = kind.needs_analyser().then_some(&rewriter);
        // Each round starts with no rewrite remembered, as one `perturb` run does.
        let (s, out) = best_of(|| {
            if let Some(r) = rewriter {
                r.forget();
            }
            perturb(&dialogues, &[kind], options.clone(), rewriter).expect("perturb")
        });
        let outputs: usize = out.iter().map(|(_, c)| c.len()).sum();
        let rate = n / s;
        row(label, rate, outputs, None);
    }
    // The bank types over each distinct dialogue (context and reply) once:
    // what a context read once saves on KorAdvMRS's repeats is not counted.
    let mut seen = std::collections::HashSet::new();
    let distinct_dialogues: Vec<Dialogue> = dialogues
        .iter()
        .filter(|d| seen.insert((d.context.clone(), d.positive.clone())))
        .cloned()
        .collect();
    for (label, kind) in [
        ("keyword_stuffing, distinct dialogues", "keyword-stuffing"),
        ("topic, distinct dialogues", "topic"),
    ] {
        let kind = PerturbType::parse(kind).expect("a registered type");
        let options = PerturbOptions {
            per_case: 1,
            seed: 13,
            tense_to: None,
            from: RewriteSource::Reply,
            exclude_rules: Vec::new(),
            user_rules: None,
        };
        let (s, out) = best_of(|| {
            rewriter.forget();
            perturb(&distinct_dialogues, &[kind], options.clone(), Some(&rewriter)).expect("perturb")
        });
        let outputs: usize = out.iter().map(|(_, c)| c.len()).sum();
        row(label, distinct_dialogues.len() as f64 / s, outputs, None);
    }
    println!(
        "(distinct dialogues: {} of {} cases)",
        distinct_dialogues.len(),
        dialogues.len()
    );
    println!("share = one analysis per text as a part of the time (distinct rows only); vs goal = replies/s ÷ 50,000");
    println!("Rows over KorAdvMRS as it is rewrite each repeated text once per run (the rewriter's memo, cleared each round).");
}
