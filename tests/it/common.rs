#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// KorAdvMRS as CI lays it out: `../shared/datasets/koradvmrs` beside the
/// checkout (override with RSBENCH_KORADVMRS_DIR). Tests that need it fail
/// loudly when it is missing rather than skip.
pub fn koradvmrs_dir() -> PathBuf {
    let dir = std::env::var_os("RSBENCH_KORADVMRS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/koradvmrs"));
    assert!(
        dir.join("negation.jsonl").is_file(),
        "KorAdvMRS not found at {} (set RSBENCH_KORADVMRS_DIR)",
        dir.display()
    );
    dir
}

/// Runs the rsbench binary in `cwd`.
pub fn rsbench(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args(args)
        // Each run scores for itself unless a test names a cache (--cache).
        .env("RSBENCH_NO_CACHE", "1")
        .current_dir(cwd)
        .output()
        .expect("rsbench runs")
}

/// A run's `predictions.parquet`.
pub fn predictions(run: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(run.join("predictions.parquet")).unwrap();
    ParquetReader::new(file).finish().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Property-test settings shared by every `proptest!` block: a fixed seed, so
/// CI runs the same cases every time and a red build can be reproduced
/// (`PROPTEST_RNG_SEED=<n>` explores others, `PROPTEST_CASES=<n>` runs more);
/// failures found on any seed are saved in `regressions`, which proptest
/// replays first on every run.
/// The `text` of every JSON line `perturb --text` printed.
pub fn printed_texts(stdout: &[u8]) -> Vec<String> {
    text(stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

pub fn proptest_config(cases: u32, regressions: &'static str) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if config.rng_seed == RngSeed::Random {
        config.rng_seed = RngSeed::Fixed(0x5eed_2021);
    }
    config.failure_persistence = Some(Box::new(FileFailurePersistence::Direct(regressions)));
    config
}

/// The entry names of a directory, sorted (empty when it cannot be read).
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Copies the files of `from` (one level) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A server on 127.0.0.1 that hands each request to `answer` until the test
/// process ends; returns its base URL and a count of the requests.
pub fn http_server(
    answer: impl Fn(tiny_http::Request) + Send + 'static,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            counter.fetch_add(1, Ordering::SeqCst);
            answer(request);
        }
    });
    (format!("http://127.0.0.1:{port}"), hits)
}

/// Checks every `[[case]]` of a gold file (`text`, `expect`: its acceptable
/// outputs, or none where nothing may come out) with `judge`, which returns a
/// description of a wrong case; fails once, listing every wrong case, and when
/// the file has fewer than `min` cases.
pub fn check_gold(gold: &str, min: usize, judge: impl Fn(&str, &[String]) -> Option<String>) {
    #[derive(serde::Deserialize)]
    struct Gold {
        case: Vec<Case>,
    }
    #[derive(serde::Deserialize)]
    struct Case {
        text: String,
        expect: Vec<String>,
    }
    let gold: Gold = toml::from_str(gold).unwrap();
    assert!(gold.case.len() >= min, "{} gold cases", gold.case.len());
    let failures: Vec<String> = gold.case.iter().filter_map(|c| judge(&c.text, &c.expect)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} gold cases wrong:\n{}",
        failures.len(),
        gold.case.len(),
        failures.join("\n")
    );
}
