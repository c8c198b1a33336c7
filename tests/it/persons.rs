//! subject-object (speaker ↔ listener) against gold sentences
//! (tests/gold/subject_object.toml), plus properties of every output. Needs
//! the analyser's dictionary, which ./scripts/setup.sh installs.

use std::sync::OnceLock;

use proptest::prelude::*;
use rsbench::perturb::analyser::Analyser;
use rsbench::perturb::persons::{self, PersonRules};

use crate::common;

fn analyser() -> &'static (Analyser, PersonRules) {
    static A: OnceLock<(Analyser, PersonRules)> = OnceLock::new();
    A.get_or_init(|| {
        let dir = rsbench::perturb::analyser::dictionary_dir();
        (
            Analyser::load(&dir).unwrap_or_else(|e| panic!("{e}")),
            persons::rules().unwrap(),
        )
    })
}

fn swap(text: &str) -> Option<String> {
    let (a, rules) = analyser();
    rules.swap(&mut a.worker(), text).map(|s| s.text)
}

#[test]
fn argument_swap_gold_sentences() {
    common::check_gold(include_str!("../gold/argument_swap.toml"), 15, |text, expect| {
        let (a, rules) = analyser();
        let out = rules.argument_swaps(&mut a.worker(), text);
        let got: Vec<&str> = out.iter().map(|s| s.text.as_str()).collect();
        let ok = match got.as_slice() {
            [] => expect.is_empty(),
            [t] => expect.iter().any(|e| e == t),
            _ => false,
        };
        let rules_ok = out.iter().all(|s| s.rule.starts_with("subject-object/argument-swap/"));
        (!ok || !rules_ok).then(|| format!("{text} → {got:?}, want {expect:?}"))
    });
}

#[test]
fn gold_sentences() {
    common::check_gold(include_str!("../gold/subject_object.toml"), 60, |text, expect| {
        let got = swap(text);
        let ok = match &got {
            None => expect.is_empty(),
            Some(t) => expect.contains(t),
        };
        (!ok).then(|| format!("{text} → {got:?}, want {expect:?}"))
    });
}

#[test]
fn a_swap_is_named_by_whose_pronouns_moved() {
    let (a, rules) = analyser();
    let rule = |t: &str| rules.swap(&mut a.worker(), t).map(|s| s.rule);
    assert_eq!(
        rule("나 어제 영화 봤어").as_deref(),
        Some("subject-object/person-swap/first-to-second")
    );
    assert_eq!(
        rule("너 어디야?").as_deref(),
        Some("subject-object/person-swap/second-to-first")
    );
    assert_eq!(rule("나 너 좋아해").as_deref(), Some("subject-object/person-swap/both"));
}

/// Text of everyday Korean around the pronouns, with punctuation and chat decorations.
fn sentence() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "나",
        "너",
        "내가",
        "네가",
        "날",
        "널",
        "난",
        "넌",
        "나도",
        "너도",
        "나한테",
        "너랑",
        "내",
        "오늘",
        "진짜",
        "밥",
        "먹었어",
        "가",
        "좋아",
        "영화",
        "봤어?",
        "ㅋㅋ",
        "어디야?",
        "학교",
        "갈게",
        "했어요",
        "우리",
        "저는",
    ]);
    prop::collection::vec(words, 1..7).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(common::proptest_config(256, "tests/it/persons.proptest-regressions"))]

    #[test]
    fn outputs_change_only_pronouns_and_keep_the_rest(text in sentence()) {
        if let Some(out) = swap(&text) {
            prop_assert_ne!(&out, &text);
            // Each pronoun form has a twin of the same length: the words stay in place.
            prop_assert_eq!(out.chars().count(), text.chars().count());
            for (a, b) in text.split(' ').zip(out.split(' ')) {
                if a != b {
                    let first: &[char] = &['나', '너', '내', '네', '날', '널', '난', '넌', '니'];
                    prop_assert!(a.starts_with(first) && b.starts_with(first), "{} → {}", a, b);
                    let rest = |w: &str| w.chars().skip(1).collect::<String>();
                    prop_assert_eq!(rest(a), rest(b));
                }
            }
            prop_assert!(!out.contains("저는") && !out.contains("요"), "{}", out);
            // Swapping back restores the text where the analyser reads the swap again
            // (네 alone it may read as the interjection "yes").
            if let Some(back) = swap(&out).filter(|_| !out.contains('네')) {
                let normalised = text.replace('니', "네");
                prop_assert!(back == text || back == normalised, "{} → {} → {}", text, out, back);
            }
        }
    }
}

