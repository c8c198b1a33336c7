//! Exports for papers and leaderboards: `report`/`compare --format latex`,
//! `report --format model-index` read back with PyYAML and huggingface_hub,
//! and `report --format trec` read back with ranx, whose metrics must be
//! rsbench's own. Runs the project venv's Python (scripts/setup.sh).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{self, rsbench, text};

fn python() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(p.is_file(), "{} missing: run scripts/setup.sh", p.display());
    p
}

/// Runs `code` with the venv's Python (`args` as sys.argv[1:]) and reads
/// the JSON it prints.
fn python_json(code: &str, args: &[&Path]) -> Value {
    let o = Command::new(python())
        .arg("-W")
        .arg("ignore")
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "python (scripts/setup.sh installs its packages): {}",
        text(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

fn eval(cwd: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["eval", "--out", out, "-q"];
    args.extend_from_slice(extra);
    let o = rsbench(&args, cwd);
    assert!(o.status.success(), "eval {extra:?}: {}", text(&o.stderr));
    cwd.join(out)
}

/// The sample set with two types renamed to names LaTeX must escape.
fn sample_with_odd_types(cwd: &Path) -> String {
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/sample");
    let to = cwd.join("data");
    common::copy_dir(&from, &to);
    std::fs::rename(to.join("repetition.jsonl"), to.join("keyword_stuffing.jsonl")).unwrap();
    std::fs::rename(to.join("topic.jsonl"), to.join("a%b&c#d.jsonl")).unwrap();
    "data".to_owned()
}

fn summary(run: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    v.as_array().unwrap().clone()
}

fn row<'a>(summary: &'a [Value], split: &str, group: &str) -> &'a Value {
    summary
        .iter()
        .find(|r| r["split"] == split && r["type"] == group)
        .unwrap_or_else(|| panic!("no summary row {split}/{group}"))
}

/// The LaTeX tables of a text: each table's body rows (between the
/// header's `\midrule` and `\bottomrule`, inner rules left out) as cells.
fn latex_tables(tex: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    for table in tex.split("\\begin{tabular}").skip(1) {
        let table = table.split("\\end{tabular}").next().unwrap();
        assert!(table.contains("\\toprule") && table.contains("\\bottomrule"), "{table}");
        let body = table
            .split_once("\\midrule")
            .unwrap()
            .1
            .split("\\bottomrule")
            .next()
            .unwrap();
        let rows = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "\\midrule")
            .map(|l| {
                let l = l.strip_suffix("\\\\").unwrap_or_else(|| panic!("row {l}")).trim();
                l.split(" & ").map(str::to_owned).collect()
            })
            .collect();
        tables.push(rows);
    }
    tables
}

