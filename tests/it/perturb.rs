//! `rsbench perturb`: deterministic, loadable by `eval`, with provenance;
//! `--text` prints one JSON line per rewrite; clear errors.

use crate::common;

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
    // 400 distinct (context, reply) pairs in KorAdvMRS, two negatives each; keyword
    // stuffing needs a context noun some topic knows and a reply overlap it can match.
    let counts = ds.count_by_type();
    assert_eq!(counts[1], ("repetition".to_owned(), 800));
    assert!((400..800).contains(&counts[0].1), "{counts:?}");
    for case in &ds.cases {
        assert_ne!(case.candidates[0].text, case.candidates[1].text);
        if case.case_type == "keyword_stuffing" {
            let neg = &case.candidates[1].text;
            assert_eq!(
                rsbench::perturb::near_copy::copied_line(neg, &case.context),
                None,
                "{neg}"
            );
        }
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
    // The overlap on record: context words the negative repeats, at least the reply's count.
    for l in line.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let overlap = &v["candidates"][1]["provenance"]["overlap"];
        let words = overlap["words"].as_array().unwrap();
        assert!(words.len() as u64 >= overlap["reply"].as_u64().unwrap().max(1), "{l}");
        let neg = v["candidates"][1]["text"].as_str().unwrap();
        assert!(words.iter().all(|w| neg.contains(w.as_str().unwrap())), "{l}");
    }
    assert!(prov["source_case"].is_string());

    // eval runs on the result directly, and word overlap falls for it most of the time
    // (BM25 picks the real reply in about one case in seven).
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
            "keyword_stuffing=30",
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
    // Without the analyser's dictionary, tense/negation say how to install it.
    let empty = tmp.path().join("no-dict");
    std::fs::create_dir(&empty).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rsbench"))
        .args([
            "perturb", "--input", "in.jsonl", "--types", "negation", "--output", "o.jsonl",
        ])
        .env("RSBENCH_MECAB_DIC", &empty)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("scripts/setup.sh") && err.contains("no-dict"), "{err}");
    assert!(!tmp.path().join("o.jsonl").exists());
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

