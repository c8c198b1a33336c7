//! `rsbench pairs` + `eval --scores`: scores computed outside rsbench give the
//! same report as the scorer computing them inside, and a scores file that
//! does not fit the evaluation is refused naming file and line.

use crate::common::{koradvmrs_dir, rsbench, text};

use rsbench::scorer::{Bm25, Pair, Scorer};

#[derive(serde::Deserialize)]
struct PairLine {
    id: String,
    context: Vec<String>,
    response: String,
}

#[test]
fn an_outside_scorers_file_reproduces_the_native_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let k = koradvmrs_dir();
    let k = k.to_str().unwrap();
    let out = rsbench(
        &["pairs", "--dataset", k, "--split", "both", "--out", "pairs.jsonl"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The "outside program": BM25 from the library over the dataset's texts,
    // fed only what pairs.jsonl says.
    let dataset = rsbench::data::load_path(std::path::Path::new(k)).unwrap();
    let bm25 = Bm25::new(dataset.texts());
    let lines: Vec<PairLine> = std::fs::read_to_string(dir.path().join("pairs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: std::collections::HashSet<&str> = lines.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), lines.len(), "one line per distinct pair");
    let pairs: Vec<Pair<'_>> = lines
        .iter()
        .map(|l| Pair {
            context: &l.context,
            response: &l.response,
        })
        .collect();
    let scores = bm25.score(&pairs).unwrap();
    let scored: String = lines
        .iter()
        .zip(&scores)
        .map(|(l, s)| format!("{}\n", serde_json::json!({ "id": l.id, "score": s })))
        .collect();
    std::fs::write(dir.path().join("scored.jsonl"), scored).unwrap();

    for args in [
        vec![
            "eval",
            "--dataset",
            k,
            "--scores",
            "scored.jsonl",
            "--out",
            "outside",
            "-q",
        ],
        vec!["eval", "--dataset", k, "--scorer", "bm25", "--out", "native", "-q"],
    ] {
        let out = rsbench(&args, dir.path());
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    // Scores read back from JSON are the same f64s (serde_json's float_roundtrip):
    // every file but those that name the scorer is the same.
    for f in ["predictions.parquet", "summary.csv", "summary.json"] {
        let a = std::fs::read(dir.path().join("outside").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("native").join(f)).unwrap();
        assert!(a == b, "{f} differs between the scores file and the native scorer");
    }
    let chart = |run: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(run).join("chart_data.json")).unwrap())
                .unwrap();
        v.as_object_mut().unwrap().remove("title");
        v
    };
    assert_eq!(chart("outside"), chart("native"));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("outside/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["scorer"]["kind"], "scores-file");
    assert_eq!(
        meta["scorer"]["params"]["scores_sha256"].as_str().map(str::len),
        Some(64)
    );
}

#[test]
fn a_scores_file_that_does_not_fit_is_refused_naming_what() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = rsbench(&["pairs", "--split", "adversarial", "--out", "pairs.jsonl"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ids: Vec<String> = std::fs::read_to_string(d.join("pairs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let line = |id: &str, s: &str| format!("{{\"id\": \"{id}\", \"score\": {s}}}\n");
    let all: String = ids.iter().map(|i| line(i, "0.5")).collect();
    let cases: [(&str, String, &str); 5] = [
        ("missing", ids[1..].iter().map(|i| line(i, "1")).collect(), "1 of"),
        (
            "duplicate",
            format!("{all}{}", line(&ids[3], "2")),
            &format!(":{}: id {} was already scored on line 4", ids.len() + 1, ids[3]),
        ),
        (
            "unknown",
            format!("{all}{}", line("p0000000000000000", "2")),
            &format!("line {}: id p0000000000000000 is not a pair", ids.len() + 1),
        ),
        (
            "nan",
            format!("{}{all}", line(&ids[0], "NaN")),
            ":1: the score is not a finite number",
        ),
        ("text", "not json\n".to_owned(), ":1: expected"),
    ];
    for (name, body, want) in cases {
        let file = format!("{name}.jsonl");
        std::fs::write(d.join(&file), body).unwrap();
        let out = rsbench(
            &["eval", "--split", "adversarial", "--scores", &file, "--out", name, "-q"],
            d,
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(want) && err.contains(&file), "{name}: {err}");
        assert!(!d.join(name).exists(), "{name}: a failed run leaves no directory");
    }
    // The same file fits only the evaluation it was written for: the clean split's
    // pairs are other pairs.
    std::fs::write(d.join("all.jsonl"), &all).unwrap();
    let out = rsbench(
        &[
            "eval",
            "--split",
            "both",
            "--scores",
            "all.jsonl",
            "--out",
            "both",
            "-q",
        ],
        d,
    );
    assert!(
        text(&out.stderr).contains("pairs have no score"),
        "{}",
        text(&out.stderr)
    );
    let out = rsbench(
        &[
            "eval",
            "--split",
            "adversarial",
            "--scores",
            "all.jsonl",
            "--out",
            "ok",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn pairs_replaces_only_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("notes.jsonl"), "{\"mine\": true}\n").unwrap();
    let out = rsbench(&["pairs", "--out", "notes.jsonl", "--overwrite"], d);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not replaced"), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(d.join("notes.jsonl")).unwrap(),
        "{\"mine\": true}\n"
    );
    assert!(rsbench(&["pairs", "--out", "p.jsonl"], d).status.success());
    let first = std::fs::read(d.join("p.jsonl")).unwrap();
    let again = rsbench(&["pairs", "--out", "p.jsonl"], d);
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let out = rsbench(&["pairs", "--out", "p.jsonl", "--overwrite", "--seed", "42"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(d.join("p.jsonl")).unwrap(),
        first,
        "same inputs and seed, same bytes"
    );
}
