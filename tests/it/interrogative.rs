//! interrogative-word (questions whose answer the context holds) against
//! gold sentences (tests/gold/interrogative_word.toml), properties of every
//! question over KorAdvMRS's contexts, and the strategy end to end. Needs the
//! analyser's dictionary, which ./scripts/setup.sh installs.

use std::sync::OnceLock;

use rsbench::perturb::analyser::Analyser;
use rsbench::perturb::interrogative::{self, WhRules};
use rsbench::perturb::persons::{self, PersonRules};

use crate::common::{self, rsbench, text};

fn engine() -> &'static (Analyser, WhRules, PersonRules) {
    static A: OnceLock<(Analyser, WhRules, PersonRules)> = OnceLock::new();
    A.get_or_init(|| {
        let dir = rsbench::perturb::analyser::dictionary_dir();
        (
            Analyser::load(&dir).unwrap_or_else(|e| panic!("{e}")),
            interrogative::rules().unwrap(),
            persons::rules().unwrap(),
        )
    })
}

fn questions(text: &str) -> Vec<String> {
    let (a, rules, persons) = engine();
    rules
        .questions(persons, &mut a.worker(), text)
        .into_iter()
        .map(|q| q.text)
        .collect()
}

#[test]
fn gold_sentences() {
    common::check_gold(include_str!("../gold/interrogative_word.toml"), 80, |text, expect| {
        let mut got = questions(text);
        let mut want = expect.to_vec();
        got.sort();
        want.sort();
        (got != want).then(|| format!("{text} → {got:?}, want {want:?}"))
    });
}

#[test]
fn an_answered_question_is_asked_again() {
    let (a, rules, _) = engine();
    let mut w = a.worker();
    let re = |t: &str| rules.re_ask(&mut a.worker(), t).map(|q| (q.text, q.rule));
    assert_eq!(
        re("오 누구랑 갔어?"),
        Some(("근데 누구랑 갔어?".into(), "interrogative-word/re-ask/who".into()))
    );
    assert_eq!(
        re("여행 어디로 간다고 했지?"),
        Some((
            "근데 여행 어디로 간다고 했지?".into(),
            "interrogative-word/re-ask/where".into()
        ))
    );
    assert_eq!(re("근데 몇 시에 만나?").map(|q| q.0), Some("근데 몇 시에 만나?".into()));
    assert_eq!(
        re("헐 뭐 시켰어?").map(|q| q.1),
        Some("interrogative-word/re-ask/what".into())
    );
    // Laughter and an interjection before it answer the previous turn.
    assert_eq!(re("ㅋㅋ뭐 봤어?").map(|q| q.0), Some("근데 뭐 봤어?".into()));
    assert_eq!(re("오, 뭘로?").map(|q| q.0), Some("근데 뭘로?".into()));
    assert_eq!(re("아니요, 왜요?").map(|q| q.0), Some("근데 왜요?".into()));
    // Surprise (뭐야, …) is no wh-question.
    assert_eq!(re("뭐야, 쟤네 이제 다 전역했어?"), None);
    // Not a wh-question, or not one question.
    assert_eq!(re("밥 먹었어?"), None);
    assert_eq!(re("오 진짜? 언제부터?"), None);
    assert_eq!(re("언제 와"), None);
    assert!(rules.re_ask(&mut w, "왜 안 왔어?").is_some());
}

#[test]
fn every_question_over_koradvmrs_asks_with_one_wh_phrase_at_the_statements_level() {
    let ds = rsbench::data::load_path(&common::koradvmrs_dir()).unwrap();
    let (a, rules, persons) = engine();
    let mut w = a.worker();
    let mut utterances: Vec<&str> = ds
        .cases
        .iter()
        .flat_map(|c| c.context.iter().map(String::as_str))
        .collect();
    utterances.sort_unstable();
    utterances.dedup();
    let mut asked = 0;
    for u in &utterances {
        let qs = rules.questions(persons, &mut w, u);
        asked += usize::from(!qs.is_empty());
        for q in qs {
            assert!(
                q.text.ends_with('?') && q.text.matches('?').count() == 1,
                "{u} → {}",
                q.text
            );
            let phrases = ["어디", "누구", "누가", "뭘", "뭐", "언제", "몇"];
            let found: usize = phrases.iter().map(|p| q.text.matches(p).count()).sum();
            assert_eq!(found, 1, "{u} → {}: one wh-phrase", q.text);
            let level = q.rule.rsplit('/').next().unwrap();
            let polite = u.trim_end_matches(|c: char| rsbench::hangul::decompose(c).is_none());
            match level {
                "hapsyo" => assert!(
                    polite.ends_with("니다") && q.text.ends_with("니까?"),
                    "{u} → {}",
                    q.text
                ),
                "haeyo" => assert!(polite.ends_with('요') && q.text.ends_with("요?"), "{u} → {}", q.text),
                "hae" => assert!(!polite.ends_with('요') && !polite.ends_with("니다"), "{u} → {}", q.text),
                "da" => assert!(polite.ends_with('다') && q.text.ends_with("어?"), "{u} → {}", q.text),
                other => panic!("{other}"),
            }
        }
    }
    eprintln!(
        "interrogative-word: {asked} of {} distinct KorAdvMRS context utterances give a question",
        utterances.len()
    );
    assert!(asked > 0);
}

