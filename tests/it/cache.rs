//! The score cache: a run killed with SIGKILL resumes by rerunning the same
//! command, scoring only the chunks it lost, with a report byte-identical to
//! an uninterrupted run's; a foreign cache file is refused; `cache info` and
//! `cache prune` see and remove what runs stored. Everything that changes a
//! model's scores keys the cache (a cached run equals an uncached one byte for
//! byte); a damaged score or cache file is never used silently nor panics;
//! model files are read bounded and an unreadable one is never taken for absent.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{koradvmrs_dir, rsbench, text};

/// A scorer program that answers slowly, counts its answers in `counter`
/// and scores a pair by its id (deterministic, so runs can be compared).
fn slow_scorer(dir: &std::path::Path) -> String {
    let script = dir.join("slow.py");
    let counter = dir.join("answers.txt");
    std::fs::write(
        &script,
        format!(
            "import json, sys, time\nprint(json.dumps({{'name': 'slow', 'version': '1'}}), flush=True)\nfor line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    time.sleep(0.1)\n    print(json.dumps({{'scores': [int(p['id'][1:9], 16) / 1e9 for p in pairs]}}), flush=True)\n    open({:?}, 'a').write('x')\n",
            counter.display().to_string()
        ),
    )
    .unwrap();
    format!("python3 {}", script.display())
}

fn eval_args<'a>(cmd: &'a str, cache: &'a str, out: &'a str, k: &'a str) -> Vec<&'a str> {
    vec![
        "eval",
        "--dataset",
        k,
        "--split",
        "adversarial",
        "--scorer-cmd",
        cmd,
        "--cache",
        cache,
        "--out",
        out,
        "-q",
    ]
}

fn cache_stats(run: &std::path::Path) -> (u64, u64) {
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("timing.json")).unwrap()).unwrap();
    let c = &t["scorer"]["cache"];
    (c["hits"].as_u64().unwrap(), c["misses"].as_u64().unwrap())
}

