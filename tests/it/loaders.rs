//! Loader behaviour: formats, NFC, and errors that name file and line.

use std::path::Path;

use rsbench::data::{load_path, parse_jsonl, parse_tsv};

const GOOD: &str = r#"{"context": ["안녕", "뭐 해?"], "candidates": [{"text": "밥 먹어", "label": 1}, {"text": "안녕", "label": 0}], "src_dlg_id": "d1", "did": "x1"}"#;

fn jsonl_err(text: &str) -> String {
    parse_jsonl("cases.jsonl", "negation", text.as_bytes())
        .unwrap_err()
        .to_string()
}

#[test]
fn jsonl_parses_fields_and_type_from_stem() {
    let cases = parse_jsonl("f.jsonl", "tense", format!("{GOOD}\n\n").as_bytes()).unwrap();
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(
        (c.id.as_str(), c.source_dialogue.as_str(), c.case_type.as_str()),
        ("x1", "d1", "tense")
    );
    assert_eq!(c.context, vec!["안녕", "뭐 해?"]);
    assert_eq!(c.candidates[0].label, 1);
}

#[test]
fn jsonl_normalises_to_nfc() {
    // "한" spelled as conjoining jamo (NFD) must load as the precomposed syllable.
    let nfd = "\u{1112}\u{1161}\u{11AB}";
    let line = GOOD.replace("밥 먹어", nfd);
    let cases = parse_jsonl("f.jsonl", "t", line.as_bytes()).unwrap();
    assert_eq!(cases[0].candidates[0].text, "한");
}

#[test]
fn malformed_json_names_file_and_line() {
    let e = jsonl_err(&format!("{GOOD}\n{{\"context\": [\"a\"], \n"));
    assert!(e.starts_with("cases.jsonl:2: malformed JSON"), "{e}");
}

#[test]
fn missing_field_names_file_and_line() {
    let e = jsonl_err(&format!("{GOOD}\n{GOOD}\n{{\"context\": [\"a\"]}}\n"));
    assert!(
        e.starts_with("cases.jsonl:3: malformed JSON") && e.contains("candidates"),
        "{e}"
    );
}

#[test]
fn case_without_positive_or_negative_is_rejected() {
    let no_pos = GOOD.replace("\"label\": 1", "\"label\": 0");
    assert_eq!(
        jsonl_err(&no_pos),
        "cases.jsonl:1: case has no positive candidate (label 1)"
    );
    let no_neg = GOOD.replace("\"label\": 0", "\"label\": 1");
    assert_eq!(
        jsonl_err(&no_neg),
        "cases.jsonl:1: case has no negative candidate (label 0)"
    );
}

#[test]
fn empty_context_is_rejected() {
    let empty = GOOD.replace(r#"["안녕", "뭐 해?"]"#, "[]");
    assert_eq!(jsonl_err(&format!("{GOOD}\n{empty}")), "cases.jsonl:2: empty context");
    let blank = GOOD.replace(r#"["안녕", "뭐 해?"]"#, r#"["  "]"#);
    assert_eq!(jsonl_err(&blank), "cases.jsonl:1: empty context");
}

#[test]
fn bad_label_is_rejected() {
    let e = jsonl_err(&GOOD.replace("\"label\": 0", "\"label\": 2"));
    assert_eq!(e, "cases.jsonl:1: candidate label must be 0 or 1");
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"{\"context\": [\"\xff\xfe\"]}\n");
    let e = parse_jsonl("cases.jsonl", "t", &bytes).unwrap_err().to_string();
    assert_eq!(e, "cases.jsonl:2: invalid UTF-8");
    let e = parse_tsv("test.tsv", "t", b"1\tctx\tresp\n0\tctx\t\xc3\n")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "test.tsv:2: invalid UTF-8");
}

#[test]
fn empty_file_is_rejected() {
    assert_eq!(jsonl_err("\n\n"), "cases.jsonl: no cases in this file");
}

#[test]
fn tsv_groups_consecutive_lines_with_the_same_context() {
    let text =
        "1\t안녕\t뭐 해?\t밥 먹어\n0\t안녕\t뭐 해?\t잘 가\n0\t안녕\t뭐 해?\t몰라\n1\t내일 봐\t그래\n0\t내일 봐\t싫어\n";
    let cases = parse_tsv("test.tsv", "test", text.as_bytes()).unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].context, vec!["안녕", "뭐 해?"]);
    assert_eq!(cases[0].candidates.len(), 3);
    assert_eq!(cases[0].id, "test:1");
    assert_eq!(cases[1].id, "test:4");
    assert_eq!(
        cases[1].candidates.iter().map(|c| c.label).collect::<Vec<_>>(),
        vec![1, 0]
    );
}

#[test]
fn tsv_keeps_cases_without_positive_but_rejects_bad_lines() {
    let cases = parse_tsv("t.tsv", "t", b"0\tctx\ta\n0\tctx\tb\n").unwrap();
    assert_eq!(cases[0].positives().count(), 0);
    let e = parse_tsv("t.tsv", "t", b"1\tctx\ta\n0\tonly-two\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.tsv:2: expected"), "{e}");
    let e = parse_tsv("t.tsv", "t", b"yes\tctx\ta\n").unwrap_err().to_string();
    assert_eq!(e, "t.tsv:1: label must be 0 or 1, found `yes`");
    let e = parse_tsv("t.tsv", "t", b"0\tctx\ta\n1\tother\tb\n")
        .unwrap_err()
        .to_string();
    assert_eq!(e, "t.tsv:2: case has no negative candidate (label 0)");
}

#[test]
fn directory_loads_every_file_sorted_with_checksums() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b_type.jsonl"), GOOD.replace("x1", "b1")).unwrap();
    std::fs::write(dir.path().join("a_type.jsonl"), GOOD).unwrap();
    std::fs::write(dir.path().join("notes.md"), "ignored").unwrap();
    let ds = load_path(dir.path()).unwrap();
    assert_eq!(ds.types(), vec!["a_type", "b_type"]);
    assert_eq!(ds.files.len(), 2);
    assert_eq!(ds.files[0].name, "a_type.jsonl");
    assert_eq!(ds.files[0].sha256, rsbench::data::sha256_hex(GOOD.as_bytes()));
}

#[test]
fn duplicate_ids_and_bad_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), format!("{GOOD}\n{GOOD}\n")).unwrap();
    let e = load_path(dir.path()).unwrap_err().to_string();
    let a = dir.path().join("a.jsonl").display().to_string();
    assert_eq!(e, format!("{a}:2: case id `x1` already used at {a}:1"));
    let e = load_path(Path::new("/nonexistent/rsbench")).unwrap_err().to_string();
    assert!(e.starts_with("/nonexistent/rsbench:"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = load_path(empty.path()).unwrap_err().to_string();
    assert!(e.contains("no *.jsonl"), "{e}");
}

#[test]
fn error_in_directory_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.jsonl"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("b.jsonl"),
        format!("{}\nnot json\n", GOOD.replace("x1", "x2")),
    )
    .unwrap();
    let e = load_path(dir.path()).unwrap_err().to_string();
    let expected = format!("{}:2: malformed JSON", dir.path().join("b.jsonl").display());
    assert!(e.starts_with(&expected), "{e}");
}
