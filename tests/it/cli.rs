//! The binary as a user runs it: exit codes, messages, files, determinism.

use crate::common;

use common::{rsbench, text};

#[cfg(feature = "torch")]
use std::process::Command;

#[test]
fn eval_on_the_embedded_sample_writes_a_run_and_report_renders_it_again() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rsbench(&["eval"], tmp.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = tmp.path().join("reports/sample-bm25-both-seed42");
    assert!(text(&out.stderr).contains("wrote reports/sample-bm25-both-seed42"));
    for f in [
        "predictions.parquet",
        "summary.csv",
        "summary.json",
        "summary.md",
        "metadata.json",
        "timing.json",
    ] {
        assert!(run.join(f).is_file(), "{f}");
    }
    let stdout = text(&out.stdout);
    assert!(stdout.contains("adversarial") && stdout.contains("clean") && stdout.contains("repetition"));

    let again = rsbench(&["report", run.to_str().unwrap()], tmp.path());
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout),
        stdout,
        "report re-renders the terminal table byte for byte"
    );
    let md = rsbench(&["report", run.to_str().unwrap(), "--format", "markdown"], tmp.path());
    assert_eq!(
        text(&md.stdout),
        std::fs::read_to_string(run.join("summary.md")).unwrap()
    );

    // The sample set records no rules: --by rule puts every case of a split in
    // one group, whose numbers are the split's overall ones (the interval is
    // drawn from the group's own bootstrap stream, so only values compare).
    let by_rule = text(&rsbench(&["report", run.to_str().unwrap(), "--by", "rule"], tmp.path()).stdout);
    let rows = |t: &str, first: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with(&format!("│ {first}")))
            .map(|l| {
                let cells: Vec<&str> = l
                    .split('│')
                    .skip(2)
                    .map(|c| c.trim().split(" [").next().unwrap())
                    .collect();
                cells.join("|")
            })
            .collect()
    };
    assert_eq!(rows(&by_rule, "(no rule)").len(), 2, "{by_rule}");
    assert_eq!(rows(&by_rule, "(no rule)"), rows(&stdout, "overall"), "{by_rule}");
    assert_eq!(rows(&by_rule, "overall"), rows(&stdout, "overall"));
    let overall_lines = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("│ overall"))
            .map(|l| l.replace(' ', ""))
            .collect()
    };
    assert_eq!(
        overall_lines(&by_rule),
        overall_lines(&stdout),
        "the overall rows, intervals included"
    );

    // A second default run gets a numbered directory instead of clobbering.
    let second = rsbench(&["eval", "-q"], tmp.path());
    assert!(second.status.success());
    assert!(tmp
        .path()
        .join("reports/sample-bm25-both-seed42-2/summary.csv")
        .is_file());
}

#[test]
fn same_inputs_and_seed_give_byte_identical_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir();
    for name in ["a", "b"] {
        let out = rsbench(
            &[
                "eval",
                "--scorer",
                "random",
                "--dataset",
                data.to_str().unwrap(),
                "--seed",
                "9",
                "--out",
                name,
                "-q",
            ],
            tmp.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for f in [
        "predictions.parquet",
        "summary.csv",
        "summary.json",
        "summary.md",
        "metadata.json",
    ] {
        let a = std::fs::read(tmp.path().join("a").join(f)).unwrap();
        let b = std::fs::read(tmp.path().join("b").join(f)).unwrap();
        assert!(a == b, "{f} differs between identical runs");
    }
    let out = rsbench(
        &[
            "eval",
            "--scorer",
            "random",
            "--dataset",
            data.to_str().unwrap(),
            "--seed",
            "10",
            "--out",
            "c",
            "-q",
        ],
        tmp.path(),
    );
    assert!(out.status.success());
    let a = std::fs::read(tmp.path().join("a/summary.csv")).unwrap();
    let c = std::fs::read(tmp.path().join("c/summary.csv")).unwrap();
    assert!(a != c, "another seed gives another random scorer");
}

#[test]
fn bad_dataset_fails_naming_file_and_line_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("tense.jsonl"),
        "{\"context\": [\"a\"], \"candidates\": [{\"text\": \"b\", \"label\": 1}, {\"text\": \"c\", \"label\": 0}]}\n{\"context\": [\"a\"], \"candidates\": [{\"text\": \"b\", \"label\": 0}]}\n",
    )
    .unwrap();
    let out = rsbench(&["eval", "--dataset", "data", "--out", "run"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("data/tense.jsonl:2: case has no positive candidate"),
        "{err}"
    );
    assert!(!tmp.path().join("run").exists());
    assert!(!tmp.path().join("reports").exists());
}

