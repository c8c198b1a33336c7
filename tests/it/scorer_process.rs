//! `eval --scorer-cmd`: a scorer that is another program. The example
//! transformers scorer gives the native scorer's numbers on a fixture model;
//! a program that crashes, hangs, miscounts or answers NaN stops the run with
//! its stderr quoted and no run directory left.

use std::path::PathBuf;

#[cfg(feature = "torch")]
use crate::common::predictions;
use crate::common::{rsbench, text};

fn venv_python() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin/python")
        .display()
        .to_string()
}

#[cfg(feature = "torch")]
fn scores(run: &std::path::Path) -> Vec<f64> {
    predictions(run)
        .column("score")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[cfg(feature = "torch")]
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

/// Whether process `pid` is running (a zombie, which nothing can wake, is not).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => false,
    }
}

/// Kills the listed processes when a test ends, passed or not.
struct Reap(Vec<u32>);

impl Drop for Reap {
    fn drop(&mut self) {
        for &p in &self.0 {
            // SAFETY: kill(2) on a process this test's program started.
            unsafe { libc::kill(p as i32, libc::SIGKILL) };
        }
    }
}

/// A scorer program that starts a `sleep 1000` beside itself and writes both
/// process ids to `pids`; `mode` `hang` never answers, `linger` answers and
/// then ignores the end of its input.
const STUBBORN: &str = r#"
import json, os, subprocess, sys, time
pids, mode = sys.argv[1], sys.argv[2]
child = subprocess.Popen(["sleep", "1000"])
with open(pids + ".part", "w") as f:
    f.write(f"{os.getpid()} {child.pid}\n")
os.rename(pids + ".part", pids)
print(json.dumps({"name": "stubborn", "version": "1", "identity": "test"}), flush=True)
if mode == "hang":
    time.sleep(1000)
for line in sys.stdin:
    n = len(json.loads(line)["pairs"])
    print(json.dumps({"scores": [0.5] * n}), flush=True)
time.sleep(1000)
"#;

/// Waits (up to a minute) for the program to write its process ids.
fn pids_of(file: &std::path::Path) -> Vec<u32> {
    let started = std::time::Instant::now();
    while !file.exists() {
        assert!(started.elapsed().as_secs() < 60, "the program never started");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::fs::read_to_string(file)
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect()
}

/// Asserts that none of `pids` runs, giving them 20 s to go.
fn all_gone(pids: &[u32], what: &str) {
    let started = std::time::Instant::now();
    while pids.iter().any(|&p| alive(p)) && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
    assert!(
        left.is_empty(),
        "{what}: processes {left:?} of the scorer program outlived rsbench"
    );
}

fn stubborn(d: &std::path::Path, mode: &str) -> (String, std::path::PathBuf) {
    let script = d.join("stubborn.py");
    std::fs::write(&script, STUBBORN).unwrap();
    let pids = d.join(format!("{mode}.pids"));
    (format!("python3 {} {} {mode}", script.display(), pids.display()), pids)
}

#[test]
fn a_timed_out_program_and_everything_it_started_are_ended() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cmd, pids) = stubborn(d, "hang");
    let started = std::time::Instant::now();
    let out = rsbench(
        &[
            "eval",
            "--scorer-cmd",
            &cmd,
            "--scorer-timeout",
            "2",
            "--out",
            "hang",
            "-q",
        ],
        d,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("did not give an answer to batch 0 within 2 s"), "{err}");
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    let pids = pids_of(&pids);
    let _reap = Reap(pids.clone());
    all_gone(&pids, "--scorer-timeout");
}

#[test]
fn sigterm_to_rsbench_ends_the_programs_group() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cmd, pids) = stubborn(d, "hang");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args(["eval", "--scorer-cmd", &cmd, "--out", "term", "-q"])
        .env("RSBENCH_NO_CACHE", "1")
        .current_dir(d)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pids = pids_of(&pids);
    let _reap = Reap(pids.clone());
    // The handshake is read before the first request: give rsbench a moment to send it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: kill(2) on the rsbench this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed().as_secs() > 30 {
            let _ = child.kill();
            panic!("rsbench did not exit on SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(130));
    all_gone(&pids, "SIGTERM");
    assert!(!d.join("term").exists());
}

