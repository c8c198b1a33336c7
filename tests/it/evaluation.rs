//! End-to-end evaluation properties: chance for constant scorers, positive
//! position never rewarded, scorer contract enforced, parquet contents.

use crate::common;

use rsbench::data::{load_path, sample, Split, SplitOptions};
use rsbench::eval::{evaluate, BootstrapConfig, EvalConfig, Metric, OVERALL};
use rsbench::output::Target;
use rsbench::report::{begin_run, write_run, RunMetadata, Timing, PREDICTION_COLUMNS};
use rsbench::scorer::{Pair, ScoreError, Scorer, ScorerIdentity};

struct Constant(f64);

impl Scorer for Constant {
    fn identity(&self) -> ScorerIdentity {
        ScorerIdentity {
            kind: "constant".into(),
            params: Default::default(),
        }
    }
    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Ok(vec![self.0; pairs.len()])
    }
}

/// Prefers whatever sits first in its batch: a scorer that leaks position.
struct Broken(usize);

impl Scorer for Broken {
    fn identity(&self) -> ScorerIdentity {
        ScorerIdentity {
            kind: "broken".into(),
            params: Default::default(),
        }
    }
    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        let mut v = vec![0.0; pairs.len() - self.0.min(pairs.len())];
        if let Some(first) = v.first_mut() {
            *first = f64::NAN;
        }
        Ok(v)
    }
}

fn config(splits: Vec<Split>) -> EvalConfig {
    EvalConfig {
        response_only: false,
        splits,
        split_options: SplitOptions {
            candidates: None,
            seed: 42,
        },
        bootstrap: BootstrapConfig {
            resamples: 100,
            level: 0.95,
            seed: 42,
        },
    }
}

#[test]
fn constant_scorer_gets_chance_on_koradvmrs() {
    let ds = load_path(&common::koradvmrs_dir()).unwrap();
    let result = evaluate(&ds, &Constant(0.25), &config(vec![Split::Adversarial, Split::Clean])).unwrap();
    for row in &result.summary {
        let v = |m: Metric| row.get(m).value;
        assert_eq!(v(Metric::PairAcc), Some(0.5), "{} {}", row.split, row.case_type);
        if row.split == "adversarial" {
            assert_eq!(v(Metric::R1), Some(0.5));
            assert_eq!(v(Metric::R2), None);
        } else {
            assert!((v(Metric::R1).unwrap() - 0.1).abs() < 1e-12);
            assert!((v(Metric::R2).unwrap() - 0.2).abs() < 1e-12);
            assert!((v(Metric::R5).unwrap() - 0.5).abs() < 1e-12);
        }
    }
}

#[test]
fn scorer_contract_is_enforced() {
    let ds = sample::load().unwrap();
    let e = evaluate(&ds, &Broken(1), &config(vec![Split::Adversarial]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("scorer broken: returned") && e.contains("scores for"), "{e}");
    let e = evaluate(&ds, &Broken(0), &config(vec![Split::Adversarial]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("non-finite score NaN for pair 0"), "{e}");
}

#[test]
fn predictions_parquet_has_documented_columns_and_fair_ranks() {
    let ds = sample::load().unwrap();
    let cfg = config(vec![Split::Adversarial, Split::Clean]);
    let scorer = Constant(1.0);
    let result = evaluate(&ds, &scorer, &cfg).unwrap();
    let meta = RunMetadata::describe(&ds, "<embedded sample>", &scorer.identity(), &cfg, &result);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let pending = begin_run(Target::Fixed(dir.clone()), false).unwrap();
    write_run(pending, &ds, &result, &meta, &Timing::default(), Default::default()).unwrap();

    let df = crate::common::predictions(&dir);
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, PREDICTION_COLUMNS);
    assert_eq!(df.height(), 70 * 2 + 70 * 10);
    let label = df.column("label").unwrap().i64().unwrap().clone();
    let rank = df.column("rank").unwrap().f64().unwrap().clone();
    let split = df.column("split").unwrap().str().unwrap().clone();
    for i in 0..df.height() {
        // All tied: every candidate, positive included, sits at the mean rank.
        let expected = if split.get(i) == Some("adversarial") { 1.5 } else { 5.5 };
        assert_eq!(rank.get(i), Some(expected));
        assert!(matches!(label.get(i), Some(0) | Some(1)));
    }
    // Writing again without --overwrite is refused and the run is kept.
    let e = begin_run(Target::Fixed(dir.clone()), false).err().unwrap();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert!(dir.join("summary.csv").is_file());
}

#[test]
fn overall_pools_every_case() {
    let ds = sample::load().unwrap();
    let result = evaluate(&ds, &Constant(0.0), &config(vec![Split::Clean])).unwrap();
    let overall = result.summary.iter().find(|r| r.case_type == OVERALL).unwrap();
    assert_eq!(overall.cases, 70);
    assert_eq!(overall.dialogues, 10);
    assert_eq!((overall.candidates_min, overall.candidates_max), (10, 10));
    assert_eq!(result.summary.len(), 8);
}

/// A deterministic "exact" score from the text, and the same rounded to a
/// coarse grid (what bf16 does to a model's scores) with the exact one as twin.
fn exact_score(p: &Pair<'_>) -> f64 {
    let h = p
        .response
        .bytes()
        .chain(p.context.iter().flat_map(|u| u.bytes()))
        .fold(1469598103934665603u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(1099511628211)
        });
    (h % 1_000_000) as f64 / 1_000_000.0
}

