//! `rsbench audit`: the blind sheet, its key, and the rates computed from verdicts.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{rsbench, text};
use serde_json::{json, Value};

const FAMILIES: [(&str, usize); 3] = [
    ("tense/past-to-future", 2),
    ("negation/long-add", 5),
    ("repetition/exact", 8),
];

/// A generated set: each family's negatives in cases of their own, plus four
/// hand-written cases (negatives without provenance) for controls.
fn generated(dir: &Path) {
    let mut lines = Vec::new();
    for (family, n) in FAMILIES {
        for i in 0..n {
            let ending = if i % 2 == 0 { "hae" } else { "haeyo" };
            lines.push(json!({
                "context": [format!("{family} {i}번째 대화야"), "응 그래서?"],
                "candidates": [
                    {"text": format!("좋았어 {i}"), "label": 1},
                    {"text": format!("{family} 부정 {i}"), "label": 0,
                     "provenance": {"type": "x", "rule": format!("{family}/{ending}"), "source_case": "s", "seed": 1}},
                ],
                "src_dlg_id": format!("{family}-{i}"), "did": format!("{family}-{i}"),
            }));
        }
    }
    // The tense dialogues again, as another type's hand-written cases: one context
    // under two files, as in a generated set. Never a control: its negative is drawn.
    for i in 0..2 {
        lines.push(json!({
            "context": [format!("tense/past-to-future {i}번째 대화야"), "응 그래서?"],
            "candidates": [{"text": format!("좋았어 {i}"), "label": 1}, {"text": format!("다른 오답 {i}"), "label": 0}],
            "src_dlg_id": format!("twin-{i}"), "did": format!("twin-{i}"),
        }));
    }
    for i in 0..4 {
        lines.push(json!({
            "context": [format!("손으로 쓴 대화 {i}")],
            "candidates": [{"text": format!("진짜 답 {i}"), "label": 1}, {"text": format!("손으로 쓴 오답 {i}"), "label": 0}],
            "src_dlg_id": format!("plain-{i}"), "did": format!("plain-{i}"),
        }));
    }
    let body: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("gen.jsonl"), body.join("\n") + "\n").unwrap();
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let raw = std::fs::read_to_string(path).unwrap();
    let mut r = csv::Reader::from_reader(raw.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn sample(work: &Path, out: &str, seed: &str) {
    sample_with(work, out, seed, "2");
}

fn sample_with(work: &Path, out: &str, seed: &str, controls: &str) {
    let args = [
        "audit",
        "sample",
        "--dataset",
        "gen",
        "--per-rule",
        "3",
        "--controls",
        controls,
        "--seed",
        seed,
        "--out",
        out,
    ];
    let o = rsbench(&args, work);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn the_sheet_is_blind_stratified_and_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    generated(&tmp.path().join("gen"));
    sample(tmp.path(), "a", "7");
    sample(tmp.path(), "b", "7");
    sample(tmp.path(), "c", "8");
    let a = tmp.path().join("a");
    for f in ["sheet.csv", "key.csv", "instructions.md"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(tmp.path().join("b").join(f)).unwrap(),
            "{f}: same seed, same bytes"
        );
    }
    assert_ne!(
        std::fs::read(a.join("key.csv")).unwrap(),
        std::fs::read(tmp.path().join("c/key.csv")).unwrap(),
        "another seed draws another sheet"
    );
    let raw = std::fs::read_to_string(a.join("sheet.csv")).unwrap();
    assert!(
        raw.starts_with("\u{feff}item,context,reply,verdict,note\n"),
        "no rule or label column: {raw}"
    );
    let sheet = read_csv(&a.join("sheet.csv"));
    let key = read_csv(&a.join("key.csv"));
    assert_eq!(sheet.len(), key.len());
    let items: Vec<usize> = sheet.iter().map(|r| r["item"].parse().unwrap()).collect();
    assert_eq!(items, (1..=sheet.len()).collect::<Vec<_>>());
    // min(3, family size) negatives per family, two controls, each row's reply the right one.
    let mut per_family: BTreeMap<String, usize> = BTreeMap::new();
    for (s, k) in sheet.iter().zip(&key) {
        assert_eq!(s["item"], k["item"]);
        assert!(s["verdict"].is_empty() && s["note"].is_empty());
        match k["role"].as_str() {
            "negative" => {
                *per_family.entry(k["family"].clone()).or_default() += 1;
                assert!(k["rule"].starts_with(&format!("{}/", k["family"])), "{k:?}");
                let i = k["case_id"].rsplit('-').next().unwrap();
                assert_eq!(s["reply"], format!("{} 부정 {i}", k["family"]));
                let total = FAMILIES.iter().find(|(f, _)| *f == k["family"]).unwrap().1;
                assert_eq!(k["family_total"], total.to_string());
                // B says the reply, so the last context turn is A's.
                assert!(s["context"].ends_with("A: 응 그래서?"), "{}", s["context"]);
            }
            "control" => {
                let drawn = key
                    .iter()
                    .any(|d| d["role"] == "negative" && d["case_id"] == k["case_id"]);
                assert!(
                    !drawn,
                    "controls come from dialogues none of whose negatives were drawn: {k:?}"
                );
                let i = k["case_id"].rsplit('-').next().unwrap();
                let positive = if k["case_id"].starts_with("plain-") {
                    "진짜 답"
                } else {
                    "좋았어"
                };
                assert_eq!(s["reply"], format!("{positive} {i}"));
            }
            other => panic!("role {other}"),
        }
    }
    // With room for every control: all dialogues but those a negative shows.
    sample_with(tmp.path(), "wide", "42", "100");
    let wide = read_csv(&tmp.path().join("wide/key.csv"));
    let controls: Vec<&str> = wide
        .iter()
        .filter(|k| k["role"] == "control")
        .map(|k| k["case_id"].as_str())
        .collect();
    assert!(controls.iter().all(|c| !c.starts_with("twin-")), "{controls:?}");
    assert_eq!(
        controls.len(),
        4 + (5 - 3) + (8 - 3),
        "plain, and undrawn negation and repetition dialogues: {controls:?}"
    );
    let expected: BTreeMap<String, usize> = FAMILIES.iter().map(|(f, n)| (f.to_string(), (*n).min(3))).collect();
    assert_eq!(per_family, expected);
    assert_eq!(key.iter().filter(|k| k["role"] == "control").count(), 2);
}

