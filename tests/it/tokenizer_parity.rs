//! Tokenizer parity: rsbench's token ids equal the HF fast tokenizer's for
//! every context and response text of KorAdvMRS, for each fixture tokenizer
//! (tokenizer.json through the tokenizers crate, vocab.txt through
//! rust_tokenizers). Runs the project venv's Python (scripts/setup.sh).

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use rsbench::data::load_path;
use rsbench::scorer::model::{ModelScorer, RunOptions};

fn python() -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(p.is_file(), "{} missing: run scripts/setup.sh", p.display());
    p
}

fn koradvmrs_texts() -> Vec<String> {
    let ds = load_path(&common::koradvmrs_dir()).unwrap();
    let mut texts: Vec<String> = ds.texts().map(str::to_owned).collect();
    texts.sort();
    texts.dedup();
    texts
}

fn check(model: &str) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/models").join(model);
    let texts = koradvmrs_texts();
    assert!(texts.len() > 1600, "{} distinct texts", texts.len());
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("texts.json");
    let output = tmp.path().join("ids.json");
    std::fs::write(&input, serde_json::to_string(&texts).unwrap()).unwrap();
    let status = Command::new(python())
        .arg(root.join("tests/fixtures/tokenize_reference.py"))
        .arg(&dir)
        .arg(&input)
        .arg(&output)
        .env("TRANSFORMERS_VERBOSITY", "error")
        .status()
        .unwrap();
    assert!(status.success(), "reference tokenizer failed for {model}");
    let expected: Vec<Vec<i64>> = serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let scorer = ModelScorer::load(&dir, RunOptions::default()).unwrap();
    let mut mismatches = Vec::new();
    for (text, want) in texts.iter().zip(&expected) {
        let got = scorer.tokenizer().ids(text).unwrap();
        if &got != want {
            mismatches.push(format!("{text:?}: rsbench {got:?}, HF {want:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{model}: {} of {} texts differ, e.g. {}",
        mismatches.len(),
        texts.len(),
        mismatches[0]
    );
}

#[test]
fn cased_wordpiece_tokenizer_json() {
    check("bert-cls2");
}

#[test]
fn roberta_special_tokens_tokenizer_json() {
    check("roberta-cls2");
}

#[test]
fn uncased_accent_stripping_vocab_txt() {
    check("bert-uncased-vocab");
}

#[test]
fn cased_vocab_txt_under_a_roberta() {
    check("roberta-wordpiece-vocab");
}
