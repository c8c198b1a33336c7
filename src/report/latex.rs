//! LaTeX renderings for papers: `rsbench report --format latex` and
//! `rsbench compare --format latex`. booktabs tables (`\toprule`, `\midrule`,
//! `\bottomrule`) built from the very records the Markdown, terminal and HTML
//! tables show, so every number, interval and significance mark is the one
//! those tables print; nothing is recomputed here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::compare::{first_seen, gap_records, split_records, BiasComparison};
use super::metadata::RunMetadata;
use super::render::{excluded_note, scorer_line, split_names, summary_records, RESPONSE_ONLY};
use super::ReportError;
use crate::eval::{Comparison, SummaryRow, OVERALL};
use crate::output::OutputKind;

/// What a LaTeX file rsbench writes starts with (a comment line): how a
/// file `--out` names is recognised as one rsbench may replace.
const HEADER: &str = "% rsbench ";

/// Text made safe for LaTeX's text mode: the ten special characters
/// (`\ { } $ & # % _ ~ ^`) escaped, `<`, `>`, `|` as text symbols, the
/// dashes and signs the tables use spelt in LaTeX, line breaks as spaces.
pub fn latex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            '—' => out.push_str("---"),
            '–' => out.push_str("--"),
            '−' => out.push_str("$-$"),
            'Δ' => out.push_str("$\\Delta$"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A table's numeric cell: a leading minus in math mode, the compare
/// tables' significance mark (` *`) as a superscript, the rest escaped.
fn number_cell(cell: &str) -> String {
    let (body, mark) = match cell.strip_suffix(" *") {
        Some(b) => (b, "$^{*}$"),
        None => (cell, ""),
    };
    let (sign, body) = match body.strip_prefix('-') {
        Some(rest) => ("$-$", rest),
        None => ("", body),
    };
    format!("{sign}{}{mark}", latex_escape(body))
}

/// A body row: the first cell (a type or rule name) as text, the others as
/// numbers. A row may not begin with `[`: after `\\` LaTeX would read it
/// as the rule's optional argument.
fn body_row(record: &[String]) -> String {
    let cells: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, c)| if i == 0 { latex_escape(c) } else { number_cell(c) })
        .collect();
    let line = cells.join(" & ");
    if line.starts_with('[') {
        format!("{{}}{line} \\\\")
    } else {
        format!("{line} \\\\")
    }
}

/// A label's key: letters, digits and `-:.` only (a label is not typeset,
/// but `#`, `%`, `\` or braces in it break the file).
fn label_key(text: &str) -> String {
    let mut key: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if key.is_empty() {
        key.push('x');
    }
    key
}

/// One booktabs table: `head` the header lines (already LaTeX, each ending
/// in `\\`, with any `\cmidrule`s), `body` the records; a `\midrule`
/// separates the `overall` row from the groups above it.
fn table(out: &mut String, caption: &str, label: &str, columns: usize, head: &[String], body: &[Vec<String>]) {
    let spec = format!("l{}", "r".repeat(columns.saturating_sub(1)));
    let _ = writeln!(out, "\\begin{{table}}[htbp]");
    let _ = writeln!(out, "\\centering");
    let _ = writeln!(out, "\\caption{{{caption}}}");
    let _ = writeln!(out, "\\label{{{label}}}");
    let _ = writeln!(out, "\\begin{{tabular}}{{{spec}}}");
    let _ = writeln!(out, "\\toprule");
    for h in head {
        let _ = writeln!(out, "{h}");
    }
    let _ = writeln!(out, "\\midrule");
    for (i, record) in body.iter().enumerate() {
        if i > 0 && record.first().is_some_and(|c| c == OVERALL) {
            let _ = writeln!(out, "\\midrule");
        }
        let _ = writeln!(out, "{}", body_row(record));
    }
    let _ = writeln!(out, "\\bottomrule");
    let _ = writeln!(out, "\\end{{tabular}}");
    let _ = writeln!(out, "\\end{{table}}");
}

/// A single header line from plain header cells.
fn header_line(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| latex_escape(c)).collect();
    format!("{} \\\\", cells.join(" & "))
}

/// The summary's columns that hold a value in some row: R@2 and R@5 are
/// blank on a pairwise split, and a paper's table leaves them out.
fn with_values(records: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let Some(width) = records.first().map(Vec::len) else {
        return records;
    };
    let keep: Vec<bool> = (0..width)
        .map(|col| col < 4 || records[1..].iter().any(|r| r.get(col).is_some_and(|c| c != "—")))
        .collect();
    records
        .into_iter()
        .map(|r| r.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect())
        .collect()
}