#[test]
fn latex_report_has_booktabs_rows_per_type_intervals_and_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_with_odd_types(tmp.path());
    let run = eval(tmp.path(), "my_run", &["--dataset", &data]);
    let o = rsbench(&["report", "my_run", "--format", "latex"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let tex = text(&o.stdout);
    assert!(tex.starts_with("% rsbench "), "{tex}");
    assert_eq!(tex.matches("\\toprule").count(), 2, "one table per split");
    assert_eq!(tex.matches("\\bottomrule").count(), 2);
    // The header's rule, and one above `overall`, per table.
    assert_eq!(tex.matches("\\midrule").count(), 4);
    // Outside comments every `_`, `%`, `&` that is text is escaped.
    for line in tex.lines().filter(|l| !l.starts_with('%')) {
        for (i, c) in line.char_indices() {
            if c == '_' || c == '#' {
                assert!(line[..i].ends_with('\\'), "unescaped {c} in {line}");
            }
        }
    }
    assert!(tex.contains("\\label{tab:rsbench-my-run-adversarial-type}"), "{tex}");

    let rows = summary(&run);
    let tables = latex_tables(&tex);
    assert_eq!(tables.len(), 2);
    let pct = |v: &Value| format!("{:.1}", 100.0 * v.as_f64().unwrap());
    for (table, split) in tables.iter().zip(["adversarial", "clean"]) {
        let names: Vec<&str> = table.iter().map(|r| r[0].as_str()).collect();
        // The summary's rows, in its order, their names escaped.
        let groups: Vec<&str> = rows
            .iter()
            .filter(|r| r["split"] == split)
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        let escaped: Vec<String> = groups
            .iter()
            .map(|g| {
                g.replace('_', "\\_")
                    .replace('%', "\\%")
                    .replace('&', "\\&")
                    .replace('#', "\\#")
            })
            .collect();
        assert_eq!(names, escaped, "{split}: one row per type, then overall");
        assert_eq!(names.len(), 8, "{names:?}");
        assert!(
            names.contains(&"keyword\\_stuffing") && names.contains(&"a\\%b\\&c\\#d"),
            "{names:?}"
        );
        for (cells, group) in table.iter().zip(&groups) {
            let r = row(&rows, split, group);
            assert_eq!(cells[1], r["cases"].to_string(), "{split}/{group}");
            let interval = format!(
                "{} [{}, {}]",
                pct(&r["pair_acc"]),
                pct(&r["pair_acc_lo"]),
                pct(&r["pair_acc_hi"])
            );
            assert_eq!(cells[4], interval, "{split}/{group}: the summary's interval");
            assert_eq!(cells.last().unwrap(), &pct(&r["p1"]), "{split}/{group}: P@1");
        }
        // R@2 and R@5 are blank on the pairwise split: their columns are left out.
        let width = if split == "adversarial" { 9 } else { 11 };
        assert!(table.iter().all(|r| r.len() == width), "{split}: {table:?}");
    }

    // --out writes the file, replaces its own file, never a user's.
    let o = rsbench(&["report", "my_run", "--format", "latex", "--out", "t.tex"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(tmp.path().join("t.tex")).unwrap(), tex);
    let again = rsbench(&["report", "my_run", "--format", "latex", "--out", "t.tex"], tmp.path());
    assert!(again.status.success(), "{}", text(&again.stderr));
    std::fs::write(tmp.path().join("paper.tex"), "\\documentclass{article}\n").unwrap();
    let refused = rsbench(
        &["report", "my_run", "--format", "latex", "--out", "paper.tex"],
        tmp.path(),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("not a LaTeX file rsbench wrote"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("paper.tex")).unwrap(),
        "\\documentclass{article}\n"
    );
}

#[test]
fn latex_compare_marks_significance_where_the_terminal_table_does() {
    let tmp = tempfile::tempdir().unwrap();
    let data = sample_with_odd_types(tmp.path());
    eval(tmp.path(), "bm25_run", &["--dataset", &data, "--scorer", "bm25"]);
    eval(tmp.path(), "random_run", &["--dataset", &data, "--scorer", "random"]);
    let terminal = rsbench(&["compare", "bm25_run", "random_run", "--out", "cmp"], tmp.path());
    assert!(terminal.status.success(), "{}", text(&terminal.stderr));
    let latex = rsbench(
        &[
            "compare",
            "bm25_run",
            "random_run",
            "--out",
            "cmp-tex",
            "--format",
            "latex",
        ],
        tmp.path(),
    );
    assert!(latex.status.success(), "{}", text(&latex.stderr));
    let tex = text(&latex.stdout);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("cmp-tex/compare.tex")).unwrap(),
        tex
    );
    assert!(
        !tmp.path().join("cmp/compare.tex").exists(),
        "compare.tex only with --format latex"
    );
    assert!(tex.contains("\\multicolumn{1}{c}{bm25\\_run (baseline)}"), "{tex}");
    assert!(tex.contains("\\multicolumn{3}{c}{random\\_run}"), "{tex}");

    // The marked (split, type) cells of the terminal tables…
    let mut marked_terminal = Vec::new();
    let mut split = "";
    for line in text(&terminal.stdout).lines() {
        if let Some(s) = ["adversarial", "clean"]
            .iter()
            .find(|s| line.starts_with(&format!("{s} (")))
        {
            split = s;
        } else if line.starts_with("robustness gap") {
            split = "";
        }
        let cells: Vec<&str> = line.split('│').map(str::trim).collect();
        if !split.is_empty() && cells.len() > 2 && cells.iter().any(|c| c.ends_with(" *")) {
            marked_terminal.push((split.to_owned(), cells[1].to_owned()));
        }
    }
    assert!(!marked_terminal.is_empty(), "some difference is significant");
    // …are the marked ones of the LaTeX tables, with the same Δ and p.
    let tables = latex_tables(&tex);
    assert_eq!(tables.len(), 3, "two splits and the gap");
    let mut marked_latex = Vec::new();
    for (table, split) in tables.iter().zip(["adversarial", "clean"]) {
        for cells in table {
            assert_eq!(cells.len(), 6, "{cells:?}");
            if cells[4].ends_with("$^{*}$") {
                let group = cells[0]
                    .replace("\\_", "_")
                    .replace("\\%", "%")
                    .replace("\\&", "&")
                    .replace("\\#", "#");
                marked_latex.push((split.to_owned(), group));
            }
        }
    }
    assert_eq!(marked_latex, marked_terminal);
    // And the Holm-corrected p beside each mark is compare.csv's.
    let csv = std::fs::read_to_string(tmp.path().join("cmp/compare.csv")).unwrap();
    let significant: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",true"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect();
    assert_eq!(significant, marked_terminal);
}