#[test]
fn a_program_that_lingers_after_its_input_ends_is_ended_after_a_successful_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cmd, pids) = stubborn(d, "linger");
    let started = std::time::Instant::now();
    let out = rsbench(&["eval", "--scorer-cmd", &cmd, "--out", "linger", "-q"], d);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("was still running 5 s after its input ended"), "{err}");
    assert!(started.elapsed().as_secs() < 90, "took {:?}", started.elapsed());
    let pids = pids_of(&pids);
    let _reap = Reap(pids.clone());
    all_gone(&pids, "after a successful run");
}

/// A program whose answer to its first request comes twice (`ids`: with the
/// request's ids).
fn doubling(ids: bool) -> String {
    let answer = if ids {
        "json.dumps({'ids': [p['id'] for p in pairs], 'scores': [float(len(p['response'])) for p in pairs]})"
    } else {
        "json.dumps({'scores': [float(len(p['response'])) for p in pairs]})"
    };
    format!(
        "import json, sys\nprint(json.dumps({{'name': 'doubling', 'identity': 'test'}}), flush=True)\nfirst = True\nfor line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    print({answer}, flush=True)\n    if first:\n        print({answer}, flush=True)\n        first = False\n"
    )
}

#[test]
fn an_extra_answer_line_stops_the_run_instead_of_shifting_scores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, ids, batch, cache) in [
        ("plain-batch1", false, "1", false),
        ("plain-batch1-cached", false, "1", true),
        ("plain-default", false, "64", false),
        ("ids-batch1", true, "1", true),
    ] {
        let file = d.join(format!("{name}.py"));
        std::fs::write(&file, doubling(ids)).unwrap();
        let cmd = format!("python3 {}", file.display());
        let cache_dir = d.join(format!("{name}-cache"));
        let mut args = vec![
            "eval",
            "--scorer-cmd",
            &cmd,
            "--scorer-batch",
            batch,
            "--out",
            name,
            "-q",
        ];
        if cache {
            args.extend(["--cache", cache_dir.to_str().unwrap()]);
        }
        let out = rsbench(&args, d);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(&format!("process `{cmd}`")), "{name}: {err}");
        // Caught before the next request when the extra line is there by then,
        // else by the ids, or at the end.
        let named = if ids {
            err.contains("batch 1: the answer's ids are not the request's")
                || err.contains("batch 0: printed a line more")
        } else if batch == "1" {
            err.contains("more than")
        } else {
            err.contains("more than") || err.contains("scores for")
        };
        assert!(named, "{name}: {err}");
        assert!(!d.join(name).exists(), "{name}: no run directory");
    }
}

