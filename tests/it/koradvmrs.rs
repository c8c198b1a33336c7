//! The real test set: counts, checksums against the shipped manifest, the
//! distinct-pair structure, and the known weakness of word overlap.

use crate::common;

use std::collections::HashSet;

use rsbench::data::{load_path, manifest, Split, SplitOptions};
use rsbench::eval::{evaluate, BootstrapConfig, EvalConfig, Metric, OVERALL};
use rsbench::scorer::Bm25;

const COUNTS: [(&str, usize); 7] = [
    ("interrogative_word", 236),
    ("lexical_contradiction", 254),
    ("negation", 454),
    ("repetition", 400),
    ("subject_object", 374),
    ("tense", 158),
    ("topic", 344),
];

#[test]
fn loads_2220_cases_with_the_published_type_counts() {
    let ds = load_path(&common::koradvmrs_dir()).unwrap();
    assert_eq!(ds.cases.len(), 2220);
    let counts: Vec<(String, usize)> = ds.count_by_type();
    let expected: Vec<(String, usize)> = COUNTS.iter().map(|(t, n)| (t.to_string(), *n)).collect();
    assert_eq!(counts, expected);
    assert!(ds
        .cases
        .iter()
        .all(|c| c.candidates.len() == 2 && c.candidates[0].label == 1));
    let dialogues: HashSet<&str> = ds.cases.iter().map(|c| c.source_dialogue.as_str()).collect();
    assert_eq!(dialogues.len(), 200);
    let contexts: HashSet<&Vec<String>> = ds.cases.iter().map(|c| &c.context).collect();
    assert_eq!(contexts.len(), 200);
    let texts: HashSet<&str> = ds
        .cases
        .iter()
        .flat_map(|c| c.candidates.iter().map(|x| x.text.as_str()))
        .collect();
    assert_eq!(texts.len(), 1466);
}

#[test]
fn checksums_match_the_manifest() {
    let dir = common::koradvmrs_dir();
    let m = manifest::find("koradvmrs").unwrap();
    assert_eq!(m.files.len(), 7);
    for check in m.verify_dir(&dir) {
        assert_eq!(check.status, manifest::CheckStatus::Ok, "{}", check.name);
    }
    let ds = load_path(&dir).unwrap();
    for digest in &ds.files {
        let entry = m.files.iter().find(|f| f.name == digest.name).unwrap();
        assert_eq!(entry.sha256, digest.sha256);
    }
    // The manifest's case counts agree with the files.
    for (t, n) in COUNTS {
        let entry = m.files.iter().find(|f| f.name == format!("{t}.jsonl")).unwrap();
        assert_eq!(entry.cases, Some(n));
    }
    // And with the SHA256SUMS that ships beside the data.
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    for line in sums.lines() {
        let (sha, name) = line.split_once("  ").unwrap();
        assert_eq!(m.files.iter().find(|f| f.name == name).unwrap().sha256, sha);
    }
}

#[test]
fn bm25_scores_1510_distinct_pairs_and_prefers_repetition() {
    let ds = load_path(&common::koradvmrs_dir()).unwrap();
    let bm25 = Bm25::new(ds.texts());
    let config = EvalConfig {
        response_only: false,
        splits: vec![Split::Adversarial],
        split_options: SplitOptions {
            candidates: None,
            seed: 42,
        },
        bootstrap: BootstrapConfig {
            resamples: 200,
            level: 0.95,
            seed: 42,
        },
    };
    let result = evaluate(&ds, &bm25, &config).unwrap();
    assert_eq!(result.distinct_pairs, 1510);
    let acc = |t: &str| {
        result
            .summary
            .iter()
            .find(|r| r.case_type == t)
            .unwrap()
            .get(Metric::PairAcc)
            .value
            .unwrap()
    };
    // Word overlap picks the distractor that repeats the context.
    assert!(acc("repetition") < 0.05, "repetition accuracy {}", acc("repetition"));
    assert!(acc(OVERALL) < 0.5);
    let overall = result.summary.iter().find(|r| r.case_type == OVERALL).unwrap();
    assert_eq!((overall.cases, overall.dialogues), (2220, 200));
}
