//! External scorers against real third-party software, not stand-ins: a
//! rerank serving stack (Infinity 0.0.78 from PyPI, on 127.0.0.1) for
//! `--scorer-url`, and sentence-transformers' `CrossEncoder` for the example
//! scorer program, both from `.venv-serving` (scripts/setup.sh). Each must
//! give the native scorer's numbers on a fixture model.
//!
//! Their tokenisers truncate a long pair as transformers does (`longest_first`),
//! not as rsbench does (the context's oldest turns first), so the dataset here
//! is short dialogues whose pairs fit the fixtures' 64 tokens: there the two
//! sides see the same tokens.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{predictions, rsbench, text};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `.venv-serving/bin/NAME`, which scripts/setup.sh installs (the README's
/// test command runs it first).
fn serving_bin(name: &str) -> PathBuf {
    let bin = root().join(".venv-serving/bin").join(name);
    assert!(
        bin.exists(),
        "{} is missing: run scripts/setup.sh, which installs .venv-serving",
        bin.display()
    );
    bin
}

/// Short dialogues in KorAdvMRS's format, two types, three candidates a case
/// (`--candidates 4`: each split tops a case up to four with random negatives).
fn short_dataset(dir: &Path) -> PathBuf {
    let data = dir.join("short");
    std::fs::create_dir_all(&data).unwrap();
    let cases: [(&str, &[&str], [&str; 3]); 8] = [
        (
            "negation",
            &["밥 먹었어?", "응 먹었어"],
            ["뭐 먹었어?", "안 먹었어?", "배고파"],
        ),
        ("negation", &["오늘 추워"], ["옷 따뜻하게 입어", "안 추워", "더워"]),
        ("negation", &["숙제 했어?"], ["아직 못 했어", "숙제 안 했어?", "했어"]),
        ("negation", &["영화 재밌었어"], ["무슨 영화?", "재미없었어", "좋았겠다"]),
        ("tense", &["내일 뭐 해?"], ["친구 만날 거야", "친구 만났어", "몰라"]),
        ("tense", &["어제 비 왔어"], ["우산 챙겼어?", "비 올 거야", "그랬구나"]),
        ("tense", &["주말에 여행 가"], ["어디로 가?", "어디로 갔어?", "좋겠다"]),
        ("tense", &["시험 끝났어"], ["수고했어", "시험 볼 거야?", "잘 봤어?"]),
    ];
    let mut files: std::collections::BTreeMap<&str, String> = Default::default();
    for (i, (kind, context, candidates)) in cases.iter().enumerate() {
        let line = serde_json::json!({
            "context": context,
            "candidates": candidates.iter().enumerate()
                .map(|(j, t)| serde_json::json!({"text": t, "label": i32::from(j == 0)}))
                .collect::<Vec<_>>(),
            "src_dlg_id": format!("d{i}"),
            "did": format!("{kind}{i}"),
        });
        let file = files.entry(kind).or_default();
        file.push_str(&line.to_string());
        file.push('\n');
    }
    for (kind, lines) in files {
        std::fs::write(data.join(format!("{kind}.jsonl")), lines).unwrap();
    }
    data
}

/// `(split, case_id, candidate) → (score, rank)` of a run.
fn scored(run: &Path) -> std::collections::BTreeMap<(String, String, i64), (f64, f64)> {
    let df = predictions(run);
    let split = df.column("split").unwrap().str().unwrap().clone();
    let case = df.column("case_id").unwrap().str().unwrap().clone();
    let cand = df.column("candidate").unwrap().i64().unwrap().clone();
    let score = df.column("score").unwrap().f64().unwrap().clone();
    let rank = df.column("rank").unwrap().f64().unwrap().clone();
    (0..df.height())
        .map(|i| {
            (
                (
                    split.get(i).unwrap().to_owned(),
                    case.get(i).unwrap().to_owned(),
                    cand.get(i).unwrap(),
                ),
                (score.get(i).unwrap(), rank.get(i).unwrap()),
            )
        })
        .collect()
}

/// `rsbench eval` with `scorer` options on the short dialogues, four
/// candidates a case (the score cache is off unless `scorer` names one).
fn eval_short(dir: &Path, data: &Path, scorer: &[&str], out: &str) -> std::process::Output {
    let mut args = vec!["eval"];
    args.extend_from_slice(scorer);
    args.extend([
        "--dataset",
        data.to_str().unwrap(),
        "--candidates",
        "4",
        "--out",
        out,
        "-q",
    ]);
    rsbench(&args, dir)
}

