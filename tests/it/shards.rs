//! `eval --shard I/N` + `merge`: three shards (one of them told its index by
//! Slurm's variables, one by Kubernetes') merge into a report byte-identical
//! to the unsharded run; an incomplete or mixed set of shards is refused.

use std::process::Command;

use crate::common::{koradvmrs_dir, rsbench, text};

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != "timing.json")
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn eval_env(args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rsbench"));
    c.args(args).current_dir(cwd).env("RSBENCH_NO_CACHE", "1");
    for var in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn shards_merge_into_the_unsharded_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let k = koradvmrs_dir();
    let k = k.to_str().unwrap();
    let base = [
        "eval",
        "--dataset",
        k,
        "--split",
        "both",
        "--scorer",
        "tfidf",
        "--seed",
        "7",
    ];
    let with = |extra: &[&'static str]| -> Vec<String> { base.iter().chain(extra).map(|s| s.to_string()).collect() };
    let run = |args: Vec<String>, env: &[(&str, &str)]| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = eval_env(&a, env, d);
        assert!(out.status.success(), "{a:?}: {}", text(&out.stderr));
    };
    run(with(&["--shard", "0/3", "--out", "runs"]), &[]);
    run(
        with(&["--shard", "auto", "--out", "runs"]),
        &[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    // Merging before the last shard names it.
    let out = rsbench(&["merge", "runs", "-q"], d);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("1 of 3 shards missing: shard-2-of-3.jsonl"), "{err}");
    run(
        with(&["--shard", "auto", "--shards", "3", "--out", "runs"]),
        &[("JOB_COMPLETION_INDEX", "2")],
    );
    let out = rsbench(&["merge", "runs", "-q"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    run(with(&["--out", "plain", "-q"]), &[]);
    assert_eq!(files(&d.join("runs/report")), files(&d.join("plain")));

    // Every pair is in exactly one shard, and the shards are balanced.
    let counts: Vec<usize> = (0..3)
        .map(|i| {
            std::fs::read_to_string(d.join(format!("runs/shard-{i}-of-3.jsonl")))
                .unwrap()
                .lines()
                .count()
                - 1
        })
        .collect();
    let total: usize = counts.iter().sum();
    assert_eq!(total, 3310);
    assert!(counts.iter().all(|&c| c.abs_diff(total / 3) < total / 20), "{counts:?}");

    // A shard of another evaluation (another seed) is refused.
    let mut other = with(&["--shard", "1/3", "--out", "mixed"]);
    other[8] = "8".into();
    run(other, &[]);
    for i in ["0", "2"] {
        std::fs::copy(
            d.join(format!("runs/shard-{i}-of-3.jsonl")),
            d.join(format!("mixed/shard-{i}-of-3.jsonl")),
        )
        .unwrap();
    }
    let out = rsbench(&["merge", "mixed", "-q"], d);
    assert!(
        text(&out.stderr).contains("belongs to another evaluation"),
        "{}",
        text(&out.stderr)
    );
    assert!(!d.join("mixed/report").exists());
}

#[test]
fn bad_shard_requests_are_refused_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, want) in [
        (vec!["eval", "--shard", "3/3", "--out", "r"], "I must be below N"),
        (vec!["eval", "--shard", "1/3"], "--shard needs --out"),
        (
            vec!["eval", "--shard", "auto", "--out", "r"],
            "neither SLURM_ARRAY_TASK_ID",
        ),
    ] {
        let out = eval_env(&args, &[], d);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stderr).contains(want), "{args:?}: {}", text(&out.stderr));
    }
}

#[cfg(feature = "torch")]
#[test]
fn model_shards_and_cached_model_runs_give_the_plain_runs_bytes() {
    // A model's scores depend on the padded batch they are computed in: shards
    // and the cache cut the work along the model's own batches, so the bits agree.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let m = model.to_str().unwrap();
    let k = koradvmrs_dir();
    let k = k.to_str().unwrap();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = eval_env(
            &[
                "eval",
                "--model",
                m,
                "--dataset",
                k,
                "--batch-tokens",
                "512",
                "--shard",
                &shard,
                "--out",
                "runs",
            ],
            &[],
            d,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert!(rsbench(&["merge", "runs", "-q"], d).status.success());
    let plain = eval_env(
        &[
            "eval",
            "--model",
            m,
            "--dataset",
            k,
            "--batch-tokens",
            "512",
            // Shards run fp32 (auto included): the unsharded run to equal is fp32's.
            "--dtype",
            "f32",
            "--out",
            "plain",
            "-q",
        ],
        &[],
        d,
    );
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert_eq!(files(&d.join("runs/report")), files(&d.join("plain")));
    let cache = d.join("cache");
    for out in ["cached", "cached-again"] {
        let o = rsbench(
            &[
                "eval",
                "--model",
                m,
                "--dataset",
                k,
                "--batch-tokens",
                "512",
                "--dtype",
                "f32",
                "--cache",
                cache.to_str().unwrap(),
                "--out",
                out,
                "-q",
            ],
            d,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(files(&d.join(out)), files(&d.join("plain")), "{out}");
    }
}

#[cfg(feature = "torch")]
#[test]
fn a_real_slurm_array_and_merge_job_give_the_unsharded_report() {
    // Starts munged, slurmctld and slurmd on this machine (root, Debian's slurm-wlm
    // and munge: scripts/setup.sh installs them) and runs scripts/slurm/.
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("tests/slurm/run.sh"))
        .arg(env!("CARGO_BIN_EXE_rsbench"))
        .current_dir(&root)
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(all.contains("gave the unsharded report byte for byte"), "{all}");
}

#[test]
fn a_shard_out_of_range_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["3/3", "0/0", "x/3", "1"] {
        let out = eval_env(&["eval", "--shard", bad, "--out", "r"], &[], dir.path());
        assert_eq!(out.status.code(), Some(2), "--shard {bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--shard"), "{}", text(&out.stderr));
    }
}

#[test]
fn a_shard_file_whose_name_and_header_disagree_is_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in ["0", "1"] {
        let shard = format!("{i}/2");
        let out = eval_env(&["eval", "--shard", &shard, "--out", "runs"], &[], d);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // shard-1's place taken by a copy of shard 0.
    std::fs::copy(d.join("runs/shard-0-of-2.jsonl"), d.join("runs/shard-1-of-2.jsonl")).unwrap();
    let out = rsbench(&["merge", "runs", "-q"], d);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("shard-1-of-2.jsonl: its header says shard 0 of 2") && err.contains("do not match"),
        "{err}"
    );
    assert!(!err.contains("missing"), "{err}");
}
