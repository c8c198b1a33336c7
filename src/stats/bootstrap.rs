//! Cluster bootstrap: resample whole source dialogues with replacement.
//! KorAdvMRS has ~2,200 cases but only ~200 dialogues; cases of one dialogue
//! share a context, so resampling cases would overstate certainty.

use super::{percentile_interval, resample_in_parallel, stream};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapConfig {
    /// Number of resamples; 0 disables intervals.
    pub resamples: usize,
    /// Two-sided coverage, e.g. 0.95.
    pub level: f64,
    pub seed: u64,
}

impl Default for BootstrapConfig {
    fn default() -> Self {
        BootstrapConfig {
            resamples: 1000,
            level: crate::stats::DEFAULT_LEVEL,
            seed: 0,
        }
    }
}

/// Per-cluster sums and counts of each metric, indexed [metric].
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub sums: Vec<f64>,
    pub counts: Vec<u32>,
}

/// Percentile interval of the ratio-of-sums mean for each metric.
/// `group` names the group so every group draws its own reproducible stream;
/// `progress` counts its resamples.
pub(crate) fn interval(
    clusters: &[Cluster],
    metrics: usize,
    config: &BootstrapConfig,
    group: &str,
    progress: &indicatif::ProgressBar,
) -> Vec<Option<(f64, f64)>> {
    if config.resamples == 0 || clusters.is_empty() {
        return vec![None; metrics];
    }
    let mut rng = stream(config.seed, &[b"bootstrap\0", group.as_bytes()]);
    // One contiguous row per cluster, its sums then its counts: a draw reads
    // one row, not two allocations (at 90,000 dialogues the pointer chasing
    // was most of the time). Counts are small integers, exact as f64, so their
    // sums are the same numbers as in integers.
    let width = 2 * metrics;
    let rows: Vec<f64> = clusters
        .iter()
        .flat_map(|c| c.sums.iter().copied().chain(c.counts.iter().map(|&n| f64::from(n))))
        .collect();
    let means = resample_in_parallel(&mut rng, clusters.len(), config.resamples, progress, |drawn| {
        let mut total = vec![0.0; width];
        for &c in drawn {
            let row = &rows[c * width..(c + 1) * width];
            for (t, v) in total.iter_mut().zip(row) {
                *t += v;
            }
        }
        let (s, n) = total.split_at(metrics);
        s.iter()
            .zip(n)
            .map(|(s, &n)| (n > 0.0).then(|| s / n))
            .collect::<Vec<_>>()
    });
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(config.resamples); metrics];
    for resample in means {
        for (m, mean) in resample.into_iter().enumerate() {
            if let Some(mean) = mean {
                draws[m].push(mean);
            }
        }
    }
    draws
        .into_iter()
        .map(|mut d| {
            // A resample can miss every case where a metric is defined; the
            // interval then comes from the resamples that have it.
            d.sort_by(f64::total_cmp);
            percentile_interval(&d, config.level)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cluster_gives_a_point_interval() {
        let c = vec![Cluster {
            sums: vec![3.0],
            counts: vec![4],
        }];
        let cfg = BootstrapConfig {
            resamples: 50,
            level: 0.95,
            seed: 1,
        };
        assert_eq!(
            interval(&c, 1, &cfg, "x", &indicatif::ProgressBar::hidden()),
            vec![Some((0.75, 0.75))]
        );
    }
}
