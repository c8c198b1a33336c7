//! `datasets fetch` against an HTTP server on 127.0.0.1 serving KorAdvMRS.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use rsbench::data::fetch::{fetch, fetch_with, FetchOptions, FetchOutcome};
use rsbench::data::manifest;

/// Serves files of `root`.
fn serve(root: PathBuf) -> (String, Arc<AtomicUsize>) {
    common::http_server(move |request| {
        let name = request.url().trim_start_matches('/').to_owned();
        let response = match std::fs::read(root.join(&name)) {
            Ok(bytes) if !name.contains("..") => tiny_http::Response::from_data(bytes),
            _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    })
}

fn mirror_with(change: impl FnOnce(&Path)) -> tempfile::TempDir {
    let mirror = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::koradvmrs_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), mirror.path().join(entry.file_name())).unwrap();
    }
    change(mirror.path());
    mirror
}

#[test]
fn fetches_verifies_and_skips_present_files() {
    let (base, hits) = serve(common::koradvmrs_dir());
    let m = manifest::find("koradvmrs").unwrap();
    let to = tempfile::tempdir().unwrap();
    let target = to.path().join("koradvmrs");

    let outcomes = fetch(&m, &target, Some(&base)).unwrap();
    assert_eq!(outcomes.len(), 7);
    assert!(outcomes
        .iter()
        .all(|(_, o)| matches!(o, FetchOutcome::Downloaded { bytes } if *bytes > 0)));
    assert_eq!(hits.load(Ordering::SeqCst), 7);
    let mut expected: Vec<String> = m.files.iter().map(|f| f.name.clone()).collect();
    expected.sort();
    assert_eq!(
        common::names(&target),
        expected,
        "only the data files, no staging leftovers"
    );
    assert!(m
        .verify_dir(&target)
        .iter()
        .all(|c| c.status == manifest::CheckStatus::Ok));
    assert_eq!(rsbench::data::load_path(&target).unwrap().cases.len(), 2220);

    let again = fetch(&m, &target, Some(&base)).unwrap();
    assert!(again.iter().all(|(_, o)| *o == FetchOutcome::Present));
    assert_eq!(hits.load(Ordering::SeqCst), 7, "present files are not downloaded again");
}

/// The manifest's files before `name` (in manifest order), sorted.
fn files_before(m: &manifest::Manifest, name: &str) -> Vec<String> {
    let mut v: Vec<String> = m
        .files
        .iter()
        .map(|f| f.name.clone())
        .take_while(|n| n != name)
        .collect();
    v.sort();
    v
}

#[test]
fn a_bad_file_keeps_the_verified_ones_and_fetching_again_resumes() {
    let mirror = mirror_with(|dir| {
        let p = dir.join("tense.jsonl");
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[10] ^= 1;
        std::fs::write(p, bytes).unwrap();
    });
    let (base, hits) = serve(mirror.path().to_path_buf());
    let m = manifest::find("koradvmrs").unwrap();
    let to = tempfile::tempdir().unwrap();
    let err = fetch(&m, to.path(), Some(&base)).unwrap_err().to_string();
    assert!(err.contains("tense.jsonl: SHA-256 mismatch"), "{err}");
    let before = files_before(&m, "tense.jsonl");
    assert_eq!(common::names(to.path()), before, "verified files stay, no staging");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        before.len() + 2,
        "the bad file was tried twice"
    );

    let (good, good_hits) = serve(common::koradvmrs_dir());
    let outcomes = fetch(&m, to.path(), Some(&good)).unwrap();
    let downloaded = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, FetchOutcome::Downloaded { .. }))
        .count();
    assert_eq!(downloaded, m.files.len() - before.len());
    assert_eq!(good_hits.load(Ordering::SeqCst), downloaded, "only what was missing");
}