#[test]
fn days_are_asked_with_myeochil() {
    let (a, wh, _) = engine();
    let slots = wh.slots(&mut a.worker(), "편의점 야간. 주 3일 해");
    let asked: Vec<&str> = slots.iter().map(|s| s.asked.as_str()).collect();
    assert!(asked.contains(&"며칠"), "{asked:?}");
    assert!(asked.iter().all(|q| !q.contains("몇 일")), "{asked:?}");
    // A period rather than a point in time (지난주에) is not asked with 언제.
    let slots = wh.slots(&mut a.worker(), "네, 지난주에 일본 갔다 왔어요.");
    assert!(slots.iter().all(|s| s.wh != "when"), "{slots:?}");
    let slots = wh.slots(&mut a.worker(), "고양이 두 마리 키워요");
    assert!(slots.iter().any(|s| s.asked == "몇 마리"), "{slots:?}");
}

#[test]
fn perturb_writes_questions_from_the_other_speakers_statements() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let dialogues = [
        r#"{"context": ["나 어제 친구랑 떡볶이 먹었어", "오 맛있었겠다"], "response": "응 진짜 맛있었어"}"#,
        r#"{"context": ["오늘 도서관에서 책 빌렸어", "무슨 책?", "소설책 두 권"], "response": "재밌겠다"}"#,
        r#"{"context": ["나 주말에 한강 갔어", "누구랑 갔어?", "동생이랑 갔지"], "response": "좋았겠다"}"#,
    ];
    std::fs::write(&input, dialogues.join("\n") + "\n").unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--input",
            "in.jsonl",
            "--types",
            "interrogative-word",
            "--per-case",
            "9",
            "--output",
            "out",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = std::fs::read_to_string(dir.path().join("out/interrogative_word.jsonl")).unwrap();
    let mut seen: Vec<(String, String, u64)> = Vec::new();
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let neg = &v["candidates"][1];
        let p = &neg["provenance"];
        // The words that answer the question are on record, in the line it asks about.
        let line = v["context"][p["utterance"].as_u64().unwrap() as usize]
            .as_str()
            .unwrap();
        assert_eq!(p["contradicts"]["slot"], "given", "{line}");
        assert!(line.contains(p["contradicts"]["span"].as_str().unwrap()), "{line}");
        seen.push((
            neg["text"].as_str().unwrap().to_owned(),
            p["rule"].as_str().unwrap().to_owned(),
            p["utterance"].as_u64().unwrap(),
        ));
    }
    seen.sort();
    // Turns alternate and the reply follows the last one, so the other speaker said the
    // utterances n-1, n-3, …: dialogue 1's first utterance is the responder's own (not asked
    // back); dialogue 2's and 3's first are the other speaker's. Each question is the
    // wh-phrase and the line's predicate alone (the rest would repeat the line); the
    // responder's own answered questions (무슨 책?, 누구랑 갔어?) are not asked again: a
    // re-ask is a copy of the question.
    let mut want: Vec<(String, String, u64)> = vec![
        ("뭐 빌렸어?".into(), "interrogative-word/what/hae".into(), 0),
        ("어디서 빌렸어?".into(), "interrogative-word/where/hae".into(), 0),
        ("언제 빌렸어?".into(), "interrogative-word/when/hae".into(), 0),
        ("어디 갔어?".into(), "interrogative-word/where/hae".into(), 0),
        ("언제 갔어?".into(), "interrogative-word/when/hae".into(), 0),
    ];
    want.sort();
    assert_eq!(seen, want);
}

