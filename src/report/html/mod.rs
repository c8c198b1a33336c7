//! Self-contained HTML views: `report.html` of a run and `compare.html` of a
//! comparison. The tables are rendered here from the same records as the
//! Markdown and terminal tables; a case browser in inline JavaScript shows
//! the cases, embedded as JSON.
//!
//! Invariants:
//! - One file with no external reference: CSS, JS, data and charts inline,
//!   and a Content-Security-Policy that forbids every fetch, so a page cannot
//!   reach the network even by mistake.
//! - Same run, same bytes: no clock, cases in file order, JSON from serde.
//! - What the browser shows of a case's outcome (right, wrong, tied) and
//!   margin is computed here from the metric code, never re-derived in JS.

use std::fmt::Write as _;

use serde::Serialize;

use super::view::CaseView;
use crate::eval::{Outcome, RunCase};

mod pages;

pub(crate) use pages::summary_tables;
pub use pages::{compare_page, run_page, ComparePage};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("browser.js");

/// The best positive's score less the best negative's; `None` without both.
pub fn margin(case: &RunCase) -> Option<f64> {
    let best = |want: u8| {
        case.scores
            .iter()
            .zip(&case.labels)
            .filter(|(_, &l)| l == want)
            .map(|(&s, _)| s)
            .reduce(f64::max)
    };
    Some(best(1)? - best(0)?)
}

#[derive(Serialize)]
struct Candidate<'a> {
    text: &'a str,
    label: u8,
    origin: &'a str,
    rule: Option<&'a str>,
    /// The rule without its ending, as `--by rule` groups.
    family: Option<&'a str>,
    made_from: Option<&'a str>,
}

/// One case as the browser reads it; per-run fields hold one entry per run.
#[derive(Serialize)]
struct CaseData<'a> {
    split: &'a str,
    id: &'a str,
    #[serde(rename = "type")]
    case_type: &'a str,
    dialogue: &'a str,
    /// Index into `contexts` (cases share contexts).
    context: usize,
    candidates: Vec<Candidate<'a>>,
    scores: Vec<&'a [f64]>,
    ranks: Vec<Vec<f64>>,
    outcome: Vec<Outcome>,
    margin: Vec<Option<f64>>,
}

#[derive(Serialize)]
struct PageData<'a> {
    kind: &'static str,
    runs: Vec<&'a str>,
    contexts: Vec<&'a [String]>,
    cases: Vec<CaseData<'a>>,
}

/// Cases of one or more runs on the same cases, aligned on the first's.
pub(crate) struct Aligned<'a> {
    pub names: Vec<&'a str>,
    /// `rows[i][r]`: case i as run r scored it.
    pub rows: Vec<Vec<&'a CaseView>>,
}

impl<'a> Aligned<'a> {
    pub fn one(name: &'a str, cases: &'a [CaseView]) -> Aligned<'a> {
        Aligned {
            names: vec![name],
            rows: cases.iter().map(|c| vec![c]).collect(),
        }
    }

    /// The first run's cases, each with every other run's copy of it; a case
    /// another run lacks is left out (compare refuses such runs before).
    pub fn many(runs: &[(&'a str, &'a [CaseView])]) -> Aligned<'a> {
        let index: Vec<std::collections::HashMap<(&str, &str), &CaseView>> = runs
            .iter()
            .map(|(_, cases)| {
                cases
                    .iter()
                    .map(|c| ((c.case.split.as_str(), c.case.case_id.as_str()), c))
                    .collect()
            })
            .collect();
        let rows = runs
            .first()
            .map(|(_, first)| {
                first
                    .iter()
                    .filter_map(|c| {
                        let k = (c.case.split.as_str(), c.case.case_id.as_str());
                        index.iter().map(|ix| ix.get(&k).copied()).collect::<Option<Vec<_>>>()
                    })
                    .collect()
            })
            .unwrap_or_default();
        Aligned {
            names: runs.iter().map(|(n, _)| *n).collect(),
            rows,
        }
    }
}

