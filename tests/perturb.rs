//! `rsbench perturb` (repetition, keyword stuffing): deterministic, loadable
//! by `eval`, with provenance; clear errors for what is not built.

mod common;

use common::{rsbench, text};

use rsbench::data::load_path;

#[test]
fn generates_loadable_deterministic_cases_with_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    for (out, seed) in [("a", "1"), ("b", "1"), ("c", "2")] {
        let o = rsbench(
            &[
                "perturb",
                "--input",
                &data,
                "--types",
                "repetition,keyword-stuffing",
                "--per-case",
                "2",
                "--seed",
                seed,
                "--output",
                out,
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    for f in ["repetition.jsonl", "keyword_stuffing.jsonl"] {
        let a = std::fs::read(tmp.path().join("a").join(f)).unwrap();
        assert_eq!(
            a,
            std::fs::read(tmp.path().join("b").join(f)).unwrap(),
            "{f}: same seed, same bytes"
        );
        assert_ne!(
            a,
            std::fs::read(tmp.path().join("c").join(f)).unwrap(),
            "{f}: another seed"
        );
    }
    let ds = load_path(&tmp.path().join("a")).unwrap();
    assert_eq!(ds.types(), vec!["keyword_stuffing", "repetition"]);
    // 400 distinct (context, reply) pairs in KorAdvMRS, two negatives each.
    assert_eq!(
        ds.count_by_type(),
        vec![("keyword_stuffing".to_owned(), 800), ("repetition".to_owned(), 800)]
    );
    for case in &ds.cases {
        assert_ne!(case.candidates[0].text, case.candidates[1].text);
        if case.case_type == "repetition" {
            // The negative is a context utterance, at most lightly edited.
            let neg = &case.candidates[1].text;
            assert!(
                case.context
                    .iter()
                    .any(|u| neg.contains(u.trim_end_matches(['!', '?', '.', '~', 'ㅋ', 'ㅎ', 'ㅠ', 'ㅜ', ' ']))),
                "{neg}"
            );
        }
    }
    let line = std::fs::read_to_string(tmp.path().join("a/keyword_stuffing.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let prov = &first["candidates"][1]["provenance"];
    assert_eq!(prov["type"], "keyword_stuffing");
    assert_eq!(prov["seed"], 1);
    assert!(prov["rule"].as_str().unwrap().starts_with("keyword-stuffing/"));
    assert!(prov["source_case"].is_string());

    // eval runs on the result directly, and word overlap falls for it.
    let o = rsbench(
        &[
            "eval",
            "--dataset",
            "a",
            "--split",
            "adversarial",
            "--out",
            "r",
            "-q",
            "--min",
            "keyword_stuffing=10",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(3), "BM25 should be fooled: {}", text(&o.stderr));
}

#[test]
fn plain_context_response_input_and_single_file_output() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("in.jsonl"),
        "{\"context\": [\"오늘 점심 뭐 먹었어?\", \"회사 앞에서 김치찌개 먹었어\"], \"response\": \"맛있었겠다!\"}\n\
         {\"context\": [\"내일 제주도 여행 가!\"], \"response\": \"좋겠다 잘 다녀와\"}\n",
    )
    .unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "repetition,keyword-stuffing",
            "--output",
            "out.jsonl",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let ds = load_path(&tmp.path().join("out.jsonl")).unwrap();
    assert_eq!(ds.cases.len(), 4);
    assert!(ds
        .cases
        .iter()
        .all(|c| c.candidates[0].label == 1 && c.candidates[1].label == 0));
    // Refuses to overwrite; --overwrite replaces.
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "repetition",
            "--output",
            "out.jsonl",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "repetition",
            "--output",
            "out.jsonl",
            "--overwrite",
        ],
        tmp.path(),
    );
    assert!(o.status.success());
}

#[test]
fn errors_name_the_line_or_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("in.jsonl"),
        "{\"context\": [\"안녕\"], \"response\": \"응\"}\n{\"context\": [\"안녕\"]}\n",
    )
    .unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "repetition",
            "--output",
            "o.jsonl",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("in.jsonl:2: needs `response`"),
        "{}",
        text(&o.stderr)
    );
    assert!(!tmp.path().join("o.jsonl").exists());
    let o = rsbench(
        &[
            "perturb", "--input", "in.jsonl", "--types", "negation", "--output", "o.jsonl",
        ],
        tmp.path(),
    );
    assert!(
        text(&o.stderr).contains("needs the Korean morphological analyser"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn invalid_utf8_names_file_and_line_once() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("in.jsonl"),
        b"{\"context\": [\"a\"], \"response\": \"b\"}\n\xff\n",
    )
    .unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "repetition",
            "--output",
            "o.jsonl",
        ],
        tmp.path(),
    );
    let err = text(&o.stderr);
    assert!(
        err.contains("in.jsonl:2: invalid UTF-8") && !err.contains(":0:"),
        "{err}"
    );
}
