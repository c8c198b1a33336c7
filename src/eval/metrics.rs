//! Per-case ranking metrics.
//!
//! Tie policy: candidates with equal scores are ordered uniformly at random,
//! and every metric is the exact expectation over those orderings. A constant
//! scorer therefore gets the chance value (½ on a pair), never credit for the
//! positive's position in the file. Recall with several positives is the
//! fraction of positives in the top k (the Douban convention). A case with no
//! positive has no metrics and is excluded (and counted) by the aggregates.

/// The metrics reported per type and overall, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Mean over (positive, negative) pairs of 1[s⁺ > s⁻] + ½·1[s⁺ = s⁻];
    /// on a KorAdvMRS pair (N = 2) this is R2@1, the paper's accuracy.
    PairAcc,
    R1,
    R2,
    R5,
    Mrr,
    Map,
    P1,
}

impl std::str::FromStr for Metric {
    type Err = String;

    /// A metric by its column name.
    fn from_str(s: &str) -> Result<Metric, String> {
        crate::suggest::parse_named("metric", s, &Metric::ALL, Metric::column)
    }
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::PairAcc,
        Metric::R1,
        Metric::R2,
        Metric::R5,
        Metric::Mrr,
        Metric::Map,
        Metric::P1,
    ];

    /// Column name in every report file.
    pub fn column(self) -> &'static str {
        match self {
            Metric::PairAcc => "pair_acc",
            Metric::R1 => "r1",
            Metric::R2 => "r2",
            Metric::R5 => "r5",
            Metric::Mrr => "mrr",
            Metric::Map => "map",
            Metric::P1 => "p1",
        }
    }

    /// Header in rendered tables.
    pub fn label(self) -> &'static str {
        match self {
            Metric::PairAcc => "Acc",
            Metric::R1 => "R@1",
            Metric::R2 => "R@2",
            Metric::R5 => "R@5",
            Metric::Mrr => "MRR",
            Metric::Map => "MAP",
            Metric::P1 => "P@1",
        }
    }

    fn recall_k(self) -> Option<usize> {
        match self {
            Metric::R1 => Some(1),
            Metric::R2 => Some(2),
            Metric::R5 => Some(5),
            _ => None,
        }
    }
}

/// One case's metric values; `None` where a metric is undefined for the case
/// (R@k needs more than k candidates, pairwise accuracy needs a negative).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaseMetrics {
    values: [Option<f64>; 7],
}

impl CaseMetrics {
    pub fn get(&self, metric: Metric) -> Option<f64> {
        self.values[metric as usize]
    }
}

/// Tie groups in descending score order: (members, positives among them).
fn tie_groups(scores: &[f64], labels: &[u8]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut last: Option<f64> = None;
    for i in order {
        let positive = usize::from(labels[i] == 1);
        match (last, groups.last_mut()) {
            (Some(s), Some(g)) if s == scores[i] => {
                g.0 += 1;
                g.1 += positive;
            }
            _ => groups.push((1, positive)),
        }
        last = Some(scores[i]);
    }
    groups
}

/// Rank of each candidate (1 = best); tied candidates share the mean of the
/// ranks they span (fractional ranking), matching the random-order policy.
pub fn fractional_ranks(scores: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let mean = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = mean;
        }
        start = end;
    }
    ranks
}

pub fn case_metrics(scores: &[f64], labels: &[u8]) -> Option<CaseMetrics> {
    assert_eq!(scores.len(), labels.len(), "one label per score");
    let n = scores.len();
    let positives = labels.iter().filter(|&&l| l == 1).count();
    if positives == 0 {
        return None;
    }
    let negatives = n - positives;
    let groups = tie_groups(scores, labels);

    let mut values = [None; 7];
    values[Metric::PairAcc as usize] = (negatives > 0).then(|| pair_accuracy(scores, labels, positives, negatives));
    for metric in [Metric::R1, Metric::R2, Metric::R5] {
        let k = metric.recall_k().unwrap_or(0);
        values[metric as usize] = (n > k).then(|| expected_in_top_k(&groups, k) / positives as f64);
    }
    values[Metric::Mrr as usize] = Some(expected_reciprocal_rank(&groups));
    values[Metric::Map as usize] = Some(expected_average_precision(&groups, positives));
    let (g, p) = groups[0];
    values[Metric::P1 as usize] = Some(p as f64 / g as f64);
    Some(CaseMetrics { values })
}

fn pair_accuracy(scores: &[f64], labels: &[u8], positives: usize, negatives: usize) -> f64 {
    let mut wins = 0.0;
    for (i, &si) in scores.iter().enumerate().filter(|(i, _)| labels[*i] == 1) {
        for (_, &sj) in scores.iter().enumerate().filter(|(j, _)| labels[*j] != 1 && *j != i) {
            wins += if si > sj {
                1.0
            } else if si == sj {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives * negatives) as f64
}

/// Expected number of positives among the first k under random tie order.
fn expected_in_top_k(groups: &[(usize, usize)], k: usize) -> f64 {
    let mut above = 0;
    let mut total = 0.0;
    for &(g, p) in groups {
        let slots = k.saturating_sub(above).min(g);
        total += slots as f64 * p as f64 / g as f64;
        above += g;
    }
    total
}

/// P(the first of p positives among g shuffled slots is at slot ≥ j), 1-based.
fn prob_first_at_least(g: usize, p: usize, j: usize) -> f64 {
    if j > g - p + 1 {
        return 0.0;
    }
    (0..p).map(|i| (g - j + 1 - i) as f64 / (g - i) as f64).product()
}

fn expected_reciprocal_rank(groups: &[(usize, usize)]) -> f64 {
    let mut above = 0;
    for &(g, p) in groups {
        if p > 0 {
            return (1..=g - p + 1)
                .map(|j| {
                    let pj = prob_first_at_least(g, p, j) - prob_first_at_least(g, p, j + 1);
                    pj / (above + j) as f64
                })
                .sum();
        }
        above += g;
    }
    0.0
}

/// E[AP]: a positive at slot j of its group has, in expectation, (j−1)(p−1)/(g−1)
/// group-mates ahead of it, and precision is linear in that count.
fn expected_average_precision(groups: &[(usize, usize)], positives: usize) -> f64 {
    let mut above = 0;
    let mut positives_above = 0;
    let mut sum = 0.0;
    for &(g, p) in groups {
        if p > 0 {
            let mates = if g > 1 { (p - 1) as f64 / (g - 1) as f64 } else { 0.0 };
            let per_positive: f64 = (1..=g)
                .map(|j| {
                    let hits = positives_above as f64 + 1.0 + (j - 1) as f64 * mates;
                    hits / (above + j) as f64
                })
                .sum::<f64>()
                / g as f64;
            sum += p as f64 * per_positive;
        }
        above += g;
        positives_above += p;
    }
    sum / positives as f64
}
