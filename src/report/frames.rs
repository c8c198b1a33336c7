//! The two tables of a run as Polars DataFrames, with fixed columns.

use polars::prelude::*;

use crate::data::Dataset;
use crate::eval::{fractional_ranks, Estimate, EvalResult, Metric, SummaryRow};

/// Columns of `predictions.parquet`, one row per (case, split, candidate).
pub const PREDICTION_COLUMNS: [&str; 13] = [
    "case_id",
    "type",
    "split",
    "source_dialogue",
    "candidate",
    "label",
    "origin",
    "rule",
    "made_from",
    "score",
    "rank",
    "text",
    "context",
];

pub fn predictions_frame(dataset: &Dataset, result: &EvalResult) -> PolarsResult<DataFrame> {
    let all: Vec<(usize, usize)> = result
        .splits
        .iter()
        .enumerate()
        .flat_map(|(s, split)| (0..split.cases.len()).map(move |c| (s, c)))
        .collect();
    frame_of(dataset, result, &all)
}

/// Rows a row group of `predictions.parquet` holds (polars' own default).
pub const ROW_GROUP: usize = 512 * 512;

/// The predictions as frames of whole cases, each of at least [`ROW_GROUP`]
/// rows but the last, in file order: written one at a time, a run of a
/// million cases never holds its 12 million rows at once. A run of fewer
/// rows is one frame, the one [`predictions_frame`] builds.
pub fn predictions_frames<'a>(
    dataset: &'a Dataset,
    result: &'a EvalResult,
) -> impl Iterator<Item = PolarsResult<DataFrame>> + 'a {
    let mut batches: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut rows = 0;
    for (s, split) in result.splits.iter().enumerate() {
        for (c, case) in split.cases.iter().enumerate() {
            if rows >= ROW_GROUP {
                batches.push(Vec::new());
                rows = 0;
            }
            rows += case.candidates.len();
            if let Some(b) = batches.last_mut() {
                b.push((s, c));
            }
        }
    }
    batches.into_iter().map(move |b| frame_of(dataset, result, &b))
}

/// The rows of the cases `which` ((split, case) indices), in that order.
fn frame_of(dataset: &Dataset, result: &EvalResult, which: &[(usize, usize)]) -> PolarsResult<DataFrame> {
    let case_at = |&(s, c): &(usize, usize)| {
        (
            &result.splits[s],
            &result.splits[s].cases[c],
            &result.splits[s].scores[c],
        )
    };
    let rows: usize = which.iter().map(|w| case_at(w).1.candidates.len()).sum();
    let mut case_id = Vec::with_capacity(rows);
    let mut case_type = Vec::with_capacity(rows);
    let mut split = Vec::with_capacity(rows);
    let mut dialogue = Vec::with_capacity(rows);
    let mut candidate = Vec::with_capacity(rows);
    let mut label = Vec::with_capacity(rows);
    let mut origin = Vec::with_capacity(rows);
    let mut rule: Vec<Option<&str>> = Vec::with_capacity(rows);
    let mut made_from: Vec<Option<&str>> = Vec::with_capacity(rows);
    let mut score = Vec::with_capacity(rows);
    let mut rank = Vec::with_capacity(rows);
    let mut text = Vec::with_capacity(rows);
    let [c0, c1, c2, c3, c4, c5, c6, c_rule, c_from, c7, c8, c9, c_context] = PREDICTION_COLUMNS;
    // The case's turns on every row, so a reader needs no join to see a case
    // whole; built in one buffer, where a Series per row cost ~5 KB a row.
    let turns: usize = which
        .iter()
        .map(|w| {
            let (_, case, _) = case_at(w);
            case.candidates.len() * dataset.cases[case.case_index].context.len()
        })
        .sum();
    let mut context = ListStringChunkedBuilder::new(c_context.into(), rows, turns);
    for w in which {
        let (s, case, scores) = case_at(w);
        let source = &dataset.cases[case.case_index];
        let ranks = fractional_ranks(scores);
        for (j, cand) in case.candidates.iter().enumerate() {
            case_id.push(source.id.as_str());
            case_type.push(source.case_type.as_str());
            split.push(s.split.as_str());
            dialogue.push(source.source_dialogue.as_str());
            candidate.push(j as i64);
            label.push(i64::from(cand.label));
            origin.push(cand.source.as_str());
            rule.push(cand.rule.as_deref());
            made_from.push(cand.made_from.as_deref());
            score.push(scores[j]);
            rank.push(ranks[j]);
            text.push(cand.text.as_str());
            context.append_values_iter(source.context.iter().map(String::as_str));
        }
    }
    let context = context.finish();
    DataFrame::new_infer_height(vec![
        Column::new(c0.into(), case_id),
        Column::new(c1.into(), case_type),
        Column::new(c2.into(), split),
        Column::new(c3.into(), dialogue),
        Column::new(c4.into(), candidate),
        Column::new(c5.into(), label),
        Column::new(c6.into(), origin),
        Column::new(c_rule.into(), rule),
        Column::new(c_from.into(), made_from),
        Column::new(c7.into(), score),
        Column::new(c8.into(), rank),
        Column::new(c9.into(), text),
        context.into_series().into_column(),
    ])
}

