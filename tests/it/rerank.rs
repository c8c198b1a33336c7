//! `eval --scorer-url` against rerank servers started by the test on
//! 127.0.0.1: one that answers with BM25 (so the run must equal `--scorer
//! bm25`'s), in both APIs, and ones that are busy, fail, stall or miscount.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::common::{http_server, rsbench, text};

use rsbench::scorer::{Bm25, Pair, Scorer};

/// Answers rerank requests with BM25 over the embedded sample's texts;
/// `fault(n)` may answer request n (counting from 0) instead.
fn bm25_server(tei: bool, fault: impl Fn(usize) -> Option<u16> + Send + 'static) -> (String, Arc<AtomicUsize>) {
    let dataset = rsbench::data::sample::load().unwrap();
    let bm25 = Bm25::new(dataset.texts());
    let n = AtomicUsize::new(0);
    http_server(move |mut request| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        if let Some(code) = fault(i) {
            let _ = request.respond(tiny_http::Response::from_string("busy").with_status_code(code));
            return;
        }
        let mut body = String::new();
        request.as_reader().read_to_string(&mut body).unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let turns: Vec<String> = v["query"].as_str().unwrap().split('\n').map(str::to_owned).collect();
        let docs = v[if tei { "texts" } else { "documents" }].as_array().unwrap();
        let pairs: Vec<Pair<'_>> = docs
            .iter()
            .map(|d| Pair {
                context: &turns,
                response: d.as_str().unwrap(),
            })
            .collect();
        let scores = bm25.score(&pairs).unwrap();
        // Servers sort by score; rsbench must match by index.
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let answer = if tei {
            serde_json::json!(order
                .iter()
                .map(|&k| serde_json::json!({"index": k, "score": scores[k]}))
                .collect::<Vec<_>>())
        } else {
            serde_json::json!({"results": order.iter().map(|&k| serde_json::json!({"index": k, "relevance_score": scores[k]})).collect::<Vec<_>>()})
        };
        let _ = request.respond(tiny_http::Response::from_string(answer.to_string()));
    })
}

fn same_run(dir: &std::path::Path, a: &str, b: &str) {
    for f in ["predictions.parquet", "summary.csv", "summary.json"] {
        let x = std::fs::read(dir.join(a).join(f)).unwrap();
        let y = std::fs::read(dir.join(b).join(f)).unwrap();
        assert!(x == y, "{f}: {a} and {b} differ");
    }
}

#[test]
fn a_rerank_server_gives_the_native_scorers_run_in_both_apis_through_retries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(rsbench(&["eval", "--scorer", "bm25", "--out", "native", "-q"], d)
        .status
        .success());
    // Request 1 is refused as busy (429), request 3 fails (503): both retried.
    let (url, hits) = bm25_server(false, |i| match i {
        1 => Some(429),
        3 => Some(503),
        _ => None,
    });
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &url,
            "--scorer-name",
            "BAAI/bge-reranker-v2-m3",
            "--scorer-batch",
            "3",
            "--scorer-concurrency",
            "2",
            "--out",
            "v1",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    same_run(d, "v1", "native");
    let timing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("v1/timing.json")).unwrap()).unwrap();
    assert_eq!(timing["scorer"]["retries"], 2, "{timing}");
    assert_eq!(
        timing["scorer"]["requests"].as_u64(),
        Some(hits.load(Ordering::SeqCst) as u64)
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("v1/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["scorer"]["kind"], "rerank-server");
    assert_eq!(meta["scorer"]["params"]["model"], "BAAI/bge-reranker-v2-m3");

    let (url, _) = bm25_server(true, |_| None);
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &url,
            "--rerank-api",
            "tei",
            "--out",
            "tei",
            "-q",
        ],
        d,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    same_run(d, "tei", "native");
}

#[test]
fn a_server_that_keeps_failing_stalls_or_miscounts_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (always_busy, hits) = bm25_server(false, |_| Some(500));
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &always_busy,
            "--scorer-attempts",
            "3",
            "--scorer-concurrency",
            "1",
            "--out",
            "busy",
            "-q",
        ],
        d,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("answered HTTP 500; gave up after 3 attempts"), "{err}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "one request, tried three times");
    assert!(!d.join("busy").exists());

    let (bad_request, hits) = bm25_server(false, |_| Some(400));
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &bad_request,
            "--scorer-concurrency",
            "1",
            "--out",
            "bad",
            "-q",
        ],
        d,
    );
    assert!(text(&out.stderr).contains("answered HTTP 400"), "{}", text(&out.stderr));
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a client error is not retried");

    let (short, _) = http_server(|request| {
        let _ = request.respond(tiny_http::Response::from_string(
            r#"{"results": [{"index": 0, "relevance_score": 1.0}]}"#,
        ));
    });
    let out = rsbench(&["eval", "--scorer-url", &short, "--out", "short", "-q"], d);
    assert!(text(&out.stderr).contains("1 scores for"), "{}", text(&out.stderr));

    let (stalling, _) = http_server(|request| {
        std::thread::sleep(std::time::Duration::from_secs(3));
        drop(request);
    });
    let started = std::time::Instant::now();
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &stalling,
            "--scorer-timeout",
            "0.5",
            "--scorer-attempts",
            "2",
            "--scorer-concurrency",
            "1",
            "--out",
            "slow",
            "-q",
        ],
        d,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("gave up after 2 attempts"), "{err}");
    assert!(started.elapsed().as_secs_f64() < 15.0, "the timeout applies");

    let (nowhere, _) = {
        // A port nothing listens on: connections are refused.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        (format!("http://127.0.0.1:{port}"), ())
    };
    let out = rsbench(
        &[
            "eval",
            "--scorer-url",
            &nowhere,
            "--scorer-attempts",
            "2",
            "--out",
            "none",
            "-q",
        ],
        d,
    );
    assert!(
        text(&out.stderr).contains("gave up after 2 attempts"),
        "{}",
        text(&out.stderr)
    );
}
