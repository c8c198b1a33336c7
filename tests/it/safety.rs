//! What rsbench must never do to a user's files, and what it must never do
//! silently: each test is one of the outside check's reproductions.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{koradvmrs_dir, rsbench, text};

/// A directory of the user's: a file and a subdirectory with a file.
fn users_files(dir: &Path) {
    std::fs::create_dir_all(dir.join("code")).unwrap();
    std::fs::write(dir.join("thesis.tex"), "\\chapter{One}").unwrap();
    std::fs::write(dir.join("code/main.py"), "print(1)").unwrap();
}

fn users_files_intact(dir: &Path) {
    assert_eq!(
        std::fs::read_to_string(dir.join("thesis.tex")).unwrap(),
        "\\chapter{One}"
    );
    assert_eq!(std::fs::read_to_string(dir.join("code/main.py")).unwrap(), "print(1)");
}

/// A small generated dataset (a perturb output), for audit and perturb tests.
fn generated(tmp: &Path) -> PathBuf {
    let input = tmp.join("dialogues.jsonl");
    std::fs::write(
        &input,
        "{\"context\": [\"나 주말에 한강에서 자전거 탔어!\", \"오 누구랑 갔어?\"], \"response\": \"동생이랑 갔지\"}\n\
         {\"context\": [\"어제 영화 봤어\", \"무슨 영화?\"], \"response\": \"액션 영화 봤어\"}\n",
    )
    .unwrap();
    let out = rsbench(
        &[
            "perturb",
            "--input",
            "dialogues.jsonl",
            "--types",
            "repetition",
            "--output",
            "gen",
        ],
        tmp,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    tmp.join("gen")
}

#[test]
fn overwrite_never_deletes_what_rsbench_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    users_files(&work);
    let gen = generated(tmp.path());

    // The working directory itself, and its parent.
    for out in [".", ".."] {
        let o = rsbench(&["eval", "--out", out, "--overwrite", "-q"], &work);
        assert_eq!(o.status.code(), Some(1), "{out}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains("working directory"), "{}", text(&o.stderr));
    }
    users_files_intact(&work);

    // A directory of the user's, for every command that writes one.
    let notes = work.join("notes");
    users_files(&notes);
    let gen_arg = gen.to_str().unwrap();
    let sample_run = tmp.path().join("r1");
    let o = rsbench(&["eval", "--out", sample_run.to_str().unwrap(), "-q"], &work);
    assert!(o.status.success());
    let mut other_run = tmp.path().join("other");
    std::fs::create_dir(&other_run).unwrap();
    other_run = other_run.join("r2");
    let o = rsbench(
        &["eval", "--out", other_run.to_str().unwrap(), "-q", "--scorer", "tfidf"],
        &work,
    );
    assert!(o.status.success());
    let commands: Vec<Vec<&str>> = vec![
        vec!["eval", "--out", "notes", "--overwrite", "-q"],
        vec![
            "perturb",
            "--input",
            gen_arg,
            "--types",
            "repetition",
            "--output",
            "notes",
            "--overwrite",
        ],
        vec![
            "compare",
            sample_run.to_str().unwrap(),
            other_run.to_str().unwrap(),
            "--out",
            "notes",
            "--overwrite",
            "-q",
        ],
        vec!["audit", "sample", "--dataset", gen_arg, "--out", "notes", "--overwrite"],
    ];
    for args in &commands {
        let o = rsbench(args, &work);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("notes: not replaced"), "{args:?}: {err}");
        users_files_intact(&notes);
        assert_eq!(
            common::names(&work),
            vec!["code", "notes", "thesis.tex"],
            "{args:?}: no debris"
        );
    }

    // A file of the user's where a perturbation file would go.
    std::fs::write(work.join("mine.jsonl"), "{\"context\": [\"a\"], \"response\": \"b\"}\n").unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            gen_arg,
            "--types",
            "repetition",
            "--output",
            "mine.jsonl",
            "--overwrite",
        ],
        &work,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("not a perturbation output"),
        "{}",
        text(&o.stderr)
    );
    assert!(std::fs::read_to_string(work.join("mine.jsonl"))
        .unwrap()
        .contains("\"b\""));

    // A file the user added to a run directory keeps the run from being replaced.
    std::fs::write(sample_run.join("my-notes.txt"), "keep").unwrap();
    let o = rsbench(
        &["eval", "--out", sample_run.to_str().unwrap(), "--overwrite", "-q"],
        &work,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("my-notes.txt"), "{}", text(&o.stderr));
    assert!(sample_run.join("my-notes.txt").is_file() && sample_run.join("metadata.json").is_file());
}