const SUMMARY_KEYS: [&str; 7] = [
    "split",
    "type",
    "cases",
    "excluded",
    "dialogues",
    "candidates_min",
    "candidates_max",
];

/// Schema of `summary.csv` / `summary.json`: the keys, then for each metric
/// its value and the bounds of its interval.
pub fn summary_schema() -> Schema {
    let mut fields = vec![
        Field::new(SUMMARY_KEYS[0].into(), DataType::String),
        Field::new(SUMMARY_KEYS[1].into(), DataType::String),
    ];
    fields.extend(
        SUMMARY_KEYS[2..]
            .iter()
            .map(|k| Field::new((*k).into(), DataType::Int64)),
    );
    for m in Metric::ALL {
        for suffix in ["", "_lo", "_hi"] {
            fields.push(Field::new(format!("{}{suffix}", m.column()).into(), DataType::Float64));
        }
    }
    Schema::from_iter(fields)
}

pub fn summary_frame(rows: &[SummaryRow]) -> PolarsResult<DataFrame> {
    let ints = |f: fn(&SummaryRow) -> usize| rows.iter().map(|r| f(r) as i64).collect::<Vec<i64>>();
    let mut columns = vec![
        Column::new(
            "split".into(),
            rows.iter().map(|r| r.split.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "type".into(),
            rows.iter().map(|r| r.case_type.as_str()).collect::<Vec<_>>(),
        ),
        Column::new("cases".into(), ints(|r| r.cases)),
        Column::new("excluded".into(), ints(|r| r.excluded)),
        Column::new("dialogues".into(), ints(|r| r.dialogues)),
        Column::new("candidates_min".into(), ints(|r| r.candidates_min)),
        Column::new("candidates_max".into(), ints(|r| r.candidates_max)),
    ];
    for m in Metric::ALL {
        let est: Vec<Estimate> = rows.iter().map(|r| r.get(m)).collect();
        columns.push(Column::new(
            m.column().into(),
            est.iter().map(|e| e.value).collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("{}_lo", m.column()).into(),
            est.iter().map(|e| e.lo).collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            format!("{}_hi", m.column()).into(),
            est.iter().map(|e| e.hi).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

pub fn summary_from_frame(df: &DataFrame) -> PolarsResult<Vec<SummaryRow>> {
    let strings = |name: &str| -> PolarsResult<Vec<String>> {
        let ca = df.column(name)?.str()?;
        Ok((0..ca.len())
            .map(|i| ca.get(i).unwrap_or_default().to_owned())
            .collect())
    };
    let ints = |name: &str| -> PolarsResult<Vec<usize>> {
        let ca = df.column(name)?.i64()?;
        Ok((0..ca.len()).map(|i| ca.get(i).unwrap_or(0).max(0) as usize).collect())
    };
    let floats = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        let ca = df.column(name)?.f64()?;
        Ok((0..ca.len()).map(|i| ca.get(i)).collect())
    };
    let split = strings("split")?;
    let case_type = strings("type")?;
    let cases = ints("cases")?;
    let excluded = ints("excluded")?;
    let dialogues = ints("dialogues")?;
    let cmin = ints("candidates_min")?;
    let cmax = ints("candidates_max")?;
    let mut metric_cols = Vec::new();
    for m in Metric::ALL {
        metric_cols.push((
            floats(m.column())?,
            floats(&format!("{}_lo", m.column()))?,
            floats(&format!("{}_hi", m.column()))?,
        ));
    }
    Ok((0..df.height())
        .map(|i| SummaryRow {
            split: split[i].clone(),
            case_type: case_type[i].clone(),
            cases: cases[i],
            excluded: excluded[i],
            dialogues: dialogues[i],
            candidates_min: cmin[i],
            candidates_max: cmax[i],
            metrics: metric_cols
                .iter()
                .map(|(v, lo, hi)| Estimate {
                    value: v[i],
                    lo: lo[i],
                    hi: hi[i],
                })
                .collect(),
        })
        .collect())
}
