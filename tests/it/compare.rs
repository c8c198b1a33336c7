//! `rsbench compare` and the CI gates, on runs written by `rsbench eval`.

use crate::common;

use common::{rsbench, text};

use std::path::Path;

use rsbench::eval::{mcnemar_exact, BootstrapConfig, CompareConfig};
use rsbench::report::{compare_charts, load_cases, load_for_compare, render_comparison, TableStyle};

fn eval(cwd: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["eval", "--out", out, "-q"];
    args.extend_from_slice(extra);
    let o = rsbench(&args, cwd);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn koradvmrs() -> String {
    common::koradvmrs_dir().display().to_string()
}

#[test]
fn compare_tables_and_chart_data_snapshot_on_the_sample_set() {
    let tmp = tempfile::tempdir().unwrap();
    eval(tmp.path(), "bm25", &["--scorer", "bm25"]);
    eval(tmp.path(), "random", &["--scorer", "random"]);
    let runs = [
        load_for_compare(&tmp.path().join("bm25")).unwrap(),
        load_for_compare(&tmp.path().join("random")).unwrap(),
    ];
    let inputs: Vec<_> = runs.iter().map(|r| r.input.clone()).collect();
    let config = CompareConfig {
        baseline: 0,
        bootstrap: BootstrapConfig {
            resamples: 1000,
            level: 0.95,
            seed: 42,
        },
        alpha: 0.05,
        metric: None,
        group_by: Default::default(),
    };
    let cmp = rsbench::eval::compare(&inputs, &config).unwrap();
    insta::assert_snapshot!(
        "compare_markdown",
        render_comparison(&cmp, "bm25", 0.05, &[], TableStyle::Markdown)
    );
    insta::assert_snapshot!(
        "compare_terminal",
        render_comparison(&cmp, "bm25", 0.05, &[], TableStyle::Terminal)
    );
    let charts = compare_charts(&cmp);
    insta::assert_snapshot!("compare_chart_data", serde_json::to_string_pretty(&charts).unwrap());

    // The CLI writes the same tables and the charts.
    let o = rsbench(&["compare", "bm25", "random", "--out", "cmp"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(tmp.path().join("cmp/compare.md")).unwrap();
    assert_eq!(md, render_comparison(&cmp, "bm25", 0.05, &[], TableStyle::Markdown));
    for f in [
        "compare.csv",
        "compare.json",
        "gap.csv",
        "gap.json",
        "compare_meta.json",
        "chart_data.json",
    ] {
        assert!(tmp.path().join("cmp").join(f).is_file(), "{f}");
    }
}

#[test]
fn mcnemar_p_values_recomputed_from_the_predictions() {
    let tmp = tempfile::tempdir().unwrap();
    let data = koradvmrs();
    // Two random scorers: no ties, so the exact test is McNemar's.
    eval(
        tmp.path(),
        "a",
        &[
            "--scorer",
            "random",
            "--dataset",
            &data,
            "--split",
            "adversarial",
            "--seed",
            "1",
        ],
    );
    eval(
        tmp.path(),
        "b",
        &[
            "--scorer",
            "tfidf",
            "--dataset",
            &data,
            "--split",
            "adversarial",
            "--seed",
            "1",
        ],
    );
    let o = rsbench(&["compare", "a", "b", "--out", "cmp", "-q"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let a = load_cases(&tmp.path().join("a")).unwrap();
    let b = load_cases(&tmp.path().join("b")).unwrap();
    let csv = std::fs::read_to_string(tmp.path().join("cmp/compare.csv")).unwrap();
    for t in ["repetition", "negation", "topic"] {
        let (mut only_b, mut only_a, mut ties) = (0u64, 0u64, 0);
        for (ca, cb) in a.iter().zip(&b).filter(|(c, _)| c.case_type == t) {
            assert_eq!(ca.case_id, cb.case_id);
            let correct = |s: &[f64]| s[0] > s[1];
            ties += usize::from(cb.scores[0] == cb.scores[1]);
            match (correct(&cb.scores), correct(&ca.scores)) {
                (true, false) => only_b += 1,
                (false, true) => only_a += 1,
                _ => {}
            }
        }
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("adversarial,{t},b,")))
            .unwrap_or_else(|| panic!("no row for {t}"));
        let fields: Vec<&str> = line.split(',').collect();
        let p: f64 = fields[10].parse().unwrap();
        if ties == 0 {
            assert_eq!(fields[9], "mcnemar-exact");
            assert!((p - mcnemar_exact(only_b, only_a)).abs() < 1e-12, "{t}: {p}");
        } else {
            assert_eq!(fields[9], "sign-flip-exact");
        }
    }
}

#[test]
fn incomparable_runs_are_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    eval(tmp.path(), "s1", &["--scorer", "bm25", "--seed", "1"]);
    eval(tmp.path(), "s2", &["--scorer", "bm25", "--seed", "2"]);
    let o = rsbench(&["compare", "s1", "s2", "--out", "cmp"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("not comparable") && err.contains("seed differs: `s1` 1 vs `s2` 2"),
        "{err}"
    );
    assert!(!tmp.path().join("cmp").exists());
    let o = rsbench(&["compare", "s1", "s2", "--out", "cmp", "--force", "-q"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let meta = std::fs::read_to_string(tmp.path().join("cmp/compare_meta.json")).unwrap();
    assert!(meta.contains("seed differs"), "{meta}");
    assert!(std::fs::read_to_string(tmp.path().join("cmp/compare.md"))
        .unwrap()
        .contains("--force"));
}

#[test]
fn fail_if_worse_gates_a_regressed_model() {
    let tmp = tempfile::tempdir().unwrap();
    let data = koradvmrs();
    eval(tmp.path(), "baseline", &["--scorer", "random", "--dataset", &data]);
    eval(tmp.path(), "regressed", &["--scorer", "bm25", "--dataset", &data]);
    let o = rsbench(
        &[
            "compare",
            "baseline",
            "regressed",
            "--fail-if-worse",
            "-q",
            "--out",
            "cmp",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.lines().any(
            |l| l.starts_with("gate: regressed is significantly worse than the baseline on adversarial/repetition")
        ),
        "{err}"
    );
    // Only adversarial types regressed: BM25 beats chance on the clean split.
    assert!(
        err.lines()
            .filter(|l| l.starts_with("gate:"))
            .all(|l| l.contains("on adversarial/")),
        "{err}"
    );
    // Without the flag the same comparison succeeds.
    let o = rsbench(&["compare", "baseline", "regressed", "-q", "--out", "cmp2"], tmp.path());
    assert!(o.status.success());
    // The other way round, the random scorer is the one that falls behind, on clean only.
    let o = rsbench(
        &[
            "compare",
            "regressed",
            "baseline",
            "--fail-if-worse",
            "-q",
            "--out",
            "cmp3",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    let gates: Vec<&str> = err.lines().filter(|l| l.starts_with("gate:")).collect();
    assert!(
        !gates.is_empty() && gates.iter().all(|l| l.contains("on clean/")),
        "{err}"
    );
}

#[test]
fn eval_min_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let data = koradvmrs();
    let o = rsbench(
        &[
            "eval",
            "--dataset",
            &data,
            "--out",
            "r1",
            "-q",
            "--min",
            "repetition=30",
            "--min",
            "clean:overall=20",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(
        err.contains("gate: adversarial/repetition pairwise accuracy 0.5 % is below the minimum 30 %"),
        "{err}"
    );
    assert!(!err.contains("clean/overall"), "{err}");
    assert!(
        tmp.path().join("r1/summary.csv").is_file(),
        "the report is still written"
    );
    let o = rsbench(&["eval", "--out", "r2", "-q", "--min", "overall=10"], tmp.path());
    assert!(o.status.success());
    let o = rsbench(&["eval", "--out", "r3", "-q", "--min", "nope=10"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let o = rsbench(&["eval", "--out", "r4", "-q", "--min", "overall=abc"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}
