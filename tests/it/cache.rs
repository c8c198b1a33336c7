//! The score cache: a run killed with SIGKILL resumes by rerunning the same
//! command, scoring only the chunks it lost, with a report byte-identical to
//! an uninterrupted run's; a foreign cache file is refused; `cache info` and
//! `cache prune` see and remove what runs stored.

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
    std::fs::write(cache.join("scores.redb"), b"my notes, not a cache").unwrap();
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
        std::fs::read(cache.join("scores.redb")).unwrap(),
        b"my notes, not a cache"
    );
    assert!(!d.join("run").exists());
}