#[test]
fn exchanges_that_may_still_be_a_fine_reply_are_marked_and_not_written() {
    let (a, rules) = analyser();
    let fits = |t: &str| rules.swap(&mut a.worker(), t).map(|s| s.still_fits);
    // A bare 나 before a request: 너 reads as its addressee.
    assert_eq!(fits("잘됐다! 데려오면 나 꼭 보여 줘"), Some(true));
    // A promise about the speaker's own things.
    assert_eq!(fits("알겠어 내 옆자리 맡아 둘게"), Some(true));
    // A plain present about the listener reads as a question.
    assert_eq!(fits("목요일 어때? 나 그날 일찍 끝나"), Some(true));
    assert_eq!(fits("나 요즘 너무 바빠"), Some(true));
    // 나도 as a sentence of its own agrees; 너도! agrees as well.
    assert_eq!(
        fits("ㅋㅋ 나도! 주인공 갑자기 외국 가는 거 너무 뜬금없지 않았어?"),
        Some(true)
    );
    assert_eq!(fits("나도ㅋㅋ 근데 저녁엔 쌀쌀하대"), Some(true));
    // A possessive alone (whose room) and 나랑 in a suggestion are not pinned.
    assert_eq!(fits("아 미안ㅋㅋ 내 방 책상 위에 있어. 가져가"), Some(true));
    assert_eq!(fits("그럴 줄 알았어ㅋㅋ 나랑 반반 내서 안마기 사 드리자"), Some(true));
    assert_eq!(fits("아직~ 그래서 너랑 같이 보려고 했지."), Some(false));
    // A thing named by the listener's liking may as well be named by the speaker's.
    assert_eq!(fits("그럼 피자 먹자. 너 좋아하는 포테이토로 시킬게."), Some(true));
    assert_eq!(fits("아 맞다ㅋㅋ 그럼 네가 보고 싶은 걸로 골라."), Some(true));
    assert_eq!(fits("아 맞다 너 화요일마다 학원 가지. 그럼 내일 가자"), Some(false));
    assert_eq!(fits("너는 합격할 줄 알았어."), Some(false));
    // What a third person does to the listener, they may as well do to the speaker.
    assert_eq!(
        fits("그럼 일요일에라도 와. 엄마가 너 수육 해 준다고 기다리셔"),
        Some(true)
    );
    assert_eq!(fits("몰라 아까 도서관에서 너 봤냐고 물어보더라"), Some(false));
    // 나도 as the subject of a clause is swapped as before.
    assert_eq!(fits("나도 어제 그 영화 봤어."), Some(false));
    // Past, future, a full stop, a pronoun with a particle before a request: written.
    assert_eq!(fits("나 어제 다 정리해 놨어"), Some(false));
    assert_eq!(fits("그래, 다 되면 나한테 먼저 보여 줘."), Some(false));
    assert_eq!(fits("나 시험 붙었어!"), Some(false));
    assert_eq!(fits("나 요즘 너무 바빠."), Some(false));

    // In a dialogue, subject-object writes none of the marked ones.
    let tmp = tempfile::tempdir().unwrap();
    let o = crate::common::rsbench(
        &[
            "perturb",
            "--text",
            "목요일 어때? 나 그날 일찍 끝나",
            "--context",
            "우리 다음 주에 삼겹살 먹자",
            "--context",
            "좋아 무슨 요일?",
            "--types",
            "subject-object",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", crate::common::text(&o.stderr));
    assert!(o.stdout.is_empty(), "{}", crate::common::text(&o.stdout));
}
