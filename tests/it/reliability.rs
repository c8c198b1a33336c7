//! Issue 25's smaller findings: a type named with `|` in summary.md, an I/O
//! error that names the output, not its staging path, and `--dtype auto`'s
//! probe on a CPU whose flags rule bf16 and int8 out.

use std::path::PathBuf;

use crate::common::{rsbench, text};

#[test]
fn a_type_with_a_pipe_keeps_summary_md_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("data");
    std::fs::create_dir(&data).unwrap();
    // Two types from the sample set, one renamed `a|b`.
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/sample");
    std::fs::copy(sample.join("negation.jsonl"), data.join("a|b.jsonl")).unwrap();
    std::fs::copy(sample.join("tense.jsonl"), data.join("tense.jsonl")).unwrap();
    let out = rsbench(
        &[
            "eval",
            "--dataset",
            "data",
            "--split",
            "adversarial",
            "--out",
            "run",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = std::fs::read_to_string(d.join("run/summary.md")).unwrap();
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert!(rows.len() >= 4, "{md}");
    assert!(rows.iter().all(|r| cells(r) == cells(rows[0])), "{md}");
    assert!(md.contains("a\\|b"), "{md}");
}

#[test]
fn a_write_error_names_the_output_not_its_staging_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A file-size limit of 16 KiB stands in for a full disk (EFBIG, not SIGXFSZ).
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 32; exec \"$0\" eval --out run -q",
            env!("CARGO_BIN_EXE_rsbench"),
        ])
        .env("RSBENCH_NO_CACHE", "1")
        .current_dir(d)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("run/"), "{err}");
    assert!(!err.contains("rsbench-tmp"), "{err}");
    assert!(crate::common::names(d).is_empty(), "{:?}", crate::common::names(d));
}

#[test]
fn dtype_auto_skips_what_the_cpu_flags_rule_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args([
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--dtype",
            "auto",
            "--no-cache",
            "--out",
            "run",
        ])
        // An AVX2-only EPYC's flags (issue 25).
        .env(
            "RSBENCH_CPU_FLAGS",
            "fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi2",
        )
        .current_dir(d)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("bf16: not timed: the CPU has none of avx512_bf16, amx_bf16"),
        "{err}"
    );
    assert!(
        err.contains("int8: not timed: the CPU has none of avx512_vnni"),
        "{err}"
    );
    let timing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run/timing.json")).unwrap()).unwrap();
    let probe = &timing["scorer"]["dtype_probe"];
    assert_eq!(probe["bf16"], 0.0, "{probe}");
    assert_eq!(probe["int8"], 0.0, "{probe}");
    assert!(probe["skipped"]["bf16"].is_string(), "{probe}");
}