/// Rewrites the sheet with a verdict per item (without the byte-order mark, as
/// some spreadsheet programs save it).
fn fill(dir: &Path, verdict: impl Fn(&BTreeMap<String, String>) -> &'static str) {
    let key = read_csv(&dir.join("key.csv"));
    let sheet = read_csv(&dir.join("sheet.csv"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["item", "context", "reply", "verdict", "note"]).unwrap();
    for (s, k) in sheet.iter().zip(&key) {
        w.write_record([&s["item"], &s["context"], &s["reply"], verdict(k), ""])
            .unwrap();
    }
    std::fs::write(dir.join("sheet.csv"), w.into_inner().unwrap()).unwrap();
}

fn wilson(k: f64, n: f64) -> (f64, f64) {
    let z: f64 = 1.959_963_984_540_054;
    let p = k / n;
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

#[test]
fn verdicts_become_per_family_rates_and_a_weighted_overall() {
    let tmp = tempfile::tempdir().unwrap();
    generated(&tmp.path().join("gen"));
    sample(tmp.path(), "a", "7");
    let dir = tmp.path().join("a");
    // tense: all acceptable; negation: one broken of three; repetition: wrong; a control skipped.
    let key = read_csv(&dir.join("key.csv"));
    let first = |role: &str, family: &str| {
        key.iter().find(|k| k["role"] == role && k["family"] == family).unwrap()["item"].clone()
    };
    let (broken, skipped) = (first("negative", "negation/long-add"), first("control", ""));
    fill(&dir, |k| match (k["role"].as_str(), k["family"].as_str()) {
        _ if k["item"] == broken => "Broken",
        _ if k["item"] == skipped => "",
        ("negative", "tense/past-to-future") => "ok",
        ("negative", _) => "w",
        _ => "ok",
    });
    let o = rsbench(&["audit", "score", "a", "--json", "rates.json"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(
        table.contains("acceptable % (label noise)")
            && table.contains("sound %")
            && table.contains("overall (weighted by in set)"),
        "{table}"
    );
    let rates: Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join("rates.json")).unwrap()).unwrap();
    let family = |name: &str| {
        rates["families"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["family"] == name)
            .unwrap()
            .clone()
    };
    let tense = family("tense/past-to-future");
    assert_eq!(
        (tense["judged"].as_u64(), tense["acceptable"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (tense["acceptable_rate"].as_f64(), tense["sound_rate"].as_f64()),
        (Some(1.0), Some(0.0))
    );
    let (lo, hi) = wilson(2.0, 2.0);
    assert!((tense["acceptable_interval"][0].as_f64().unwrap() - lo).abs() < 1e-12);
    assert!((tense["acceptable_interval"][1].as_f64().unwrap() - hi).abs() < 1e-12);
    let negation = family("negation/long-add");
    assert_eq!(
        (negation["broken"].as_u64(), negation["sound"].as_u64()),
        (Some(1), Some(2))
    );
    let (lo, hi) = wilson(1.0, 3.0);
    assert!((negation["broken_interval"][0].as_f64().unwrap() - lo).abs() < 1e-12);
    assert!((negation["broken_interval"][1].as_f64().unwrap() - hi).abs() < 1e-12);
    assert_eq!(family("repetition/exact")["acceptable_rate"], 0.0);
    assert_eq!(family("repetition/exact")["sound_rate"], 1.0);
    let controls = &rates["controls"];
    assert_eq!(
        (controls["judged"].as_u64(), controls["skipped"].as_u64()),
        (Some(1), Some(1))
    );
    // Overall: each family weighted by its size in the generated set (2, 5, 8 of 15).
    let overall = &rates["overall"];
    assert!(
        (overall["acceptable_rate"].as_f64().unwrap() - 2.0 / 15.0).abs() < 1e-12,
        "{overall}"
    );
    assert!(
        (overall["broken_rate"].as_f64().unwrap() - 5.0 / 15.0 / 3.0).abs() < 1e-12,
        "{overall}"
    );
    // Tense is all acceptable and repetition all sound in every resample: only negation moves the broken rate.
    let (lo, hi) = (
        overall["broken_interval"][0].as_f64().unwrap(),
        overall["broken_interval"][1].as_f64().unwrap(),
    );
    assert!(
        lo <= 5.0 / 45.0 && hi >= 5.0 / 45.0 && lo >= 0.0 && hi <= 5.0 / 15.0,
        "{lo} {hi}"
    );
    let (lo, hi) = (
        overall["acceptable_interval"][0].as_f64().unwrap(),
        overall["acceptable_interval"][1].as_f64().unwrap(),
    );
    assert!(
        (lo - 2.0 / 15.0).abs() < 1e-12 && (hi - 2.0 / 15.0).abs() < 1e-12,
        "{lo} {hi}"
    );
}

#[test]
fn a_bad_sheet_is_named_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    generated(&tmp.path().join("gen"));
    sample(tmp.path(), "a", "7");
    let dir = tmp.path().join("a");
    let o = rsbench(&["audit", "score", "a"], tmp.path());
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("sheet.csv: no verdicts yet"),
        "{}",
        text(&o.stderr)
    );

    fill(&dir, |k| if k["item"] == "4" { "maybe" } else { "ok" });
    let o = rsbench(&["audit", "score", "a"], tmp.path());
    let err = text(&o.stderr);
    assert!(
        err.contains("verdict `maybe`: expected sound, acceptable, broken, near-copy or other-type or empty"),
        "{err}"
    );
    let line: usize = err
        .split("sheet.csv line ")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let raw = std::fs::read_to_string(dir.join("sheet.csv")).unwrap();
    assert!(
        raw.lines().nth(line - 1).unwrap().starts_with("4,"),
        "line {line} starts item 4"
    );

    // A deleted row would bias the rates without a word: refused.
    fill(&dir, |_| "ok");
    let raw = std::fs::read_to_string(dir.join("sheet.csv")).unwrap();
    let mut r = csv::Reader::from_reader(raw.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records().map(Result::unwrap).filter(|rec| &rec[0] != "2") {
        w.write_record(&rec).unwrap();
    }
    std::fs::write(dir.join("sheet.csv"), w.into_inner().unwrap()).unwrap();
    let err = text(&rsbench(&["audit", "score", "a"], tmp.path()).stderr);
    assert!(err.contains("sheet.csv: item 2 of key.csv is missing"), "{err}");

    // A set with no generated negatives has nothing to audit.
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let line = json!({"context": ["안녕"], "candidates": [{"text": "응", "label": 1}, {"text": "아니", "label": 0}],
                      "src_dlg_id": "d", "did": "c"});
    std::fs::write(plain.join("x.jsonl"), format!("{line}\n")).unwrap();
    let o = rsbench(&["audit", "sample", "--dataset", "plain", "--out", "p"], tmp.path());
    assert!(
        text(&o.stderr).contains("no generated negatives"),
        "{}",
        text(&o.stderr)
    );
    assert!(!tmp.path().join("p").exists(), "nothing written");
}

#[test]
fn two_annotators_agreement_is_cohens_kappa() {
    let tmp = tempfile::tempdir().unwrap();
    generated(&tmp.path().join("gen"));
    sample(tmp.path(), "a", "7");
    common::copy_dir(&tmp.path().join("a"), &tmp.path().join("b"));
    let n = read_csv(&tmp.path().join("a/key.csv")).len();
    assert_eq!(n, 10, "2 + 3 + 3 negatives and 2 controls");
    // First: items 1-5 ok, 6-10 wrong. Second: 1-4 ok, 5 wrong, 6 ok, 7-10 wrong.
    // p_o = 8/10, p_e = 0.5² + 0.5² = 0.5, κ = 0.6 for the verdicts and for sound-or-not.
    let item = |k: &BTreeMap<String, String>| k["item"].parse::<usize>().unwrap();
    fill(&tmp.path().join("a"), |k| if item(k) <= 5 { "ok" } else { "wrong" });
    // The second annotator uses the rubric's words, the first the old ones.
    fill(&tmp.path().join("b"), |k| {
        if item(k) <= 4 || item(k) == 6 {
            "acceptable"
        } else {
            "Sound"
        }
    });
    let o = rsbench(&["audit", "agree", "a", "b", "--json", "agree.json"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("10 items judged by both"),
        "{}",
        text(&o.stdout)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join("agree.json")).unwrap()).unwrap();
    // Rows and columns: sound, acceptable, broken, near-copy, other-type (`wrong` reads as sound, `ok` as acceptable).
    assert_eq!(
        v["matrix"],
        json!([
            [4, 1, 0, 0, 0],
            [1, 4, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0]
        ])
    );
    for key in ["verdicts", "sound_or_not"] {
        let k = &v[key];
        assert!((k["kappa"].as_f64().unwrap() - 0.6).abs() < 1e-12, "{k}");
        assert!((k["observed"].as_f64().unwrap() - 0.8).abs() < 1e-12, "{k}");
        let (lo, hi) = (k["interval"][0].as_f64().unwrap(), k["interval"][1].as_f64().unwrap());
        assert!(lo < 0.6 && 0.6 < hi && hi <= 1.0, "{k}");
    }
    // Sheets of two different samples cannot be compared.
    sample(tmp.path(), "c", "8");
    fill(&tmp.path().join("c"), |_| "ok");
    let err = text(&rsbench(&["audit", "agree", "a", "c"], tmp.path()).stderr);
    assert!(err.contains("not the same sample"), "{err}");
}