#[test]
fn a_killed_run_resumes_scoring_only_what_it_lost_and_reports_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let k = koradvmrs_dir();
    let k = k.to_str().unwrap();
    let cmd = slow_scorer(d);
    let cache = d.join("cache");
    let cache_s = cache.to_str().unwrap();
    let counter = d.join("answers.txt");

    // 1,510 distinct pairs, 64 per answer, chunks of 256: after 9 answers at least
    // two chunks are committed. Then SIGKILL.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args(eval_args(&cmd, cache_s, "run", k))
        .current_dir(d)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&counter).map_or(0, |s| s.len()) < 9 {
        assert!(Instant::now() < deadline, "the scorer never answered");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!d.join("run").exists(), "a killed run leaves no run directory");

    let out = rsbench(&eval_args(&cmd, cache_s, "run", k), d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (hits, misses) = cache_stats(&d.join("run"));
    assert_eq!(hits + misses, 1510);
    assert!(hits >= 512 && misses > 0, "hits {hits}, misses {misses}");
    assert_eq!(hits % 256, 0, "whole chunks were kept: {hits}");

    // An uninterrupted run with its own cache, and a rerun that scores nothing.
    let fresh = d.join("fresh-cache");
    let out = rsbench(&eval_args(&cmd, fresh.to_str().unwrap(), "straight", k), d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(cache_stats(&d.join("straight")), (0, 1510));
    for f in [
        "predictions.parquet",
        "summary.csv",
        "summary.json",
        "metadata.json",
        "chart_data.json",
    ] {
        let a = std::fs::read(d.join("run").join(f)).unwrap();
        let b = std::fs::read(d.join("straight").join(f)).unwrap();
        assert!(a == b, "{f}: the resumed run differs from the uninterrupted one");
    }
    let out = rsbench(&eval_args(&cmd, cache_s, "again", k), d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(cache_stats(&d.join("again")), (1510, 0));

    // Another split shares no pairs here; both splits score only the clean ones.
    let mut args = eval_args(&cmd, cache_s, "both", k);
    args[4] = "both";
    let out = rsbench(&args, d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (hits, _) = cache_stats(&d.join("both"));
    assert_eq!(hits, 1510, "the adversarial pairs come from the cache");

    // info and prune.
    let info = rsbench(&["cache", "info", "--cache", cache_s], d);
    let shown = text(&info.stdout);
    assert!(info.status.success() && shown.contains("\"name\":\"slow\""), "{shown}");
    let out = rsbench(&["cache", "prune", "--cache", cache_s, "--older-than", "30"], d);
    assert!(
        text(&out.stderr).contains("removed 0 scores of 0 scorers"),
        "{}",
        text(&out.stderr)
    );
    let out = rsbench(&["cache", "prune", "--cache", cache_s, "--older-than", "0"], d);
    assert!(text(&out.stderr).contains("of 1 scorers"), "{}", text(&out.stderr));
    let info = rsbench(&["cache", "info", "--cache", cache_s], d);
    assert!(text(&info.stdout).contains(": 0 scores"), "{}", text(&info.stdout));
}

#[test]
fn a_file_that_is_not_a_score_cache_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cache = d.join("cache");
    std::fs::create_dir(&cache).unwrap();
    std::fs::write(cache.join(rsbench::scorer::cache::FILE), b"my notes, not a cache").unwrap();
    let cmd = slow_scorer(d);
    let out = rsbench(
        &[
            "eval",
            "--scorer-cmd",
            &cmd,
            "--cache",
            cache.to_str().unwrap(),
            "--out",
            "run",
            "-q",
        ],
        d,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is not a score cache this rsbench can read") && err.contains("--no-cache"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(cache.join(rsbench::scorer::cache::FILE)).unwrap(),
        b"my notes, not a cache"
    );
    assert!(!d.join("run").exists());
}

/// A copy of the fixture model `name` in `dir`, for a test to change.
#[cfg(feature = "torch")]
fn model_copy(name: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let to = dir.join(name);
    crate::common::copy_dir(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/models")
            .join(name),
        &to,
    );
    to
}

/// `eval --model MODEL --dtype f32 EXTRA… --out OUT -q` on the sample set.
#[cfg(feature = "torch")]
fn eval_model(model: &std::path::Path, extra: &[&str], out: &str, d: &std::path::Path) -> std::process::Output {
    let mut args = vec!["eval", "--model", model.to_str().unwrap(), "--dtype", "f32"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out, "-q"]);
    rsbench(&args, d)
}

fn read(run: &std::path::Path, file: &str) -> Vec<u8> {
    std::fs::read(run.join(file)).unwrap_or_else(|e| panic!("{}: {e}", run.join(file).display()))
}

#[cfg(feature = "torch")]
fn metadata(run: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&read(run, "metadata.json")).unwrap()
}

/// Runs `model` cached (`before`), changes it or the options (`after`), runs it cached
/// again and once without the cache: the second cached run must score everything
/// afresh and equal the uncached one byte for byte, and record what changed.
#[cfg(feature = "torch")]
fn changed_scores_miss_the_cache(
    d: &std::path::Path,
    label: &str,
    model: &std::path::Path,
    before: &[&str],
    change: impl FnOnce(),
    after: &[&str],
) -> serde_json::Value {
    let cache = d.join(format!("cache-{label}"));
    let c = cache.to_str().unwrap();
    let first = format!("{label}-first");
    let out = eval_model(model, &[before, &["--cache", c]].concat(), &first, d);
    assert!(out.status.success(), "{label}: {}", text(&out.stderr));
    change();
    let cached = format!("{label}-cached");
    let out = eval_model(model, &[after, &["--cache", c]].concat(), &cached, d);
    assert!(out.status.success(), "{label}: {}", text(&out.stderr));
    let plain = format!("{label}-plain");
    let out = eval_model(model, after, &plain, d);
    assert!(out.status.success(), "{label}: {}", text(&out.stderr));
    let (hits, misses) = cache_stats(&d.join(&cached));
    assert_eq!(
        hits, 0,
        "{label}: the changed model was answered from the cache ({misses} scored)"
    );
    for f in ["predictions.parquet", "summary.json", "metadata.json"] {
        assert!(
            read(&d.join(&cached), f) == read(&d.join(&plain), f),
            "{label}: {f} of the cached run differs from the uncached run's"
        );
    }
    assert_ne!(
        metadata(&d.join(&first))["scorer"],
        metadata(&d.join(&cached))["scorer"],
        "{label}: metadata.json does not show what changed"
    );
    metadata(&d.join(&cached))["scorer"]["params"].clone()
}

