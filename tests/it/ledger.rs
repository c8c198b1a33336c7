//! The verdict ledger of the dev set (`datasets/devset/ledger.jsonl`): an
//! output people judged unsound, once the generator stopped writing it, must
//! not come back; `audit ledger show --check` says which did.

use std::path::{Path, PathBuf};

use crate::common::{rsbench, text};

const ALL_TYPES: &str =
    "repetition,keyword-stuffing,tense,negation,subject-object,lexical-contradiction,interrogative-word,topic";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The dev set perturbed with the default flags, every type.
fn perturb_devset(dir: &Path) -> PathBuf {
    let input = repo().join("datasets/devset/dialogues.jsonl");
    let out = dir.join("gen");
    let o = rsbench(
        &[
            "perturb",
            "--input",
            input.to_str().unwrap(),
            "--types",
            ALL_TYPES,
            "--output",
            out.to_str().unwrap(),
            "-q",
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    out
}

fn show(dir: &Path, gen: &Path, ledger: &Path) -> (std::process::Output, serde_json::Value) {
    let json = dir.join("ledger.json");
    let input = repo().join("datasets/devset/dialogues.jsonl");
    let o = rsbench(
        &[
            "audit",
            "ledger",
            "show",
            "--dataset",
            gen.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--ledger",
            ledger.to_str().unwrap(),
            "--check",
            "--json",
            json.to_str().unwrap(),
        ],
        dir,
    );
    let report = std::fs::read_to_string(&json)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    (o, report)
}

#[test]
fn no_output_judged_unsound_and_fixed_comes_back_and_a_planted_one_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = perturb_devset(tmp.path());
    let ledger = repo().join("datasets/devset/ledger.jsonl");
    let (o, report) = show(tmp.path(), &gen, &ledger);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    let judged: u64 = report["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["judged"].as_u64().unwrap())
        .sum();
    assert!(
        judged > 0,
        "the ledger judges none of today's outputs: {}",
        text(&o.stdout)
    );
    assert_eq!(report["came_back"], serde_json::json!([]));

    // Plant a regression: one of today's outputs on record as unsound and fixed.
    let ds = rsbench::data::load_path(&gen).unwrap();
    let planted = rsbench::audit::ledger::outputs(&ds).into_iter().next().unwrap();
    let book = rsbench::audit::ledger::Ledger::read(&ledger).unwrap();
    let mut copy = rsbench::audit::ledger::Ledger::default();
    for e in book.entries() {
        for (who, v) in &e.verdicts {
            copy.add(e.key.clone(), &e.rule, who, *v, "");
        }
    }
    copy.add(
        planted.key.clone(),
        &planted.rule,
        "planted",
        rsbench::audit::Verdict::Broken,
        "",
    );
    let planted_ledger = tmp.path().join("planted.jsonl");
    // A run of its dialogue without it: fixed.
    copy.update_status(std::slice::from_ref(&planted.key.context), &Default::default());
    copy.write(&planted_ledger).unwrap();
    let (o, report) = show(tmp.path(), &gen, &planted_ledger);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("written again"), "{}", text(&o.stderr));
    let back: Vec<&str> = report["came_back"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["text"].as_str())
        .collect();
    assert!(back.contains(&planted.key.text.as_str()), "{back:?}");
}
