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
fn the_scorer_batch_keys_the_cache_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A score's last bits depend on the request it came in (as a GPU model's on its padded batch).
    let (url, requests) = http_server(|mut request| {
        let mut body = String::new();
        request.as_reader().read_to_string(&mut body).unwrap();
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let docs = v["documents"].as_array().unwrap();
        let results: Vec<serde_json::Value> = docs
            .iter()
            .enumerate()
            .map(|(k, doc)| {
                let score = doc.as_str().unwrap().chars().count() as f64 + 1e-6 * docs.len() as f64;
                serde_json::json!({"index": k, "relevance_score": score})
            })
            .collect();
        let answer = serde_json::json!({ "results": results });
        let _ = request.respond(tiny_http::Response::from_string(answer.to_string()));
    });
    let cache = d.join("cache");
    let run = |batch: &str, cached: bool, out: &str| {
        let mut args = vec![
            "eval",
            "--scorer-url",
            &url,
            "--scorer-batch",
            batch,
            "--out",
            out,
            "-q",
        ];
        if cached {
            args.extend(["--cache", cache.to_str().unwrap()]);
        }
        let o = rsbench(&args, d);
        assert!(o.status.success(), "{out}: {}", text(&o.stderr));
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(d.join(out).join("metadata.json")).unwrap())
            .unwrap()
    };
    let hits = |out: &str| {
        let t: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(out).join("timing.json")).unwrap()).unwrap();
        t["scorer"]["cache"]["hits"].as_u64().unwrap()
    };
    assert_eq!(run("1", true, "one")["scorer"]["params"]["batch"], 1);
    assert_eq!(run("3", true, "three")["scorer"]["params"]["batch"], 3);
    assert_eq!(hits("three"), 0, "another --scorer-batch was answered from the cache");
    run("3", false, "three-plain");
    same_run(d, "three", "three-plain");
    let metadata = |out: &str| std::fs::read(d.join(out).join("metadata.json")).unwrap();
    assert!(metadata("three") == metadata("three-plain"));
    // The same batch again: no request, the same bytes.
    let before = requests.load(Ordering::SeqCst);
    run("3", true, "three-again");
    assert_eq!(requests.load(Ordering::SeqCst), before, "answered from the cache");
    same_run(d, "three-again", "three-plain");
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

