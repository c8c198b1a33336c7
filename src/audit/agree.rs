//! Agreement between two annotators of the same sheet: the rates an audit
//! reports mean little if two people reading the same replies disagree.
//! Cohen's κ over the three verdicts and over the decision that matters most
//! (`ok`, label noise, or not), with bootstrap intervals over items.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{AuditError, KeyRow, Verdict};
use crate::eval::percentile;

const VERDICTS: [Verdict; 3] = [Verdict::Ok, Verdict::Wrong, Verdict::Broken];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Kappa {
    /// `None` when chance agreement is total (both gave one verdict throughout).
    pub kappa: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub observed: f64,
    pub chance: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Agreement {
    /// Items both annotators judged (the rest are left out).
    pub items: usize,
    /// Rows: the first annotator's verdict (ok, wrong, broken); columns: the second's.
    pub matrix: [[usize; 3]; 3],
    pub verdicts: Kappa,
    /// `ok` against `wrong` or `broken`.
    pub ok_or_not: Kappa,
    pub resamples: usize,
    pub seed: u64,
}

fn index(v: Verdict) -> usize {
    VERDICTS.iter().position(|x| *x == v).unwrap_or(0)
}

/// κ of paired labels in `0..k`; also the observed and chance agreement.
fn cohen(pairs: &[(usize, usize)], k: usize) -> (Option<f64>, f64, f64) {
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

fn kappa_with_interval(pairs: &[(usize, usize)], k: usize, resamples: usize, seed: u64) -> Kappa {
    let (kappa, observed, chance) = cohen(pairs, k);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draws: Vec<f64> = (0..resamples)
        .filter_map(|_| {
            let sample: Vec<(usize, usize)> = (0..pairs.len())
                .map(|_| pairs[rng.random_range(0..pairs.len())])
                .collect();
            cohen(&sample, k).0
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    let interval =
        (kappa.is_some() && !draws.is_empty()).then(|| (percentile(&draws, 0.025), percentile(&draws, 0.975)));
    Kappa {
        kappa,
        interval,
        observed,
        chance,
    }
}

/// Agreement of two annotators' verdicts on the same sheet (`a` and `b` as
/// [`super::read_audit`] returns them; `dirs` for messages).
pub fn agree(
    a: &[(KeyRow, Option<Verdict>)],
    b: &[(KeyRow, Option<Verdict>)],
    dirs: (&std::path::Path, &std::path::Path),
    resamples: usize,
    seed: u64,
) -> Result<Agreement, AuditError> {
    let same_sample = a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y);
    if !same_sample {
        return Err(AuditError::NotTheSameSample(dirs.0.to_path_buf(), dirs.1.to_path_buf()));
    }
    let pairs: Vec<(usize, usize)> = a
        .iter()
        .zip(b)
        .filter_map(|((_, x), (_, y))| Some((index((*x)?), index((*y)?))))
        .collect();
    if pairs.is_empty() {
        return Err(AuditError::NoCommonVerdicts(dirs.0.to_path_buf(), dirs.1.to_path_buf()));
    }
    let mut matrix = [[0; 3]; 3];
    for &(x, y) in &pairs {
        matrix[x][y] += 1;
    }
    let ok = |c: usize| usize::from(c != index(Verdict::Ok));
    let binary: Vec<(usize, usize)> = pairs.iter().map(|&(x, y)| (ok(x), ok(y))).collect();
    Ok(Agreement {
        items: pairs.len(),
        matrix,
        verdicts: kappa_with_interval(&pairs, 3, resamples, seed),
        ok_or_not: kappa_with_interval(&binary, 2, resamples, seed),
        resamples,
        seed,
    })
}

impl Agreement {
    /// What `rsbench audit agree` prints.
    pub fn render(&self) -> String {
        let show = |k: &Kappa| match (k.kappa, k.interval) {
            (Some(v), Some((lo, hi))) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
            (Some(v), None) => format!("{v:.3}"),
            (None, _) => "undefined (one verdict throughout)".to_owned(),
        };
        let mut b = tabled::builder::Builder::default();
        b.push_record(["", "second: ok", "second: wrong", "second: broken"]);
        for (i, name) in ["first: ok", "first: wrong", "first: broken"].iter().enumerate() {
            let row = self.matrix[i];
            b.push_record([
                name.to_string(),
                row[0].to_string(),
                row[1].to_string(),
                row[2].to_string(),
            ]);
        }
        let mut table = b.build();
        table.with(tabled::settings::Style::sharp());
        format!(
            "{table}\n{} items judged by both; observed agreement {:.1} % (chance {:.1} %)\n\
             Cohen's κ, three verdicts: {}\n\
             Cohen's κ, ok or not (label noise): {} (observed {:.1} %)\n\
             Intervals: 95 % bootstrap over items, {} resamples, seed {}.\n",
            self.items,
            100.0 * self.verdicts.observed,
            100.0 * self.verdicts.chance,
            show(&self.verdicts),
            show(&self.ok_or_not),
            100.0 * self.ok_or_not.observed,
            self.resamples,
            self.seed
        )
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
