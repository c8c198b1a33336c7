//! Progress on stderr: drawn for a terminal, never into a pipe or with -q,
//! and never changing an output; the parallel bootstrap gives the same
//! intervals on any number of threads.

use std::path::Path;
use std::process::Command;

use super::common::{koradvmrs_dir, rsbench, text};

/// What a terminal shows of `rsbench args` (util-linux `script` gives it a pty).
fn in_a_terminal(args: &[&str], cwd: &Path) -> String {
    let bin = env!("CARGO_BIN_EXE_rsbench");
    let command = std::iter::once(bin)
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let o = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("RSBENCH_NO_CACHE", "1")
        .current_dir(cwd)
        .output()
        .expect("util-linux `script` runs (Debian's bsdutils)");
    assert!(o.status.success(), "{command}: {}", text(&o.stdout));
    text(&o.stdout)
}

#[test]
fn long_steps_show_progress_in_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = koradvmrs_dir();
    let data = data.to_str().unwrap();
    let eval = ["eval", "--dataset", data, "--split", "both", "--bootstrap", "20000"];
    let shown = in_a_terminal(&[&eval[..], &["--out", "tty"]].concat(), dir.path());
    assert!(shown.contains("bootstrap adversarial"), "{shown}");
    assert!(shown.contains("/160000 resamples"), "{shown}");
    let quiet = in_a_terminal(&[&eval[..], &["--out", "tty-q", "-q"]].concat(), dir.path());
    assert!(!quiet.contains("resamples"), "{quiet}");
    let piped = rsbench(&[&eval[..], &["--out", "piped", "-q"]].concat(), dir.path());
    assert!(piped.status.success());
    assert_eq!(text(&piped.stderr).trim(), "wrote piped");
    // The run drawn in a terminal wrote what the piped one wrote.
    for f in ["summary.csv", "predictions.parquet", "report.html"] {
        let a = std::fs::read(dir.path().join("tty").join(f)).unwrap();
        assert_eq!(a, std::fs::read(dir.path().join("piped").join(f)).unwrap(), "{f}");
    }

    let perturb = ["perturb", "--input", data, "--types", "repetition,keyword-stuffing"];
    let shown = in_a_terminal(&[&perturb[..], &["--output", "gen"]].concat(), dir.path());
    assert!(shown.contains("perturbing"), "{shown}");
    let quiet = in_a_terminal(&[&perturb[..], &["--output", "gen-q", "-q"]].concat(), dir.path());
    assert!(!quiet.contains("perturbing"), "{quiet}");
}

#[test]
fn the_bootstrap_gives_the_same_intervals_on_one_thread_and_on_many() {
    let dir = tempfile::tempdir().unwrap();
    let data = koradvmrs_dir();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        let o = rsbench(
            &[
                "eval",
                "--dataset",
                data.to_str().unwrap(),
                "--split",
                "both",
                "--bootstrap",
                "2000",
                "--threads",
                threads,
                "--out",
                out,
                "-q",
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let one = std::fs::read_to_string(dir.path().join("one/summary.csv")).unwrap();
    assert_eq!(
        one,
        std::fs::read_to_string(dir.path().join("two/summary.csv")).unwrap()
    );
    assert!(one.lines().count() > 10);
    // compare's paired bootstrap, on rayon's pool of one thread and of two.
    for (out, threads) in [("cmp-one", "1"), ("cmp-two", "2")] {
        let o = Command::new(env!("CARGO_BIN_EXE_rsbench"))
            .args(["compare", "one", "two", "--bootstrap", "2000", "--out", out, "-q"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{threads}: {}", text(&o.stderr));
    }
    let a = std::fs::read_to_string(dir.path().join("cmp-one/compare.csv")).unwrap();
    assert_eq!(
        a,
        std::fs::read_to_string(dir.path().join("cmp-two/compare.csv")).unwrap()
    );
}
