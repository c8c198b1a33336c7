//! Seeded streams and the statistics that eval and audit share: the
//! dialogue bootstrap, paired tests with Holm's correction, Wilson intervals
//! and Cohen's κ.
//!
//! Invariant: every random draw rsbench makes comes from [`stream`], a
//! ChaCha8 generator keyed by SHA-256 of the seed and a domain that names
//! what is drawn (a split and a dialogue, a bootstrap group, a perturbed
//! case): the same seed and inputs give the same draws on every machine,
//! thread count and input order, and no two uses share a stream.

/// The coverage of every interval rsbench reports.
pub const DEFAULT_LEVEL: f64 = 0.95;

pub mod bootstrap;
pub mod kappa;
pub mod paired;
pub mod proportion;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// The stream for `seed` and the domain `parts` (hashed one after the other,
/// as given: callers put their own separators in).
pub fn stream(seed: u64, parts: &[&[u8]]) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    for part in parts {
        hasher.update(part);
    }
    ChaCha8Rng::from_seed(hasher.finalize().into())
}

/// `resample` applied to each of `resamples` draws of `n` indices with
/// replacement. The indices come from `rng` in one sequence, resample after
/// resample, exactly as a sequential loop draws them; only the work on them
/// runs in parallel, a block of resamples at a time. The results, in
/// resample order, are then the same on any number of threads. `progress`
/// counts the resamples done.
pub(crate) fn resample_in_parallel<T: Send>(
    rng: &mut ChaCha8Rng,
    n: usize,
    resamples: usize,
    progress: &indicatif::ProgressBar,
    resample: impl Fn(&[usize]) -> T + Sync,
) -> Vec<T> {
    use rand::Rng;
    use rayon::prelude::*;
    if n == 0 {
        return (0..resamples).map(|_| resample(&[])).collect();
    }
    // About 16 MB of indices per block: enough resamples to share out, little memory.
    let block = ((1usize << 21) / n).clamp(1, resamples.max(1));
    let mut indices = vec![0usize; block * n];
    let mut out = Vec::with_capacity(resamples);
    let mut done = 0;
    while done < resamples {
        let b = block.min(resamples - done);
        let drawn = &mut indices[..b * n];
        for i in drawn.iter_mut() {
            *i = rng.random_range(0..n);
        }
        out.par_extend(drawn.par_chunks(n).map(&resample).collect::<Vec<T>>());
        done += b;
        progress.inc(b as u64);
    }
    out
}

/// Linear-interpolation percentile (Hyndman–Fan type 7, NumPy's default) of
/// sorted data; `q` in [0, 1].
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "percentile of empty data");
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The two-sided percentile interval of coverage `level` of sorted draws;
/// `None` without draws.
pub fn percentile_interval(sorted: &[f64], level: f64) -> Option<(f64, f64)> {
    if sorted.is_empty() {
        return None;
    }
    let alpha = (1.0 - level) / 2.0;
    Some((percentile(sorted, alpha), percentile(sorted, 1.0 - alpha)))
}

/// The `p`-th (0-based) of `0, 1, 2, …` that is not in `excluded` (sorted
/// ascending): a draw among the eligible indices without listing them, so
/// drawing for each of n cases from n items costs what the exclusions cost,
/// not n².
pub fn nth_not_in(p: usize, excluded: &[usize]) -> usize {
    let mut at = p;
    for &e in excluded {
        if e <= at {
            at += 1;
        } else {
            break;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn nth_not_in_counts_past_the_exclusions() {
        let excluded = [0, 2, 3, 7];
        let eligible: Vec<usize> = (0..12).filter(|i| !excluded.contains(i)).collect();
        for (p, want) in eligible.iter().enumerate() {
            assert_eq!(nth_not_in(p, &excluded), *want, "p = {p}");
        }
        assert_eq!(nth_not_in(3, &[]), 3);
    }

    #[test]
    fn percentile_matches_numpy_linear() {
        let d = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&d, 0.0), 1.0);
        assert_eq!(percentile(&d, 1.0), 4.0);
        assert!((percentile(&d, 0.25) - 1.75).abs() < 1e-12);
        assert_eq!(percentile_interval(&[], 0.95), None);
        assert_eq!(percentile_interval(&[2.0], 0.95), Some((2.0, 2.0)));
    }

    #[test]
    fn streams_differ_by_seed_and_domain_and_repeat_exactly() {
        let draw = |seed, parts: &[&[u8]]| stream(seed, parts).random::<u64>();
        assert_eq!(draw(1, &[b"a"]), draw(1, &[b"a"]));
        assert_eq!(draw(1, &[b"ab"]), draw(1, &[b"a", b"b"]), "parts are concatenated");
        assert_ne!(draw(1, &[b"a"]), draw(2, &[b"a"]));
        assert_ne!(draw(1, &[b"a"]), draw(1, &[b"b"]));
    }
}
