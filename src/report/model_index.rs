//! `rsbench report --format model-index`: a Hugging Face model card's
//! `model-index` (the evaluation results its YAML front matter holds),
//! written by hand: small, deterministic, every string double-quoted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::metadata::RunMetadata;
use super::render::split_names;
use super::ReportError;
use crate::eval::{default_metric, Metric, SummaryRow, OVERALL};
use crate::output::OutputKind;

/// What the YAML rsbench writes starts with (a comment line): how a file
/// `--out` names is recognised as one rsbench may replace.
const HEADER: &str = "# rsbench ";

/// The model-index task: response selection ranks a dialogue's candidate replies.
pub const TASK_TYPE: &str = "text-ranking";
const TASK_NAME: &str = "Multi-turn response selection";

/// A metric's `type` in the card (an id, as Hugging Face's evaluate names them).
pub fn metric_type(m: Metric) -> &'static str {
    match m {
        Metric::PairAcc => "accuracy",
        Metric::R1 => "recall_at_1",
        Metric::R2 => "recall_at_2",
        Metric::R5 => "recall_at_5",
        Metric::Mrr => "mrr",
        Metric::Map => "map",
        Metric::P1 => "precision_at_1",
    }
}

/// A metric's name on a model card: the tables' label, spelled out where
/// the label is an abbreviation of rsbench's own (Acc).
fn metric_name(m: Metric) -> &'static str {
    match m {
        Metric::PairAcc => "pairwise accuracy",
        _ => m.label(),
    }
}

/// A YAML double-quoted scalar.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as summary.json holds it: the shortest decimal that reads back
/// as the same double, always with a point (YAML 1.1 reads `1` as an integer).
fn number(v: f64) -> String {
    let s = v.to_string();
    if s.contains('.') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// The model's name in the card when `--model-name` does not give one: a
/// hub model's `org/name`, a server's or program's model name, a model
/// directory's name, else the scorer's kind (`bm25`).
pub fn default_model_name(meta: &RunMetadata) -> String {
    let params = &meta.scorer.params;
    let text = |key: &str| params.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    if let Some(repo) = params.get("hub").and_then(|h| h.get("repo")).and_then(|r| r.as_str()) {
        return repo.to_owned();
    }
    match meta.scorer.kind.as_str() {
        "rerank-server" => text("model"),
        "subprocess" => text("name"),
        "model" => text("path").and_then(|p| {
            let p = Path::new(p);
            p.file_name().and_then(|n| n.to_str())
        }),
        _ => None,
    }
    .map(str::to_owned)
    .unwrap_or_else(|| meta.scorer.kind.clone())
}

/// The card's `model-index`: one result per split (the dataset's split
/// named), each with the overall row's every defined metric, then each
/// type's (or rule's) headline metric (pairwise accuracy on `adversarial`,
/// R@1 on `clean`), values as fractions exactly as summary.json has them.
pub fn render_model_index(meta: &RunMetadata, run: &str, rows: &[SummaryRow], group: &str, model: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{HEADER}{}: run {}, {} on {}, seed {}; values are fractions (0-1) as in summary.json; {:.0} % dialogue-bootstrap intervals are in summary.json.",
        meta.rsbench_version,
        run.replace(['\r', '\n'], " "),
        meta.scorer.kind,
        meta.dataset.name.replace(['\r', '\n'], " "),
        meta.seed,
        meta.bootstrap.level * 100.0,
    );
    let _ = writeln!(out, "model-index:");
    let _ = writeln!(out, "  - name: {}", quoted(model));
    let _ = writeln!(out, "    results:");
    for split in split_names(rows) {
        let split_rows: Vec<&SummaryRow> = rows.iter().filter(|r| r.split == split).collect();
        let mut metrics: Vec<(Metric, f64, String)> = Vec::new();
        if let Some(overall) = split_rows.iter().find(|r| r.case_type == OVERALL) {
            for m in Metric::ALL {
                if let Some(v) = overall.get(m).value {
                    metrics.push((m, v, format!("{}, {OVERALL}", metric_name(m))));
                }
            }
        }
        let headline = default_metric(split);
        for r in split_rows.iter().filter(|r| r.case_type != OVERALL) {
            if let Some(v) = r.get(headline).value {
                metrics.push((
                    headline,
                    v,
                    format!("{}, {group} {}", metric_name(headline), r.case_type),
                ));
            }
        }
        let _ = writeln!(out, "      - task:");
        let _ = writeln!(out, "          type: {}", quoted(TASK_TYPE));
        let _ = writeln!(out, "          name: {}", quoted(TASK_NAME));
        let _ = writeln!(out, "        dataset:");
        let _ = writeln!(out, "          type: {}", quoted(&meta.dataset.name));
        let _ = writeln!(out, "          name: {}", quoted(&meta.dataset.name));
        let _ = writeln!(out, "          split: {}", quoted(split));
        let _ = writeln!(out, "        metrics:");
        for (m, v, name) in metrics {
            let _ = writeln!(out, "          - type: {}", quoted(metric_type(m)));
            let _ = writeln!(out, "            value: {}", number(v));
            let _ = writeln!(out, "            name: {}", quoted(&name));
        }
    }
    out
}

/// The YAML rsbench writes: an existing file is replaced only when its
/// first line is rsbench's header comment.
pub fn model_index_kind() -> OutputKind {
    super::write::headed_file_kind(
        "model-index YAML file",
        HEADER,
        "it is not a model-index file rsbench wrote",
    )
}

/// Writes `report --format model-index --out FILE` whole or not at all.
pub fn write_model_index(path: &Path, text: &str) -> Result<PathBuf, ReportError> {
    Ok(crate::output::write_file(path, model_index_kind(), text.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_and_numbers_keep_a_point() {
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(number(1.0), "1.0");
        assert_eq!(number(0.0), "0.0");
        assert_eq!(number(0.4142857142857143), "0.4142857142857143");
        assert_eq!(number(1e-7), "0.0000001");
    }
}
