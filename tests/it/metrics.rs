//! Hand-computed metric cases and a brute-force check of the tie policy.

use rsbench::eval::{case_metrics, fractional_ranks, Metric};

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[track_caller]
fn assert_metric(scores: &[f64], labels: &[u8], metric: Metric, expected: Option<f64>) {
    let m = case_metrics(scores, labels).expect("case has a positive");
    match expected {
        None => assert_eq!(m.get(metric), None, "{metric:?} should be undefined"),
        Some(e) => assert!(
            close(m.get(metric), e),
            "{metric:?}: got {:?}, expected {e}",
            m.get(metric)
        ),
    }
}

#[test]
fn pair_n2_positive_wins_loses_ties() {
    assert_metric(&[0.9, 0.1], &[1, 0], Metric::PairAcc, Some(1.0));
    assert_metric(&[0.1, 0.9], &[1, 0], Metric::PairAcc, Some(0.0));
    // A tie is worth half, whichever position the positive holds.
    assert_metric(&[0.5, 0.5], &[1, 0], Metric::PairAcc, Some(0.5));
    assert_metric(&[0.5, 0.5], &[0, 1], Metric::PairAcc, Some(0.5));
    assert_metric(&[0.5, 0.5], &[1, 0], Metric::R1, Some(0.5));
    assert_metric(&[0.5, 0.5], &[1, 0], Metric::P1, Some(0.5));
    assert_metric(&[0.5, 0.5], &[1, 0], Metric::Mrr, Some(0.75));
    assert_metric(&[0.5, 0.5], &[1, 0], Metric::Map, Some(0.75));
    // R@2 and R@5 are undefined with two candidates.
    assert_metric(&[0.9, 0.1], &[1, 0], Metric::R2, None);
    assert_metric(&[0.9, 0.1], &[1, 0], Metric::R5, None);
}

#[test]
fn n10_positive_third() {
    let scores = [0.5, 0.9, 0.8, 0.1, 0.2, 0.3, 0.0, -1.0, 0.4, 0.05];
    let mut labels = [0u8; 10];
    labels[0] = 1;
    assert_metric(&scores, &labels, Metric::R1, Some(0.0));
    assert_metric(&scores, &labels, Metric::R2, Some(0.0));
    assert_metric(&scores, &labels, Metric::R5, Some(1.0));
    assert_metric(&scores, &labels, Metric::Mrr, Some(1.0 / 3.0));
    assert_metric(&scores, &labels, Metric::Map, Some(1.0 / 3.0));
    assert_metric(&scores, &labels, Metric::P1, Some(0.0));
    assert_metric(&scores, &labels, Metric::PairAcc, Some(7.0 / 9.0));
}

#[test]
fn n10_constant_scorer_gets_chance() {
    let scores = [1.0; 10];
    let mut labels = [0u8; 10];
    labels[0] = 1;
    let harmonic: f64 = (1..=10).map(|i| 1.0 / i as f64).sum();
    assert_metric(&scores, &labels, Metric::R1, Some(0.1));
    assert_metric(&scores, &labels, Metric::R2, Some(0.2));
    assert_metric(&scores, &labels, Metric::R5, Some(0.5));
    assert_metric(&scores, &labels, Metric::P1, Some(0.1));
    assert_metric(&scores, &labels, Metric::Mrr, Some(harmonic / 10.0));
    assert_metric(&scores, &labels, Metric::Map, Some(harmonic / 10.0));
    assert_metric(&scores, &labels, Metric::PairAcc, Some(0.5));
}

#[test]
fn several_positives_fraction_in_top_k() {
    // Ranking: P(3) N(2) P(1) N(0).
    let scores = [3.0, 2.0, 1.0, 0.0];
    let labels = [1, 0, 1, 0];
    assert_metric(&scores, &labels, Metric::R1, Some(0.5));
    assert_metric(&scores, &labels, Metric::R2, Some(0.5));
    assert_metric(&scores, &labels, Metric::Mrr, Some(1.0));
    assert_metric(&scores, &labels, Metric::Map, Some((1.0 + 2.0 / 3.0) / 2.0));
    assert_metric(&scores, &labels, Metric::P1, Some(1.0));
    assert_metric(&scores, &labels, Metric::PairAcc, Some(0.75));
}