#[test]
fn model_index_reads_back_with_the_summary_values() {
    let tmp = tempfile::tempdir().unwrap();
    let run = eval(tmp.path(), "run", &[]);
    let o = rsbench(
        &[
            "report",
            "run",
            "--format",
            "model-index",
            "--model-name",
            "org/my \"model\"",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let yaml = text(&o.stdout);
    let o = rsbench(
        &["report", "run", "--format", "model-index", "--out", "card.yaml"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(tmp.path().join("named.yaml"), &yaml).unwrap();
    // PyYAML reads it; huggingface_hub's ModelCard finds the same results in
    // a card whose front matter it is.
    let read = python_json(
        r#"
import json, sys, yaml
from huggingface_hub import ModelCard
out = []
for path in sys.argv[1:]:
    text = open(path).read()
    index = yaml.safe_load(text)["model-index"]
    card = ModelCard("---\n" + text + "---\n# model\n")
    hub = [dict(model=card.data.model_name, task=r.task_type, dataset=r.dataset_type, split=r.dataset_split,
                type=r.metric_type, value=r.metric_value, name=r.metric_name) for r in card.data.eval_results]
    out.append(dict(index=index, hub=hub))
print(json.dumps(out))
"#,
        &[&tmp.path().join("named.yaml"), &tmp.path().join("card.yaml")],
    );
    let rows = summary(&run);
    for (i, file) in read.as_array().unwrap().iter().enumerate() {
        let index = &file["index"];
        assert_eq!(index.as_array().unwrap().len(), 1);
        let model = &index[0];
        let want_name = if i == 0 { "org/my \"model\"" } else { "bm25" };
        assert_eq!(model["name"], want_name);
        let results = model["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "a result per split");
        let mut checked = 0;
        for (result, split) in results.iter().zip(["adversarial", "clean"]) {
            assert_eq!(result["task"]["type"], "text-ranking");
            assert_eq!(result["dataset"]["name"], "sample");
            assert_eq!(result["dataset"]["type"], "sample");
            assert_eq!(result["dataset"]["split"], split);
            for m in result["metrics"].as_array().unwrap() {
                let name = m["name"].as_str().unwrap();
                let (label, group) = name.split_once(", ").unwrap();
                let group = group.strip_prefix("type ").unwrap_or(group);
                let column = match m["type"].as_str().unwrap() {
                    "accuracy" => "pair_acc",
                    "recall_at_1" => "r1",
                    "recall_at_2" => "r2",
                    "recall_at_5" => "r5",
                    "mrr" => "mrr",
                    "map" => "map",
                    "precision_at_1" => "p1",
                    other => panic!("metric type {other}"),
                };
                let want = &row(&rows, split, group)[column];
                assert!(m["value"].is_f64(), "{m}");
                assert_eq!(m["value"].as_f64(), want.as_f64(), "{split} {label} {group}");
                checked += 1;
            }
        }
        // Adversarial: five overall metrics (no R@2, R@5) and seven types;
        // clean: all seven and seven types.
        assert_eq!(checked, 5 + 7 + 7 + 7);
        let hub = file["hub"].as_array().unwrap();
        assert_eq!(hub.len(), checked, "huggingface_hub reads every metric");
        let first = &results[0]["metrics"][0];
        assert_eq!(hub[0]["model"], want_name);
        assert_eq!(hub[0]["task"], "text-ranking");
        assert_eq!(hub[0]["type"], first["type"]);
        assert_eq!(hub[0]["value"], first["value"]);
        assert_eq!(hub[0]["split"], "adversarial");
    }
    // The file replaces its own kind only.
    std::fs::write(tmp.path().join("README.md"), "---\nlicense: mit\n---\n").unwrap();
    let refused = rsbench(
        &["report", "run", "--format", "model-index", "--out", "README.md"],
        tmp.path(),
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("not a model-index file rsbench wrote"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("README.md")).unwrap(),
        "---\nlicense: mit\n---\n"
    );
}

/// ranx's per-query values for the metrics, from `dir`'s run.trec and qrels.trec.
fn ranx(dir: &Path, metrics: &[&str]) -> BTreeMap<String, BTreeMap<String, f64>> {
    let code = format!(
        r#"
import json, sys
from ranx import Qrels, Run, evaluate
qrels = Qrels.from_file(sys.argv[1] + "/qrels.trec")
run = Run.from_file(sys.argv[1] + "/run.trec")
evaluate(qrels, run, {metrics:?})
print(json.dumps(dict(name=run.name, scores={{m: dict(v) for m, v in run.scores.items()}})))
"#
    );
    let v = python_json(&code, &[dir]);
    serde_json::from_value(v["scores"].clone()).unwrap()
}

#[test]
fn trec_export_read_back_with_ranx_gives_the_summary_metrics() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    // Random scores: no ties, so any tool's ranking is rsbench's.
    let run = eval(
        tmp.path(),
        "run",
        &["--scorer", "random", "--dataset", &data, "--bootstrap", "0"],
    );
    let cases = rsbench::report::load_cases(&run).unwrap();
    let rows = summary(&run);
    let checks: [(&str, &[(&str, &str)]); 2] = [
        (
            "clean",
            &[
                ("mrr", "mrr"),
                ("precision@1", "p1"),
                ("recall@1", "r1"),
                ("recall@2", "r2"),
                ("recall@5", "r5"),
            ],
        ),
        // On a pair P@1 is the pairwise accuracy (R2@1).
        (
            "adversarial",
            &[("mrr", "mrr"), ("precision@1", "p1"), ("precision@1", "pair_acc")],
        ),
    ];
    for (split, metrics) in checks {
        let out = format!("trec-{split}");
        let o = rsbench(
            &["report", "run", "--format", "trec", "--split", split, "--out", &out],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let meta: Value =
            serde_json::from_str(&std::fs::read_to_string(tmp.path().join(&out).join("trec_meta.json")).unwrap())
                .unwrap();
        assert_eq!(meta["queries_with_ties"], 0);
        let names: Vec<&str> = metrics.iter().map(|(m, _)| *m).collect();
        let scores = ranx(&tmp.path().join(&out), &names);
        // Per type and overall: the mean of ranx's per-query values.
        let mut groups: Vec<&str> = cases.iter().map(|c| c.case_type.as_str()).collect();
        groups.sort();
        groups.dedup();
        groups.push("overall");
        for group in groups {
            let ids: Vec<&str> = cases
                .iter()
                .filter(|c| c.split == split && (group == "overall" || c.case_type == group))
                .map(|c| c.case_id.as_str())
                .collect();
            assert!(!ids.is_empty());
            for (metric, column) in metrics {
                let per_query = &scores[*metric];
                assert_eq!(per_query.len(), cases.iter().filter(|c| c.split == split).count());
                let mean = ids.iter().map(|id| per_query[*id]).sum::<f64>() / ids.len() as f64;
                let want = row(&rows, split, group)[*column].as_f64().unwrap();
                assert!(
                    (mean - want).abs() < 1e-12,
                    "{split}/{group}: ranx {metric} {mean}, rsbench {column} {want}"
                );
            }
        }
    }
}

#[test]
fn trec_files_break_ties_by_candidate_order_and_name_what_they_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let run = eval(tmp.path(), "bm 25", &["--scorer", "bm25"]);
    // Two splits: the TREC run of which must be said.
    let o = rsbench(&["report", "bm 25", "--format", "trec"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("the run has splits adversarial, clean: pass --split NAME"),
        "{}",
        text(&o.stderr)
    );
    let o = rsbench(&["report", "bm 25", "--format", "trec", "--split", "clean"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let dir = tmp.path().join("reports/trec-bm 25-clean");
    assert_eq!(common::names(&dir), ["qrels.trec", "run.trec", "trec_meta.json"]);
    let run_trec = std::fs::read_to_string(dir.join("run.trec")).unwrap();
    let qrels = std::fs::read_to_string(dir.join("qrels.trec")).unwrap();
    let meta: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("trec_meta.json")).unwrap()).unwrap();

    // Candidates as predictions.parquet holds them: index, label, score.
    let df = common::predictions(&run);
    let col_s = |n: &str| -> Vec<String> {
        df.column(n)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    let col_i = |n: &str| -> Vec<i64> { df.column(n).unwrap().i64().unwrap().into_no_null_iter().collect() };
    let (split, id) = (col_s("split"), col_s("case_id"));
    let (candidate, label) = (col_i("candidate"), col_i("label"));
    let score: Vec<f64> = df.column("score").unwrap().f64().unwrap().into_no_null_iter().collect();
    let mut want_qrels = String::new();
    let mut by_case: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
    for i in (0..df.height()).filter(|&i| split[i] == "clean") {
        want_qrels.push_str(&format!("{} 0 {} {}\n", id[i], candidate[i], label[i]));
        by_case.entry(id[i].clone()).or_default().push((candidate[i], score[i]));
    }
    assert_eq!(qrels, want_qrels, "every candidate judged, positives 1");

    let mut ties = 0;
    let mut seen: BTreeMap<String, Vec<(i64, usize, f64)>> = BTreeMap::new();
    for line in run_trec.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 6, "{line}");
        assert_eq!(
            (f[1], f[5]),
            ("Q0", "bm%2025"),
            "the tag is the run's name, its space encoded"
        );
        seen.entry(f[0].to_owned()).or_default().push((
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
        ));
    }
    assert_eq!(seen.len(), by_case.len());
    for (case, ranked) in &seen {
        let mut want = by_case[case].clone();
        // Highest score first; tied candidates by their index.
        want.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap().then(a.0.cmp(&b.0)));
        let got: Vec<(i64, f64)> = ranked.iter().map(|(d, _, s)| (*d, *s)).collect();
        assert_eq!(got, want, "{case}");
        let ranks: Vec<usize> = ranked.iter().map(|(_, r, _)| *r).collect();
        assert_eq!(ranks, (1..=ranked.len()).collect::<Vec<_>>());
        ties += usize::from(want.windows(2).any(|w| w[0].1 == w[1].1));
    }
    assert!(ties > 0, "BM25 ties on the sample set");
    assert_eq!(meta["queries_with_ties"], ties);
    assert_eq!(meta["queries"], by_case.len());
    assert_eq!(meta["split"], "clean");
    assert!(text(&o.stderr).contains("have tied scores"), "{}", text(&o.stderr));

    // A directory that is not rsbench's TREC output is never replaced.
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("run.trec"), "q Q0 d 1 1 me\n").unwrap();
    for extra in [&[][..], &["--overwrite"][..]] {
        let mut args = vec![
            "report", "bm 25", "--format", "trec", "--split", "clean", "--out", "mine",
        ];
        args.extend_from_slice(extra);
        let o = rsbench(&args, tmp.path());
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
    }
    assert_eq!(
        std::fs::read_to_string(mine.join("run.trec")).unwrap(),
        "q Q0 d 1 1 me\n"
    );
    // rsbench's own is, with --overwrite.
    let args = ["report", "bm 25", "--format", "trec", "--split", "adversarial", "--out"];
    let dir = dir.display().to_string();
    let o = rsbench(&[&args[..], &[dir.as_str()]].concat(), tmp.path());
    assert_eq!(o.status.code(), Some(1), "taken without --overwrite");
    let o = rsbench(&[&args[..], &[dir.as_str(), "--overwrite"]].concat(), tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(Path::new(&dir).join("trec_meta.json")).unwrap()).unwrap();
    assert_eq!(meta["split"], "adversarial");
}