#[test]
fn text_mode_prints_one_json_line_per_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--text",
            "음악을 들었어ㅋㅋ",
            "--types",
            "tense",
            "--tense-to",
            "present",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{}", text(&o.stdout));
    assert_eq!(lines[0]["type"], "tense");
    assert_eq!(lines[0]["text"], "음악을 들어ㅋㅋ");
    assert!(lines[0]["rule"].as_str().unwrap().starts_with("tense/past-to-present/"));
    // Every type prints its keys in one order.
    let o = rsbench(
        &[
            "perturb",
            "--text",
            "내가 너한테 전화했잖아",
            "--types",
            "negation,subject-object",
        ],
        tmp.path(),
    );
    for line in text(&o.stdout).lines() {
        assert!(
            line.starts_with("{\"type\":") && line.contains(",\"rule\":") && line.ends_with('}'),
            "{line}"
        );
        assert!(line.find("\"rule\"") < line.find("\"text\""), "{line}");
    }

    // Time words move with the tense, or the rewrite is not written: a past
    // time word keeps no present (*어제 음악을 들어).
    let tense = |to: &str| {
        let o = rsbench(
            &[
                "perturb",
                "--text",
                "어제 음악을 들었어ㅋㅋ",
                "--types",
                "tense",
                "--tense-to",
                to,
            ],
            tmp.path(),
        );
        common::printed_texts(&o.stdout)
    };
    assert!(tense("present").is_empty());
    assert_eq!(tense("future"), ["내일 음악을 들을 거야ㅋㅋ"]);
    let o = rsbench(&["perturb", "--text", "내일 갈 거예요", "--types", "tense"], tmp.path());
    assert_eq!(common::printed_texts(&o.stdout), ["어제 갔어요", "내일 가요"]);
    // The sentence checks of a reply's tense: no request made a statement, no
    // aspect word left clashing, no earlier clause left in the old tense, no
    // guess passed off as the future (*국물이 진짜 시원하겠다).
    for (sentence, expected) in [
        ("빨리 문 닫아", vec![]),
        ("요즘 매일 운동해", vec![]),
        ("숙제 끝냈는데 너무 피곤하더라", vec![]),
        ("국물이 진짜 시원하다", vec!["국물이 진짜 시원했다"]),
        // 꼭 of intention pins the future (*작년에는 꼭 운전면허 땄어).
        ("내년에는 꼭 운전면허 딸 거야!", vec![]),
    ] {
        let o = rsbench(&["perturb", "--text", sentence, "--types", "tense"], tmp.path());
        assert_eq!(common::printed_texts(&o.stdout), expected, "{sentence}");
    }

    // A polarity flip that clashes with the rest of the sentence is not
    // written: after a reason, with a word that holds the degree, 벌써 with a
    // negation, 좀 before a long negation. -(으)세요 of a subject the
    // sentence names is a statement with -시-, negated as one, never as a
    // prohibition. 잘 goes either way.
    for (sentence, types, expected) in [
        ("비가 많이 와서 소풍을 못 갔어", "negation", vec![]),
        // The analyser reads this -아서 as a subject particle (자/XSN + 서/JKS).
        ("나 어제 늦잠 자서 지각했어.", "negation", vec![]),
        ("나 요즘 커피 거의 안 마셔", "negation", vec![]),
        ("택배가 벌써 다 왔어요", "negation", vec![]),
        ("그 영화 좀 길게 느껴졌어", "negation", vec![]),
        (
            "할머니는 저녁마다 산책하세요",
            "negation",
            vec!["할머니는 저녁마다 산책하지 않으세요"],
        ),
        (
            "우리 아빠는 아침마다 공원을 걸으세요",
            "negation",
            vec!["우리 아빠는 아침마다 공원을 안 걸으세요"],
        ),
        ("날씨가 추워서 창문 닫았어", "lexical-contradiction", vec![]),
        // The speaker's stance holds the outcome; an age difference and getting
        // up early pin their words (text-fresh, judged wrong).
        ("아쉽게도 결승전에서 졌습니다.", "lexical-contradiction", vec![]),
        ("형이 나보다 두 살 많아.", "lexical-contradiction", vec![]),
        (
            "나 내일 아침에 일찍 일어나야 돼.",
            "lexical-contradiction",
            vec!["나 내일 아침에 늦게 일어나야 돼."],
        ),
        (
            "우리 형은 운동을 잘 해요",
            "negation",
            vec!["우리 형은 운동을 잘 하지 않아요"],
        ),
        (
            "가게가 벌써 문 열었어요",
            "lexical-contradiction",
            vec!["가게가 벌써 문 닫았어요"],
        ),
    ] {
        let o = rsbench(&["perturb", "--text", sentence, "--types", types], tmp.path());
        assert_eq!(common::printed_texts(&o.stdout), expected, "{sentence}");
    }

    // Without --tense-to: every other tense; both types in one call.
    let o = rsbench(
        &["perturb", "--text", "나 학생이야", "--types", "tense,negation"],
        tmp.path(),
    );
    let texts = common::printed_texts(&o.stdout);
    assert_eq!(texts, vec!["나 학생이었어", "나 학생일 거야", "나 학생이 아니야"]);

    // Strategies that need a dialogue are refused with --text.
    let o = rsbench(
        &["perturb", "--text", "갔어", "--types", "tense,repetition"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("repetition needs a context (--context, repeatable) or dialogues (--input)"),
        "{}",
        text(&o.stderr)
    );

    // No rule applies: nothing, and success. Input is read as NFC.
    let o = rsbench(
        &["perturb", "--text", "ㅋㅋㅋ 진짜?", "--types", "negation"],
        tmp.path(),
    );
    assert!(o.status.success());
    assert_eq!(text(&o.stdout), "");
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd("안 갔어").collect();
    let o = rsbench(&["perturb", "--text", &decomposed, "--types", "negation"], tmp.path());
    assert!(text(&o.stdout).contains("\"text\":\"갔어\""), "{}", text(&o.stdout));
}