fn page_data<'a>(kind: &'static str, aligned: &'a Aligned<'a>) -> PageData<'a> {
    let mut contexts: Vec<&[String]> = Vec::new();
    let mut seen: std::collections::HashMap<&[String], usize> = std::collections::HashMap::new();
    let cases = aligned
        .rows
        .iter()
        .map(|row| {
            let first = row[0];
            let turns = first.context.as_slice();
            let context = *seen.entry(turns).or_insert_with(|| {
                contexts.push(turns);
                contexts.len() - 1
            });
            CaseData {
                split: &first.case.split,
                id: &first.case.case_id,
                case_type: &first.case.case_type,
                dialogue: &first.case.dialogue,
                context,
                candidates: first
                    .candidates
                    .iter()
                    .zip(&first.case.labels)
                    .map(|(c, &label)| Candidate {
                        text: &c.text,
                        label,
                        origin: &c.origin,
                        rule: c.rule.as_deref(),
                        family: c.rule.as_deref().map(|r| crate::data::RuleId(r).family()),
                        made_from: c.made_from.as_deref(),
                    })
                    .collect(),
                scores: row.iter().map(|v| v.case.scores.as_slice()).collect(),
                ranks: row
                    .iter()
                    .map(|v| v.candidates.iter().map(|c| c.rank).collect())
                    .collect(),
                outcome: row
                    .iter()
                    .map(|v| Outcome::of(&v.case.scores, &v.case.labels))
                    .collect(),
                margin: row.iter().map(|v| margin(&v.case)).collect(),
            }
        })
        .collect();
    PageData {
        kind,
        runs: aligned.names.clone(),
        contexts,
        cases,
    }
}

/// Text made safe inside HTML elements and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table from records (header first); `id` names it for tests and
/// links; the first `text_cols` columns are text, the rest numbers.
pub(crate) fn table(id: &str, text_cols: usize, records: &[Vec<String>]) -> String {
    let mut out = format!("<table id=\"{}\">", esc(id));
    for (i, rec) in records.iter().enumerate() {
        let cell = if i == 0 { "th" } else { "td" };
        out.push_str("<tr>");
        for (j, v) in rec.iter().enumerate() {
            let class = if j >= text_cols && i > 0 { " class=\"num\"" } else { "" };
            let _ = write!(out, "<{cell}{class}>{}</{cell}>", esc(v));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>\n");
    out
}

/// How many cases a page's browser embeds. Each case costs about 1 KB of
/// page and several of memory while the page is built: 4,440 KorAdvMRS
/// cases make a 4.2 MB page, a million would make a page no browser opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCases {
    /// At most this many cases (all splits together); above it the browser
    /// is left out and the page says how to get it.
    UpTo(usize),
    All,
}

impl PageCases {
    pub const DEFAULT: PageCases = PageCases::UpTo(20_000);
}

impl Default for PageCases {
    fn default() -> Self {
        PageCases::DEFAULT
    }
}

impl std::str::FromStr for PageCases {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "all" {
            return Ok(PageCases::All);
        }
        s.parse::<usize>()
            .map(PageCases::UpTo)
            .map_err(|_| format!("`{s}` is neither a number of cases nor `all`"))
    }
}

/// A page's cases were over its budget: a note takes the browser's place,
/// with no data and no script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub cases: usize,
    pub limit: usize,
    /// The command that writes the page with every case.
    pub command: String,
}

impl LeftOut {
    /// `Some` when `cases` are over `budget`.
    pub fn check(cases: usize, budget: PageCases, command: impl FnOnce() -> String) -> Option<LeftOut> {
        match budget {
            PageCases::UpTo(limit) if cases > limit => Some(LeftOut {
                cases,
                limit,
                command: command(),
            }),
            _ => None,
        }
    }
}

/// What a page shows below its sections.
pub(crate) enum Browser<'a> {
    Cases(&'a Aligned<'a>),
    LeftOut(&'a LeftOut),
}

/// A titled section of a page, its body already HTML.
pub struct Section {
    pub id: String,
    pub title: String,
    pub body: String,
}

