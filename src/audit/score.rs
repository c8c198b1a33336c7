//! Per-family rates of an audit's verdicts: the share of generated negatives
//! judged sound, acceptable replies (label noise), not Korean and near-copies,
//! with Wilson intervals, and the overall rates weighted by each family's size in the
//! generated set, with a stratified bootstrap interval.

use std::collections::BTreeMap;

use rand::Rng;

use super::{KeyRow, Role, Verdict};
use crate::eval::{wilson, Z95};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FamilyRate {
    /// The rule family, or `controls` for the true replies.
    pub family: String,
    /// Distinct negatives of the family in the generated set (0 for controls).
    pub in_set: usize,
    pub judged: usize,
    pub skipped: usize,
    pub sound: usize,
    pub acceptable: usize,
    pub broken: usize,
    pub near_copy: usize,
    pub other_type: usize,
    pub sound_rate: Option<f64>,
    pub sound_interval: Option<(f64, f64)>,
    pub acceptable_rate: Option<f64>,
    pub acceptable_interval: Option<(f64, f64)>,
    pub broken_rate: Option<f64>,
    pub broken_interval: Option<(f64, f64)>,
    pub near_copy_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overall {
    /// Σ over judged families of (family's share of the set) × (its rate).
    pub sound_rate: f64,
    pub sound_interval: (f64, f64),
    pub acceptable_rate: f64,
    pub acceptable_interval: (f64, f64),
    pub broken_rate: f64,
    pub broken_interval: (f64, f64),
    /// Families with no verdict, left out of the weights.
    pub unjudged_families: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditSummary {
    pub families: Vec<FamilyRate>,
    pub controls: Option<FamilyRate>,
    pub overall: Option<Overall>,
    pub level: f64,
    pub resamples: usize,
    pub seed: u64,
}

fn rate(family: &str, in_set: usize, verdicts: &[Option<Verdict>]) -> FamilyRate {
    let count = |v: Verdict| verdicts.iter().filter(|x| **x == Some(v)).count();
    let judged = verdicts.iter().flatten().count();
    let share = |k: usize| (judged > 0).then(|| k as f64 / judged as f64);
    let [sound, acceptable, broken, near_copy, other_type] = Verdict::ALL.map(count);
    FamilyRate {
        family: family.to_owned(),
        in_set,
        judged,
        skipped: verdicts.len() - judged,
        sound,
        acceptable,
        broken,
        near_copy,
        other_type,
        sound_rate: share(sound),
        sound_interval: wilson(sound, judged, Z95),
        acceptable_rate: share(acceptable),
        acceptable_interval: wilson(acceptable, judged, Z95),
        broken_rate: share(broken),
        broken_interval: wilson(broken, judged, Z95),
        near_copy_rate: share(near_copy),
    }
}

/// The overall rates' verdicts: sound, acceptable, broken.
const OVERALL: [Verdict; 3] = [Verdict::Sound, Verdict::Acceptable, Verdict::Broken];

/// Rates per family (sorted by name), for the controls, and overall.
pub fn score(rows: &[(KeyRow, Option<Verdict>)], resamples: usize, seed: u64) -> AuditSummary {
    let mut by_family: BTreeMap<&str, (usize, Vec<Option<Verdict>>)> = BTreeMap::new();
    let mut controls = Vec::new();
    for (key, verdict) in rows {
        match key.role {
            Role::Negative => {
                let entry = by_family.entry(&key.family).or_insert((key.family_total, Vec::new()));
                entry.1.push(*verdict);
            }
            Role::Control => controls.push(*verdict),
        }
    }
    let families: Vec<FamilyRate> = by_family
        .iter()
        .map(|(family, (total, verdicts))| rate(family, *total, verdicts))
        .collect();
    let judged: Vec<(f64, Vec<Verdict>)> = by_family
        .values()
        .map(|(total, verdicts)| (*total as f64, verdicts.iter().flatten().copied().collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let overall = (!judged.is_empty()).then(|| {
        let weight: f64 = judged.iter().map(|(t, _)| t).sum();
        let share = |want: Verdict, v: &[Verdict]| v.iter().filter(|x| **x == want).count() as f64 / v.len() as f64;
        let weighted = |want: Verdict| judged.iter().map(|(t, v)| t / weight * share(want, v)).sum::<f64>();
        let mut rng = crate::stats::stream(seed, &[b"audit-score\0"]);
        let mut draws: [Vec<f64>; 3] = std::array::from_fn(|_| Vec::with_capacity(resamples));
        for _ in 0..resamples {
            let mut sums = [0.0; 3];
            for (t, v) in &judged {
                let draw: Vec<Verdict> = (0..v.len()).map(|_| v[rng.random_range(0..v.len())]).collect();
                for (sum, want) in sums.iter_mut().zip(OVERALL) {
                    *sum += t / weight * share(want, &draw);
                }
            }
            for (d, sum) in draws.iter_mut().zip(sums) {
                d.push(sum);
            }
        }
        let [sound, acceptable, broken] = OVERALL.map(weighted);
        let [sound_interval, acceptable_interval, broken_interval] =
            [(0, sound), (1, acceptable), (2, broken)].map(|(i, point)| {
                let d = &mut draws[i];
                d.sort_by(f64::total_cmp);
                crate::stats::percentile_interval(d, crate::stats::DEFAULT_LEVEL).unwrap_or((point, point))
            });
        Overall {
            sound_rate: sound,
            sound_interval,
            acceptable_rate: acceptable,
            acceptable_interval,
            broken_rate: broken,
            broken_interval,
            unjudged_families: families
                .iter()
                .filter(|f| f.judged == 0)
                .map(|f| f.family.clone())
                .collect(),
        }
    });
    AuditSummary {
        families,
        controls: (!controls.is_empty()).then(|| rate("controls", 0, &controls)),
        overall,
        level: crate::stats::DEFAULT_LEVEL,
        resamples,
        seed,
    }
}

fn percent(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}", 100.0 * v))
}

fn interval(x: Option<(f64, f64)>) -> String {
    x.map_or("-".into(), |(lo, hi)| format!("[{:.1}, {:.1}]", 100.0 * lo, 100.0 * hi))
}

impl AuditSummary {
    /// The table `rsbench audit score` prints.
    pub fn render(&self) -> String {
        let mut b = tabled::builder::Builder::default();
        b.push_record([
            "family",
            "in set",
            "judged",
            "sound %",
            "95% CI",
            "acceptable % (label noise)",
            "95% CI",
            "broken %",
            "95% CI",
            "near-copy %",
        ]);
        for f in self.families.iter().chain(&self.controls) {
            b.push_record([
                f.family.clone(),
                if f.family == "controls" {
                    "-".into()
                } else {
                    f.in_set.to_string()
                },
                f.judged.to_string(),
                percent(f.sound_rate),
                interval(f.sound_interval),
                percent(f.acceptable_rate),
                interval(f.acceptable_interval),
                percent(f.broken_rate),
                interval(f.broken_interval),
                percent(f.near_copy_rate),
            ]);
        }
        if let Some(o) = &self.overall {
            b.push_record([
                "overall (weighted by in set)".to_owned(),
                self.families.iter().map(|f| f.in_set).sum::<usize>().to_string(),
                self.families.iter().map(|f| f.judged).sum::<usize>().to_string(),
                percent(Some(o.sound_rate)),
                interval(Some(o.sound_interval)),
                percent(Some(o.acceptable_rate)),
                interval(Some(o.acceptable_interval)),
                percent(Some(o.broken_rate)),
                interval(Some(o.broken_interval)),
                String::new(),
            ]);
        }
        let mut table = b.build();
        table.with(tabled::settings::Style::sharp());
        let mut out = table.to_string();
        out.push('\n');
        out.push_str(&format!(
            "sound: a negative a native speaker rejects here for its type's reason; acceptable: a fine reply \
             (a false negative); broken: not grammatical Korean; near-copy: a context line barely changed. \
             Intervals: Wilson per family; overall: stratified bootstrap, {} resamples, seed {}.\n",
            self.resamples, self.seed
        ));
        if let Some(c) = &self.controls {
            if let Some(r) = c.acceptable_rate {
                out.push_str(&format!(
                    "Controls are the dialogues' own replies: {:.1} % judged acceptable, so annotators rejected {:.1} % of true replies.\n",
                    100.0 * r,
                    100.0 * (1.0 - r)
                ));
            }
        }
        if let Some(o) = &self.overall {
            if !o.unjudged_families.is_empty() {
                out.push_str(&format!(
                    "Not in the overall rate (no verdicts): {}.\n",
                    o.unjudged_families.join(", ")
                ));
            }
        }
        out
    }
}