fn native_run(dir: &Path, data: &Path, model: &str, out: &str) {
    let model = root().join("tests/fixtures/models").join(model);
    let o = eval_short(dir, data, &["--model", model.to_str().unwrap(), "--dtype", "f32"], out);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

/// Infinity, killed when the test ends however it ends.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts Infinity serving a fixture cross-encoder from its directory, offline,
/// and waits until it answers its health check.
fn infinity(dir: &Path, model: &str) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.join(format!("infinity-{model}.log"));
    let log_file = std::fs::File::create(&log).unwrap();
    let child = Command::new(serving_bin("infinity_emb"))
        .args(["v2", "--model-id"])
        .arg(root().join("tests/fixtures/models").join(model))
        .args([
            "--served-model-name",
            "fixture",
            "--engine",
            "torch",
            "--device",
            "cpu",
            "--dtype",
            "float32",
            "--no-bettertransformer",
            "--no-model-warmup",
            "--url-prefix",
            "/v1",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        // No network: the model is a directory; no usage statistics.
        .env("HF_HUB_OFFLINE", "1")
        .env("DO_NOT_TRACK", "1")
        .env("INFINITY_ANONYMOUS_USAGE_STATS", "0")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .unwrap();
    let mut server = Server { child, log };
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("Infinity exited ({status}):\n{}", server.log());
        }
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Write;
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = write!(stream, "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200") {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "Infinity did not come up in 180 s:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    (server, format!("http://127.0.0.1:{port}"))
}

#[test]
fn infinity_serving_a_fixture_gives_the_native_scorers_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = short_dataset(d);
    // A one-label model: Infinity answers the single logit, through a sigmoid
    // unless the request asks for raw scores (the shared API has no such field).
    native_run(d, &data, "electra-cls1", "native");
    let (server, url) = infinity(d, "electra-cls1");
    let server_args = [
        "--scorer-url",
        &url,
        "--scorer-name",
        "fixture",
        "--scorer-batch",
        "5",
        // The native layout: turns joined by the separator token.
        "--query-joiner",
        " [SEP] ",
        "--cache",
        "cache",
    ];
    let o = eval_short(d, &data, &server_args, "served");
    assert!(o.status.success(), "{}\n{}", text(&o.stderr), server.log());
    let (native, served) = (scored(&d.join("native")), scored(&d.join("served")));
    assert_eq!(native.len(), served.len());
    assert_eq!(native.len(), 2 * 8 * 4, "both splits of 8 cases, 4 candidates each");
    // Compared as logits, with the tolerance of the scorer-process parity test:
    // the random-init fixtures amplify fp32 rounding to ~1e-5 in their scores.
    let mut worst = 0.0f64;
    for (key, (logit, rank)) in &native {
        let (relevance, served_rank) = served[key];
        worst = worst.max(((relevance / (1.0 - relevance)).ln() - logit).abs());
        assert_eq!(*rank, served_rank, "{key:?}: ranked apart");
    }
    assert!(worst < 1e-4, "max |logit(relevance) − native| {worst}");
    // One query per context, at most --scorer-batch documents a request.
    let requests = |run: &str| {
        let timing: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(run).join("timing.json")).unwrap()).unwrap();
        timing["scorer"]["requests"].as_u64().unwrap()
    };
    assert!(requests("served") >= 8);

    // With the server gone, the same command is answered from the score cache.
    drop(server);
    let o = eval_short(d, &data, &server_args, "again");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(requests("again"), 0);
    assert_eq!(
        std::fs::read(d.join("served/predictions.parquet")).unwrap(),
        std::fs::read(d.join("again/predictions.parquet")).unwrap()
    );
}

#[test]
fn the_cross_encoder_example_scorer_gives_the_native_scorers_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = short_dataset(d);
    native_run(d, &data, "bert-cls2", "native");
    let model = root().join("tests/fixtures/models/bert-cls2");
    let cmd = format!(
        "{} {} {}",
        serving_bin("python").display(),
        root().join("scripts/scorers/cross_encoder.py").display(),
        model.display()
    );
    let o = eval_short(d, &data, &["--scorer-cmd", &cmd], "process");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (native, process) = (scored(&d.join("native")), scored(&d.join("process")));
    assert_eq!(native.len(), process.len());
    let worst = native
        .iter()
        .map(|(k, (s, _))| (s - process[k].0).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-4, "max |Δ| {worst}");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("process/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["scorer"]["params"]["version"], "3.4.1");
}
