//! report.html and compare.html: self-contained, deterministic, and working
//! in a real browser (headless Chromium driven by tests/browser/cdp.py over
//! the DevTools protocol). What a page shows is checked against numbers
//! recomputed here from the runs' predictions.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::common::{self, rsbench, text};
use rsbench::report::{load_case_views, CaseView};

fn eval(dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["eval", "--out", out, "-q"];
    args.extend_from_slice(extra);
    let o = rsbench(&args, dir);
    assert!(o.status.success(), "eval {extra:?}: {}", text(&o.stderr));
    dir.join(out)
}

/// What a page did under a scenario: each step's result, the requests it
/// made beyond its own file, its console errors and exceptions.
struct Driven {
    results: Vec<Value>,
}

fn drive(page: &Path, steps: Value) -> Driven {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scenario = json!({
        "url": format!("file://{}", page.canonicalize().unwrap().display()),
        "width": 1400, "height": 900, "steps": steps,
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scenario.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    let o = Command::new(root.join(".venv/bin/python"))
        .arg(root.join("tests/browser/cdp.py"))
        .arg(&file)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "driving Chromium (scripts/setup.sh installs it): {}",
        text(&o.stderr)
    );
    let out: Value = serde_json::from_slice(&o.stdout).expect("cdp.py prints JSON");
    assert_eq!(out["requests"], json!([]), "the page reached out");
    assert_eq!(out["errors"], json!([]), "the page logged errors");
    Driven {
        results: out["results"].as_array().unwrap().clone(),
    }
}

fn eval_js(js: &str) -> Value {
    json!({"do": "eval", "js": js})
}

const COUNT: &str = "[document.getElementById('count').textContent, document.getElementById('total').textContent]";
const SELECTED: &str =
    "(() => { const e = document.querySelector('article.case.selected'); return e ? e.dataset.key : null; })()";
const SHOWN: &str = "[...document.querySelectorAll('article.case')].map(e => e.dataset.key)";

fn n(v: &Value) -> usize {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a count: {v}"))
}

/// Right, wrong or tied, recomputed: the best positive against the best negative.
fn outcome(c: &CaseView) -> &'static str {
    let best = |want: u8| {
        c.case
            .scores
            .iter()
            .zip(&c.case.labels)
            .filter(|(_, &l)| l == want)
            .map(|(s, _)| *s)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let (pos, neg) = (best(1), best(0));
    if pos > neg {
        "right"
    } else if pos < neg {
        "wrong"
    } else {
        "tied"
    }
}

fn haystack(c: &CaseView) -> String {
    let mut parts = vec![c.case.case_id.clone()];
    parts.extend(c.context.iter().cloned());
    parts.extend(c.candidates.iter().map(|k| k.text.clone()));
    parts.join("\n").to_lowercase()
}

#[test]
fn a_run_page_is_one_deterministic_file_that_report_writes_again() {
    let dir = tempfile::tempdir().unwrap();
    let a = eval(dir.path(), "a", &[]);
    let b = eval(dir.path(), "b", &[]);
    let page = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert_eq!(page, std::fs::read_to_string(b.join("report.html")).unwrap());
    // Nothing to fetch: no external element, and a policy that forbids it.
    for needle in ["<link", " src=", "<img", "@import", "url("] {
        assert!(!page.contains(needle), "report.html has {needle}");
    }
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none';"));
    assert!(page.contains("<svg"), "the chart is inline");
    // `report --format html` gives the same bytes from the run's files.
    let o = rsbench(&["report", "a", "--format", "html", "--out", "again.html"], dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(page, std::fs::read_to_string(dir.path().join("again.html")).unwrap());
    // It rewrites its own page, never a file of the user's.
    std::fs::write(dir.path().join("mine.html"), "<p>mine</p>").unwrap();
    let o = rsbench(&["report", "a", "--format", "html", "--out", "mine.html"], dir.path());
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("mine.html: not replaced"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine.html")).unwrap(),
        "<p>mine</p>"
    );
    let o = rsbench(&["report", "a", "--format", "html"], dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(page, std::fs::read_to_string(a.join("report.html")).unwrap());
}

#[test]
fn the_case_browser_filters_searches_pages_and_opens_permalinks_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let run = eval(dir.path(), "run", &[]);
    let views = load_case_views(&run).unwrap();
    let adversarial: Vec<&CaseView> = views.iter().filter(|v| v.case.split == "adversarial").collect();
    let negation = adversarial.iter().filter(|v| v.case.case_type == "negation").count();
    let query = "여행";
    let searched = adversarial
        .iter()
        .filter(|v| v.case.case_type == "negation" && haystack(v).contains(query))
        .count();
    let wrong = adversarial.iter().filter(|v| outcome(v) == "wrong").count();
    assert!(
        searched > 0 && searched < negation,
        "the query narrows the list ({searched} of {negation})"
    );
    let target = views.iter().find(|v| v.case.split == "clean").unwrap();
    let key = format!("clean/{}", target.case.case_id);
    let page = run.join("report.html");
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let d = drive(
        &page,
        json!([
            eval_js(COUNT),
            eval_js(SHOWN),
            {"do": "select", "selector": "#f-type", "value": "negation"},
            eval_js(COUNT),
            {"do": "type", "selector": "#f-q", "text": query},
            eval_js(COUNT),
            eval_js(SHOWN),
            eval_js("document.activeElement.blur()"),
            {"do": "key", "key": "j"},
            {"do": "key", "key": "j"},
            eval_js(SELECTED),
            {"do": "key", "key": "k"},
            eval_js(SELECTED),
            {"do": "click", "selector": "#f-reset"},
            {"do": "select", "selector": "#f-outcome", "value": "wrong"},
            eval_js(COUNT),
            {"do": "select", "selector": "#f-outcome", "value": ""},
            {"do": "key", "key": "ArrowRight"},
            eval_js("document.getElementById('page').textContent"),
            {"do": "navigate", "url": format!("{url}#case={}", key.replace('/', "%2F"))},
            eval_js(SELECTED),
            eval_js("document.getElementById('f-split').value"),
        ]),
    );
    let r = &d.results;
    // One split at a time: the count is the dataset's.
    assert_eq!((n(&r[0][0]), n(&r[0][1])), (adversarial.len(), adversarial.len()));
    assert_eq!(
        r[1].as_array().unwrap().len(),
        50.min(adversarial.len()),
        "a page of 50"
    );
    assert_eq!(n(&r[3][0]), negation);
    assert_eq!(n(&r[5][0]), searched);
    let shown: Vec<String> = r[6]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = adversarial
        .iter()
        .filter(|v| v.case.case_type == "negation" && haystack(v).contains(query))
        .map(|v| format!("adversarial/{}", v.case.case_id))
        .collect();
    assert_eq!(
        shown, expected,
        "the search shows exactly the matching cases, in file order"
    );
    // j twice, k once: the first case of the list.
    assert_eq!(r[12].as_str(), Some(expected[0].as_str()));
    assert_eq!(n(&r[15][0]), wrong, "outcome filter");
    assert_eq!(r[18].as_str(), Some("2"), "→ turns the page");
    assert_eq!(r[20].as_str(), Some(key.as_str()), "the permalink opens its case");
    assert_eq!(r[21].as_str(), Some("clean"));
}

#[test]
fn koradvmrs_opens_and_filters_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir();
    let run = eval(dir.path(), "k", &["--dataset", data.to_str().unwrap()]);
    let views = load_case_views(&run).unwrap();
    assert_eq!(views.len(), 4440);
    let candidates: usize = views.iter().map(|v| v.candidates.len()).sum();
    assert_eq!(candidates, 26_640);
    let query = "영화";
    let matching = views.iter().filter(|v| haystack(v).contains(query)).count();
    let d = drive(
        &run.join("report.html"),
        json!([
            eval_js(COUNT),
            {"do": "select", "selector": "#f-split", "value": ""},
            eval_js(COUNT),
            // Timed for the docs, not asserted: a search over both splits.
            eval_js("(() => { const t = performance.now(); const e = document.getElementById('f-q'); e.value = '영화'; e.dispatchEvent(new Event('input')); return [document.getElementById('count').textContent, performance.now() - t]; })()"),
            // And the page's load, from navigation to its load event.
            eval_js("performance.getEntriesByType('navigation')[0].loadEventEnd"),
        ]),
    );
    let r = &d.results;
    assert_eq!((n(&r[0][0]), n(&r[0][1])), (2220, 2220));
    assert_eq!((n(&r[2][0]), n(&r[2][1])), (4440, 4440));
    assert_eq!(n(&r[3][0]), matching);
    eprintln!(
        "KorAdvMRS report.html: {} bytes; loaded in {:.0} ms; a search over 4,440 cases took {:.1} ms in Chromium",
        std::fs::metadata(run.join("report.html")).unwrap().len(),
        r[4].as_f64().unwrap(),
        r[3][1].as_f64().unwrap()
    );
}

#[test]
fn compare_html_shows_the_discordant_cases_behind_the_tests() {
    let dir = tempfile::tempdir().unwrap();
    let base = eval(dir.path(), "bm25", &[]);
    let other = eval(dir.path(), "rand", &["--scorer", "random"]);
    let o = rsbench(&["compare", "bm25", "rand", "--out", "cmp", "-q"], dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (a, b) = (load_case_views(&base).unwrap(), load_case_views(&other).unwrap());
    let pairs: Vec<(&CaseView, &CaseView)> = a
        .iter()
        .filter(|v| v.case.split == "adversarial")
        .map(|v| {
            (
                v,
                b.iter()
                    .find(|w| w.case.split == v.case.split && w.case.case_id == v.case.case_id)
                    .unwrap(),
            )
        })
        .collect();
    let discordant: Vec<String> = pairs
        .iter()
        .filter(|(x, y)| outcome(x) != outcome(y))
        .map(|(x, _)| format!("adversarial/{}", x.case.case_id))
        .collect();
    let base_only = pairs
        .iter()
        .filter(|(x, y)| outcome(x) == "right" && outcome(y) == "wrong")
        .count();
    let run_only = pairs
        .iter()
        .filter(|(x, y)| outcome(x) == "wrong" && outcome(y) == "right")
        .count();
    assert!(base_only + run_only > 0);
    let page = dir.path().join("cmp/compare.html");
    let d = drive(
        &page,
        json!([
            eval_js(COUNT),
            eval_js(SHOWN),
            {"do": "select", "selector": "#f-outcome", "value": "baseline-only"},
            eval_js(COUNT),
            {"do": "select", "selector": "#f-outcome", "value": "run-only"},
            eval_js(COUNT),
            // The overall row of the discordant table, adversarial split.
            eval_js("[...document.querySelectorAll('#discordant-table tr')].map(r => [...r.cells].map(c => c.textContent)).find(r => r[1] === 'adversarial' && r[2] === 'overall')"),
            eval_js("document.querySelectorAll('article.case table.cands tr')[0].cells.length"),
        ]),
    );
    let r = &d.results;
    assert_eq!(n(&r[0][0]), discordant.len());
    let shown: Vec<String> = r[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, discordant[..discordant.len().min(50)]);
    assert_eq!(n(&r[3][0]), base_only);
    assert_eq!(n(&r[5][0]), run_only);
    let row = r[6].as_array().unwrap();
    assert_eq!((n(&row[4]), n(&row[5])), (base_only, run_only));
    // Both runs' rank and score, then label, text, origin, rule.
    assert_eq!(r[7].as_u64(), Some(8));
}

/// Pairwise accuracy (½ for a tie) of each bias group, recomputed.
fn bias_accuracy(model: &[CaseView], bias: &[CaseView], split: &str) -> (f64, f64) {
    let acc = |v: &CaseView| match outcome(v) {
        "right" => 1.0,
        "wrong" => 0.0,
        _ => 0.5,
    };
    let (mut aligned, mut conflicting) = (Vec::new(), Vec::new());
    for v in model.iter().filter(|v| v.case.split == split) {
        let b = bias
            .iter()
            .find(|w| w.case.split == split && w.case.case_id == v.case.case_id)
            .unwrap();
        if outcome(b) == "right" {
            aligned.push(acc(v));
        } else {
            conflicting.push(acc(v));
        }
    }
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    (mean(&aligned), mean(&conflicting))
}

#[test]
fn bias_aligned_and_conflicting_accuracies_match_the_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let model = eval(dir.path(), "model", &[]);
    let bias = eval(dir.path(), "bias", &["--scorer", "tfidf"]);
    let other = eval(dir.path(), "other", &["--scorer", "random"]);
    let (m, b, r) = (
        load_case_views(&model).unwrap(),
        load_case_views(&bias).unwrap(),
        load_case_views(&other).unwrap(),
    );
    let o = rsbench(
        &["report", "model", "--bias-run", "bias", "--format", "json"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = |split: &str, group: &str| -> f64 {
        json["bias"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["split"] == split && r["type"] == group)
            .unwrap()["pair_acc"]
            .as_f64()
            .unwrap()
    };
    let (aligned, conflicting) = bias_accuracy(&m, &b, "adversarial");
    assert!((row("adversarial", "bias-aligned") - aligned).abs() < 1e-12);
    assert!((row("adversarial", "bias-conflicting") - conflicting).abs() < 1e-12);
    // The same groups in compare, with a paired test per group.
    let o = rsbench(
        &["compare", "model", "other", "--bias-run", "bias", "--out", "cmp", "-q"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("cmp/bias.json")).unwrap()).unwrap();
    let get = |run: &str, group: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["split"] == "adversarial" && r["run"] == run && r["bias"] == group)
            .unwrap()
            .clone()
    };
    let (oa, oc) = bias_accuracy(&r, &b, "adversarial");
    assert!((get("model", "bias-aligned")["value"].as_f64().unwrap() - aligned).abs() < 1e-12);
    assert!((get("other", "bias-conflicting")["value"].as_f64().unwrap() - oc).abs() < 1e-12);
    let delta = get("other", "bias-aligned")["delta"].as_f64().unwrap();
    assert!((delta - (oa - aligned)).abs() < 1e-12);
    assert!(get("other", "bias-aligned")["p"].as_f64().is_some());
    let page = std::fs::read_to_string(dir.path().join("cmp/compare.html")).unwrap();
    assert!(page.contains("id=\"bias-adversarial\""));
    // A bias run on other cases is refused, naming it.
    eval(dir.path(), "two", &["--seed", "7"]);
    let o = rsbench(&["report", "model", "--bias-run", "two"], dir.path());
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("two: not a run on the same cases: seed differs"), "{err}");
}

