//! Cohen's κ of two raters' labels, with a bootstrap interval over items.

use rand::Rng;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Kappa {
    /// `None` when chance agreement is total (both gave one verdict throughout).
    pub kappa: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub observed: f64,
    pub chance: f64,
}

/// κ of paired labels in `0..k`; also the observed and chance agreement.
pub fn cohen(pairs: &[(usize, usize)], k: usize) -> (Option<f64>, f64, f64) {
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let chance: f64 = (0..k)
        .map(|c| {
            let a = pairs.iter().filter(|(x, _)| *x == c).count() as f64 / n;
            let b = pairs.iter().filter(|(_, y)| *y == c).count() as f64 / n;
            a * b
        })
        .sum();
    let kappa = (chance < 1.0 - 1e-12).then(|| (observed - chance) / (1.0 - chance));
    (kappa, observed, chance)
}

pub fn kappa_with_interval(pairs: &[(usize, usize)], k: usize, resamples: usize, seed: u64) -> Kappa {
    let (kappa, observed, chance) = cohen(pairs, k);
    let mut rng = super::stream(seed, &[b"kappa\0"]);
    let mut draws: Vec<f64> = (0..resamples)
        .filter_map(|_| {
            let sample: Vec<(usize, usize)> = (0..pairs.len())
                .map(|_| pairs[rng.random_range(0..pairs.len())])
                .collect();
            cohen(&sample, k).0
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    let interval = kappa.and(super::percentile_interval(&draws, crate::stats::DEFAULT_LEVEL));
    Kappa {
        kappa,
        interval,
        observed,
        chance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_the_textbook_example() {
        // 50 items, yes/no: 20 both yes, 15 both no, 5 and 10 split: p_o 0.7, p_e 0.5, κ 0.4.
        let mut pairs = vec![(0, 0); 20];
        pairs.extend(vec![(1, 1); 15]);
        pairs.extend(vec![(0, 1); 5]);
        pairs.extend(vec![(1, 0); 10]);
        let (k, po, pe) = cohen(&pairs, 2);
        assert!((po - 0.7).abs() < 1e-12 && (pe - 0.5).abs() < 1e-12);
        assert!((k.unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(cohen(&[(0, 0), (0, 0)], 2).0, None, "one verdict throughout: undefined");
        let perfect = kappa_with_interval(&[(0, 0), (1, 1), (2, 2), (1, 1)], 3, 200, 1);
        assert_eq!(perfect.kappa, Some(1.0));
    }
}
