//! Intervals for a proportion estimated from a small sample (an audit's
//! per-rule rates, a few dozen judgments each).

/// The two-sided normal quantile for a 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `k` successes in `n` trials: unlike the Wald
/// interval it stays inside [0, 1] and does not collapse to a point at 0 or n.
/// `None` when `n` is 0.
pub fn wilson(k: usize, n: usize, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_computed_bounds() {
        // (k, n) → bounds worked out from the formula with z = 1.959964.
        let (lo, hi) = wilson(5, 10, Z95).unwrap();
        assert!(
            (lo - 0.236_593).abs() < 1e-5 && (hi - 0.763_407).abs() < 1e-5,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 10, Z95).unwrap();
        assert!(lo == 0.0 && (hi - 0.277_533).abs() < 1e-5, "{lo} {hi}");
        let (lo, hi) = wilson(10, 10, Z95).unwrap();
        assert!((lo - 0.722_467).abs() < 1e-5 && (hi - 1.0).abs() < 1e-12, "{lo} {hi}");
        assert_eq!(wilson(0, 0, Z95), None);
    }
}
