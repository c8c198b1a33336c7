//! Tense and negation rewrites against gold sentences (tests/gold/tense_negation.toml),
//! plus properties of every output. Needs the analyser's dictionary, which
//! ./scripts/setup.sh installs.

use std::sync::OnceLock;

use proptest::prelude::*;
use rsbench::perturb::predicate::Rewrite;
use rsbench::perturb::rewrite::Rewriter;
use rsbench::perturb::PerturbType;
use serde::Deserialize;

fn rewriter() -> &'static Rewriter {
    static R: OnceLock<Rewriter> = OnceLock::new();
    R.get_or_init(|| {
        let dir = rsbench::perturb::analyser::dictionary_dir();
        Rewriter::load(&dir).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn run(text: &str, kind: PerturbType, to: Option<&str>) -> Vec<Rewrite> {
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
    let gold: Gold = toml::from_str(include_str!("gold/tense_negation.toml")).unwrap();
    let mut failures = Vec::new();
    for c in &gold.case {
        let (kind, label) = if c.negate {
            (PerturbType::Negation, "negation".to_owned())
        } else {
            (
                PerturbType::Tense,
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