#[test]
fn a_declared_identity_keys_the_cache_and_a_missing_one_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let who = d.join("who");
    let file = d.join("declares.py");
    std::fs::write(
        &file,
        format!(
            "import json, sys\nprint(json.dumps({{'name': 'declares', 'version': '1', 'identity': open({:?}).read().strip()}}), flush=True)\nfor line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    print(json.dumps({{'ids': [p['id'] for p in pairs], 'scores': [float(len(p['response'])) for p in pairs]}}), flush=True)\n",
            who.display().to_string()
        ),
    )
    .unwrap();
    let cmd = format!("python3 {}", file.display());
    let cache = d.join("cache");
    let cache = cache.to_str().unwrap();
    let run = |out: &str| {
        let o = rsbench(&["eval", "--scorer-cmd", &cmd, "--cache", cache, "--out", out, "-q"], d);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("declares no identity"), "{}", text(&o.stderr));
        let timing: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(out).join("timing.json")).unwrap()).unwrap();
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(out).join("metadata.json")).unwrap()).unwrap();
        (
            timing["scorer"]["cache"]["hits"].as_u64().unwrap(),
            meta["scorer"]["params"]["identity"].clone(),
        )
    };
    std::fs::write(&who, "sha256:aaaa\n").unwrap();
    let (hits, id) = run("a");
    assert_eq!((hits, id.as_str()), (0, Some("sha256:aaaa")));
    let (hits, _) = run("a-again");
    assert!(hits > 0, "the same identity is answered from the cache");
    // Same command, name and version; its model files changed: scored again.
    std::fs::write(&who, "sha256:bbbb\n").unwrap();
    let (hits, id) = run("b");
    assert_eq!((hits, id.as_str()), (0, Some("sha256:bbbb")));

    // A program that declares none runs, with a plain warning.
    let quiet = d.join("quiet.py");
    std::fs::write(
        &quiet,
        "import json, sys\nfor line in sys.stdin:\n    n = len(json.loads(line)['pairs'])\n    print(json.dumps({'scores': [0.0] * n}), flush=True)\n",
    )
    .unwrap();
    let qcmd = format!("python3 {}", quiet.display());
    let o = rsbench(
        &["eval", "--scorer-cmd", &qcmd, "--scorer-name", "q", "--out", "q", "-q"],
        d,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(&format!("warning: scorer program `{qcmd}` declares no identity")),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn the_example_scorer_declares_its_model_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = d.join("model");
    crate::common::copy_dir(&root.join("tests/fixtures/models/bert-cls2"), &model);
    let script = root.join("scripts/scorers/transformers_classifier.py");
    let cmd = format!("{} {} {}", venv_python(), script.display(), model.display());
    let cache = d.join("cache");
    let run = |out: &str| {
        let o = rsbench(
            &[
                "eval",
                "--scorer-cmd",
                &cmd,
                "--cache",
                cache.to_str().unwrap(),
                "--out",
                out,
                "-q",
            ],
            d,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("declares no identity"), "{}", text(&o.stderr));
        let timing: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(out).join("timing.json")).unwrap()).unwrap();
        timing["scorer"]["cache"]["misses"].as_u64().unwrap()
    };
    assert!(run("first") > 0);
    // A file of the model changes in place: the rerun scores again.
    let config = model.join("config.json");
    let text_before = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text_before}\n")).unwrap();
    assert!(
        run("changed") > 0,
        "a changed model file is not answered from the cache"
    );
}

#[test]
fn sigkill_of_rsbench_ends_the_program_and_what_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (cmd, pids) = stubborn(d, "hang");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args(["eval", "--scorer-cmd", &cmd, "--out", "killed", "-q"])
        .env("RSBENCH_NO_CACHE", "1")
        .current_dir(d)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pids = pids_of(&pids);
    let _reap = Reap(pids.clone());
    // No code of rsbench's runs after this: the kernel and the group's watcher
    // must end the program (a grandchild of rsbench's under dash) and its `sleep`.
    child.kill().unwrap();
    child.wait().unwrap();
    all_gone(&pids, "SIGKILL of rsbench");
}

/// `eval --scorer-cmd CMD --scorer-batch BATCH [--cache CACHE] --out OUT -q` in `d`.
fn eval_batch(d: &std::path::Path, cmd: &str, batch: &str, cache: Option<&std::path::Path>, out: &str) {
    let mut args = vec!["eval", "--scorer-cmd", cmd, "--scorer-batch", batch, "--out", out, "-q"];
    if let Some(c) = cache {
        args.extend(["--cache", c.to_str().unwrap()]);
    }
    let o = rsbench(&args, d);
    assert!(o.status.success(), "{out}: {}", text(&o.stderr));
}

