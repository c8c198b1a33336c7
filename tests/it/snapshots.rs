//! insta snapshots of the Markdown and terminal reports for the embedded
//! sample set with each baseline. Everything is seeded, so they are stable.

use rsbench::data::{sample, Split, SplitOptions};
use rsbench::eval::{evaluate, BootstrapConfig, EvalConfig};
use rsbench::report::{render_markdown, render_terminal, RunMetadata};
use rsbench::scorer::Baseline;

fn run(baseline: Baseline) -> (String, String) {
    let ds = sample::load().unwrap();
    let scorer = baseline.build(&ds, 42);
    let config = EvalConfig {
        response_only: false,
        splits: vec![Split::Adversarial, Split::Clean],
        split_options: SplitOptions {
            candidates: None,
            seed: 42,
        },
        bootstrap: BootstrapConfig {
            resamples: 1000,
            level: 0.95,
            seed: 42,
        },
    };
    let result = evaluate(&ds, scorer.as_ref(), &config).unwrap();
    let meta = RunMetadata::describe(&ds, "<embedded sample>", &scorer.identity(), &config, &result);
    (
        render_markdown(&meta, &result.summary),
        render_terminal(&meta, &result.summary),
    )
}

#[test]
fn bm25_reports() {
    let (md, term) = run(Baseline::Bm25);
    insta::assert_snapshot!("bm25_markdown", md);
    insta::assert_snapshot!("bm25_terminal", term);
}

#[test]
fn tfidf_reports() {
    let (md, term) = run(Baseline::TfIdf);
    insta::assert_snapshot!("tfidf_markdown", md);
    insta::assert_snapshot!("tfidf_terminal", term);
}

#[test]
fn random_reports() {
    let (md, term) = run(Baseline::Random);
    insta::assert_snapshot!("random_markdown", md);
    insta::assert_snapshot!("random_terminal", term);
}