/// `rsbench report --format latex`: one booktabs table per split, a row
/// per type (or rule) and `overall`, the summary's columns with the
/// pairwise accuracy's dialogue-bootstrap interval (columns empty in every
/// row left out). `run` names the run (its directory) in captions and labels.
pub fn render_latex_grouped(meta: &RunMetadata, run: &str, rows: &[SummaryRow], group: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{HEADER}{}: {} on {}, seed {} (run {}). Needs \\usepackage{{booktabs}}.",
        meta.rsbench_version,
        one_line(&scorer_line(meta)),
        one_line(&meta.dataset.name),
        meta.seed,
        one_line(run)
    );
    if meta.response_only {
        let _ = writeln!(out, "% {RESPONSE_ONLY}");
    }
    out.push_str(&latex_tables(meta, run, rows, group));
    out
}

/// The tables of [`render_latex_grouped`] without its header comment: what
/// `report --bias-run` appends for the bias groups.
pub fn latex_tables(meta: &RunMetadata, run: &str, rows: &[SummaryRow], group: &str) -> String {
    let mut out = String::new();
    for split in split_names(rows) {
        let split_rows: Vec<&SummaryRow> = rows.iter().filter(|r| r.split == split).collect();
        let records = with_values(summary_records(&split_rows, group));
        let Some((head, body)) = records.split_first() else {
            continue;
        };
        let mut caption = format!(
            "{} on {}, {} split{}. Percentages; Acc: pairwise accuracy (R2@1 when N = 2) with its {:.0}\\,\\% percentile bootstrap interval over source dialogues ({} resamples); R@$k$ only where cases have more than $k$ candidates; ties count as their expectation over random orders.",
            latex_escape(&scorer_line(meta)),
            latex_escape(&meta.dataset.name),
            latex_escape(split),
            if group == "type" {
                String::new()
            } else {
                format!(", by {}", latex_escape(group))
            },
            meta.bootstrap.level * 100.0,
            meta.bootstrap.resamples,
        );
        if let Some(note) = excluded_note(&split_rows) {
            let _ = write!(caption, " {}.", latex_escape(&note));
        }
        let label = format!(
            "tab:rsbench-{}-{}-{}",
            label_key(run),
            label_key(split),
            label_key(group)
        );
        out.push('\n');
        table(&mut out, &caption, &label, head.len(), &[header_line(head)], body);
    }
    out
}

/// A comment's text on one line.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// The header of a comparison table: the run names over their columns
/// (`\cmidrule`s under them), then the metric with its interval, Δ and the
/// Holm-corrected p for each run but the baseline.
fn compare_head(group: &str, metric: &str, runs: &[&str], baseline: &str) -> Vec<String> {
    let mut top = vec![String::new(), String::new()];
    let mut rules = Vec::new();
    let mut second = vec![latex_escape(group), "cases".to_owned()];
    let mut col = 3;
    for run in runs {
        let width = if *run == baseline { 1 } else { 3 };
        let name = if *run == baseline {
            format!("{} (baseline)", latex_escape(run))
        } else {
            latex_escape(run)
        };
        top.push(format!("\\multicolumn{{{width}}}{{c}}{{{name}}}"));
        rules.push(format!("\\cmidrule(lr){{{col}-{}}}", col + width - 1));
        second.push(format!("{} [95\\,\\% CI]", latex_escape(metric)));
        if *run != baseline {
            second.push("$\\Delta$".to_owned());
            second.push("$p_{\\mathrm{Holm}}$".to_owned());
        }
        col += width;
    }
    vec![
        format!("{} \\\\ {}", top.join(" & "), rules.join(" ")),
        format!("{} \\\\", second.join(" & ")),
    ]
}