/// The whole page: head with the policy and style, the sections, the case
/// browser and its data.
pub(crate) fn page(title: &str, sections: &[Section], kind: &'static str, browser: Browser<'_>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"rsbench {version}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header><h1>{title}</h1></header>\n<main>\n",
        version = esc(crate::VERSION),
        title = esc(title),
    );
    for s in sections {
        let _ = write!(
            out,
            "<section id=\"{}\"><h2>{}</h2>\n{}</section>\n",
            esc(&s.id),
            esc(&s.title),
            s.body
        );
    }
    match browser {
        Browser::Cases(aligned) => {
            let data = serde_json::to_string(&page_data(kind, aligned)).unwrap_or_else(|_| "null".into());
            // `<` only occurs inside JSON strings, where \u003c reads the same; the
            // script element can then never be closed by the data.
            let data = data.replace('<', "\\u003c");
            out.push_str(BROWSER_HTML);
            let _ = write!(
                out,
                "</main>\n<script type=\"application/json\" id=\"data\">{data}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
            );
        }
        Browser::LeftOut(LeftOut { cases, limit, command }) => {
            let _ = write!(
                out,
                "<section id=\"browser\"><h2>Cases</h2>\n<p class=\"note\" id=\"left-out\">{cases} cases are more than the {limit} this page may embed, so this page has no case browser; every table above counts all of them. <code>{}</code> writes a page with every case.</p>\n</section>\n</main>\n</body>\n</html>\n",
                esc(command)
            );
        }
    }
    out
}

/// The case browser's controls; browser.js fills them and the list.
const BROWSER_HTML: &str = r#"<section id="browser"><h2>Cases</h2>
<div class="controls">
<label>split <select id="f-split"></select></label>
<label>type <select id="f-type"></select></label>
<label>rule family <select id="f-family"></select></label>
<label id="l-run">run <select id="f-run"></select></label>
<label>outcome <select id="f-outcome"></select></label>
<label>dialogue <input id="f-dialogue" type="text" size="14" placeholder="any"></label>
<label>search <input id="f-q" type="search" size="22" placeholder="text in context or candidates (/)"></label>
<label>sort <select id="f-sort"><option value="file">file order</option><option value="margin-asc">margin, worst first</option><option value="margin-desc">margin, best first</option></select></label>
<button id="f-reset" type="button">reset</button>
</div>
<p class="status"><span id="count">0</span> of <span id="total">0</span> cases <span id="in-split"></span> · page <span id="page">1</span> of <span id="pages">1</span>
<button id="prev" type="button">← prev</button> <button id="next" type="button">next →</button>
<span class="keys">keys: j/k case, ←/→ page, / search, Enter permalink</span></p>
<div id="cases"></div>
</section>
"#;

/// Metadata as a collapsible block of pretty JSON.
pub(crate) fn metadata_block(summary: &str, value: &impl Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    format!(
        "<details id=\"metadata\"><summary>{}</summary><pre>{}</pre></details>\n",
        esc(summary),
        esc(&text)
    )
}

/// An SVG chart inlined as written (plotters' own file), if there is one.
pub(crate) fn inline_svg(path: &std::path::Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(svg) if svg.trim_start().starts_with("<svg") => format!("<figure class=\"chart\">{svg}</figure>\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(scores: &[f64], labels: &[u8]) -> RunCase {
        RunCase {
            split: "adversarial".into(),
            case_id: "c".into(),
            case_type: "t".into(),
            dialogue: "d".into(),
            scores: scores.to_vec(),
            labels: labels.to_vec(),
            rules: Vec::new(),
        }
    }

    #[test]
    fn the_margin_is_the_best_positive_less_the_best_negative() {
        assert_eq!(margin(&case(&[0.5, 2.0, 1.0], &[1, 0, 0])), Some(-1.5));
        assert_eq!(margin(&case(&[0.5], &[1])), None);
    }

    #[test]
    fn data_cannot_close_its_script_element() {
        let view = CaseView {
            case: case(&[1.0, 0.0], &[1, 0]),
            context: vec!["</script><script>alert(1)</script>".into()],
            candidates: vec![
                super::super::view::CandidateView {
                    text: "a".into(),
                    origin: "given".into(),
                    rule: None,
                    made_from: None,
                    rank: 1.0,
                },
                super::super::view::CandidateView {
                    text: "<b>".into(),
                    origin: "given".into(),
                    rule: None,
                    made_from: None,
                    rank: 2.0,
                },
            ],
        };
        let views = [view];
        let aligned = Aligned::one("r", &views);
        let html = page("t<", &[], "run", Browser::Cases(&aligned));
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the two script elements close"
        );
        assert!(html.contains("<title>t&lt;</title>"));
        let start = html.find("id=\"data\">").unwrap() + 10;
        let end = start + html[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(data["contexts"][0][0], "</script><script>alert(1)</script>");
        assert_eq!(data["cases"][0]["outcome"][0], "right");
    }
}
