//! Paired significance tests between two scorers on the same cases, and
//! Holm's correction for testing several types at once.

/// Exact two-sided McNemar test: `b` cases only the first system gets right,
/// `c` only the second. Binomial(b + c, ½) tail, doubled, capped at 1.
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // ln C(n, i) − n ln 2, summed in log space: n reaches thousands.
    let ln_fact = |m: u64| -> f64 { (1..=m).map(|x| (x as f64).ln()).sum() };
    let ln_n = ln_fact(n);
    let ln2n = n as f64 * std::f64::consts::LN_2;
    let mut ln_fi = 0.0; // ln i!
    let mut ln_fni = ln_n; // ln (n − i)!
    let mut tail = 0.0;
    for i in 0..=k {
        if i > 0 {
            ln_fi += (i as f64).ln();
            ln_fni -= ((n - i + 1) as f64).ln();
        }
        tail += (ln_n - ln_fi - ln_fni - ln2n).exp();
    }
    (2.0 * tail).min(1.0)
}

/// Exact two-sided sign-flip test on paired per-case differences given in
/// half points (−2…2 for a pairwise case scored 0, ½ or 1): under the null
/// each difference is as likely positive as negative. With differences of
/// ±1 only (no ties) this is McNemar's exact test; ties (½) enter with half
/// weight, consistent with the tie policy.
pub fn sign_flip_exact(half_diffs: &[i64]) -> f64 {
    let weights: Vec<usize> = half_diffs
        .iter()
        .filter(|&&d| d != 0)
        .map(|d| d.unsigned_abs() as usize)
        .collect();
    let total: usize = weights.iter().sum();
    if total == 0 {
        return 1.0;
    }
    let observed: i64 = half_diffs.iter().sum();
    // dist[t]: probability that the positively signed weights sum to t.
    let mut dist = vec![0.0f64; total + 1];
    dist[0] = 1.0;
    let mut reach = 0;
    for w in weights {
        for t in (0..=reach).rev() {
            let p = dist[t];
            if p != 0.0 {
                dist[t] = 0.5 * p;
                dist[t + w] += 0.5 * p;
            }
        }
        reach += w;
    }
    // S = 2t − total; the two-sided p is P(|S| ≥ |observed|).
    let p: f64 = dist
        .iter()
        .enumerate()
        .filter(|(t, _)| (2 * *t as i64 - total as i64).abs() >= observed.abs())
        .map(|(_, p)| p)
        .sum();
    p.min(1.0)
}

/// Holm's step-down adjustment; `None` entries (untested) stay `None`.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    idx.sort_by(|&a, &b| p[a].unwrap_or(1.0).total_cmp(&p[b].unwrap_or(1.0)).then(a.cmp(&b)));
    let m = idx.len();
    let mut out = vec![None; p.len()];
    let mut running: f64 = 0.0;
    for (rank, &i) in idx.iter().enumerate() {
        let adjusted = ((m - rank) as f64 * p[i].unwrap_or(1.0)).min(1.0);
        running = running.max(adjusted);
        out[i] = Some(running);
    }
    out
}

/// Per-dialogue sums of a paired difference (first − second) and counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairedCluster {
    pub diff_sum: f64,
    pub count: u32,
}

/// Two-sided paired bootstrap over dialogues: the share of resampled mean
/// differences on the far side of zero, doubled, with the +1 correction so
/// that p is never 0. `stream` names the comparison for a reproducible draw.
pub fn paired_bootstrap_p(clusters: &[PairedCluster], resamples: usize, seed: u64, stream: &str) -> Option<f64> {
    let total: u32 = clusters.iter().map(|c| c.count).sum();
    if total == 0 || resamples == 0 {
        return None;
    }
    let observed: f64 = clusters.iter().map(|c| c.diff_sum).sum::<f64>() / f64::from(total);
    let mut rng = super::stream(seed, &[b"paired\0", stream.as_bytes()]);
    let hidden = indicatif::ProgressBar::hidden();
    let means = super::resample_in_parallel(&mut rng, clusters.len(), resamples, &hidden, |drawn| {
        let (mut sum, mut count) = (0.0, 0u64);
        for &i in drawn {
            sum += clusters[i].diff_sum;
            count += u64::from(clusters[i].count);
        }
        (count > 0).then(|| sum / count as f64)
    });
    let (mut at_or_below, mut at_or_above, mut valid) = (0usize, 0usize, 0usize);
    for d in means.into_iter().flatten() {
        valid += 1;
        at_or_below += usize::from(d <= 0.0);
        at_or_above += usize::from(d >= 0.0);
    }
    if valid == 0 {
        return None;
    }
    // Which tail is "far" depends on the observed sign.
    let far = if observed > 0.0 {
        at_or_below
    } else if observed < 0.0 {
        at_or_above
    } else {
        valid
    };
    Some((2.0 * (far + 1) as f64 / (valid + 1) as f64).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_hand_computed_binomial_tails() {
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        // n = 5, k = 0: 2 · (1/32).
        assert!((mcnemar_exact(5, 0) - 0.0625).abs() < 1e-12);
        // n = 10, k = 2: 2 · (1 + 10 + 45)/1024.
        assert!((mcnemar_exact(2, 8) - 112.0 / 1024.0).abs() < 1e-12);
        assert_eq!(mcnemar_exact(7, 7), 1.0);
        // Large n stays finite and tiny.
        let p = mcnemar_exact(1500, 500);
        assert!(p > 0.0 && p < 1e-100, "{p}");
    }

    #[test]
    fn sign_flip_equals_mcnemar_without_ties() {
        for (b, c) in [(5u64, 0u64), (2, 8), (7, 7), (30, 12)] {
            let mut d = vec![2i64; b as usize];
            d.extend(std::iter::repeat_n(-2, c as usize));
            d.extend([0, 0, 0]);
            assert!((sign_flip_exact(&d) - mcnemar_exact(b, c)).abs() < 1e-12, "{b} {c}");
        }
        // Half-point differences: {+1, +1, +2} half-points, S_obs = 4 of total 4:
        // only all-positive reaches it: p = 2 · 1/8.
        assert!((sign_flip_exact(&[1, 1, 2]) - 0.25).abs() < 1e-12);
        assert_eq!(sign_flip_exact(&[]), 1.0);
    }

    #[test]
    fn holm_is_step_down_and_monotone() {
        let adj = holm(&[Some(0.01), Some(0.04), None, Some(0.03)]);
        assert_eq!(adj[2], None);
        assert!((adj[0].unwrap() - 0.03).abs() < 1e-12);
        assert!((adj[3].unwrap() - 0.06).abs() < 1e-12);
        assert!((adj[1].unwrap() - 0.06).abs() < 1e-12);
    }

    #[test]
    fn paired_bootstrap_sees_a_consistent_difference() {
        let clusters: Vec<PairedCluster> = (0..50)
            .map(|_| PairedCluster {
                diff_sum: 1.0,
                count: 2,
            })
            .collect();
        let p = paired_bootstrap_p(&clusters, 999, 1, "x").unwrap();
        assert!((p - 2.0 / 1000.0).abs() < 1e-12, "{p}");
        let mixed: Vec<PairedCluster> = (0..50)
            .map(|i| PairedCluster {
                diff_sum: if i % 2 == 0 { 1.0 } else { -1.0 },
                count: 1,
            })
            .collect();
        assert!(paired_bootstrap_p(&mixed, 999, 1, "x").unwrap() > 0.5);
    }
}
