//! The contamination guard of `perturb --format tsv|pairs`: test dialogues
//! are found by content, however the file around them is laid out.

use crate::common::{self, rsbench, text};

/// The first KorAdvMRS case of `file`, as `{"context", "response"}` with its
/// spacing and punctuation changed, the way a converted copy would be.
fn reformatted(file: &str) -> (String, String) {
    let path = common::koradvmrs_dir().join(file);
    let first = std::fs::read_to_string(path).unwrap();
    let case: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let respace = |s: &str| format!("{} ", s.replace(' ', "  ").replace(['?', '!', '~', '.'], ""));
    let context: Vec<String> = case["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| respace(u.as_str().unwrap()))
        .collect();
    let reply = respace(case["candidates"][0]["text"].as_str().unwrap());
    let line = serde_json::json!({"did": "mine-7", "context": context, "response": reply});
    (line.to_string(), case["did"].as_str().unwrap().to_owned())
}

/// The project's dev set: fresh dialogues that share no dialogue with KorAdvMRS.
fn dev_set() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/devset/dialogues.jsonl")).unwrap()
}

#[test]
fn a_reformatted_test_dialogue_among_fresh_ones_is_refused_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (line, _) = reformatted("negation.jsonl");
    let dev = dev_set();
    let dialogues = dev.lines().count() + 1;
    std::fs::write(tmp.path().join("train.jsonl"), format!("{dev}{line}\n")).unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["perturb", "--input", "train.jsonl", "--types", "repetition", "-q"];
        args.extend_from_slice(extra);
        rsbench(&args, tmp.path())
    };
    let o = run(&[
        "--format",
        "pairs",
        "--output",
        "pairs.jsonl",
        "--overlap-report",
        "overlap.json",
    ]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("refusing to write training data")
            && err.contains(&format!("1 of {dialogues} dialogues"))
            && err.contains("mine-7"),
        "{err}"
    );
    assert!(!tmp.path().join("pairs.jsonl").exists(), "nothing written");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("overlap.json")).unwrap()).unwrap();
    assert_eq!(report["dialogues"], dialogues);
    let hits = report["test_sets"]["koradvmrs"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{report}");
    assert_eq!(hits[0]["id"], "mine-7");
    assert_eq!(hits[0]["pair"], true);

    // TSV too; with --allow-test-data it is written, with a warning naming the dialogue.
    let o = run(&["--format", "tsv", "--output", "train"]);
    assert!(!o.status.success() && !tmp.path().join("train").exists());
    let o = run(&["--format", "tsv", "--output", "train", "--allow-test-data"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: training data from test dialogues") && err.contains("mine-7"),
        "{err}"
    );
    assert!(tmp.path().join("train/repetition.tsv").is_file());

    // Evaluation cases are not training data: no check.
    let o = run(&["--output", "cases.jsonl"]);
    assert!(
        o.status.success() && !text(&o.stderr).contains("warning"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn fresh_dialogues_pass_and_a_partial_copy_is_caught_by_its_lines() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("dev.jsonl"), dev_set()).unwrap();
    let args = |input: &'static str| {
        [
            "perturb",
            "--input",
            input,
            "--types",
            "repetition",
            "--format",
            "pairs",
            "--output",
            "p.jsonl",
            "-q",
            "--overwrite",
        ]
    };
    let o = rsbench(&args("dev.jsonl"), tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));

    // Every dialogue of a KorAdvMRS file with its reply replaced: no pair is the test set's,
    // yet the dialogues with two distinctive lines in it are still found.
    let path = common::koradvmrs_dir().join("tense.jsonl");
    let mut out = String::new();
    let mut multi_line = 0;
    for l in std::fs::read_to_string(path).unwrap().lines() {
        let case: serde_json::Value = serde_json::from_str(l).unwrap();
        let context = case["context"].as_array().unwrap();
        let distinctive = context
            .iter()
            .filter(|u| u.as_str().unwrap().chars().filter(|c| c.is_alphanumeric()).count() >= 8)
            .count();
        if distinctive >= 2 {
            multi_line += 1;
            let line =
                serde_json::json!({"did": case["did"], "context": context, "response": "그랬구나 나중에 또 얘기해"});
            out.push_str(&format!("{line}\n"));
        }
    }
    assert!(multi_line > 50, "{multi_line}");
    std::fs::write(tmp.path().join("copy.jsonl"), out).unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "copy.jsonl",
            "--types",
            "repetition",
            "--format",
            "pairs",
            "--output",
            "p2.jsonl",
            "--overlap-report",
            "r.json",
        ],
        tmp.path(),
    );
    assert!(!o.status.success());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("r.json")).unwrap()).unwrap();
    let hits = report["test_sets"]["koradvmrs"].as_array().unwrap();
    let dialogues = report["dialogues"].as_u64().unwrap() as usize;
    assert_eq!(hits.len(), dialogues, "every copied dialogue found: {report}");
    assert!(hits
        .iter()
        .all(|h| h["pair"] == false && h["shared_lines"].as_u64().unwrap() >= 2));
}

#[test]
fn the_embedded_fingerprints_are_koradvmrs_own() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::koradvmrs_dir();
    let o = rsbench(&["datasets", "fingerprint", dir.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let embedded =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/koradvmrs.fingerprints")).unwrap();
    assert_eq!(
        text(&o.stdout),
        embedded,
        "regenerate with `rsbench datasets fingerprint`"
    );
    // Digests only: no line of the test set is in the file.
    assert!(embedded.lines().all(|l| l.starts_with('#') || l.len() == 18));
}