#[test]
fn missing_file_on_server_leaves_no_staging_and_no_new_empty_directory() {
    let mirror = mirror_with(|dir| std::fs::remove_file(dir.join("topic.jsonl")).unwrap());
    let (base, _) = serve(mirror.path().to_path_buf());
    let m = manifest::find("koradvmrs").unwrap();
    let to = tempfile::tempdir().unwrap();
    let err = fetch(&m, to.path(), Some(&base)).unwrap_err().to_string();
    assert!(
        err.contains("topic.jsonl: download failed") && err.contains("404"),
        "{err}"
    );
    assert_eq!(common::names(to.path()), files_before(&m, "topic.jsonl"));

    // The first file fails: the directories this fetch created are gone again.
    let empty = tempfile::tempdir().unwrap();
    let (nothing, _) = serve(empty.path().to_path_buf());
    let target = to.path().join("new/deeper");
    fetch(&m, &target, Some(&nothing)).unwrap_err();
    assert!(!to.path().join("new").exists());
}

#[test]
fn a_different_local_file_is_never_replaced() {
    let (base, _) = serve(common::koradvmrs_dir());
    let m = manifest::find("koradvmrs").unwrap();
    let to = tempfile::tempdir().unwrap();
    fetch(&m, to.path(), Some(&base)).unwrap();
    std::fs::write(to.path().join("negation.jsonl"), "my edits").unwrap();
    let err = fetch(&m, to.path(), Some(&base)).unwrap_err().to_string();
    assert!(
        err.contains("negation.jsonl: exists and is not the manifest's file") && err.contains("move it away"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(to.path().join("negation.jsonl")).unwrap(),
        "my edits"
    );
}

/// A body that sends its first bytes, then stalls.
struct Stalling(Vec<u8>, usize);

impl std::io::Read for Stalling {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.1 >= 100 {
            thread::sleep(std::time::Duration::from_secs(30));
            return Ok(0);
        }
        let n = buf.len().min(100 - self.1);
        buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
        self.1 += n;
        Ok(n)
    }
}

#[test]
fn a_stalled_mirror_times_out_after_one_retry() {
    let (base, hits) = common::http_server(|request| {
        let name = request.url().trim_start_matches('/').to_owned();
        let bytes = std::fs::read(common::koradvmrs_dir().join(&name)).unwrap_or_default();
        let len = bytes.len();
        let response = tiny_http::Response::new(200.into(), vec![], Stalling(bytes, 0), Some(len), None);
        // Each stalled response on its own thread, so the retry is answered.
        thread::spawn(move || {
            let _ = request.respond(response);
        });
    });
    let m = manifest::find("koradvmrs").unwrap();
    let to = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        base_url: Some(base),
        timeout: std::time::Duration::from_secs(1),
        ..FetchOptions::default()
    };
    let started = std::time::Instant::now();
    let err = fetch_with(&m, to.path(), &options).unwrap_err().to_string();
    assert!(
        err.contains("download failed") && err.contains(&m.files[0].name),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 15, "gave up in {:?}", started.elapsed());
    assert_eq!(hits.load(Ordering::SeqCst), 2, "one retry");
    assert!(common::names(to.path()).is_empty(), "{:?}", common::names(to.path()));
}

#[test]
fn manifests_parse_and_sample_manifest_matches_embedded_files() {
    let all = manifest::known().unwrap();
    assert_eq!(all[0].name, "koradvmrs");
    let sample = manifest::find("sample").unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/sample");
    assert!(sample
        .verify_dir(&dir)
        .iter()
        .all(|c| c.status == manifest::CheckStatus::Ok));
    let embedded = rsbench::data::sample::load().unwrap();
    for (digest, file) in embedded.files.iter().zip(&sample.files) {
        assert_eq!((&digest.name, &digest.sha256), (&file.name, &file.sha256));
    }
    for (t, n) in embedded.count_by_type() {
        assert!(n >= 10, "{t} has {n} cases");
    }
    assert_eq!(embedded.types().len(), 7);
    let devset = manifest::find("devset").unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/devset");
    assert!(devset
        .verify_dir(&dir)
        .iter()
        .all(|c| c.status == manifest::CheckStatus::Ok));
    let err = manifest::find("nope").unwrap_err().to_string();
    assert!(err.contains("known: koradvmrs, sample, devset"), "{err}");
}

