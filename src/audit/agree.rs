//! Agreement between two annotators of the same sheet: the rates an audit
//! reports mean little if two people reading the same replies disagree.
//! Cohen's κ over the five verdicts and over the decision that matters most
//! (a sound negative or not), with bootstrap intervals over items.

use super::{AuditError, KeyRow, Verdict};
use crate::stats::kappa::kappa_with_interval;
pub use crate::stats::kappa::Kappa;

const N: usize = Verdict::ALL.len();

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Agreement {
    /// Items both annotators judged (the rest are left out).
    pub items: usize,
    /// Rows: the first annotator's verdict (in [`Verdict::ALL`]'s order); columns: the second's.
    pub matrix: [[usize; N]; N],
    pub verdicts: Kappa,
    /// `sound` against every other verdict: whether the negative is worth keeping.
    pub sound_or_not: Kappa,
    pub resamples: usize,
    pub seed: u64,
}

fn index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|x| *x == v).unwrap_or(0)
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
    let mut matrix = [[0; N]; N];
    for &(x, y) in &pairs {
        matrix[x][y] += 1;
    }
    let sound = |c: usize| usize::from(c != index(Verdict::Sound));
    let binary: Vec<(usize, usize)> = pairs.iter().map(|&(x, y)| (sound(x), sound(y))).collect();
    Ok(Agreement {
        items: pairs.len(),
        matrix,
        verdicts: kappa_with_interval(&pairs, N, resamples, seed),
        sound_or_not: kappa_with_interval(&binary, 2, resamples, seed),
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
        b.push_record(std::iter::once(String::new()).chain(Verdict::ALL.map(|v| format!("second: {}", v.name()))));
        for (v, row) in Verdict::ALL.iter().zip(self.matrix) {
            b.push_record(std::iter::once(format!("first: {}", v.name())).chain(row.map(|n| n.to_string())));
        }
        let mut table = b.build();
        table.with(tabled::settings::Style::sharp());
        format!(
            "{table}\n{} items judged by both; observed agreement {:.1} % (chance {:.1} %)\n\
             Cohen's κ, five verdicts: {}\n\
             Cohen's κ, sound or not: {} (observed {:.1} %)\n\
             Intervals: 95 % bootstrap over items, {} resamples, seed {}.\n",
            self.items,
            100.0 * self.verdicts.observed,
            100.0 * self.verdicts.chance,
            show(&self.verdicts),
            show(&self.sound_or_not),
            100.0 * self.sound_or_not.observed,
            self.resamples,
            self.seed
        )
    }
}
