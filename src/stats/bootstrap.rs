//! Cluster bootstrap: resample whole source dialogues with replacement.
//! KorAdvMRS has ~2,200 cases but only ~200 dialogues; cases of one dialogue
//! share a context, so resampling cases would overstate certainty.

use rand::Rng;

use super::{percentile_interval, stream};

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
            level: crate::eval::DEFAULT_LEVEL,
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
/// `group` names the group so every group draws its own reproducible stream.
pub(crate) fn interval(
    clusters: &[Cluster],
    metrics: usize,
    config: &BootstrapConfig,
    group: &str,
) -> Vec<Option<(f64, f64)>> {
    if config.resamples == 0 || clusters.is_empty() {
        return vec![None; metrics];
    }
    let mut rng = stream(config.seed, &[b"bootstrap\0", group.as_bytes()]);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(config.resamples); metrics];
    let mut sums = vec![0.0; metrics];
    let mut counts = vec![0u64; metrics];
    for _ in 0..config.resamples {
        sums.iter_mut().for_each(|s| *s = 0.0);
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..clusters.len() {
            let c = &clusters[rng.random_range(0..clusters.len())];
            for m in 0..metrics {
                sums[m] += c.sums[m];
                counts[m] += u64::from(c.counts[m]);
            }
        }
        for m in 0..metrics {
            if counts[m] > 0 {
                draws[m].push(sums[m] / counts[m] as f64);
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
        assert_eq!(interval(&c, 1, &cfg, "x"), vec![Some((0.75, 0.75))]);
    }
}
