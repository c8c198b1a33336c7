//! Tense and negation rewrites against gold sentences (tests/gold/tense_negation.toml),
//! plus properties of every output. Needs the analyser's dictionary, which
//! ./scripts/setup.sh installs.

use crate::common;

use std::sync::OnceLock;

use proptest::prelude::*;
use rsbench::perturb::predicate::Rewrite;
use rsbench::perturb::rewrite::RewriteKind;
use rsbench::perturb::rewrite::Rewriter;
use serde::Deserialize;

fn rewriter() -> &'static Rewriter {
    static R: OnceLock<Rewriter> = OnceLock::new();
    R.get_or_init(|| {
        let dir = rsbench::perturb::analyser::dictionary_dir();
        Rewriter::load(&dir).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn run(text: &str, kind: RewriteKind, to: Option<&str>) -> Vec<Rewrite> {
    let r = rewriter();
    let mut w = r.worker();
    r.rewrite(&mut w, text, kind, to)
}

#[derive(Deserialize)]
struct Gold {
    case: Vec<GoldCase>,
}

#[derive(Deserialize)]
struct GoldCase {
    text: String,
    to: Option<String>,
    #[serde(default)]
    negate: bool,
    expect: Vec<String>,
}

#[test]
fn gold_sentences() {
    let gold: Gold = toml::from_str(include_str!("../gold/tense_negation.toml")).unwrap();
    let mut failures = Vec::new();
    for c in &gold.case {
        let (kind, label) = if c.negate {
            (RewriteKind::Negation, "negation".to_owned())
        } else {
            (
                RewriteKind::Tense,
                format!("tense → {}", c.to.as_deref().unwrap_or("?")),
            )
        };
        let out = run(&c.text, kind, c.to.as_deref());
        let texts: Vec<&str> = out.iter().map(|r| r.text.as_str()).collect();
        let ok = match texts.as_slice() {
            [] => c.expect.is_empty(),
            [t] => c.expect.iter().any(|e| e == t),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{} [{label}]: got {texts:?}, want one of {:?}",
                c.text, c.expect
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gold cases wrong:\n{}",
        failures.len(),
        gold.case.len(),
        failures.join("\n")
    );
}

/// Longest common prefix and suffix (in bytes, on char boundaries).
fn common_ends(a: &str, b: &str) -> (usize, usize) {
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let suffix: usize = a[prefix..]
        .chars()
        .rev()
        .zip(b[prefix..].chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    (prefix, suffix)
}

/// Checks what every rewrite must satisfy, whatever the sentence.
fn check_outputs(input: &str, outputs: &[Rewrite]) -> Result<(), TestCaseError> {
    use unicode_normalization::UnicodeNormalization;
    for r in outputs {
        prop_assert!(r.text != input, "unchanged: {input}");
        let nfc: String = r.text.nfc().collect();
        prop_assert_eq!(&nfc, &r.text, "not NFC");
        // Only the last words (the predicate, with 안/the noun's particle
        // before it) may change; every byte before them stays. Words are runs
        // of non-spaces: a run of spaces is no word (proptest found "춰   "
        // counted as four).
        let (prefix, _) = common_ends(input, &r.text);
        let word_starts: Vec<usize> = input
            .char_indices()
            .filter(|&(i, c)| !c.is_whitespace() && input[..i].chars().next_back().is_none_or(char::is_whitespace))
            .map(|(i, _)| i)
            .collect();
        let keep_until = word_starts.len().checked_sub(3).map_or(0, |i| word_starts[i]);
        prop_assert!(
            prefix >= keep_until,
            "{input} → {}: changed before the last words",
            r.text
        );
    }
    Ok(())
}

const OPENINGS: [&str; 8] = [
    "",
    "나 ",
    "어제 ",
    "오늘은 ",
    "친구랑 같이 ",
    "ㅋㅋ 진짜 ",
    "그래서 밥을 ",
    "아, 학교에서 ",
];
const PREDICATES: [&str; 24] = [
    "갔어",
    "먹었어요",
    "공부했어",
    "더웠다",
    "들었어",
    "지었어요",
    "불렀습니다",
    "하얬다",
    "살아",
    "노네",
    "썼어",
    "바빠",
    "학생이야",
    "친구예요",
    "아니야",
    "가셨어요",
    "먹고 싶었어",
    "보고 있었어",
    "안 갔어",
    "듣지 않았어",
    "갈 거야",
    "먹겠습니다",
    "가지 마",
    "재미있었어",
];
const DECORATIONS: [&str; 8] = ["", "!", "?", "ㅋㅋ", " ㅠㅠ", "~", "..", "!!"];

proptest! {
    #![proptest_config(common::proptest_config(256, "tests/it/perturb_rules.proptest-regressions"))]

    #[test]
    fn rewrites_keep_everything_but_the_final_predicate(
        o in 0..OPENINGS.len(), p in 0..PREDICATES.len(), d in 0..DECORATIONS.len()
    ) {
        let input = format!("{}{}{}", OPENINGS[o], PREDICATES[p], DECORATIONS[d]);
        let mut all = run(&input, RewriteKind::Negation, None);
        all.extend(run(&input, RewriteKind::Tense, None));
        check_outputs(&input, &all)?;
        for r in &all {
            // The decoration after the predicate is kept byte for byte.
            prop_assert!(r.text.ends_with(DECORATIONS[d]), "{input} → {}", r.text);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let mut all = run(&text, RewriteKind::Negation, None);
        all.extend(run(&text, RewriteKind::Tense, None));
        check_outputs(&text, &all)?;
    }

    #[test]
    fn hangul_noise_never_panics(text in "[가-힣ㄱ-ㅣ ~!?.]{0,30}") {
        let mut all = run(&text, RewriteKind::Negation, None);
        all.extend(run(&text, RewriteKind::Tense, Some("future")));
        check_outputs(&text, &all)?;
    }
}

#[test]
fn every_shift_and_flip_of_the_koradvmrs_positives_is_well_formed() {
    let dir = common::koradvmrs_dir();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["candidates"][0]["text"].as_str().unwrap();
            let mut all = run(text, RewriteKind::Negation, None);
            all.extend(run(text, RewriteKind::Tense, None));
            check_outputs(text, &all).unwrap_or_else(|e| panic!("{e}"));
            checked += all.len();
        }
    }
    // Most replies end in a predicate the rules cover.
    assert!(checked > 2000, "only {checked} rewrites");
}

#[test]
fn noun_and_adverb_opposites_gold_sentences() {
    let words = rsbench::perturb::opposite_words::opposites().unwrap();
    common::check_gold(include_str!("../gold/lexical_words.toml"), 25, |text, expect| {
        let out = words.swaps(&mut rewriter().worker(), text);
        let mut got: Vec<String> = out.iter().map(|s| s.text.clone()).collect();
        let mut want = expect.to_vec();
        got.sort();
        want.sort();
        let rules_ok = out.iter().all(|s| {
            s.rule.starts_with("lexical-contradiction/noun/") || s.rule == "lexical-contradiction/adverb/word"
        });
        (got != want || !rules_ok).then(|| format!("{text} → {got:?}, want {want:?}"))
    });
}

#[test]
fn lexical_contradiction_gold_sentences() {
    common::check_gold(
        include_str!("../gold/lexical_contradiction.toml"),
        60,
        |text, expect| {
            let out = run(text, RewriteKind::Lexical, None);
            let texts: Vec<&str> = out.iter().map(|r| r.text.as_str()).collect();
            let ok = match texts.as_slice() {
                [] => expect.is_empty(),
                [t] => expect.iter().any(|e| e == t),
                _ => false,
            };
            let rules_ok = out
                .iter()
                .all(|r| r.rule.starts_with("lexical-contradiction/predicate/"));
            (!ok || !rules_ok).then(|| format!("{text} → {texts:?}, want {expect:?}"))
        },
    );
}
