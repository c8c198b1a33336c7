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

#[cfg(feature = "torch")]
#[test]
fn dtype_auto_skips_what_the_cpu_flags_rule_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // `info` measures the probe at BERT-base's layer, into an empty cache here.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .arg("info")
        // An AVX2-only EPYC's flags (issue 25).
        .env(
            "RSBENCH_CPU_FLAGS",
            "fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c bmi2",
        )
        .env("XDG_CACHE_HOME", d)
        .current_dir(d)
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert!(
        said.contains("bf16: not timed: the CPU has none of avx512_bf16, amx_bf16"),
        "{said}"
    );
    assert!(
        said.contains("int8: not timed: the CPU has none of avx512_vnni"),
        "{said}"
    );
    assert!(said.contains("auto picks f32"), "{said}");
    let probes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rsbench/dtype-probe.json")).unwrap()).unwrap();
    let probe = probes.as_object().unwrap().values().next().unwrap();
    assert_eq!(probe["bf16"], 0.0, "{probe}");
    assert_eq!(probe["int8"], 0.0, "{probe}");
    assert!(probe["skipped"]["bf16"].is_string(), "{probe}");

    // A model whose layer is too small for rounding to pay is not probed at all.
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
        .current_dir(d)
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("--dtype auto: fp32 (a 32x64 layer is below the size where rounding pays; not probed)"),
        "{err}"
    );
    let timing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("run/timing.json")).unwrap()).unwrap();
    assert!(timing["scorer"].get("dtype_probe").is_none(), "{timing}");
}