struct Exact;

impl Scorer for Exact {
    fn identity(&self) -> ScorerIdentity {
        ScorerIdentity {
            kind: "exact".into(),
            params: Default::default(),
        }
    }
    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        Ok(pairs.iter().map(exact_score).collect())
    }
}

struct Rounded(Option<Exact>);

impl Scorer for Rounded {
    fn identity(&self) -> ScorerIdentity {
        ScorerIdentity {
            kind: "rounded".into(),
            params: Default::default(),
        }
    }
    fn score(&self, pairs: &[Pair<'_>]) -> Result<Vec<f64>, ScoreError> {
        // A grid of 1/64 plus a per-pair offset: errors up to ~0.01 either way.
        Ok(pairs
            .iter()
            .map(|p| {
                let e = exact_score(p);
                (e * 64.0).round() / 64.0 + (e * 1e4).sin() * 1e-3
            })
            .collect())
    }
    fn exact_twin(&self) -> Option<&dyn Scorer> {
        self.0.as_ref().map(|e| e as &dyn Scorer)
    }
}

#[test]
fn rounding_scorers_get_their_near_ties_rescored_exactly() {
    let ds = load_path(&common::koradvmrs_dir()).unwrap();
    let cfg = config(vec![Split::Adversarial, Split::Clean]);
    let exact = evaluate(&ds, &Exact, &cfg).unwrap();
    let rounded = evaluate(&ds, &Rounded(Some(Exact)), &cfg).unwrap();
    let bare = evaluate(&ds, &Rounded(None), &cfg).unwrap();
    assert!(bare.recheck.is_none());
    let r = rounded.recheck.clone().expect("a rounding scorer is rechecked");
    assert!(exact.recheck.is_none());
    assert_eq!(r.calibration_pairs, 24);
    assert!(r.epsilon > 0.0 && r.epsilon < 0.02, "{r:?}");
    // Only the candidates near a case's best are redone, not everything.
    assert!(
        r.rescored_pairs < exact.distinct_pairs / 2,
        "{r:?} of {}",
        exact.distinct_pairs
    );
    let best = |s: &[f64]| (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
    let kept = |other: &rsbench::eval::EvalResult| {
        let (mut same, mut total) = (0, 0);
        for (e, r) in exact.splits.iter().zip(&other.splits) {
            for (se, sr) in e.scores.iter().zip(&r.scores) {
                total += 1;
                same += usize::from(best(se) == best(sr));
            }
        }
        same as f64 / total as f64
    };
    let (with, without) = (kept(&rounded), kept(&bare));
    // The grid alone flips close calls; the recheck restores nearly all.
    assert!(without < 0.99, "bare rounding kept {without}");
    assert!(with >= 0.995 && with > without, "rechecked kept {with}");
}