/// The comparison's split tables: the rows `split_records` gives the
/// terminal and Markdown tables, so a `$^{*}$` stands where they show `*`.
fn comparison_tables(out: &mut String, cmp: &Comparison, baseline: &str, alpha: f64, what: &str, key: &str) {
    let group = cmp.group_by.label();
    for (split, metric, records) in split_records(cmp, baseline) {
        let runs = first_seen(cmp.rows.iter().filter(|r| r.split == split).map(|r| r.run.as_str()));
        let head = compare_head(group, metric, &runs, baseline);
        let columns = records.first().map_or(0, Vec::len);
        let caption = format!(
            "{what}{}, {} split: {} with its 95\\,\\% dialogue-bootstrap interval (percent); $\\Delta$: run $-$ baseline \\texttt{{{}}} in points; $p_{{\\mathrm{{Holm}}}}$: exact paired test (McNemar, or its sign-flip form where ties score $\\frac{{1}}{{2}}$) for N = 2, else paired bootstrap over source dialogues, Holm-corrected across {}s (overall uncorrected); $^{{*}}$: $p_{{\\mathrm{{Holm}}}} < {alpha}$.",
            if what.is_empty() { "Comparison" } else { "" },
            latex_escape(&split),
            latex_escape(metric),
            latex_escape(baseline),
            latex_escape(group),
        );
        let label = format!("tab:rsbench-compare-{key}{}", label_key(&split));
        out.push('\n');
        table(out, &caption, &label, columns, &head, &records[1..]);
    }
}

/// `rsbench compare --format latex` (and `compare.tex`): a booktabs table
/// per split with each run's value and interval, Δ to the baseline and the
/// Holm-corrected p, significance marked as the terminal table marks it;
/// then the robustness gap and, with `--bias-run`, the bias groups' tables.
pub fn render_comparison_latex(
    cmp: &Comparison,
    baseline: &str,
    alpha: f64,
    forced: &[String],
    bias: Option<&BiasComparison>,
) -> String {
    let mut out = String::new();
    let runs = first_seen(cmp.rows.iter().map(|r| r.run.as_str()));
    let _ = writeln!(
        out,
        "{HEADER}{}: rsbench compare {} (baseline {}). Needs \\usepackage{{booktabs}}.",
        crate::VERSION,
        one_line(&runs.join(" ")),
        one_line(baseline)
    );
    if !forced.is_empty() {
        let _ = writeln!(
            out,
            "% WARNING: compared with --force despite: {}",
            one_line(&forced.join("; "))
        );
    }
    comparison_tables(&mut out, cmp, baseline, alpha, "", "");
    if cmp.gaps.iter().any(|g| g.gap.is_some()) {
        let records = gap_records(&cmp.gaps, cmp.group_by.label());
        if let Some((head, body)) = records.split_first() {
            out.push('\n');
            table(
                &mut out,
                "Robustness gap: pairwise accuracy on the clean split $-$ on the adversarial split, in points.",
                "tab:rsbench-compare-gap",
                head.len(),
                &[header_line(head)],
                body,
            );
        }
    }
    if let Some(b) = bias {
        let what = format!(
            "Bias-aligned and bias-conflicting cases ({}; paired tests within each group, Holm-corrected across the two)",
            latex_escape(&b.note())
        );
        comparison_tables(&mut out, &b.comparison, baseline, alpha, &what, "bias-");
    }
    out
}

/// A LaTeX file rsbench writes: an existing one is replaced only when its
/// first line is rsbench's header comment.
pub fn latex_kind() -> OutputKind {
    super::write::headed_file_kind("LaTeX file", HEADER, "it is not a LaTeX file rsbench wrote")
}

/// Writes `report --format latex --out FILE` whole or not at all.
pub fn write_latex(path: &Path, text: &str) -> Result<PathBuf, ReportError> {
    Ok(crate::output::write_file(path, latex_kind(), text.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(latex_escape("keyword_stuffing"), "keyword\\_stuffing");
        assert_eq!(latex_escape("a%b&c#d"), "a\\%b\\&c\\#d");
        assert_eq!(
            latex_escape("x\\y{z}$~^"),
            "x\\textbackslash{}y\\{z\\}\\$\\textasciitilde{}\\textasciicircum{}"
        );
        assert_eq!(latex_escape("—"), "---");
    }

    #[test]
    fn numbers_keep_their_sign_and_mark() {
        assert_eq!(number_cell("-3.0 *"), "$-$3.0$^{*}$");
        assert_eq!(number_cell("+1.5"), "+1.5");
        assert_eq!(number_cell("<0.001"), "\\textless{}0.001");
        assert_eq!(number_cell("41.4 [33.6, 51.4]"), "41.4 [33.6, 51.4]");
    }

    #[test]
    fn a_row_never_starts_with_a_bracket() {
        assert_eq!(body_row(&["[x]".into(), "1".into()]), "{}[x] & 1 \\\\");
        assert_eq!(label_key("a_b%c d"), "a-b-c-d");
    }
}
