//! `eval --scorer-cmd`: a scorer that is another program. The example
//! transformers scorer gives the native scorer's numbers on a fixture model;
//! a program that crashes, hangs, miscounts or answers NaN stops the run with
//! its stderr quoted and no run directory left.

use std::path::PathBuf;

use crate::common::{predictions, rsbench, text};

fn venv_python() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin/python")
        .display()
        .to_string()
}

fn scores(run: &std::path::Path) -> Vec<f64> {
    predictions(run)
        .column("score")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[test]
fn the_example_transformers_scorer_matches_the_native_scorer() {
    let dir = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = root.join("tests/fixtures/models/bert-cls2");
    let script = root.join("scripts/scorers/transformers_classifier.py");
    let cmd = format!("{} {} {}", venv_python(), script.display(), model.display());
    let out = rsbench(
        &[
            "eval",
            "--scorer-cmd",
            &cmd,
            "--scorer-batch",
            "7",
            "--out",
            "process",
            "-q",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = rsbench(
        &[
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--dtype",
            "f32",
            "--out",
            "native",
            "-q",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (a, b) = (scores(&dir.path().join("process")), scores(&dir.path().join("native")));
    assert_eq!(a.len(), b.len());
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-4, "max |Δ| {worst}");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("process/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["scorer"]["kind"], "subprocess");
    assert_eq!(meta["scorer"]["params"]["name"], "transformers-classifier:bert-cls2");
}

#[test]
fn a_misbehaving_program_stops_the_run_and_is_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hello = "print('{\"name\": \"fake\", \"version\": \"1\"}', flush=True)";
    let loop_ = |answer: &str| {
        format!("import json, sys, time\n{hello}\nfor line in sys.stdin:\n    n = len(json.loads(line)['pairs'])\n    {answer}\n")
    };
    let cases = [
        (
            "crash",
            loop_("sys.stderr.write('CUDA out of memory\\n'); sys.exit(3)"),
            vec![
                "closed its stdout before an answer to batch 0",
                "status 3",
                "CUDA out of memory",
            ],
        ),
        (
            "hang",
            loop_("time.sleep(30)"),
            vec!["did not give an answer to batch 0 within 1 s"],
        ),
        (
            "count",
            loop_("print(json.dumps({'scores': [0.0] * (n - 1)}), flush=True)"),
            vec!["batch 0:", "scores for"],
        ),
        (
            "nan",
            loop_("print(json.dumps({'scores': [float('nan')] * n}), flush=True)"),
            vec!["batch 0:"],
        ),
        (
            "no-handshake",
            "import sys\nprint('loading...', flush=True)\nsys.stdin.read()\n".to_owned(),
            vec!["its first line is not a handshake", "--scorer-name"],
        ),
    ];
    for (name, script, wants) in cases {
        let file = d.join(format!("{name}.py"));
        std::fs::write(&file, script).unwrap();
        let cmd = format!("python3 {}", file.display());
        let out = rsbench(
            &[
                "eval",
                "--scorer-cmd",
                &cmd,
                "--scorer-timeout",
                "1",
                "--out",
                name,
                "-q",
            ],
            d,
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        for want in wants {
            assert!(err.contains(want), "{name}: wanted {want:?} in {err}");
        }
        assert!(!d.join(name).exists(), "{name}: no run directory is left");
    }
    // --scorer-name stands in for the handshake.
    let file = d.join("quiet.py");
    std::fs::write(
        &file,
        "import json, sys\nfor line in sys.stdin:\n    n = len(json.loads(line)['pairs'])\n    print(json.dumps({'scores': list(range(n))}), flush=True)\n",
    )
    .unwrap();
    let cmd = format!("python3 {}", file.display());
    let out = rsbench(
        &[
            "eval",
            "--scorer-cmd",
            &cmd,
            "--scorer-name",
            "ranks@2",
            "--out",
            "quiet",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("quiet/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["scorer"]["params"]["version"], "2");
}