#[test]
fn cli_fetch_then_verify() {
    let (base, _) = serve(common::koradvmrs_dir());
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let o = run(&["datasets", "fetch", "koradvmrs", "--base-url", &base]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("downloaded  negation.jsonl")
            && out.contains("all files verified in datasets/downloads/koradvmrs"),
        "{out}"
    );
    let o = run(&["datasets", "verify", "datasets/downloads/koradvmrs"]);
    assert!(o.status.success());
    let o = run(&["datasets", "fetch", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown dataset"));
}

/// A body that never ends: `chunk` bytes at a time, `pause` between them.
struct Endless {
    pause: std::time::Duration,
    chunk: usize,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        thread::sleep(self.pause);
        let n = buf.len().min(self.chunk);
        buf[..n].fill(b'x');
        Ok(n)
    }
}

/// A manifest of one file that gives no size.
fn unsized_manifest() -> manifest::Manifest {
    manifest::Manifest::parse(
        "test",
        "name = \"endless\"\ndescription = \"d\"\nlicense = \"l\"\ncitation = \"c\"\n\n[[files]]\nname = \"big.jsonl\"\nsha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
    )
    .unwrap()
}

#[test]
fn an_endless_body_stops_at_the_size_cap_and_leaves_nothing() {
    let (base, _) = common::http_server(|request| {
        let body = Endless {
            pause: std::time::Duration::ZERO,
            chunk: 64 * 1024,
        };
        thread::spawn(move || {
            let _ = request.respond(tiny_http::Response::new(200.into(), vec![], body, None, None));
        });
    });
    let to = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        base_url: Some(base),
        max_bytes: 1 << 20,
        ..FetchOptions::default()
    };
    let started = std::time::Instant::now();
    let err = fetch_with(&unsized_manifest(), to.path(), &options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("big.jsonl: download stopped: the body is longer than the 1048576 byte cap"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    assert!(common::names(to.path()).is_empty(), "{:?}", common::names(to.path()));

    // With the manifest's size: a body longer than the file stops there.
    let m = manifest::find("koradvmrs").unwrap();
    let first = m.files[0].clone();
    let size = first.bytes.unwrap();
    let (long, _) = common::http_server(move |request| {
        let name = request.url().trim_start_matches('/').to_owned();
        let mut bytes = std::fs::read(common::koradvmrs_dir().join(&name)).unwrap_or_default();
        bytes.extend_from_slice(b"{}\n");
        let _ = request.respond(tiny_http::Response::from_data(bytes));
    });
    let err = fetch(&m, to.path(), Some(&long)).unwrap_err().to_string();
    // Stopped at the announced length, or at the cap if the length comes unannounced.
    assert!(
        err.contains("download stopped") && err.contains(&format!("the {size} bytes the manifest gives")),
        "{err}"
    );
    assert!(common::names(to.path()).is_empty(), "{:?}", common::names(to.path()));
}

#[test]
fn a_trickled_body_stops_at_the_deadline_and_leaves_nothing() {
    let (base, hits) = common::http_server(|request| {
        let body = Endless {
            pause: std::time::Duration::from_millis(200),
            chunk: 1,
        };
        thread::spawn(move || {
            let _ = request.respond(tiny_http::Response::new(
                200.into(),
                vec![],
                body,
                Some(1_000_000_000),
                None,
            ));
        });
    });
    let to = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        base_url: Some(base),
        timeout: std::time::Duration::from_secs(5),
        deadline: std::time::Duration::from_secs(2),
        ..FetchOptions::default()
    };
    let started = std::time::Instant::now();
    let err = fetch_with(&unsized_manifest(), to.path(), &options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("download stopped") && err.contains("was not whole within 2 s"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a deadline is not tried again");
    assert!(common::names(to.path()).is_empty(), "{:?}", common::names(to.path()));
}