/// Replaces the model's rsbench.toml by the same settings written as rsbench.json.
#[cfg(feature = "torch")]
fn sidecar_as_json(model: &std::path::Path) -> std::path::PathBuf {
    let toml_path = model.join("rsbench.toml");
    let settings: toml::Value = toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap();
    std::fs::remove_file(&toml_path).unwrap();
    let json = model.join("rsbench.json");
    std::fs::write(&json, serde_json::to_string_pretty(&settings).unwrap()).unwrap();
    json
}

#[cfg(feature = "torch")]
fn edit_json(path: &std::path::Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[cfg(feature = "torch")]
#[test]
fn every_setting_that_changes_a_models_scores_keys_the_cache_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // positive_label in a sidecar written as rsbench.json (the issue's reproduction).
    let m = model_copy("bert-cls3-sharded", d);
    std::fs::remove_file(m.join("rsbench.toml")).unwrap();
    std::fs::write(m.join("rsbench.json"), r#"{"positive_label": 2}"#).unwrap();
    let json = m.join("rsbench.json");
    let params = changed_scores_miss_the_cache(
        d,
        "label",
        &m,
        &[],
        || std::fs::write(&json, r#"{"positive_label": 1}"#).unwrap(),
        &[],
    );
    assert_eq!(params["positive_label"], 1);
    assert!(
        params["sidecar"].as_str().unwrap().ends_with("rsbench.json"),
        "{params}"
    );
    assert!(params["files_sha256"]["rsbench.json"].is_string(), "{params}");

    // context_joiner of a bi-encoder, and the TorchScript module's input order, in
    // sidecars written as rsbench.json.
    let m = model_copy("bert-encoder", d);
    let json = sidecar_as_json(&m);
    let params = changed_scores_miss_the_cache(
        d,
        "joiner",
        &m,
        &[],
        || edit_json(&json, |v| v["context_joiner"] = " [SEP] ".into()),
        &[],
    );
    assert_eq!(params["context_joiner"], " [SEP] ");
    let m = model_copy("bert-torchscript", d);
    let json = sidecar_as_json(&m);
    let swapped = serde_json::json!(["input_ids", "token_type_ids", "attention_mask"]);
    let params = changed_scores_miss_the_cache(
        d,
        "inputs",
        &m,
        &[],
        || edit_json(&json, |v| v["torchscript"]["inputs"] = swapped.clone()),
        &[],
    );
    assert_eq!(params["torchscript"]["inputs"], swapped);

    // Run options that move the last bits: padded tokens per batch, libtorch's threads.
    let m = model_copy("bert-cls2", d);
    let params = changed_scores_miss_the_cache(
        d,
        "batch",
        &m,
        &["--batch-tokens", "64"],
        || {},
        &["--batch-tokens", "4096"],
    );
    assert_eq!(params["batch_tokens"], 4096);
    let params = changed_scores_miss_the_cache(d, "threads", &m, &["--threads", "2"], || {}, &["--threads", "1"]);
    assert_eq!(params["threads"], 1);
    assert!(
        params["scoring_revision"].is_string() && params["libtorch"].is_string(),
        "{params}"
    );

    // The same model and options: every score from the cache, the same bytes.
    let c = d.join("cache-threads");
    let out = eval_model(
        &m,
        &["--threads", "1", "--cache", c.to_str().unwrap()],
        "threads-again",
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (hits, misses) = cache_stats(&d.join("threads-again"));
    assert!(hits > 0 && misses == 0, "hits {hits}, misses {misses}");
    assert!(
        read(&d.join("threads-again"), "predictions.parquet") == read(&d.join("threads-plain"), "predictions.parquet")
    );
}

#[cfg(feature = "torch")]
#[test]
fn unreadable_model_files_are_errors_naming_them_never_absent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let refused = |model: &std::path::Path, name: &str, says: &str| {
        let out = eval_model(model, &[], "run", d);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(name) && err.contains(says),
            "{name}: expected `{says}`: {err}"
        );
        assert!(!d.join("run").exists());
    };
    // A sidecar or tokenizer config that is a dangling link or a directory.
    let m = model_copy("bert-cls1-eot", d);
    std::fs::remove_file(m.join("rsbench.toml")).unwrap();
    std::os::unix::fs::symlink(d.join("moved-away.toml"), m.join("rsbench.toml")).unwrap();
    refused(&m, "rsbench.toml", "does not exist");
    std::fs::remove_file(m.join("rsbench.toml")).unwrap();
    std::fs::create_dir(m.join("rsbench.toml")).unwrap();
    refused(&m, "rsbench.toml", "a directory");
    std::fs::remove_dir(m.join("rsbench.toml")).unwrap();
    std::fs::write(m.join("rsbench.toml"), "turn_separator = \"[EOT]\"\n").unwrap();
    std::fs::write(m.join("rsbench.json"), "{}").unwrap();
    refused(&m, "rsbench.json", "rsbench.toml is there too");
    std::fs::remove_file(m.join("rsbench.json")).unwrap();
    std::fs::remove_file(m.join("tokenizer_config.json")).unwrap();
    std::os::unix::fs::symlink(d.join("gone.json"), m.join("tokenizer_config.json")).unwrap();
    refused(&m, "tokenizer_config.json", "does not exist");
    std::fs::remove_file(m.join("tokenizer_config.json")).unwrap();
    std::fs::create_dir(m.join("tokenizer_config.json")).unwrap();
    refused(&m, "tokenizer_config.json", "a directory");

    // Files that are devices or too large are never read (bounded reads).
    let m = model_copy("bert-cls2", d);
    std::fs::remove_file(m.join("config.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", m.join("config.json")).unwrap();
    refused(&m, "config.json", "a device");
    std::fs::remove_file(m.join("config.json")).unwrap();
    let big = std::fs::File::create(m.join("config.json")).unwrap();
    big.set_len(65 << 20).unwrap(); // sparse: nothing is written
    refused(&m, "config.json", "64 MiB");
    let m = model_copy("bert-uncased-vocab", d);
    std::fs::remove_file(m.join("vocab.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", m.join("vocab.txt")).unwrap();
    refused(&m, "vocab.txt", "a device");

    // Absent stays absent: a model without tokenizer_config.json loads.
    let m = model_copy("bert-cls2", &d.join("plain"));
    std::fs::remove_file(m.join("tokenizer_config.json")).unwrap();
    let out = eval_model(&m, &[], "absent", d);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The file's offsets where the 8 bytes of `value` are.
fn offsets_of(bytes: &[u8], value: f64) -> Vec<usize> {
    let needle = value.to_le_bytes();
    bytes
        .windows(8)
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn a_stored_score_damaged_on_disk_is_scored_again_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cmd = slow_scorer(d);
    let cache = d.join("cache");
    let c = cache.to_str().unwrap();
    let args = |out: &'static str| ["eval", "--scorer-cmd", cmd.as_str(), "--cache", c, "--out", out, "-q"];
    let out = rsbench(&args("first"), d);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // One stored score overwritten with -99.5 in the file, as the issue did.
    let scores = crate::common::predictions(&d.join("first"));
    let score = scores.column("score").unwrap().f64().unwrap().get(0).unwrap();
    let file = cache.join(rsbench::scorer::cache::FILE);
    let mut bytes = std::fs::read(&file).unwrap();
    let at = offsets_of(&bytes, score);
    assert!(!at.is_empty(), "score {score} not found in the cache file");
    for &i in &at {
        bytes[i..i + 8].copy_from_slice(&(-99.5f64).to_le_bytes());
    }
    std::fs::write(&file, &bytes).unwrap();

    let out = rsbench(&args("second"), d);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("failed their checksum") && err.contains(c), "{err}");
    let t: serde_json::Value = serde_json::from_slice(&read(&d.join("second"), "timing.json")).unwrap();
    assert!(t["scorer"]["cache"]["corrupt"].as_u64().unwrap() >= 1, "{t}");
    for f in ["predictions.parquet", "summary.json"] {
        assert!(
            read(&d.join("first"), f) == read(&d.join("second"), f),
            "{f}: the damaged score was used"
        );
    }
    // Stored again: the next run finds every score intact.
    let out = rsbench(&args("third"), d);
    assert!(
        out.status.success() && !text(&out.stderr).contains("checksum"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(cache_stats(&d.join("third")).1, 0);
}

#[test]
fn cache_info_writes_nothing_creates_nothing_and_stops_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cmd = slow_scorer(d);
    let cache = d.join("cache");
    let c = cache.to_str().unwrap();
    let out = rsbench(&["eval", "--scorer-cmd", &cmd, "--cache", c, "--out", "run", "-q"], d);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A directory that holds no cache stays without one.
    let new = d.join("new");
    let out = rsbench(&["cache", "info", "--cache", new.to_str().unwrap()], d);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no score cache"), "{}", text(&out.stderr));
    assert!(!new.exists(), "cache info created {}", new.display());
    let out = rsbench(
        &["cache", "prune", "--cache", new.to_str().unwrap(), "--older-than", "0"],
        d,
    );
    assert!(out.status.success() && text(&out.stderr).contains("nothing to prune"));
    assert!(!new.exists(), "cache prune created {}", new.display());

    // A read-only cache, read by a user who may not write it: listed, and untouched.
    use std::os::unix::fs::PermissionsExt;
    let file = cache.join(rsbench::scorer::cache::FILE);
    let before = (
        std::fs::read(&file).unwrap(),
        std::fs::metadata(&file).unwrap().modified().unwrap(),
    );
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_rsbench"))
        .args(["cache", "info", "--cache", c])
        .output()
        .unwrap();
    std::fs::set_permissions(&cache, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"name\":\"slow\""), "{}", text(&out.stdout));
    let after = (
        std::fs::read(&file).unwrap(),
        std::fs::metadata(&file).unwrap().modified().unwrap(),
    );
    assert!(before == after, "cache info changed the cache file");

    // `cache info | head -0`: the reader is gone before the first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args(["cache", "info", "--cache", c])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && !text(&out.stderr).contains("panicked"),
        "{:?}: {}",
        out.status,
        text(&out.stderr)
    );
}

#[test]
fn a_damaged_cache_file_is_an_error_naming_it_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cmd = slow_scorer(d);
    let cache = d.join("cache");
    let out = rsbench(
        &[
            "eval",
            "--scorer-cmd",
            &cmd,
            "--cache",
            cache.to_str().unwrap(),
            "--out",
            "run",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The page after redb's header overwritten: redb 2.6 stops on an assertion reading it.
    let mut bytes = std::fs::read(cache.join(rsbench::scorer::cache::FILE)).unwrap();
    bytes[4096..8192].fill(0xff);
    let commands: [(&str, Vec<&str>); 3] = [
        (
            "eval",
            vec!["eval", "--scorer-cmd", &cmd, "--out", "again", "-q", "--cache"],
        ),
        ("info", vec!["cache", "info", "--cache"]),
        ("prune", vec!["cache", "prune", "--older-than", "0", "--cache"]),
    ];
    for (name, args) in commands {
        let damaged = d.join(format!("damaged-{name}"));
        std::fs::create_dir(&damaged).unwrap();
        let file = damaged.join(rsbench::scorer::cache::FILE);
        std::fs::write(&file, &bytes).unwrap();
        let mut args = args.clone();
        args.push(damaged.to_str().unwrap());
        let out = rsbench(&args, d);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(file.to_str().unwrap())
                && err.contains("damaged")
                && err.contains("--no-cache")
                && err.contains("delete the file")
                && !err.contains("panicked"),
            "{name}: {err}"
        );
    }
    assert!(!d.join("again").exists());
}