fn json_of(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// (hits, misses) of a cached run.
fn cache_counts(run: &std::path::Path) -> (u64, u64) {
    let t = json_of(&run.join("timing.json"));
    let c = &t["scorer"]["cache"];
    (c["hits"].as_u64().unwrap(), c["misses"].as_u64().unwrap())
}

/// Whether two runs wrote the same bytes.
fn same_bytes(a: &std::path::Path, b: &std::path::Path) {
    for f in ["predictions.parquet", "summary.json", "metadata.json"] {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f}: {} and {} differ",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn the_scorer_batch_keys_the_cache_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A score's last bits depend on the request it came in (as a GPU model's on its padded batch).
    let file = d.join("batched.py");
    std::fs::write(
        &file,
        "import json, sys\nprint(json.dumps({'name': 'batched', 'version': '1', 'identity': 'test'}), flush=True)\nfor line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    print(json.dumps({'scores': [len(p['response']) + 1e-6 * len(pairs) for p in pairs]}), flush=True)\n",
    )
    .unwrap();
    let cmd = format!("python3 {}", file.display());
    let cache = d.join("cache");
    eval_batch(d, &cmd, "1", Some(&cache), "one");
    eval_batch(d, &cmd, "2", Some(&cache), "two");
    eval_batch(d, &cmd, "2", None, "two-plain");
    let (hits, misses) = cache_counts(&d.join("two"));
    assert_eq!(
        hits, 0,
        "another --scorer-batch was answered from the cache ({misses} scored)"
    );
    same_bytes(&d.join("two"), &d.join("two-plain"));
    assert_eq!(json_of(&d.join("one/metadata.json"))["scorer"]["params"]["batch"], 1);
    assert_eq!(json_of(&d.join("two/metadata.json"))["scorer"]["params"]["batch"], 2);
    // The same batch again: all from the cache, the same bytes.
    eval_batch(d, &cmd, "2", Some(&cache), "two-again");
    let (hits, misses) = cache_counts(&d.join("two-again"));
    assert!(hits > 0 && misses == 0, "hits {hits}, misses {misses}");
    same_bytes(&d.join("two-again"), &d.join("two-plain"));
}

#[test]
fn a_run_that_fails_its_end_check_leaves_no_score_in_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hello =
        "import json, sys\nprint(json.dumps({'name': 'lags', 'version': '1', 'identity': 'test'}), flush=True)\n";
    let right = format!(
        "{hello}for line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    print(json.dumps({{'scores': [float(len(p['response'])) for p in pairs]}}), flush=True)\n"
    );
    // One answer line too many, without ids: a made-up first answer, then each
    // answer one request late, the last after its input ends. Nothing is left
    // over before a request, so only the end-of-run check sees it, after every
    // (shifted) score was stored.
    let lagging = format!(
        "{hello}previous = None\nfor line in sys.stdin:\n    pairs = json.loads(line)['pairs']\n    print(previous or json.dumps({{'scores': [0.0] * len(pairs)}}), flush=True)\n    previous = json.dumps({{'scores': [float(len(p['response'])) for p in pairs]}})\nprint(previous, flush=True)\n"
    );
    // One command throughout: the same script, rewritten.
    let file = d.join("scorer.py");
    let cmd = format!("python3 {}", file.display());
    let cache = d.join("cache");
    let c = cache.to_str().unwrap();
    let run = |split: &str, cached: bool, out: &str| {
        let mut args = vec![
            "eval",
            "--scorer-cmd",
            &cmd,
            "--scorer-batch",
            "1",
            "--split",
            split,
            "--out",
            out,
            "-q",
        ];
        if cached {
            args.extend(["--cache", c]);
        }
        rsbench(&args, d)
    };
    let stored = || {
        rsbench::scorer::cache::ScoreCache::open_read_only(&cache)
            .unwrap()
            .len()
            .unwrap()
    };
    // An earlier good run stored the clean split's scores.
    std::fs::write(&file, &right).unwrap();
    let o = run("clean", true, "clean");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (_, clean) = cache_counts(&d.join("clean"));
    assert_eq!(stored(), clean);

    std::fs::write(&file, &lagging).unwrap();
    let o = run("both", true, "lagging");
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("line(s) more than the"), "{err}");
    assert!(!d.join("lagging").exists());
    assert_eq!(
        stored(),
        clean,
        "the failed run's scores were kept; the earlier run's must be"
    );

    // The program fixed, same command and identity: nothing stale is read.
    std::fs::write(&file, &right).unwrap();
    let o = run("both", true, "fixed");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = run("both", false, "plain");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (hits, misses) = cache_counts(&d.join("fixed"));
    assert_eq!(
        hits, clean,
        "only the good run's scores come from the cache ({misses} scored)"
    );
    same_bytes(&d.join("fixed"), &d.join("plain"));
}
