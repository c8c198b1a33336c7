//! The two pages: a run's report and a comparison, each a list of sections
//! above the case browser.

use std::fmt::Write as _;
use std::path::Path;

use super::{esc, inline_svg, metadata_block, page, table, Aligned, Browser, LeftOut, Section};
use crate::eval::{Comparison, Outcome, SummaryRow};
use crate::report::compare::{first_seen, gap_records, split_records};
use crate::report::metadata::RunMetadata;
use crate::report::render::{excluded_note, scorer_line, split_names, summary_records, RESPONSE_ONLY};
use crate::report::view::CaseView;

/// Per-split tables of summary rows, `group` naming their first column.
pub(crate) fn summary_tables(id: &str, rows: &[SummaryRow], group: &str) -> String {
    let mut out = String::new();
    for split in split_names(rows) {
        let split_rows: Vec<&SummaryRow> = rows.iter().filter(|r| r.split == split).collect();
        let _ = writeln!(out, "<h3>{}</h3>", esc(split));
        out.push_str(&table(
            &format!("{id}-{split}"),
            1,
            &summary_records(&split_rows, group),
        ));
        if let Some(note) = excluded_note(&split_rows) {
            let _ = writeln!(out, "<p class=\"note\">{}.</p>", esc(&note));
        }
    }
    out
}

const VALUES_NOTE: &str = "<p class=\"note\">Values are percentages. Acc: pairwise accuracy (R2@1 when N = 2); 95 % percentile bootstrap over source dialogues. R@k is shown only where cases have more than k candidates. Ties are never broken by position: a case whose positive ties a negative is <i>tied</i>.</p>\n";

/// `report.html`: the run's tables, chart and metadata, `extra` sections
/// (the bias analysis), then every case (or, over the budget, a note).
pub fn run_page(
    meta: &RunMetadata,
    summary: &[SummaryRow],
    views: &[CaseView],
    left_out: Option<&LeftOut>,
    chart_svg: &Path,
    extra: Vec<Section>,
) -> String {
    let title = format!("{} on {}", meta.scorer.kind, meta.dataset.name);
    let mut body = format!(
        "<p>scorer: {} · dataset: {} ({} cases) · seed {} · rsbench {}</p>\n",
        esc(&scorer_line(meta)),
        esc(&meta.dataset.name),
        meta.dataset.cases,
        meta.seed,
        esc(&meta.rsbench_version)
    );
    if meta.response_only {
        let _ = writeln!(body, "<p><b>{}</b></p>", esc(RESPONSE_ONLY));
    }
    body.push_str(&summary_tables("summary", summary, "type"));
    body.push_str(VALUES_NOTE);
    body.push_str(&inline_svg(chart_svg));
    body.push_str(&metadata_block(
        "run metadata (dataset checksums, scorer identity, seed)",
        meta,
    ));
    let mut sections = vec![Section {
        id: "summary".into(),
        title: "Summary".into(),
        body,
    }];
    sections.extend(extra);
    let aligned = Aligned::one("run", views);
    let browser = match left_out {
        Some(l) => Browser::LeftOut(l),
        None => Browser::Cases(&aligned),
    };
    page(&title, &sections, "run", browser)
}

/// Discordant cases of each run against the baseline, per split and type:
/// counted from the same outcomes the browser filters on.
fn discordant_records(aligned: &Aligned<'_>) -> Vec<Vec<String>> {
    let mut records = vec![vec![
        "run".to_owned(),
        "split".to_owned(),
        "type".to_owned(),
        "cases".to_owned(),
        format!("only {} right", aligned.names[0]),
        "only the run right".to_owned(),
        "discordant through a tie".to_owned(),
    ]];
    for (r, name) in aligned.names.iter().enumerate().skip(1) {
        let mut groups: Vec<((String, String), [usize; 4])> = Vec::new();
        for row in &aligned.rows {
            let outcome = |v: &CaseView| Outcome::of(&v.case.scores, &v.case.labels);
            let (base, other) = (outcome(row[0]), outcome(row[r]));
            let c = &row[0].case;
            for t in [c.case_type.as_str(), crate::eval::OVERALL] {
                let k = (c.split.clone(), t.to_owned());
                let at = match groups.iter().position(|(g, _)| *g == k) {
                    Some(i) => i,
                    None => {
                        groups.push((k, [0; 4]));
                        groups.len() - 1
                    }
                };
                let n = &mut groups[at].1;
                n[0] += 1;
                match (base, other) {
                    (Outcome::Right, Outcome::Wrong) => n[1] += 1,
                    (Outcome::Wrong, Outcome::Right) => n[2] += 1,
                    (a, b) if a != b && (a == Outcome::Tied || b == Outcome::Tied) => n[3] += 1,
                    _ => {}
                }
            }
        }
        // Types in first-seen order, each split's overall last.
        groups.sort_by_key(|((split, t), _)| {
            let split_at = aligned.rows.iter().position(|row| &row[0].case.split == split);
            (split_at, t == crate::eval::OVERALL)
        });
        for ((split, t), n) in groups {
            records.push(vec![
                name.to_string(),
                split,
                t,
                n[0].to_string(),
                n[1].to_string(),
                n[2].to_string(),
                n[3].to_string(),
            ]);
        }
    }
    records
}

