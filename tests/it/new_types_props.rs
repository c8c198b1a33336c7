//! Properties of the interrogative-word, noun/adverb opposite and
//! argument-exchange rewrites over random everyday sentences: they never
//! panic, every output is NFC, differs from its input, and keeps what its
//! rule keeps (one word changed for the word swaps; a question for
//! interrogative-word).

use std::sync::OnceLock;

use proptest::prelude::*;
use rsbench::perturb::analyser::Analyser;
use rsbench::perturb::{interrogative, opposite_words, persons};
use unicode_normalization::UnicodeNormalization;

use crate::common;

struct Engines {
    analyser: Analyser,
    wh: interrogative::WhRules,
    persons: persons::PersonRules,
    words: opposite_words::WordOpposites,
}

fn engines() -> &'static Engines {
    static E: OnceLock<Engines> = OnceLock::new();
    E.get_or_init(|| Engines {
        analyser: Analyser::load(&rsbench::perturb::analyser::dictionary_dir()).unwrap_or_else(|e| panic!("{e}")),
        wh: interrogative::rules().unwrap(),
        persons: persons::rules().unwrap(),
        words: opposite_words::opposites().unwrap(),
    })
}

fn sentence() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "나",
        "너",
        "엄마가",
        "동생을",
        "친구랑",
        "고양이가",
        "강아지를",
        "언니한테",
        "오늘",
        "어제",
        "내일",
        "주말에",
        "아침에",
        "저녁",
        "세",
        "시에",
        "두",
        "개",
        "커피",
        "커피를",
        "치킨",
        "피자로",
        "영화",
        "드라마를",
        "학교에서",
        "카페에",
        "병원",
        "일찍",
        "빨리",
        "합격했어",
        "성공",
        "먹었어",
        "갔어요",
        "봤다!",
        "가",
        "있어",
        "좋아",
        "안",
        "못",
        "ㅋㅋ",
        "?",
        "!",
        "응",
        "헐",
        "진짜",
        "너무",
        "추워",
        "이야",
        "습니다",
        "요",
    ]);
    prop::collection::vec(words, 1..8).prop_map(|w| w.join(" "))
}

fn one_word_changed(a: &str, b: &str) -> bool {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    x.len() == y.len() && x.iter().zip(&y).filter(|(p, q)| p != q).count() == 1
}

proptest! {
    #![proptest_config(common::proptest_config(256, "tests/it/new_types_props.proptest-regressions"))]

    #[test]
    fn rewrites_never_panic_and_keep_what_their_rules_keep(text in sentence()) {
        let e = engines();
        let mut w = e.analyser.worker();
        for q in e.wh.questions(&e.persons, &mut w, &text) {
            prop_assert_eq!(&q.text, &q.text.nfc().collect::<String>());
            prop_assert!(q.text.ends_with('?') && q.text != text, "{} → {}", text, q.text);
        }
        if let Some(q) = e.wh.re_ask(&mut w, &text) {
            prop_assert!(q.text.starts_with("근데 ") && q.text.ends_with('?'), "{} → {}", text, q.text);
        }
        for s in e.words.swaps(&mut w, &text) {
            prop_assert!(one_word_changed(text.trim(), &s.text), "{} → {}", text, s.text);
        }
        for s in e.persons.argument_swaps(&mut w, &text) {
            let (x, y): (Vec<&str>, Vec<&str>) = (text.split_whitespace().collect(), s.text.split_whitespace().collect());
            prop_assert_eq!(x.len(), y.len());
            prop_assert_eq!(x.iter().zip(&y).filter(|(p, q)| p != q).count(), 2, "{} → {}", text, s.text);
        }
    }
}