#[test]
fn tense_and_negation_datasets_are_deterministic_and_evaluable() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    for out in ["a", "b"] {
        let o = rsbench(
            &[
                "perturb",
                "--input",
                &data,
                "--types",
                "tense,negation",
                "--per-case",
                "2",
                "--output",
                out,
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    for f in ["tense.jsonl", "negation.jsonl"] {
        assert_eq!(
            std::fs::read(tmp.path().join("a").join(f)).unwrap(),
            std::fs::read(tmp.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
    let ds = load_path(&tmp.path().join("a")).unwrap();
    let counts = ds.count_by_type();
    // Only where the context pins the slot they change (docs/perturbation.md): of the 400
    // distinct dialogues, some tens for tense and more for negation.
    assert!(counts.iter().all(|(_, n)| *n >= 10), "{counts:?}");
    for f in ["tense.jsonl", "negation.jsonl"] {
        for line in std::fs::read_to_string(tmp.path().join("a").join(f)).unwrap().lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let (pos, neg) = (
                case["candidates"][0]["text"].as_str().unwrap(),
                case["candidates"][1]["text"].as_str().unwrap(),
            );
            let p = &case["candidates"][1]["provenance"];
            let rule = p["rule"].as_str().unwrap();
            let context: Vec<&str> = case["context"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap())
                .collect();
            assert_ne!(pos, neg);
            // Every negative records the context fact it contradicts, in words of that line.
            let fact = &p["contradicts"];
            let line = context[fact["utterance"].as_u64().expect("a fact on record") as usize];
            assert!(
                line.contains(fact["span"].as_str().unwrap()),
                "{rule}: {fact} in {line}"
            );
            assert!(["time", "answer", "polarity", "reply"].contains(&fact["slot"].as_str().unwrap()));
            if rule.contains("/fact-reaction/")
                || rule.contains("/denial-reaction/")
                || rule.contains("/answer-reaction/")
                || rule.contains("/phrase-reaction/")
            {
                // A reaction takes the fact up as its opposite, or in the other time.
                let slot = if rule.starts_with("tense/") { "time" } else { "polarity" };
                assert!(
                    (neg.starts_with("아 ") || neg.starts_with("그럼 ")) && fact["slot"] == slot,
                    "{rule}: {neg}"
                );
                continue;
            }
            if rule.contains("/fact-") {
                // A frame asks about the fact in the other time.
                assert!(neg.ends_with('?'), "{rule}: {neg}");
                continue;
            }
            assert!(
                !pos.trim_end().ends_with('?'),
                "a question is not rewritten: {pos} → {neg}"
            );
            // Only the end of the reply changes: its first word survives.
            let first = pos.split(' ').next().unwrap();
            if pos.split(' ').count() > 3 && fact["slot"] != "time" {
                assert!(neg.starts_with(first), "{pos} → {neg}");
            }
        }
    }
    let line = std::fs::read_to_string(tmp.path().join("a/negation.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert!(first["candidates"][1]["provenance"]["rule"]
        .as_str()
        .unwrap()
        .starts_with("negation/"));
    let o = rsbench(
        &["eval", "--dataset", "a", "--split", "adversarial", "--out", "r", "-q"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn context_source_echoes_a_context_utterance_with_tense_or_polarity_flipped() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    let run = |out: &str, from: &[&str]| {
        let mut args = vec![
            "perturb",
            "--input",
            &data,
            "--types",
            "tense,negation",
            "--output",
            out,
        ];
        args.extend_from_slice(from);
        let o = rsbench(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
    };
    run("ctx", &["--from", "context"]);
    run("ctx2", &["--from", "context"]);
    run("default", &[]);
    run("reply", &["--from", "reply"]);
    run("both", &["--from", "both", "--per-case", "4"]);
    for f in ["tense.jsonl", "negation.jsonl"] {
        let read = |d: &str| std::fs::read(tmp.path().join(d).join(f)).unwrap();
        assert_eq!(read("ctx"), read("ctx2"), "{f}: same seed, same bytes");
        assert_eq!(read("default"), read("reply"), "{f}: the reply is the default source");
    }

    let lines = |d: &str, f: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(tmp.path().join(d).join(f))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    for f in ["tense.jsonl", "negation.jsonl"] {
        let cases = lines("ctx", f);
        // Most echoes change one ending of their line: near-copies, dropped. Those left
        // change a long line's end, or put it in another tense that its words allow.
        assert!(cases.len() > 5, "{f}: {}", cases.len());
        for c in &cases {
            let context: Vec<String> = c["context"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_owned())
                .collect();
            let (pos, neg) = (
                c["candidates"][0]["text"].as_str().unwrap(),
                c["candidates"][1]["text"].as_str().unwrap(),
            );
            let i = c["candidates"][1]["provenance"]["utterance"]
                .as_u64()
                .expect("utterance index") as usize;
            let source = &context[i];
            // An echo, not a repetition: it differs from every utterance and the reply...
            assert!(neg != pos && !context.iter().any(|u| u == neg), "{f}: {neg}");
            assert_eq!(
                rsbench::perturb::near_copy::copied_line(neg, &context),
                None,
                "{f}: {neg}"
            );
            // ...and only the end of its source utterance changed.
            let words: Vec<&str> = source.split_whitespace().collect();
            if words.len() > 3 {
                assert!(
                    neg.starts_with(&words[..words.len() - 3].join(" ")),
                    "{f}: {source} → {neg}"
                );
            }
        }
        assert!(
            lines("reply", f)
                .iter()
                .all(|c| c["candidates"][1]["provenance"].get("utterance").is_none()),
            "{f}: rewrites of the reply name no utterance"
        );
        let both = lines("both", f);
        let from_context = both
            .iter()
            .filter(|c| c["candidates"][1]["provenance"].get("utterance").is_some())
            .count();
        assert!(
            0 < from_context && from_context < both.len(),
            "{f}: both pools drawn from"
        );
    }

    // Each utterance negated is the other one, and in another tense a near-copy of itself:
    // every echo is dropped, and nothing is written.
    std::fs::write(
        tmp.path().join("mirror.jsonl"),
        "{\"context\": [\"나 밥 먹었어\", \"나 밥 안 먹었어\"], \"response\": \"그렇구나\"}\n",
    )
    .unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "mirror.jsonl",
            "--types",
            "negation,tense",
            "--from",
            "context",
            "--per-case",
            "9",
            "--output",
            "mirror",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!tmp.path().join("mirror").exists());
    assert!(
        text(&o.stderr).contains("mirror: not written: no rule produced a negative"),
        "{}",
        text(&o.stderr)
    );

    let o = rsbench(
        &[
            "perturb",
            "--text",
            "밥 먹었어",
            "--types",
            "negation",
            "--from",
            "context",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "--from names dialogues' texts, not --text's");
    assert!(
        text(&o.stderr).contains("--from with --text needs --context"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn report_and_compare_break_a_run_down_by_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    for args in [
        vec![
            "perturb",
            "--input",
            &data,
            "--types",
            "tense,negation,repetition",
            "--from",
            "both",
            "--per-case",
            "4",
            "--output",
            "ctx",
        ],
        vec!["eval", "--dataset", "ctx", "--split", "adversarial", "--out", "r", "-q"],
    ] {
        let o = rsbench(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    // The predictions name the rule behind each generated negative, so a run
    // can be sliced by rule; positives have none.
    let df = crate::common::predictions(&tmp.path().join("r"));
    let (rule, label, case_type) = (
        df.column("rule").unwrap().str().unwrap(),
        df.column("label").unwrap().i64().unwrap(),
        df.column("type").unwrap().str().unwrap(),
    );
    for i in 0..df.height() {
        match (label.get(i), rule.get(i)) {
            (Some(1), None) => {}
            (Some(0), Some(r)) => assert!(r.starts_with(&format!("{}/", case_type.get(i).unwrap())), "{r}"),
            other => panic!("row {i}: {other:?}"),
        }
    }

    // `report --by rule` groups the cases by rule without its ending; each
    // row's accuracy is the pairwise accuracy of those cases, and the overall
    // row is the run's own.
    let (case_id, score) = (
        df.column("case_id").unwrap().str().unwrap(),
        df.column("score").unwrap().f64().unwrap(),
    );
    let mut cases: std::collections::BTreeMap<&str, (String, f64, f64)> = Default::default();
    for i in 0..df.height() {
        let entry = cases.entry(case_id.get(i).unwrap()).or_default();
        match rule.get(i) {
            Some(r) => (entry.0, entry.2) = (rsbench::data::RuleId(r).family().to_owned(), score.get(i).unwrap()),
            None => entry.1 = score.get(i).unwrap(),
        }
    }
    let mut by_family: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
    for (family, pos, neg) in cases.values() {
        let acc = by_family.entry(family.clone()).or_default();
        acc.0 += 1;
        acc.1 += if pos > neg {
            1.0
        } else if pos == neg {
            0.5
        } else {
            0.0
        };
    }
    let o = rsbench(&["report", "r", "--by", "rule", "--format", "markdown"], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let by_rule = text(&o.stdout);
    assert!(by_rule.contains("| rule "), "{by_rule}");
    assert!(by_family.len() > 8, "{by_family:?}");
    for (family, (n, correct)) in &by_family {
        let row = by_rule
            .lines()
            .find(|l| l.starts_with(&format!("| {family} ")))
            .unwrap_or_else(|| panic!("no row for {family}: {by_rule}"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], n.to_string(), "{row}");
        let acc = format!("{:.1}", 100.0 * correct / *n as f64);
        assert!(cells[5].starts_with(&acc), "{row}: want {acc}");
    }
    let overall = |md: &str| -> Vec<String> {
        let row = md.lines().find(|l| l.starts_with("| overall")).unwrap();
        row.split('|').map(|c| c.trim().to_owned()).collect()
    };
    let o = rsbench(&["report", "r", "--format", "markdown"], tmp.path());
    assert_eq!(overall(&by_rule), overall(&text(&o.stdout)));

    // compare --by rule: paired tests per rule family, against a random scorer
    // that BM25 trails on the repetition families; the gate names them.
    let o = rsbench(
        &[
            "eval",
            "--dataset",
            "ctx",
            "--split",
            "adversarial",
            "--scorer",
            "random",
            "--out",
            "rand",
            "-q",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = rsbench(
        &[
            "compare",
            "rand",
            "r",
            "--by",
            "rule",
            "--out",
            "cmp",
            "--fail-if-worse",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    for family in ["repetition/exact", "repetition/prefix", "repetition/suffix"] {
        assert!(
            text(&o.stderr).contains(&format!("worse than the baseline on adversarial/{family}:")),
            "{}",
            text(&o.stderr)
        );
    }
    let csv = std::fs::read_to_string(tmp.path().join("cmp/compare.csv")).unwrap();
    assert!(csv.starts_with("split,rule,run,"), "{csv}");
    for (family, (n, correct)) in &by_family {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("adversarial,{family},r,")))
            .unwrap_or_else(|| panic!("{family}: {csv}"));
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[4], n.to_string(), "{row}");
        let value: f64 = cells[5].parse().unwrap();
        assert!((value - correct / *n as f64).abs() < 1e-12, "{row}");
    }
}

#[test]
fn excluded_rules_are_never_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir().display().to_string();
    let run = |out: &str, exclude: Option<&str>| {
        let mut args = vec![
            "perturb",
            "--input",
            &data,
            "--types",
            "repetition",
            "--seed",
            "3",
            "--output",
            out,
        ];
        if let Some(x) = exclude {
            args.extend(["--exclude-rules", x]);
        }
        let o = rsbench(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        let ds = load_path(&tmp.path().join(out)).unwrap();
        ds.cases
            .iter()
            .flat_map(|c| c.candidates.iter().filter_map(|x| x.rule.clone()))
            .collect::<Vec<_>>()
    };
    let all = run("all", None);
    assert!(
        all.iter().any(|r| r.starts_with("repetition/prefix")),
        "the rule occurs unexcluded"
    );
    let without = run("without", Some("repetition/prefix,repetition/exact"));
    assert!(!without.is_empty());
    assert!(
        without
            .iter()
            .all(|r| r != "repetition/prefix" && r != "repetition/exact"),
        "{without:?}"
    );
    // Dialogues whose drawn negative was excluded get another rule's instead.
    assert!(without.len() > all.len() / 2, "{} of {}", without.len(), all.len());
    // A pattern covers whole path segments only: `repetition/pre` excludes nothing.
    run("partial", Some("repetition/pre"));
    assert_eq!(
        std::fs::read(tmp.path().join("partial/repetition.jsonl")).unwrap(),
        std::fs::read(tmp.path().join("all/repetition.jsonl")).unwrap()
    );
    let excluding = |types: &str, exclude: &str, out: &str| {
        let args = [
            "perturb",
            "--input",
            &data,
            "--types",
            types,
            "--exclude-rules",
            exclude,
            "--output",
            out,
        ];
        rsbench(&args, tmp.path())
    };
    // A whole type: nothing to write, and nothing is.
    let o = excluding("repetition", "repetition", "none");
    assert!(
        text(&o.stderr).contains("none: not written: no rule produced a negative"),
        "{}",
        text(&o.stderr)
    );
    assert!(!tmp.path().join("none").exists());
    // A type without cases gets no file beside one with.
    let o = excluding("repetition,keyword-stuffing", "keyword-stuffing", "some");
    let err = text(&o.stderr);
    assert!(
        o.status.success() && err.contains("keyword_stuffing: 0 cases from 400 dialogues (no file written)"),
        "{err}"
    );
    assert!(
        tmp.path().join("some/repetition.jsonl").exists() && !tmp.path().join("some/keyword_stuffing.jsonl").exists()
    );
    // A pattern that names no type.
    let o = excluding("repetition", "negaton/short-add", "x");
    assert!(
        text(&o.stderr).contains("--exclude-rules `negaton/short-add`: rules start with"),
        "{}",
        text(&o.stderr)
    );
    assert!(!tmp.path().join("x").exists());
}

#[test]
fn subject_object_exchanges_speaker_and_listener_in_replies_and_echoes() {
    let tmp = tempfile::tempdir().unwrap();
    let o = rsbench(
        &["perturb", "--text", "나 어제 영화 봤어", "--types", "subject-object"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let line: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(line["type"], "subject_object");
    assert_eq!(line["text"], "너 어제 영화 봤어");
    assert_eq!(line["rule"], "subject-object/person-swap/first-to-second");
    // 존댓말: no output, and still success.
    let o = rsbench(
        &["perturb", "--text", "제가 갈게요", "--types", "subject-object"],
        tmp.path(),
    );
    assert!(o.status.success() && o.stdout.is_empty(), "{}", text(&o.stdout));

    let data = common::koradvmrs_dir();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            data.to_str().unwrap(),
            "--types",
            "subject-object",
            "--from",
            "both",
            "--output",
            "out",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let file = tmp.path().join("out/subject_object.jsonl");
    let ds = load_path(&file).unwrap();
    // Echoes of a short line with its persons exchanged are near-copies of it, dropped;
    // the reply's and longer lines' stay.
    assert!(ds.cases.len() > 20, "{} cases", ds.cases.len());
    let person = |w: &str| {
        w.trim_start_matches(['나', '너', '내', '네', '날', '널', '난', '넌', '니'])
            .to_owned()
    };
    for line in std::fs::read_to_string(&file).unwrap().lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let cands = case["candidates"].as_array().unwrap();
        let negative = &cands[1];
        let p = &negative["provenance"];
        assert!(
            p["rule"].as_str().unwrap().starts_with("subject-object/person-swap/"),
            "{p}"
        );
        // The negative is its source with pronouns exchanged: same words, pronouns aside.
        let source = match p["utterance"].as_u64() {
            Some(u) => case["context"][u as usize].as_str().unwrap().to_owned(),
            None => cands[0]["text"].as_str().unwrap().to_owned(),
        };
        let out = negative["text"].as_str().unwrap();
        assert_ne!(out, source);
        let (a, b): (Vec<_>, Vec<_>) = (
            source.split(' ').map(person).collect(),
            out.split(' ').map(person).collect(),
        );
        assert_eq!(a, b, "{source} → {out}");
    }
}

#[test]
fn training_formats_write_tsv_that_eval_reads_and_labelled_pairs() {
    let tmp = tempfile::tempdir().unwrap();
    let data = common::koradvmrs_dir();
    let data = data.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "perturb",
            "--input",
            data,
            "--types",
            "negation,repetition",
            "--per-case",
            "2",
        ];
        args.extend_from_slice(extra);
        rsbench(&args, tmp.path())
    };
    // KorAdvMRS is a test set: training data made from it is refused, and with
    // --allow-test-data written with one warning per test set.
    let o = run(&["--format", "tsv", "--output", "train"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("refusing to write training data"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["--format", "tsv", "--output", "train", "--allow-test-data"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let warnings: Vec<String> = text(&o.stderr)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("in koradvmrs's test set"), "{warnings:?}");

    let dir = tmp.path().join("train");
    let tsv = std::fs::read_to_string(dir.join("negation.tsv")).unwrap();
    let provenance = std::fs::read_to_string(dir.join("negation.tsv.provenance")).unwrap();
    assert_eq!(tsv.lines().count(), provenance.lines().count());
    let mut positives = 0;
    // KorAdvMRS has a few contexts with two different replies; the TSV layout has no ids, so
    // eval reads consecutive lines of one context as one case.
    let mut contexts: Vec<String> = Vec::new();
    for (line, p) in tsv.lines().zip(provenance.lines()) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert!(fields.len() >= 3, "{line}");
        let p: serde_json::Value = serde_json::from_str(p).unwrap();
        match fields[0] {
            "1" => {
                positives += 1;
                let context = fields[1..fields.len() - 1].join("\t");
                if contexts.last() != Some(&context) {
                    contexts.push(context);
                }
                assert!(p.is_null());
            }
            "0" => assert!(p["rule"].as_str().unwrap().starts_with("negation/"), "{p}"),
            other => panic!("label {other}"),
        }
    }
    // The jsonl output of the same run has one case per negative, each with the positive.
    let o = run(&["--output", "cases"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !text(&o.stderr).contains("warning:"),
        "evaluation cases are not training data"
    );
    let cases = std::fs::read_to_string(tmp.path().join("cases/negation.jsonl")).unwrap();
    assert_eq!(tsv.lines().count(), positives + cases.lines().count());

    // eval reads the TSV directory back as a TSV dataset: a case per dialogue.
    let o = rsbench(
        &[
            "eval",
            "--dataset",
            "train",
            "--split",
            "adversarial",
            "--bootstrap",
            "0",
            "-q",
            "--out",
            "ev",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("ev/summary.json")).unwrap()).unwrap();
    let rows = summary.as_array().unwrap();
    let negation = rows.iter().find(|r| r["type"] == "negation").expect("a negation row");
    assert_eq!(negation["cases"].as_u64().unwrap() as usize, contexts.len());

    // --overwrite replaces the TSV directory rsbench wrote; a foreign file in it stops that.
    let o = run(&[
        "--format",
        "tsv",
        "--output",
        "train",
        "--overwrite",
        "--allow-test-data",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let o = run(&[
        "--format",
        "tsv",
        "--output",
        "train",
        "--overwrite",
        "--allow-test-data",
    ]);
    assert!(!o.status.success());
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    // A TSV is a directory output.
    let o = run(&["--format", "tsv", "--output", "train.jsonl", "--allow-test-data"]);
    assert!(
        text(&o.stderr).contains("--format tsv writes a directory"),
        "{}",
        text(&o.stderr)
    );

    // Pairs: the positive first, label 1 and no provenance; then its negatives.
    let o = run(&["--format", "pairs", "--output", "pairs.jsonl", "--allow-test-data"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(tmp.path().join("pairs.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["label"], 1);
    assert!(lines[0]["provenance"].is_null());
    assert!(lines.iter().all(|l| (l["label"] == 1) == l["provenance"].is_null()));
    // Each negative follows its dialogue's positive, with the same context.
    let mut context = &lines[0]["context"];
    for l in &lines {
        if l["label"] == 1 {
            context = &l["context"];
        } else {
            assert_eq!(&l["context"], context);
        }
    }
    assert!(lines.iter().any(|l| l["label"] == 0));
    let o = run(&[
        "--format",
        "pairs",
        "--output",
        "pairs.jsonl",
        "--overwrite",
        "--allow-test-data",
    ]);
    assert!(
        o.status.success(),
        "an rsbench pairs file is replaced: {}",
        text(&o.stderr)
    );
}

#[test]
fn a_topic_reply_shares_no_time_word_with_the_dialogue() {
    // 내일 in the question: the bank's closest replies that say 내일 read as answers
    // (내일은 차 막히니까 지하철 타고 오세요), so none of the four offered says it.
    let tmp = tempfile::tempdir().unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--text",
            "네, 오후 세 시 어떠세요?",
            "--context",
            "선생님, 내일 상담 시간 괜찮으세요?",
            "--types",
            "topic,keyword-stuffing",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().filter(|l| l["type"] == "topic").count() >= 3, "{lines:?}");
    for l in &lines {
        let t = l["text"].as_str().unwrap();
        assert!(!t.contains("내일") && !t.contains("오후"), "{t}");
    }
}

#[test]
fn bank_replies_follow_what_the_last_line_asks() {
    // After 점심 드셨어요? a statement of one's own doings reads as an indirect
    // answer (회의를 세 개나 했어요: too busy to eat), so topic offers questions;
    // after a statement, a question is one way to change the subject, so both
    // types offer statements; after 왜? or a request, any news of the
    // replier's may be the reason or the excuse, so neither offers anything.
    let tmp = tempfile::tempdir().unwrap();
    let offered = |context: &str, reply: &str, types: &str| -> Vec<String> {
        let o = rsbench(
            &["perturb", "--text", reply, "--context", context, "--types", types],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        common::printed_texts(&o.stdout)
    };
    let asked = offered(
        "지수 씨, 점심 드셨어요?",
        "아니요 아직이요. 같이 드시러 가실래요?",
        "topic",
    );
    assert!(asked.len() >= 3, "{asked:?}");
    assert!(asked.iter().all(|t| t.ends_with('?')), "{asked:?}");
    let told = offered("나 어제 조카 돌잔치 다녀왔어", "오 재밌었겠다 조카 많이 컸어?", "topic");
    assert!(told.len() >= 3, "{told:?}");
    assert!(told.iter().all(|t| !t.ends_with('?')), "{told:?}");
    let stuffed = offered(
        "나 어제 조카 돌잔치 다녀왔어",
        "오 재밌었겠다 조카 많이 컸어?",
        "keyword-stuffing",
    );
    assert!(
        !stuffed.is_empty() && stuffed.iter().all(|t| !t.ends_with('?')),
        "{stuffed:?}"
    );
    for (context, reply) in [
        (
            "요즘 잠을 잘 못 자요\n왜요? 무슨 걱정 있어요?",
            "걱정은 없어요. 집이 큰길 옆이라 시끄러워요",
        ),
        ("오늘 같이 남아서 끝내자", "좋아요! 제가 저녁 사 올게요."),
        (
            "마지막으로 하고 싶은 말씀 있으시면 해 주십시오.",
            "기회를 주셔서 감사합니다.",
        ),
        ("설거지 좀 해 줘. 나 빨래 널고 있어.", "알았어 지금 할게"),
    ] {
        let mut args = vec!["perturb", "--text", reply, "--types", "topic,keyword-stuffing"];
        for line in context.split("\n") {
            args.extend(["--context", line]);
        }
        let o = rsbench(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(text(&o.stdout).trim().is_empty(), "{context}: {}", text(&o.stdout));
    }
}

#[test]
fn a_reply_of_a_polite_answer_word_alone_is_polite() {
    // 네 has no ending to read a speech level from; it is not 반말: the
    // replier's own lines give the level (합쇼체 here), else 해요체.
    let tmp = tempfile::tempdir().unwrap();
    let rules = |args: &[&str]| -> Vec<String> {
        let o = rsbench(args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["rule"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    for reply in ["네", "아 네", "넵!"] {
        let got = rules(&[
            "perturb",
            "--context",
            "이번 주 금요일에 시간 괜찮아요?",
            "--context",
            "네 괜찮아요. 몇 시에 볼까요?",
            "--text",
            reply,
            "--types",
            "topic",
        ]);
        assert!(
            !got.is_empty() && got.iter().all(|r| r.ends_with("/haeyo")),
            "{reply}: {got:?}"
        );
    }
    let got = rules(&[
        "perturb",
        "--context",
        "부장님, 보고서 검토 부탁드립니다.",
        "--context",
        "알겠네. 세 시까지 회의실로 오게.",
        "--text",
        "네.",
        "--types",
        "topic",
    ]);
    assert!(!got.is_empty() && got.iter().all(|r| r.ends_with("/hapsyo")), "{got:?}");
    let got = rules(&[
        "perturb",
        "--context",
        "내일 영화 볼래?",
        "--text",
        "응",
        "--types",
        "topic",
    ]);
    assert!(!got.is_empty() && got.iter().all(|r| r.ends_with("/hae")), "{got:?}");
}

#[test]
fn a_question_without_a_mark_is_no_fact_to_take_up() {
    // 어디까지 갔는데ㅋㅋ asks (a question word and -ㄴ데): neither tense nor
    // negation takes it up as something the other speaker did.
    let tmp = tempfile::tempdir().unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--context",
            "ㅋㅋ 방금 버스 반대로 탐",
            "--context",
            "어디까지 갔는데ㅋㅋ",
            "--text",
            "벌써 세 정거장 지남… 지각 확정ㅠㅠ",
            "--types",
            "tense,negation",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).trim().is_empty(), "{}", text(&o.stdout));
    // Stated, the same line is a fact (갔어 → 아 안 갔구나).
    let o = rsbench(
        &[
            "perturb",
            "--context",
            "ㅋㅋ 방금 버스 반대로 탐",
            "--context",
            "나 부산까지 갔어ㅋㅋ",
            "--text",
            "헐 진짜?",
            "--types",
            "tense,negation",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("\"utterance\":1"), "{}", text(&o.stdout));
}
