//! topic (a reply's noun replaced by an unmentioned sibling of its topic)
//! against gold cases (tests/gold/topic.toml), and properties of every
//! output over KorAdvMRS. Needs the analyser's dictionary.

use std::sync::OnceLock;

use rsbench::perturb::analyser::Analyser;
use rsbench::perturb::topic::{self, TopicRules};

use crate::common;

fn engine() -> &'static (Analyser, TopicRules) {
    static A: OnceLock<(Analyser, TopicRules)> = OnceLock::new();
    A.get_or_init(|| {
        let dir = rsbench::perturb::analyser::dictionary_dir();
        (
            Analyser::load(&dir).unwrap_or_else(|e| panic!("{e}")),
            topic::rules().unwrap(),
        )
    })
}

#[test]
fn gold_replacements() {
    #[derive(serde::Deserialize)]
    struct Gold {
        case: Vec<Case>,
    }
    #[derive(serde::Deserialize)]
    struct Case {
        context: Vec<String>,
        reply: String,
        sibling: String,
        expect: String,
    }
    let gold: Gold = toml::from_str(include_str!("../gold/topic.toml")).unwrap();
    assert!(gold.case.len() >= 30, "{} gold cases", gold.case.len());
    let (a, rules) = engine();
    let mut w = a.worker();
    let mut wrong = Vec::new();
    for c in &gold.case {
        let outs: Vec<String> = rules
            .siblings(&mut w, &c.reply, &c.context)
            .into_iter()
            .map(|s| s.text)
            .collect();
        let ok = if c.expect.is_empty() {
            outs.is_empty()
        } else {
            // The sibling's output is exact; it differs from the reply in the noun and particle only.
            outs.contains(&c.expect) && outs.iter().all(|o| o != &c.reply)
        };
        if !ok {
            wrong.push(format!(
                "{} (sibling {}) → {:?}, want {:?}",
                c.reply, c.sibling, outs, c.expect
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        gold.case.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_koradvmrs_replacement_keeps_the_rest_of_the_reply() {
    let ds = rsbench::data::load_path(&common::koradvmrs_dir()).unwrap();
    let (a, rules) = engine();
    let mut w = a.worker();
    let nouns: Vec<&str> = rules
        .cluster
        .iter()
        .flat_map(|c| c.nouns.iter().map(String::as_str))
        .collect();
    let mut replied = 0;
    for case in &ds.cases {
        let reply = &case.candidates[0].text;
        let outs = rules.siblings(&mut w, reply, &case.context);
        replied += usize::from(!outs.is_empty());
        for o in outs {
            // Exactly one word differs: the reply's starts with a cluster noun the
            // context has, the output's with another one the context lacks.
            let (rw, ow): (Vec<&str>, Vec<&str>) =
                (reply.split_whitespace().collect(), o.text.split_whitespace().collect());
            assert_eq!(rw.len(), ow.len(), "{reply} → {}", o.text);
            let diff: Vec<usize> = (0..rw.len()).filter(|&i| rw[i] != ow[i]).collect();
            assert_eq!(diff.len(), 1, "{reply} → {}", o.text);
            let (old, new) = (rw[diff[0]], ow[diff[0]]);
            let old_noun = nouns.iter().filter(|n| old.starts_with(*n)).max_by_key(|n| n.len());
            let new_noun = nouns.iter().filter(|n| new.starts_with(*n)).max_by_key(|n| n.len());
            let (Some(old_noun), Some(new_noun)) = (old_noun, new_noun) else {
                panic!("{reply} → {}: `{old}` → `{new}`", o.text)
            };
            assert!(
                case.context.iter().any(|u| u.contains(*old_noun)),
                "{reply} → {}",
                o.text
            );
            assert!(
                case.context.iter().all(|u| !u.contains(*new_noun)),
                "{reply} → {}",
                o.text
            );
            let cluster_of = |n: &str| rules.cluster.iter().position(|c| c.nouns.iter().any(|x| x == n));
            assert_eq!(cluster_of(old_noun), cluster_of(new_noun), "{reply} → {}", o.text);
        }
    }
    eprintln!(
        "topic: {replied} of {} KorAdvMRS cases' replies give a replacement",
        ds.cases.len()
    );
    assert!(replied > 0);
}

#[test]
fn templates_presuppose_the_opposite_of_a_plainly_stated_state() {
    let (a, rules) = engine();
    let mut w = a.worker();
    let mut ask = |context: &[&str]| -> Vec<(usize, String, String)> {
        let context: Vec<String> = context.iter().map(|s| s.to_string()).collect();
        rules
            .templates(&mut w, &context)
            .into_iter()
            .map(|(i, s)| (i, s.text, s.rule))
            .collect()
    };
    let got = ask(&["오늘 날씨 어때?", "하루종일 맑았어"]);
    assert!(
        !got.is_empty() && got.iter().all(|(i, _, r)| *i == 1 && r == "topic/template/clear-sky"),
        "{got:?}"
    );
    assert!(got.iter().any(|(_, t, _)| t == "우산 꼭 챙겨"));
    let got = ask(&["드디어 시험이 끝났거든."]);
    assert!(
        got.iter()
            .any(|(_, t, r)| t == "시험 잘 봐!" && r == "topic/template/exam-over"),
        "{got:?}"
    );
    for (context, rule, reply) in [
        ("오늘 비 온대", "topic/template/rainy", "오늘 날씨 진짜 맑다"),
        ("오늘 너무 더워", "topic/template/hot", "오늘 진짜 춥다"),
        ("아 진짜 춥다", "topic/template/cold", "오늘 진짜 덥다"),
        ("나 감기 걸렸어", "topic/template/sick", "다 나아서 다행이다"),
    ] {
        let got = ask(&[context]);
        assert!(
            got.iter().any(|(_, t, r)| t == reply && r == rule),
            "{context}: {got:?}"
        );
    }
    assert!(ask(&["오늘 안 더워"]).is_empty());
    assert!(ask(&["감기 걸렸어?"]).is_empty());
    // A question or a negation states nothing: 시험 잘 봐 would fit after 시험 안 끝났어.
    assert!(ask(&["시험 끝났어?"]).is_empty());
    assert!(ask(&["시험 아직 안 끝났어"]).is_empty());
    assert!(ask(&["비가 오지 않아"]).is_empty());
    assert!(ask(&["오늘 뭐 했어?", "그냥 집에 있었어"]).is_empty());
    // Every template says where it came from.
    assert!(rules
        .template
        .iter()
        .all(|t| !t.source.is_empty() && !t.replies.is_empty()));
}