#[test]
fn several_positives_all_tied() {
    let scores = [0.0; 4];
    let labels = [1, 1, 0, 0];
    // One top slot holds a positive with probability ½, i.e. ¼ of the positives.
    assert_metric(&scores, &labels, Metric::R1, Some(0.25));
    assert_metric(&scores, &labels, Metric::R2, Some(0.5));
    // First positive at slot 1, 2, 3 with probability ½, ⅓, ⅙.
    assert_metric(&scores, &labels, Metric::Mrr, Some(0.5 + 1.0 / 6.0 + 1.0 / 18.0));
    assert_metric(&scores, &labels, Metric::P1, Some(0.5));
}

#[test]
fn no_positive_is_excluded() {
    assert!(case_metrics(&[0.3, 0.2], &[0, 0]).is_none());
}

#[test]
fn fractional_ranks_share_tied_ranks() {
    assert_eq!(fractional_ranks(&[0.1, 0.9, 0.5, 0.5]), vec![4.0, 1.0, 2.5, 2.5]);
    assert_eq!(fractional_ranks(&[7.0, 7.0]), vec![1.5, 1.5]);
}

/// Every permutation of 0..n.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

/// Metrics of one strict ranking (a list of labels, best first).
fn strict_metrics(order: &[u8]) -> [f64; 7] {
    let positives = order.iter().filter(|&&l| l == 1).count() as f64;
    let n = order.len();
    let recall = |k: usize| order.iter().take(k).filter(|&&l| l == 1).count() as f64 / positives;
    let first = order.iter().position(|&l| l == 1).unwrap() + 1;
    let mut hits = 0.0;
    let mut ap = 0.0;
    for (i, &l) in order.iter().enumerate() {
        if l == 1 {
            hits += 1.0;
            ap += hits / (i + 1) as f64;
        }
    }
    let mut wins = 0.0;
    let mut pairs = 0.0;
    for (i, &a) in order.iter().enumerate() {
        for &b in &order[i + 1..] {
            if a != b {
                pairs += 1.0;
                if a == 1 {
                    wins += 1.0;
                }
            }
        }
    }
    let _ = n;
    [
        wins / pairs,
        recall(1),
        recall(2),
        recall(5),
        1.0 / first as f64,
        ap / positives,
        f64::from(order[0]),
    ]
}

/// The closed forms equal the average over every tie-breaking order.
#[test]
fn tie_policy_equals_average_over_all_orders() {
    let cases: &[(&[f64], &[u8])] = &[
        (&[1.0, 1.0, 1.0, 0.0, 0.0, 2.0], &[1, 0, 1, 0, 1, 0]),
        (&[0.0; 6], &[0, 0, 1, 0, 1, 0]),
        (&[5.0, 5.0, 3.0, 3.0, 3.0, 1.0], &[0, 1, 1, 0, 0, 1]),
        (&[2.0, 2.0, 2.0, 2.0, 9.0, 9.0], &[1, 0, 0, 0, 0, 0]),
        (&[4.0, 4.0, 4.0, 1.0, 1.0, 1.0], &[0, 0, 0, 1, 1, 0]),
    ];
    for (scores, labels) in cases {
        let n = scores.len();
        let mut sums = [0.0; 7];
        let mut count = 0.0;
        for perm in permutations(n) {
            // Break ties by the permutation: sort by score, then perm position.
            let mut idx: Vec<usize> = (0..n).collect();
            idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(perm[a].cmp(&perm[b])));
            let order: Vec<u8> = idx.iter().map(|&i| labels[i]).collect();
            for (s, v) in sums.iter_mut().zip(strict_metrics(&order)) {
                *s += v;
            }
            count += 1.0;
        }
        let m = case_metrics(scores, labels).unwrap();
        for (i, metric) in Metric::ALL.iter().enumerate() {
            let expected = sums[i] / count;
            let got = m.get(*metric).unwrap();
            assert!(
                (got - expected).abs() < 1e-12,
                "{scores:?} {labels:?} {metric:?}: {got} vs {expected}"
            );
        }
    }
}

#[test]
fn candidate_order_never_matters() {
    let scores = [0.3, 0.3, 0.7, 0.3, 0.1];
    let labels = [1u8, 0, 0, 0, 1];
    let base = case_metrics(&scores, &labels).unwrap();
    for perm in permutations(5) {
        let s: Vec<f64> = perm.iter().map(|&i| scores[i]).collect();
        let l: Vec<u8> = perm.iter().map(|&i| labels[i]).collect();
        let m = case_metrics(&s, &l).unwrap();
        for metric in Metric::ALL {
            match (m.get(metric), base.get(metric)) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-12, "{metric:?}"),
                (a, b) => assert_eq!(a, b, "{metric:?}"),
            }
        }
    }
}