/// A raw server on 127.0.0.1 that announces a body of 10⁹ bytes and sends
/// one byte a second.
fn trickling_server() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
                );
                for _ in 0..120 {
                    if stream.write_all(b" ").and_then(|()| stream.flush()).is_err() {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// Runs rsbench with `env`, killed after `limit` if it has not ended.
fn run_bounded(args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path, limit: u64) -> (std::process::Output, f64) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"));
    c.args(args)
        .current_dir(cwd)
        .env("RSBENCH_NO_CACHE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let started = std::time::Instant::now();
    let child = c.spawn().unwrap();
    let pid = child.id();
    let watchdog = std::thread::spawn(move || {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(limit);
        while std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(200));
            // SAFETY: signal 0 asks whether the rsbench this test started still runs.
            if unsafe { libc::kill(pid as i32, 0) } != 0 {
                return;
            }
        }
        // SAFETY: as above.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    });
    let out = child.wait_with_output().unwrap();
    let _ = watchdog.join();
    (out, started.elapsed().as_secs_f64())
}

#[test]
fn a_trickled_answer_fails_at_the_scorer_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let url = trickling_server();
    let (out, seconds) = run_bounded(
        &[
            "eval",
            "--scorer-url",
            &url,
            "--scorer-timeout",
            "2",
            "--scorer-attempts",
            "1",
            "--scorer-concurrency",
            "1",
            "--out",
            "trickle",
            "-q",
        ],
        &[],
        dir.path(),
        60,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "after {seconds:.1} s: {err}");
    assert!(err.contains("no whole answer within 2 s (--scorer-timeout)"), "{err}");
    assert!(seconds < 20.0, "the request outlived its deadline: {seconds:.1} s");
}

#[test]
fn credentials_are_sent_but_never_written_and_query_strings_survive() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // What each request carried: path and query, Authorization, X-Token.
    let seen: Arc<std::sync::Mutex<Vec<(String, String, String)>>> = Arc::default();
    let log = seen.clone();
    fn header(r: &tiny_http::Request, name: &'static str) -> String {
        r.headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
            .unwrap_or_default()
    }
    let (base, _) = bm25_server(false, |_| None);
    let port = base.rsplit(':').next().unwrap().to_owned();
    // A proxy in front of the BM25 server that records what arrives.
    let (front, _) = crate::common::http_server(move |mut request| {
        log.lock().unwrap().push((
            request.url().to_owned(),
            header(&request, "Authorization"),
            header(&request, "X-Token"),
        ));
        let mut body = String::new();
        request.as_reader().read_to_string(&mut body).unwrap();
        let answer = ureq::post(format!("http://127.0.0.1:{port}/v1/rerank"))
            .send(body)
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        let _ = request.respond(tiny_http::Response::from_string(answer));
    });
    let front_port = front.rsplit(':').next().unwrap().to_owned();
    let url = |password: &str| format!("http://alice:{password}@127.0.0.1:{front_port}/?api_key=KEY4567");
    let cache = d.join("cache");
    let cache = cache.to_str().unwrap();
    let env = [("RSB_TEST_TOKEN", "TOK7890")];
    let eval = |password: &str, out: &str| {
        let u = url(password);
        run_bounded(
            &[
                "eval",
                "--scorer-url",
                &u,
                "--scorer-header",
                "X-Token: $RSB_TEST_TOKEN",
                "--cache",
                cache,
                "--out",
                out,
            ],
            &env,
            d,
            120,
        )
        .0
    };
    let out = eval("PASS1234", "first");
    assert!(out.status.success(), "{}", text(&out.stderr));
    {
        let seen = seen.lock().unwrap();
        assert!(!seen.is_empty());
        for (path, auth, token) in seen.iter() {
            assert_eq!(path, "/v1/rerank?api_key=KEY4567");
            // base64("alice:PASS1234")
            assert_eq!(auth, "Basic YWxpY2U6UEFTUzEyMzQ=");
            assert_eq!(token, "TOK7890");
        }
    }
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("first/metadata.json")).unwrap()).unwrap();
    assert_eq!(
        meta["scorer"]["params"]["url"],
        format!("http://***@127.0.0.1:{front_port}/?api_key=***")
    );
    // Another password for the same server: the same cache key.
    let again = eval("OTHER999", "second");
    assert!(again.status.success(), "{}", text(&again.stderr));
    let timing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("second/timing.json")).unwrap()).unwrap();
    assert_eq!(timing["scorer"]["cache"]["misses"], 0, "{timing}");
    // A server that is gone: the error names the URL without its secrets.
    let gone = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let p = l.local_addr().unwrap().port();
        drop(l);
        format!("http://alice:PASS1234@127.0.0.1:{p}/?api_key=KEY4567")
    };
    let (failed, _) = run_bounded(
        &[
            "eval",
            "--scorer-url",
            &gone,
            "--scorer-header",
            "X-Token: $RSB_TEST_TOKEN",
            "--scorer-attempts",
            "1",
            "--out",
            "gone",
        ],
        &env,
        d,
        60,
    );
    assert_eq!(failed.status.code(), Some(1));
    let info = run_bounded(&["cache", "info", "--cache", cache], &[], d, 60).0;
    assert!(info.status.success(), "{}", text(&info.stderr));
    // Nothing rsbench wrote or printed holds a secret.
    let mut written: Vec<(String, Vec<u8>)> = Vec::new();
    for o in [&out, &again, &failed, &info] {
        written.push(("stdout".into(), o.stdout.clone()));
        written.push(("stderr".into(), o.stderr.clone()));
    }
    for sub in ["first", "second", "cache"] {
        for e in std::fs::read_dir(d.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                written.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    for (what, bytes) in &written {
        for secret in ["PASS1234", "OTHER999", "KEY4567", "TOK7890", "YWxpY2U6UEFTUzEyMzQ="] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{what} holds {secret}"
            );
        }
    }
    assert!(
        text(&failed.stderr).contains("gave up after 1 attempts"),
        "{}",
        text(&failed.stderr)
    );
}

#[test]
fn a_header_naming_an_unset_variable_is_refused_without_showing_values() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = run_bounded(
        &[
            "eval",
            "--scorer-url",
            "http://127.0.0.1:9",
            "--scorer-header",
            "Authorization: Bearer $RSB_SURELY_UNSET_VAR",
            "--out",
            "x",
        ],
        &[],
        dir.path(),
        60,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("RSB_SURELY_UNSET_VAR is not set"), "{err}");
}