#[test]
fn existing_out_dir_is_refused_unless_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("run")).unwrap();
    std::fs::write(tmp.path().join("run/keep.txt"), "mine").unwrap();
    let out = rsbench(&["eval", "--out", "run", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    assert!(tmp.path().join("run/keep.txt").is_file());
    // --overwrite replaces only a run directory rsbench wrote: this one is the user's.
    let out = rsbench(&["eval", "--out", "run", "--overwrite", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("run: not replaced"), "{}", text(&out.stderr));
    assert!(tmp.path().join("run/keep.txt").is_file());
    assert!(!tmp.path().join("run/summary.md").exists());
}

#[test]
fn usage_errors_and_help() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rsbench(&["eval", "--split", "sideways"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let out = rsbench(&["eval", "--help"], tmp.path());
    let help = text(&out.stdout);
    assert!(help.contains("Examples:") && help.contains("--dataset") && help.contains("--candidates"));
    let out = rsbench(&["report", "nowhere"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nowhere: no such run directory"),
        "{}",
        text(&out.stderr)
    );
    let out = rsbench(&["eval", "--model", "m", "--scorer", "bm25"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "--model and --scorer conflict");
}

#[test]
fn datasets_list_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rsbench(&["datasets", "list"], tmp.path());
    let listing = text(&out.stdout);
    assert!(
        listing.starts_with("koradvmrs  (7 files, 2220 cases, Apache-2.0)"),
        "{listing}"
    );
    assert!(listing.contains("sample  (7 files, 70 cases"));
    let data = common::koradvmrs_dir();
    let out = rsbench(&["datasets", "verify", data.to_str().unwrap()], tmp.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("koradvmrs verified, 2220 cases"));

    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for e in std::fs::read_dir(&data).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    std::fs::write(copy.join("topic.jsonl"), "{}").unwrap();
    let out = rsbench(&["datasets", "verify", "copy"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("MISMATCH  topic.jsonl"));
    assert!(text(&out.stderr).contains("1 of 7 files of `koradvmrs` failed verification"));
}

#[cfg(feature = "torch")]
#[test]
fn binary_finds_libtorch_without_library_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .arg("info")
        .env_remove("LD_LIBRARY_PATH")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("libtorch: cuda"), "{}", text(&out.stdout));
}

#[test]
fn tsv_case_without_positive_is_excluded_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut tsv = String::new();
    for (i, ctx) in ["안녕 뭐 해", "점심 먹었어", "내일 시간 돼", "주말에 뭐 했어"]
        .iter()
        .enumerate()
    {
        let label = if i == 3 { 0 } else { 1 };
        tsv.push_str(&format!("{label}\t{ctx}\t응 방금 {i}\n0\t{ctx}\t몰라 {i}\n"));
    }
    std::fs::write(tmp.path().join("dev.tsv"), tsv).unwrap();
    let out = rsbench(
        &["eval", "--dataset", "dev.tsv", "--split", "adversarial", "--out", "r"],
        tmp.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 case(s) without a positive excluded"),
        "{}",
        text(&out.stdout)
    );
    let csv = std::fs::read_to_string(tmp.path().join("r/summary.csv")).unwrap();
    let overall = csv.lines().find(|l| l.starts_with("adversarial,overall,")).unwrap();
    assert!(overall.starts_with("adversarial,overall,3,1,"), "{overall}");
}

#[cfg(feature = "torch")]
#[test]
fn cuda_device_without_a_gpu_is_a_clear_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let model = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let out = rsbench(
        &["eval", "--device", "gpu", "--model", model.to_str().unwrap()],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("expected cpu, cuda or cuda:N"),
        "{}",
        text(&out.stderr)
    );
    // The devices the binary sees (it loads libtorch's CUDA backend for `info`).
    let info = text(&rsbench(&["info"], tmp.path()).stdout);
    let gpus: i64 = info
        .split_once(" devices)")
        .and_then(|(head, _)| head.rsplit_once('(')?.1.parse().ok())
        .unwrap_or_else(|| panic!("no device count in {info}"));
    let spec = format!("cuda:{gpus}"); // one past the last device, on any machine
    let out = rsbench(
        &[
            "eval",
            "--device",
            &spec,
            "--model",
            model.to_str().unwrap(),
            "--out",
            "run",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("--device {spec}: libtorch sees {gpus} CUDA device(s)")),
        "{err}"
    );
    assert!(!tmp.path().join("run").exists());
}

#[cfg(feature = "torch")]
#[test]
fn dtype_auto_measures_this_cpu_and_records_what_it_chose() {
    let tmp = tempfile::tempdir().unwrap();
    let model = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let out = rsbench(
        &[
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--dtype",
            "auto",
            "--out",
            "run",
        ],
        tmp.path(),
    );
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let line = err
        .lines()
        .find(|l| l.starts_with("--dtype auto: "))
        .expect("the choice is printed");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("run/metadata.json")).unwrap()).unwrap();
    let params = &meta["scorer"]["params"];
    if line.contains("bf16 with fp32 re-scoring") {
        assert_eq!(params["dtype"], "bf16");
        assert_eq!(params["bf16_recheck"], true, "auto always re-scores near-ties");
    } else {
        assert!(line.contains(": fp32 ("), "{line}");
        assert_eq!(params["dtype"], "f32");
    }
}