#[test]
fn overwrite_replaces_rsbench_outputs_and_an_annotated_sheet_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let o = rsbench(&["eval", "--out", "run", "-q", "--scorer", "random"], tmp.path());
    assert!(o.status.success());
    let before = std::fs::read(tmp.path().join("run/summary.csv")).unwrap();
    let o = rsbench(&["eval", "--out", "run", "-q", "--overwrite"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_ne!(
        std::fs::read(tmp.path().join("run/summary.csv")).unwrap(),
        before,
        "replaced"
    );
    assert_eq!(common::names(tmp.path()), vec!["run"], "nothing left aside");

    let gen = generated(tmp.path());
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "dialogues.jsonl",
            "--types",
            "repetition",
            "--output",
            "gen",
            "--overwrite",
            "--per-case",
            "2",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = rsbench(
        &["audit", "sample", "--dataset", gen.to_str().unwrap(), "--out", "audit"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = rsbench(
        &[
            "audit",
            "sample",
            "--dataset",
            gen.to_str().unwrap(),
            "--out",
            "audit",
            "--overwrite",
            "--seed",
            "7",
        ],
        tmp.path(),
    );
    assert!(
        o.status.success(),
        "an untouched sheet is rsbench's: {}",
        text(&o.stderr)
    );
    // An annotator's verdicts are people's work.
    let sheet = tmp.path().join("audit/sheet.csv");
    let filled = std::fs::read_to_string(&sheet).unwrap().replacen(",,\n", ",ok,\n", 1);
    std::fs::write(&sheet, &filled).unwrap();
    let o = rsbench(
        &[
            "audit",
            "sample",
            "--dataset",
            gen.to_str().unwrap(),
            "--out",
            "audit",
            "--overwrite",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("filled rows"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&sheet).unwrap(), filled);

    // --json replaces an earlier output of the same command, never a file of the user's.
    std::fs::write(tmp.path().join("mine.json"), "{\"chapter\": 1}").unwrap();
    let o = rsbench(&["audit", "score", "audit", "--json", "mine.json"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("mine.json: not replaced"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("mine.json")).unwrap(),
        "{\"chapter\": 1}"
    );
    for _ in 0..2 {
        let o = rsbench(&["audit", "score", "audit", "--json", "rates.json"], tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
}

#[test]
fn concurrent_runs_never_lose_a_result_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rsbench"))
            .args(args)
            .current_dir(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The same --out: exactly one writes it, every other says it did not.
    let runs: Vec<_> = (0..4)
        .map(|i| {
            let seed = (i + 1).to_string();
            spawn(&["eval", "--out", "run", "-q", "--scorer", "random", "--seed", &seed])
        })
        .collect();
    let outcomes: Vec<(bool, String)> = runs
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            (o.status.success(), text(&o.stderr))
        })
        .collect();
    let winners: Vec<&String> = outcomes.iter().filter(|(ok, _)| *ok).map(|(_, e)| e).collect();
    assert_eq!(winners.len(), 1, "{outcomes:?}");
    for (_, err) in outcomes.iter().filter(|(ok, _)| !ok) {
        assert!(
            err.contains("run: already exists") || err.contains("run: another process created it"),
            "{err}"
        );
    }
    assert!(winners[0].contains("wrote run"), "{}", winners[0]);
    assert_eq!(
        common::names(&tmp.path().join("run")).len(),
        rsbench::report::RUN_FILES.len()
    );
    assert_eq!(common::names(tmp.path()), vec!["run"], "no staging left by the losers");

    // Default numbered names: every run gets its own directory.
    let runs: Vec<_> = (0..4).map(|_| spawn(&["eval", "-q"])).collect();
    for c in runs {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let reports = common::names(&tmp.path().join("reports"));
    assert_eq!(
        reports,
        vec![
            "sample-bm25-both-seed42",
            "sample-bm25-both-seed42-2",
            "sample-bm25-both-seed42-3",
            "sample-bm25-both-seed42-4"
        ]
    );
    for r in &reports {
        assert!(tmp.path().join("reports").join(r).join("summary.csv").is_file(), "{r}");
    }
}

#[cfg(feature = "torch")]
#[test]
fn an_unreadable_dataset_entry_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(koradvmrs_dir().join("tense.jsonl"), data.join("tense.jsonl")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("gone.jsonl"), data.join("negation.jsonl")).unwrap();
    let o = rsbench(&["eval", "--dataset", "data", "-q"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("data/negation.jsonl: a symbolic link that cannot be followed"),
        "{err}"
    );
    std::fs::remove_file(data.join("negation.jsonl")).unwrap();
    std::os::unix::fs::symlink("loop.jsonl", data.join("loop.jsonl")).unwrap();
    let o = rsbench(&["eval", "--dataset", "data", "-q"], tmp.path());
    assert!(text(&o.stderr).contains("data/loop.jsonl"), "{}", text(&o.stderr));
    std::fs::remove_file(data.join("loop.jsonl")).unwrap();
    // Upper-case extensions are read, not skipped.
    std::fs::copy(koradvmrs_dir().join("negation.jsonl"), data.join("NEGATION.JSONL")).unwrap();
    let o = rsbench(&["eval", "--dataset", "data", "--out", "run", "-q"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary = std::fs::read_to_string(tmp.path().join("run/summary.csv")).unwrap();
    assert!(summary.contains("NEGATION") && summary.contains("tense"), "{summary}");
    // A FIFO as the dataset is named for what it is.
    let fifo = tmp.path().join("pipe.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let o = rsbench(&["eval", "--dataset", "pipe.jsonl", "-q"], tmp.path());
    assert!(
        text(&o.stderr).contains("pipe.jsonl: not a regular file or a directory"),
        "{}",
        text(&o.stderr)
    );
    let o = rsbench(
        &["eval", "--dataset", "data", "--model", "data/tense.jsonl", "-q"],
        tmp.path(),
    );
    assert!(
        text(&o.stderr).contains("tense.jsonl: a file; --model takes the checkpoint's directory"),
        "{}",
        text(&o.stderr)
    );
}

#[cfg(feature = "torch")]
#[test]
fn a_checkpoint_with_tensors_config_does_not_describe_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");
    let model = tmp.path().join("bert-cls2");
    common::copy_dir(&fixtures.join("bert-cls2"), &model);
    // One layer fewer in config.json than in the weights.
    let config = std::fs::read_to_string(model.join("config.json")).unwrap();
    let fewer = config.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1");
    assert_ne!(config, fewer);
    std::fs::write(model.join("config.json"), fewer).unwrap();
    let o = rsbench(
        &["eval", "--model", model.to_str().unwrap(), "-q", "--out", "run"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("model.safetensors") && err.contains("bert.encoder.layer.1.") && err.contains("not used"),
        "{err}"
    );
    assert!(!tmp.path().join("run").exists());

    // Tensors on the documented list (a pooler a bi-encoder does not use, an
    // MLM head, a saved position_ids buffer) are ignored and recorded.
    let enc = tmp.path().join("bert-encoder");
    common::copy_dir(&fixtures.join("bert-encoder"), &enc);
    let bytes = std::fs::read(enc.join("model.safetensors")).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let hidden = st.tensor("embeddings.LayerNorm.weight").unwrap().shape()[0];
    let extra: Vec<(String, Vec<usize>, Vec<u8>)> = [
        ("pooler.dense.bias", vec![hidden]),
        ("cls.predictions.bias", vec![7]),
        ("embeddings.position_ids", vec![1, 4]),
    ]
    .into_iter()
    .map(|(n, shape)| {
        let len: usize = shape.iter().product();
        (n.to_owned(), shape, vec![0u8; len * 4])
    })
    .collect();
    let mut views: Vec<(String, safetensors::tensor::TensorView<'_>)> = st.tensors().into_iter().collect();
    for (name, shape, data) in &extra {
        views.push((
            name.clone(),
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), data).unwrap(),
        ));
    }
    std::fs::write(
        enc.join("model.safetensors"),
        safetensors::serialize(views, None).unwrap(),
    )
    .unwrap();
    let o = rsbench(
        &[
            "eval",
            "--model",
            enc.to_str().unwrap(),
            "-q",
            "--out",
            "enc",
            "--split",
            "adversarial",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("enc/metadata.json")).unwrap()).unwrap();
    assert_eq!(
        meta["scorer"]["params"]["ignored_tensors"],
        serde_json::json!(["cls.predictions.bias", "embeddings.position_ids", "pooler.dense.bias"]),
        "{meta}"
    );
}

#[test]
fn usage_errors_exit_2_and_name_the_option() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, option) in [
        (vec!["eval", "--bootstrap", "1"], "--bootstrap"),
        (vec!["eval", "--bootstrap", "199"], "--bootstrap"),
        (vec!["eval", "--threads", "0"], "--threads"),
        (vec!["eval", "--candidates", "0"], "--candidates"),
        (vec!["eval", "--candidates", "1"], "--candidates"),
        (
            vec!["perturb", "--text", "가", "--types", "tense", "--per-case", "0"],
            "--per-case",
        ),
        (vec!["compare", "a", "b", "--bootstrap", "5"], "--bootstrap"),
        (vec!["datasets", "fetch", "koradvmrs", "--timeout", "0"], "--timeout"),
    ] {
        let o = rsbench(&args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).contains(option), "{args:?}: {}", text(&o.stderr));
    }
    assert!(common::names(tmp.path()).is_empty());
    let o = rsbench(&["eval", "--bootstrap", "0", "-q", "--out", "r"], tmp.path());
    assert!(o.status.success(), "0 still means no intervals");
    let more = (std::thread::available_parallelism().unwrap().get() + 1).to_string();
    let o = rsbench(
        &["eval", "--bootstrap", "200", "-q", "--out", "r2", "--threads", &more],
        tmp.path(),
    );
    assert!(o.status.success());
    let warning = format!("warning: --threads {more} is more than");
    assert!(text(&o.stderr).contains(&warning), "{}", text(&o.stderr));
}

#[test]
fn destinations_are_checked_before_the_work() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("taken"), "a file").unwrap();
    // A taken --out fails at once, before the (here: long) bootstrap.
    let started = std::time::Instant::now();
    let o = rsbench(
        &[
            "eval",
            "--dataset",
            koradvmrs_dir().to_str().unwrap(),
            "--out",
            "taken",
            "--bootstrap",
            "100000",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("taken: already exists"), "{}", text(&o.stderr));
    assert!(started.elapsed().as_secs() < 20, "checked before scoring");
    let o = rsbench(&["eval", "--out", "taken", "--overwrite", "-q"], tmp.path());
    assert!(
        text(&o.stderr).contains("taken: not replaced, it is a file"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(tmp.path().join("taken")).unwrap(), "a file");
    // perturb checks its --output before reading any dialogue.
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "missing.jsonl",
            "--types",
            "repetition",
            "--output",
            "taken",
        ],
        tmp.path(),
    );
    assert!(text(&o.stderr).contains("taken: already exists"), "{}", text(&o.stderr));
    // A directory rsbench cannot write is named as the user gave it.
    let o = rsbench(&["eval", "--out", "/proc/rsbench-cannot-write-here", "-q"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("/proc/rsbench-cannot-write-here: cannot be written") && !err.contains("rsbench-tmp"),
        "{err}"
    );
}

/// A process id that is not running: a child that has been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn interrupted_runs_leave_nothing_and_stale_staging_is_swept() {
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args([
            "eval",
            "--dataset",
            koradvmrs_dir().to_str().unwrap(),
            "--out",
            "run",
            "--bootstrap",
            "200000",
            "-q",
        ])
        .current_dir(tmp.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let staging = tmp.path().join(format!(".run.rsbench-tmp-{}", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !staging.exists() {
        assert!(std::time::Instant::now() < deadline, "no staging directory appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SIGTERM (what a scheduler sends); SIGINT takes the same path.
    assert!(Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("interrupted"), "{}", text(&o.stderr));
    assert!(
        common::names(tmp.path()).is_empty(),
        "left: {:?}",
        common::names(tmp.path())
    );

    // What a SIGKILL leaves is swept by the next run writing beside it.
    let pid = dead_pid();
    let stale_dir = tmp.path().join(format!(".run.rsbench-tmp-{pid}"));
    std::fs::create_dir(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("predictions.parquet"), "partial").unwrap();
    let stale_file = tmp.path().join(format!(".adv.jsonl.rsbench-tmp-{pid}"));
    std::fs::write(&stale_file, "partial").unwrap();
    let live = tmp.path().join(format!(".other.rsbench-tmp-{}", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    std::fs::write(tmp.path().join(".mine.tmp-1"), "not rsbench's name").unwrap();
    let o = rsbench(&["eval", "--out", "run", "-q"], tmp.path());
    assert!(o.status.success());
    assert!(
        text(&o.stderr).contains("left by an interrupted rsbench run"),
        "{}",
        text(&o.stderr)
    );
    assert!(!stale_dir.exists() && !stale_file.exists());
    assert!(live.exists(), "a running process's staging is kept");
    assert!(tmp.path().join(".mine.tmp-1").exists());
}

#[test]
fn input_errors_name_files_and_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let case = |did: &str, text: &str| {
        format!("{{\"did\": \"{did}\", \"context\": [\"a\"], \"candidates\": [{{\"text\": \"b\", \"label\": 1}}, {{\"text\": \"{text}\", \"label\": 0}}]}}\n")
    };
    std::fs::write(data.join("a.jsonl"), case("x1", "c") + &case("x2", "c")).unwrap();
    std::fs::write(
        data.join("b.jsonl"),
        "\n".to_owned() + &case("x3", "c") + &case("x2", "d"),
    )
    .unwrap();
    let o = rsbench(&["eval", "--dataset", "data", "-q"], tmp.path());
    let err = text(&o.stderr);
    assert!(
        err.contains("data/b.jsonl:3: case id `x2` already used at data/a.jsonl:2"),
        "{err}"
    );
    std::fs::write(data.join("b.jsonl"), case("x3", " ")).unwrap();
    let o = rsbench(&["eval", "--dataset", "data", "-q"], tmp.path());
    assert!(
        text(&o.stderr).contains("data/b.jsonl:1: candidate 1 has an empty text"),
        "{}",
        text(&o.stderr)
    );

    // compare: two runs of one name are refused before either is read.
    let o = rsbench(&["compare", "x/run", "y/run"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("x/run and y/run: two runs named `run`"), "{err}");
    // Each cause once, after one `error:`.
    let o = rsbench(&["eval", "--dataset", "/nonexistent/x", "-q"], tmp.path());
    assert_eq!(
        text(&o.stderr),
        "error: loading dataset /nonexistent/x: /nonexistent/x: No such file or directory (os error 2)\n"
    );
    let o = rsbench(&["report", "/nonexistent/run"], tmp.path());
    assert_eq!(
        text(&o.stderr),
        "error: reading run /nonexistent/run: /nonexistent/run: no such run directory\n"
    );
    let o = rsbench(&["perturb", "--text", "가", "--types", "nope"], tmp.path());
    assert_eq!(
        text(&o.stderr),
        "error: unknown perturbation type `nope`; available: repetition, keyword-stuffing, tense, negation, subject-object, lexical-contradiction, interrogative-word, topic\n"
    );
    // A slip gets the closest name.
    let o = rsbench(&["perturb", "--text", "가", "--types", "tence"], tmp.path());
    assert!(
        text(&o.stderr).starts_with("error: unknown perturbation type `tence` (did you mean `tense`?); available: "),
        "{}",
        text(&o.stderr)
    );
    let o = rsbench(&["compare", "a", "b", "--metric", "mmr"], tmp.path());
    assert!(text(&o.stderr).contains("(did you mean `mrr`?)"), "{}", text(&o.stderr));
    let o = rsbench(&["compare", "a", "b", "--metric", "acc"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("unknown metric `acc`; available: pair_acc, r1, r2, r5, mrr, map, p1"),
        "{}",
        text(&o.stderr)
    );
    let o = rsbench(&["report", "/dev/null"], tmp.path());
    assert!(
        text(&o.stderr).contains("/dev/null: not a regular file or directory, not a run directory"),
        "{}",
        text(&o.stderr)
    );
}