#[cfg(feature = "torch")]
#[test]
fn response_only_scores_every_candidate_without_its_context() {
    let dir = tempfile::tempdir().unwrap();
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
    let m = model.to_str().unwrap();
    let full = eval(dir.path(), "full", &["--model", m, "--dtype", "f32"]);
    let hidden = eval(
        dir.path(),
        "hidden",
        &["--model", m, "--dtype", "f32", "--response-only"],
    );
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(hidden.join("metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["response_only"], true);
    let plain: Value = serde_json::from_str(&std::fs::read_to_string(full.join("metadata.json")).unwrap()).unwrap();
    assert!(
        plain.get("response_only").is_none(),
        "a plain run's metadata is as before"
    );
    // A response scores the same in every case once contexts are hidden,
    // and not so with them.
    let spread = |views: &[CaseView]| -> f64 {
        let mut by_text: std::collections::HashMap<&str, Vec<f64>> = std::collections::HashMap::new();
        for v in views {
            for (k, s) in v.candidates.iter().zip(&v.case.scores) {
                by_text.entry(&k.text).or_default().push(*s);
            }
        }
        by_text
            .values()
            .map(|s| s.iter().cloned().fold(f64::MIN, f64::max) - s.iter().cloned().fold(f64::MAX, f64::min))
            .fold(0.0, f64::max)
    };
    let (h, f) = (load_case_views(&hidden).unwrap(), load_case_views(&full).unwrap());
    assert_eq!(spread(&h), 0.0);
    assert!(spread(&f) > 1e-6);
    // The candidates are the same: only what the scorer saw changed.
    let texts = |views: &[CaseView]| -> Vec<Vec<String>> {
        views
            .iter()
            .map(|v| v.candidates.iter().map(|k| k.text.clone()).collect())
            .collect()
    };
    assert_eq!(texts(&h), texts(&f));
    assert_eq!(h[0].context, f[0].context);
    let o = rsbench(&["report", "hidden"], dir.path());
    assert!(text(&o.stdout).starts_with("response-only:"), "{}", text(&o.stdout));
}

/// The `<table id=…>` element of a page, whole.
fn table_html<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = page[start..].find("</table>").unwrap() + start;
    &page[start..end]
}

#[test]
fn pages_over_their_case_budget_keep_every_table_and_say_how_to_get_the_cases() {
    let dir = tempfile::tempdir().unwrap();
    let run = eval(dir.path(), "bm25", &["--page-cases", "10"]);
    let cases = load_case_views(&run).unwrap().len();
    assert!(cases > 10);
    let small = std::fs::read_to_string(run.join("report.html")).unwrap();
    assert!(small.contains("id=\"left-out\""), "{small}");
    assert!(small.contains(&format!("{cases} cases are more than the 10")));
    assert!(small.contains("--page-cases all"));
    assert!(!small.contains("id=\"data\"") && !small.contains("<script>"));
    // The same run's page with every case: the same tables, and the browser.
    let o = rsbench(
        &[
            "report",
            "bm25",
            "--format",
            "html",
            "--page-cases",
            "all",
            "--out",
            "full.html",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let full = std::fs::read_to_string(dir.path().join("full.html")).unwrap();
    assert!(full.contains("id=\"data\"") && !full.contains("id=\"left-out\""));
    let head = |p: &str| p[..p.find("<section id=\"browser\">").unwrap()].to_owned();
    assert_eq!(head(&small), head(&full));
    // The default budget holds this run: eval's page equals report's.
    let o = rsbench(
        &["report", "bm25", "--format", "html", "--out", "default.html"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("default.html")).unwrap(), full);

    // compare.html over its budget: the discordant counts are those of the full page.
    eval(dir.path(), "rand", &["--scorer", "random"]);
    for (out, budget) in [("cmp-small", "10"), ("cmp-full", "all")] {
        let o = rsbench(
            &["compare", "bm25", "rand", "--out", out, "-q", "--page-cases", budget],
            dir.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let small = std::fs::read_to_string(dir.path().join("cmp-small/compare.html")).unwrap();
    let full = std::fs::read_to_string(dir.path().join("cmp-full/compare.html")).unwrap();
    assert!(small.contains("id=\"left-out\"") && !small.contains("id=\"data\""));
    assert!(full.contains("id=\"data\""));
    let discordant = table_html(&small, "discordant-table");
    assert!(discordant.contains("<td>overall</td>"), "{discordant}");
    assert_eq!(discordant, table_html(&full, "discordant-table"));
    let o = rsbench(
        &["report", "bm25", "--format", "html", "--page-cases", "many"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("neither a number of cases nor `all`"),
        "{}",
        text(&o.stderr)
    );
}