/// What `compare.html` shows besides the comparison itself.
pub struct ComparePage<'a> {
    pub comparison: &'a Comparison,
    pub baseline: &'a str,
    pub alpha: f64,
    pub forced: &'a [String],
    /// (name, cases) per run, the baseline first.
    pub runs: Vec<(&'a str, &'a [CaseView])>,
    /// The comparison's directory while it is written: its charts are inlined.
    pub staging: &'a Path,
    pub meta: &'a serde_json::Value,
    pub extra: Vec<Section>,
    /// Set when the cases are over the page's budget: `runs` then holds
    /// the cases without their texts, enough for the discordant counts.
    pub left_out: Option<LeftOut>,
}

/// `compare.html`: the tables, the discordant cases per type, the charts,
/// `extra` sections, then the cases with both runs' scores side by side.
pub fn compare_page(p: ComparePage<'_>) -> String {
    let aligned = Aligned::many(&p.runs);
    let cmp = p.comparison;
    let mut body = format!(
        "<p class=\"note\">baseline <b>{}</b>; Δ = run − baseline in points; p: exact paired test on pairwise accuracy (McNemar; its sign-flip form where ties score ½) for N = 2, else paired bootstrap over source dialogues, Holm-corrected across {}s (overall uncorrected); * = p &lt; {}</p>\n",
        esc(p.baseline),
        cmp.group_by.label(),
        p.alpha
    );
    if !p.forced.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"note\"><b>Compared with --force despite:</b> {}</p>",
            esc(&p.forced.join("; "))
        );
    }
    for (split, metric, records) in split_records(cmp, p.baseline) {
        let _ = writeln!(body, "<h3>{} ({})</h3>", esc(&split), esc(metric));
        body.push_str(&table(&format!("compare-{split}"), 1, &records));
    }
    if cmp.gaps.iter().any(|g| g.gap.is_some()) {
        body.push_str("<h3>robustness gap (pairwise accuracy, clean − adversarial)</h3>\n");
        body.push_str(&table("gap", 1, &gap_records(&cmp.gaps, cmp.group_by.label())));
    }
    let mut charts = String::new();
    for split in first_seen(cmp.rows.iter().map(|r| r.split.as_str())) {
        charts.push_str(&inline_svg(&p.staging.join(format!("chart_{split}.svg"))));
    }
    body.push_str(&charts);
    body.push_str(&metadata_block("comparison metadata", p.meta));
    let mut sections = vec![
        Section {
            id: "comparison".into(),
            title: "Comparison".into(),
            body,
        },
        Section {
            id: "discordant".into(),
            title: "Discordant cases".into(),
            body: format!(
                "<p class=\"note\">Cases one run gets right (its positive alone on top) and the other wrong (a negative alone on top): the cases behind the McNemar tests. A tie on top is neither; cases discordant through a tie enter the sign-flip test with half weight.{}</p>\n{}",
                if p.left_out.is_none() { " Browse them below (outcome filter)." } else { "" },
                table("discordant-table", 3, &discordant_records(&aligned))
            ),
        },
    ];
    sections.extend(p.extra);
    let names: Vec<&str> = p.runs.iter().map(|(n, _)| *n).collect();
    let title = format!("rsbench compare: {}", names.join(" vs "));
    let browser = match &p.left_out {
        Some(l) => Browser::LeftOut(l),
        None => Browser::Cases(&aligned),
    };
    page(&title, &sections, "compare", browser)
}