#[test]
fn text_with_context_runs_the_types_on_that_one_dialogue() {
    let dir = tempfile::tempdir().unwrap();
    let o = rsbench(
        &[
            "perturb",
            "--context",
            "나 주말에 한강 갔어",
            "--context",
            "누구랑 갔어?",
            "--context",
            "동생이랑 갔지",
            "--text",
            "좋았겠다",
            "--types",
            "interrogative-word",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut got: Vec<(String, Option<u64>)> = text(&o.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["text"].as_str().unwrap().to_owned(), v["utterance"].as_u64())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [("어디 갔어?".to_owned(), Some(0)), ("언제 갔어?".to_owned(), Some(0))]
    );
    let o = rsbench(
        &[
            "perturb",
            "--context",
            "넌 커피 좋아해?",
            "--text",
            "나도 커피 좋아해",
            "--types",
            "topic",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let outs: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Replies of other conversations, in the reply's 반말: none from the cluster of 커피
    // (food) or the ones near it, none naming 커피.
    // The four clusters closest to the context on the surface.
    assert_eq!(outs.len(), 4, "{outs:?}");
    for v in &outs {
        let rule = v["rule"].as_str().unwrap();
        let reply = v["text"].as_str().unwrap();
        assert!(rule.starts_with("topic/") && rule.ends_with("/hae"), "{rule}");
        for near in ["food", "cooking", "travel", "dating", "health"] {
            assert!(!rule.starts_with(&format!("topic/{near}/")), "{rule}");
        }
        assert!(!reply.contains("커피") && !reply.ends_with("요."), "{reply}");
    }
    // Without a context, topic has nothing to be off the topic of.
    let o = rsbench(
        &["perturb", "--text", "나도 커피 좋아해", "--types", "topic"],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("topic needs a context (--context"),
        "{}",
        text(&o.stderr)
    );
}

/// The interrogative-word negatives `perturb --text` writes for one dialogue.
fn wh_negatives(context: &[&str], reply: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["perturb", "--types", "interrogative-word", "--text", reply];
    for c in context {
        args.extend(["--context", c]);
    }
    let o = rsbench(&args, dir.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut got = common::printed_texts(&o.stdout);
    got.sort();
    got
}

#[test]
fn each_sentence_of_a_line_is_a_statement_and_a_topic_time_is_not_asked() {
    // The line's first sentence is no statement, its last has a clause before the
    // predicate; its second gives the time. (From 어제 찾았어. alone, 언제 찾았어? would
    // be that sentence with one word changed: the near-copy guard drops it.)
    assert_eq!(
        wh_negatives(
            &[
                "폰 맡긴 거 찾았어?",
                "응. 어제 서비스센터에서 찾았어. 액정 갈았는데 비싸더라ㅠㅠ"
            ],
            "헐 얼마 나왔는데?"
        ),
        ["언제 찾았어?"]
    );
    // After chat decoration a new sentence starts.
    assert_eq!(
        wh_negatives(&["나 아까 공원에서 강아지 봤어ㅠㅠ 완전 작은 애"], "귀여웠겠다"),
        ["뭐 봤어?", "어디서 봤어?"]
    );
    // A time that is the topic (내일 오후는 예약이 찼다) is no time of the event.
    assert_eq!(
        wh_negatives(
            &["내일 오후 세 시 되나요?", "죄송합니다. 내일 오후는 예약이 다 찼습니다."],
            "그럼 모레는요?"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_frame_asks_about_the_main_clause_after_a_connective() {
    // The frame is the wh-phrase and the predicate alone, so the clause before
    // (보고서 마무리하느라) is not kept; the reason it gives is asked with 왜.
    assert_eq!(
        wh_negatives(
            &["어제 늦게까지 일했어?", "네, 보고서 마무리하느라 열 시까지 있었습니다."],
            "고생했어. 오늘은 일찍 들어가."
        ),
        ["몇 시까지 있었어?", "왜 열 시까지 있었어?"]
    );
    // A time before the connective is the first clause's as much as the main one's: not asked.
    assert_eq!(
        wh_negatives(&["어제 친구 만나서 공원에서 산책했어"], "좋았겠다"),
        ["어디서 산책했어?"]
    );
    // `--text` alone still asks only a simple sentence: the question would keep the clause.
    assert!(questions("보고서 마무리하느라 열 시까지 있었어").is_empty());
}

#[test]
fn hearsay_is_asked_as_hearsay_in_the_repliers_level() {
    // The hearsay ending stays (끝난대 → 끝난대?), 요 as the replier speaks; the
    // -(으)시- of the one reported stays, and none is added for the listener.
    assert_eq!(
        wh_negatives(&["수업이 세 시에 끝난대"], "그렇구나"),
        ["몇 시에 끝난대?"]
    );
    assert_eq!(
        wh_negatives(&["회의가 세 시에 끝난대요."], "네 알겠어요"),
        ["몇 시에 끝난대요?"]
    );
    assert_eq!(
        wh_negatives(&["다음 주에 할머니가 우리 집 오신대요."], "네 알겠어요"),
        ["누가 오신대요?", "어디 오신대요?"]
    );
    // No everyday hearsay question in 합쇼체; `--text` alone asks no hearsay.
    assert!(wh_negatives(&["회의가 세 시에 끝난대요."], "네, 알겠습니다.").is_empty());
    assert!(questions("수업이 세 시에 끝난대").is_empty());
}

#[test]
fn no_question_about_an_instruction_or_a_round_trip() {
    // A senior's 반말 present to a junior who answers in 합쇼체 instructs.
    assert_eq!(
        wh_negatives(
            &["부장님, 몇 시에 찾아뵐까요?", "네 시쯤 회의실로 와."],
            "알겠습니다. 자료 챙겨 가겠습니다."
        ),
        Vec::<String>::new()
    );
    // A plan names its time or its speaker: no instruction, asked back.
    assert_eq!(
        wh_negatives(&["나 내일 친구랑 영화 봐!"], "와 좋겠네요! 재밌게 보세요"),
        ["누구랑 보세요?", "뭐 보세요?", "언제 보세요?"]
    );
    // A predicate that starts on a bound noun, asked alone, loses what the noun
    // is of (고민 중이야 → *언제 중이야?; 병원 가는 중이야 → *어디 중이야?).
    assert_eq!(
        wh_negatives(
            &[
                "우리 주말에 캠핑 가는 거 아직 유효해?",
                "어 근데 토요일에 비 온대서 고민 중이야."
            ],
            "그럼 미루자"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        wh_negatives(&["헐 많이 아픈 건가...", "지금 병원 가는 중이야.."], "헐 괜찮아?"),
        Vec::<String>::new()
    );
    // A time with its time noun and no particle before a noun compound dates
    // the thing named (the meeting), not the event (the preparation): no 언제.
    assert_eq!(
        wh_negatives(
            &["부장님, 오늘 오후 거래처 미팅 자료 준비 다 됐습니다."],
            "수고했어요. 한번 볼게요"
        ),
        Vec::<String>::new()
    );
    // Before the noun of a thing called off, the time dates the thing (today's
    // meeting), not the calling off.
    assert_eq!(
        wh_negatives(&["부장님, 오늘 회의는 취소됐습니다."], "그래? 그럼 내일로 잡아"),
        Vec::<String>::new()
    );
    // 오늘 alone mostly dates the event.
    assert_eq!(
        wh_negatives(
            &["사장님, 오늘 재료 발주 넣었습니다."],
            "고생했어. 양파는 넉넉하게 시켰지?"
        ),
        ["언제 넣었어?"]
    );
    // 갔다 왔어 asked whole is a near-copy of its line, cut (*어디 왔어?) it is wrong.
    assert_eq!(
        wh_negatives(&["나 지난주에 일본 갔다 왔어"], "오 좋았겠다"),
        Vec::<String>::new()
    );
}

#[test]
fn a_reason_the_line_gives_is_asked_again_with_wae() {
    // An adjective's -어서: the main clause alone, in the replier's level
    // and honorifics (오셨어요 for a 해요체 replier who honours the listener).
    assert_eq!(
        wh_negatives(
            &["어제 모임에 왜 안 왔어요?", "아, 네... 야근이 많아서 못 왔어요."],
            "그러셨구나. 다음엔 꼭 오세요"
        ),
        ["왜 못 오셨어요?"]
    );
    // -느라: the speaker's own subject is left out of the question.
    assert_eq!(
        wh_negatives(&["어제 경기 봤어?", "아 나 자느라 못 봤어ㅠㅠ"], "하이라이트라도 봐"),
        ["왜 못 봤어?"]
    );
    // 때문에, and a subject that stays.
    assert_eq!(
        wh_negatives(&["비 때문에 소풍이 취소됐어"], "아쉽다 다음에 가자"),
        ["왜 소풍이 취소됐어?"]
    );
    // A verb's -어서 is a sequence as often as a cause: no 왜.
    assert_eq!(
        wh_negatives(&["주말에 뭐 했어?", "친구 만나서 놀았어"], "재밌었겠다"),
        Vec::<String>::new()
    );
    // Reported speech is not the speaker's own: 왜 힘들었어? would ask the listener.
    assert_eq!(
        wh_negatives(&["언니 왜 늦게 와?", "일이 너무 많아서 힘들었대"], "고생했겠다"),
        Vec::<String>::new()
    );
}