/// `--model org/name[@revision]` is read from a Hugging Face cache (here one
/// the test builds): the same scores as the directory, the revision on
/// record, and a clear error for what the cache lacks.
#[cfg(feature = "torch")]
#[test]
fn a_hub_name_is_read_offline_from_the_hugging_face_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let commit = "4f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e";
    let root = tmp.path().join("hub/models--kakao--tiny-cls");
    let snapshot = root.join("snapshots").join(commit);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(root.join("refs")).unwrap();
    std::fs::write(root.join("refs/main"), commit).unwrap();
    for f in std::fs::read_dir(&fixture).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, snapshot.join(f.file_name().unwrap())).unwrap();
    }
    let run = |model: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
            .args(["eval", "--model", model, "--out", out, "-q"])
            .env("RSBENCH_NO_CACHE", "1")
            .env("HF_HUB_CACHE", tmp.path().join("hub"))
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let by_dir = run(fixture.to_str().unwrap(), "by-dir");
    assert!(by_dir.status.success(), "{}", text(&by_dir.stderr));
    let by_name = run("kakao/tiny-cls", "by-name");
    assert!(by_name.status.success(), "{}", text(&by_name.stderr));
    assert_eq!(
        common::predictions(&tmp.path().join("by-name")),
        common::predictions(&tmp.path().join("by-dir"))
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("by-name/metadata.json")).unwrap()).unwrap();
    let hub = &meta["scorer"]["params"]["hub"];
    assert_eq!(hub["repo"], "kakao/tiny-cls");
    assert_eq!(hub["revision"], "main");
    assert_eq!(hub["commit"], commit);
    // A revision the cache lacks, and a model it lacks: errors naming the path, nothing written.
    let out = run("kakao/tiny-cls@v2", "missing-rev");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("refs/v2: missing"), "{}", text(&out.stderr));
    let out = run("kakao/other", "missing-model");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("models--kakao--other: missing") && err.contains("offline"),
        "{err}"
    );
    assert!(!tmp.path().join("missing-rev").exists() && !tmp.path().join("missing-model").exists());
}
