//! What the context pins, for the rewrites of the reply (`tense`,
//! `negation`, `lexical-contradiction`). A rewrite of the reply is a negative
//! only when the slot it changes is fixed by a fact of the context: moved to
//! another tense where the context never says when (주말에 뭐 했어? / 영화
//! 봤어 → 나도 보고 싶었어) it is still a fine reply. So each rewrite needs a
//! [`Grounds`]: the context utterance and the words that fix its slot,
//! recorded in the negative's provenance. No grounds, no output.
//!
//! Invariant: grounds are read from the context and the reply alone, through
//! the analyser's readings of their final predicates and the word lists of
//! `perturbations/grounding.toml`; every rewrite of the reply that passes
//! also passes the sentence checks here (time words moved with the tense, no
//! aspect word left clashing, answer words kept).

use serde::Deserialize;

use super::predicate::{Negation, Predicate, Tense};
use super::PerturbError;

const RULES: &str = include_str!("../../perturbations/grounding.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroundingRules {
    /// [past, future] time word pairs.
    pub times: Vec<[String; 2]>,
    pub time_particles: Vec<String>,
    pub aspect: Vec<String>,
    pub yes: Vec<String>,
    pub no: Vec<String>,
    pub agree: Vec<String>,
    /// Answer words of polite speech (네, 넵): a reply of one alone shows no
    /// ending to read its speech level from, and is not 반말.
    pub polite_answers: Vec<String>,
    pub volitional: Vec<String>,
    pub events: Vec<String>,
    pub humble: Vec<String>,
    pub degree: Vec<String>,
    pub stance: Vec<String>,
    /// Predicates of thanks, apologies and greetings, whose flip or other tense
    /// says nothing (*감사하지 않습니다).
    pub formulas: Vec<String>,
    pub denial_intensifiers: Vec<String>,
    pub feelings: Vec<String>,
    pub not_carried: Vec<String>,
    pub first_person: Vec<String>,
    pub days: Vec<String>,
    pub answered: AnsweredWords,
}

/// The word lists of the answered reactions (`[answered]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnsweredWords {
    /// Words before a question that address the listener or lead into it.
    pub leading: Vec<String>,
    /// Words of an answer line that make a yes only partly one.
    pub hedges: Vec<String>,
    /// Answer words that may also start a line that answers nothing.
    pub not_answers: Vec<String>,
    /// Words that date or frame a question without saying what it is about.
    pub framing: Vec<String>,
    /// Words of address a question may start with.
    pub address: Vec<String>,
    /// Determiners that pick which one a noun names.
    pub which: Vec<String>,
}

pub fn rules() -> Result<GroundingRules, PerturbError> {
    super::rules::parse("perturbations/grounding.toml", RULES)
}

/// The fact of the context a negative contradicts, as provenance records it.
pub type Grounds = crate::data::Contradicts;

/// Past or future, the two times a context can pin for a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Past,
    Future,
}

impl When {
    pub fn of(t: Tense) -> Option<When> {
        match t {
            Tense::Past => Some(When::Past),
            Tense::FutureGeo { .. } => Some(When::Future),
            // -겠- mostly guesses (맛있겠다), and the present is loose
            // (내일 가 = "I'm going tomorrow"): neither pins a time.
            Tense::FutureGess | Tense::Present => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            When::Past => "past",
            When::Future => "future",
        }
    }

    pub fn opposite(self) -> When {
        match self {
            When::Past => When::Future,
            When::Future => When::Past,
        }
    }

    fn side(self) -> usize {
        match self {
            When::Past => 0,
            When::Future => 1,
        }
    }
}

/// Whether the last sentence of `text` asks (chat decoration after the `?`
/// aside): it ends in `?`, or it asks with a question word and -ㄴ데 or -냐
/// and no mark at all (어디까지 갔는데ㅋㅋ, 뭐 먹냐).
pub fn asks(text: &str) -> bool {
    let bare = text.trim_end_matches(|c: char| c.is_whitespace() || "ㅋㅎㅠㅜ~!^.".contains(c));
    bare.ends_with('?') || asks_unmarked(bare)
}

/// Question words as a word starts with them (어디까지, 누구랑, 뭘).
const QUESTION_WORDS: [&str; 13] = [
    "어디",
    "언제",
    "누구",
    "누가",
    "뭐",
    "뭘",
    "무슨",
    "왜",
    "몇",
    "얼마",
    "어떻게",
    "어느",
    "어떤",
];

/// A sentence without a mark that asks: a question word and a final -ㄴ데
/// (갔는데, 큰데, 뭔데) or -냐. Not 언제나 "always", 얼마 전 "a while ago",
/// nor a 뭐 that opens the sentence, which is mostly a filler (뭐 별거
/// 없는데).
fn asks_unmarked(bare: &str) -> bool {
    if bare.ends_with(['.', '!']) {
        return false;
    }
    let start = (bare.char_indices())
        .rfind(|&(i, c)| ".!?".contains(c) && bare[i + c.len_utf8()..].starts_with(char::is_whitespace))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let words: Vec<&str> = bare[start..].split_whitespace().collect();
    let Some(last) = words.last() else {
        return false;
    };
    let asking_ending = last.ends_with('냐')
        || last
            .strip_suffix('데')
            .and_then(|s| s.chars().last())
            .is_some_and(|c| crate::hangul::final_of(c) == Some('ㄴ'));
    // Words that start as a question word and ask nothing.
    let not_asking = |k: usize, w: &str| {
        w.starts_with("언제나")
            || (w == "얼마" && words.get(k + 1).is_some_and(|n| n.starts_with('전')))
            || (k == 0 && w == "뭐")
    };
    asking_ending
        && (words.iter().enumerate()).any(|(k, w)| QUESTION_WORDS.iter().any(|q| w.starts_with(q)) && !not_asking(k, w))
}

/// Whether a sentence ends before byte `at` of `text` (네 여기요. 다 쓰시고
/// …): an answer word or a restated fact then belongs to another sentence
/// than the final predicate.
pub fn sentence_before(text: &str, at: usize) -> bool {
    sentence_end(text.get(..at).unwrap_or(text)).is_some()
}

/// Where the first sentence of `text` ends (after its `.`, `!` or `?`) when
/// another follows it after a space: 응 먹었어. 너는? → after 먹었어.
pub fn sentence_end(text: &str) -> Option<usize> {
    text.char_indices()
        .find(|&(i, c)| ".!?".contains(c) && text[i + c.len_utf8()..].starts_with(char::is_whitespace))
        .map(|(i, c)| i + c.len_utf8())
}

/// The sentences of `text`, trimmed: each ends at `.`, `!`, `?` or `~`, or
/// at chat decoration (ㅋㅋ, ㅠㅠ), before a space (지난달부터요. 여섯 시 반에 가요
/// → two; 있었어ㅠㅠ 새끼 고양이 두 마리 → two).
pub fn sentences(text: &str) -> Vec<&str> {
    let is_mark = |c: char| ".!?~".contains(c) || "ㅋㅎㅠㅜ".contains(c);
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_space = chars.peek().is_some_and(|&(_, n)| n.is_whitespace());
        if is_mark(c) && next_space {
            let end = i + c.len_utf8();
            let s = text[start..end].trim();
            // A sentence needs a word: a lone ㅋㅋ or ! is decoration of the one before.
            if s.chars()
                .any(|c| crate::hangul::decompose(c).is_some() || c.is_alphanumeric() && !is_mark(c))
            {
                out.push(s);
                start = end;
            }
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// A reply's first word as written, and without the laughter or crying
/// glued to it (콜ㅋㅋ → 콜).
fn first_word(reply: &str) -> (&str, &str) {
    let word = reply
        .split(|c: char| c.is_whitespace() || ",.!~".contains(c))
        .next()
        .unwrap_or("");
    (word, word.trim_end_matches(|c: char| "ㅋㅎㅠㅜ".contains(c)))
}

/// Whether a clause ends before byte `at` of `text`: a word before it ends
/// in a verbal ending (먹고, 가서, 봤는데, 잘 지내 근데).
pub fn clause_before(tokens: &[super::analyser::Token], at: usize) -> bool {
    tokens
        .iter()
        .filter(|t| t.end <= at)
        .any(|t| t.morphemes.iter().any(|(_, tag)| tag.starts_with('E')))
}

/// Whether a clause of reason ends before byte `at` (비가 와서, 바빠서,
/// 늦으니까, 일하느라): what follows is its outcome.
pub fn reason_before(tokens: &[super::analyser::Token], at: usize) -> bool {
    let before: Vec<&super::analyser::Token> = tokens.iter().filter(|t| t.end <= at).collect();
    let ending = before.iter().any(|t| {
        t.morphemes
            .iter()
            .any(|(m, tag)| tag == "EC" && REASON_ENDINGS.contains(&m.as_str()))
    });
    // The analyser reads some -아서 after a short stem as a subject particle
    // (늦잠 자서: 자/XSN + 서/JKS); the particle 서 is only that of a number
    // of people (혼자서, 둘이서).
    let misread = before
        .windows(2)
        .any(|w| w[1].tag == "JKS" && w[1].surface == "서" && !PEOPLE_BEFORE_SEO.contains(&w[0].surface.as_str()));
    ending || misread
}

/// Words the particle 서 follows (혼자서, 둘이서).
const PEOPLE_BEFORE_SEO: [&str; 5] = ["혼자", "둘이", "셋이", "넷이", "다섯이"];

/// Connective endings of a reason (-아서/-어서, -느라, -니까).
const REASON_ENDINGS: [&str; 9] = ["아서", "어서", "여서", "서", "느라", "느라고", "니까", "으니까", "라서"];

/// A word of `text` at byte `at`: it starts the text or follows a space.
fn word_start(text: &str, at: usize) -> bool {
    at == 0 || text[..at].ends_with(char::is_whitespace)
}

/// The words after a word, up to its end: a particle of `particles`, chat
/// decoration or nothing.
fn word_end(rest: &str, particles: &[String]) -> bool {
    let word: &str = rest.split(char::is_whitespace).next().unwrap_or("");
    let bare = word.trim_end_matches(|c: char| !crate::hangul::is_letter(c));
    bare.is_empty() || particles.iter().any(|p| p == bare)
}

impl GroundingRules {
    /// Where `word` stands in `text` as a word of its own (a particle may follow).
    fn find_word(&self, text: &str, word: &str) -> Option<usize> {
        text.match_indices(word)
            .map(|(i, _)| i)
            .find(|&i| word_start(text, i) && word_end(&text[i + word.len()..], &self.time_particles))
    }

    /// The first time word of `text` and the time it names.
    pub fn time_word(&self, text: &str) -> Option<(When, &str)> {
        let mut found: Option<(usize, When, &str)> = None;
        for pair in &self.times {
            for when in [When::Past, When::Future] {
                let w = pair[when.side()].as_str();
                if let Some(at) = self.find_word(text, w) {
                    // The longest word at the earliest place (어젯밤 over 어제).
                    let better = found.is_none_or(|(a, _, f)| at < a || (at == a && w.len() > f.len()));
                    if better {
                        found = Some((at, when, w));
                    }
                }
            }
        }
        found.map(|(_, when, w)| (when, w))
    }

    /// `text` with each time word of `from` replaced by its pair's other side,
    /// or None when one has no pair on that side.
    pub fn move_time_words(&self, text: &str, from: When) -> Option<String> {
        let mut out = text.to_owned();
        // Longest words first, so 지난 주말 moves before 지난 주 would.
        let mut words: Vec<&[String; 2]> = self.times.iter().collect();
        words.sort_by_key(|p| std::cmp::Reverse(p[from.side()].len()));
        let mut guard = 0;
        while let Some(pair) = words.iter().find(|p| self.find_word(&out, &p[from.side()]).is_some()) {
            let at = self.find_word(&out, &pair[from.side()])?;
            let to = &pair[from.opposite().side()];
            out.replace_range(at..at + pair[from.side()].len(), to);
            guard += 1;
            if guard > 8 {
                return None;
            }
        }
        Some(out)
    }

    /// Whether one of `words` stands in `text` as a word (a particle may follow).
    pub fn has_word(&self, text: &str, words: &[String]) -> bool {
        words.iter().any(|w| self.find_word(text, w).is_some())
    }

    /// Whether `text` names its speaker, a time or a day: a plain present
    /// verb there states a plan or a habit (나 내일 면접 봐), not a request.
    pub fn names_speaker_or_time(&self, text: &str) -> bool {
        self.has_word(text, &self.first_person) || self.time_word(text).is_some() || self.has_word(text, &self.days)
    }

    /// Whether `word` is a day or a time word of `times` (토요일, 어제, 다음 주).
    pub fn is_time_word(&self, word: &str) -> bool {
        self.days.iter().any(|w| w == word) || self.times.iter().flatten().any(|w| w == word)
    }

    /// `sentence` without the words that only strengthen a denial (아직 안
    /// 왔어 → 안 왔어), or None when it holds none.
    pub fn without_denial_intensifiers(&self, sentence: &str) -> Option<String> {
        let words: Vec<&str> = sentence.split_whitespace().collect();
        let kept: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !self.denial_intensifiers.iter().any(|i| i == w))
            .collect();
        (kept.len() < words.len() && !kept.is_empty()).then(|| kept.join(" "))
    }

    /// Whether `text` holds a word that pins aspect and has no counterpart.
    pub fn has_aspect_word(&self, text: &str) -> bool {
        self.aspect.iter().any(|w| self.find_word(text, w).is_some())
    }

    /// Whether a reply starts with an answer or agreement word (응, 아니요, 콜,
    /// 좋아): it commits the reply to its polarity.
    pub fn commits(&self, reply: &str) -> bool {
        let (word, bare) = first_word(reply);
        // ㅇㅋ is itself a word of jamo: matched as written too.
        self.answer(reply).is_some() || self.agree.iter().any(|w| w == word || w == bare)
    }

    /// The answer word a reply starts with: Some(true) for yes, Some(false) for no.
    pub fn answer(&self, reply: &str) -> Option<bool> {
        let (_, first) = first_word(reply);
        if self.yes.iter().any(|w| *w == first) {
            Some(true)
        } else if self.no.iter().any(|w| *w == first) {
            Some(false)
        } else {
            None
        }
    }
}

/// Whether `p` is a verb in the plain present of 해체 or 해요체 (골라 가,
/// 챙겨, 드셔 보세요): a statement or a request alike.
pub fn plain_present_verb(rules: &super::rules::TenseNegationRules, p: &Predicate) -> bool {
    p.pos == super::predicate::Pos::Verb
        && p.tense == super::predicate::Tense::Present
        && ends_in(rules, std::slice::from_ref(p), &["hae", "haeyo"])
}

/// Whether `text`, whose predicate is `p`, may be a request: a plain present
/// verb that names neither its speaker nor a subject (교환해, 다음 주에 줘),
/// unlike 나 다음 주에 검진 받아.
pub fn unnamed_plain_present(
    rules: &super::rules::TenseNegationRules,
    g: &GroundingRules,
    text: &str,
    tokens: &[super::analyser::Token],
    p: &Predicate,
) -> bool {
    plain_present_verb(rules, p) && !g.has_word(text, &g.first_person) && !tokens.iter().any(|t| t.tag == "JKS")
}

/// The endings of a plan of the speaker's: a promise (-ㄹ게: 오늘 보낼게) or
/// an intention (-(으)려고: 강아지 입양하려고, 쉬려고요). Its act is still to
/// come.
const PLAN_ENDINGS: [&str; 4] = ["ulge", "ulgeyo", "ryeogo", "ryeogoyo"];

/// Whether the readings state a plan ([`PLAN_ENDINGS`]).
pub fn plans(rules: &super::rules::TenseNegationRules, readings: &[Predicate]) -> bool {
    ends_in(rules, readings, &PLAN_ENDINGS)
}

/// Readings of a plan ([`plans`]) that differ in the verb (팔게: 팔다 or
/// 파다; 줄게: 주다 or 줄다; 살게: 사다 or 살다) narrowed to the one verb
/// of deliberate action among them, for only such an act is promised.
/// `None` when they do not differ, or when no one verb is left.
pub fn promised(
    g: &GroundingRules,
    rules: &super::rules::TenseNegationRules,
    readings: &[Predicate],
) -> Option<Vec<Predicate>> {
    if lemma(readings).is_some() || !readings.iter().all(|p| plans(rules, std::slice::from_ref(p))) {
        return None;
    }
    let kept: Vec<Predicate> = readings
        .iter()
        .filter(|p| g.volitional.contains(&lemma_of(p)))
        .cloned()
        .collect();
    lemma(&kept).is_some().then_some(kept)
}

/// Whether a reading ends in one of the endings `ids` (the ids of
/// `perturbations/tense_negation.toml`).
pub fn ends_in(rules: &super::rules::TenseNegationRules, readings: &[Predicate], ids: &[&str]) -> bool {
    readings
        .iter()
        .any(|p| rules.ending.get(p.ending).is_some_and(|e| ids.contains(&e.id.as_str())))
}

/// The readings' tense when they all agree and it pins a time.
pub fn when_of(readings: &[Predicate]) -> Option<When> {
    let first = When::of(readings.first()?.tense)?;
    readings
        .iter()
        .all(|p| When::of(p.tense) == Some(first))
        .then_some(first)
}

/// Whether every reading is negated (안/못/-지 않다), or none is.
pub fn negated(readings: &[Predicate]) -> Option<bool> {
    let first = readings.first()?.negation != Negation::None;
    readings
        .iter()
        .all(|p| (p.negation != Negation::None) == first)
        .then_some(first)
}

/// The stems the readings agree on.
pub fn stem(readings: &[Predicate]) -> Option<&str> {
    let first = readings.first()?.stem.as_str();
    readings.iter().all(|p| p.stem == first).then_some(first)
}

/// The predicate as a dictionary names it, every reading agreeing: the
/// stem, with the noun a derived 하다 verb is made of (운동했어 → 운동하,
/// where [`stem`] reads 하 for every such verb).
///
/// 하다 adjectives keep 하 alone (조용해 → 하), which no frame takes up: a
/// reaction to one (네, 가능해요 → 아 불가능하군요) was judged a near-copy
/// of its line by one of two blind judges (`datasets/devset/audits/hada`).
pub fn lemma(readings: &[Predicate]) -> Option<String> {
    let first = lemma_of(readings.first()?);
    readings.iter().all(|p| lemma_of(p) == first).then_some(first)
}

/// One reading's lemma: a 하다 verb with the noun glued before it
/// (공부하), else the stem.
fn lemma_of(p: &Predicate) -> String {
    if p.tag.starts_with("XSV") && !p.space_before && matches!(p.before_tag.as_str(), "NNG" | "NNP") {
        format!("{}{}", p.before_text, p.stem)
    } else {
        p.stem.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_punctuation_or_chat_decoration_before_a_space() {
        assert_eq!(
            sentences("지난달부터요. 아침 여섯 시 반에 가요"),
            ["지난달부터요.", "아침 여섯 시 반에 가요"]
        );
        assert_eq!(
            sentences("편의점 앞 박스 안에 있었어ㅠㅠ 새끼 고양이 두 마리"),
            ["편의점 앞 박스 안에 있었어ㅠㅠ", "새끼 고양이 두 마리"]
        );
        assert_eq!(sentences("헐 진짜? 어디서 샀어?"), ["헐 진짜?", "어디서 샀어?"]);
        assert_eq!(sentences("ㅋㅋ 나도 갈래"), ["ㅋㅋ 나도 갈래"]);
        assert_eq!(sentences("3.5 점 받았어"), ["3.5 점 받았어"]);
    }

    #[test]
    fn a_reply_commits_to_its_polarity_with_an_answer_or_agreement_word() {
        let g = rules().unwrap();
        for reply in [
            "응 괜찮아",
            "네, 여기 있습니다",
            "아니요 괜찮아요",
            "콜ㅋㅋ 열한 시쯤 접속할게",
            "ㅇㅋ 내가 예매할게",
            "좋아! 가자",
        ] {
            assert!(g.commits(reply), "{reply}");
        }
        for reply in [
            "빨리 가 설거지는 내가 할게",
            "와 기대할게요ㅎㅎ",
            "좋아하는 가수야",
            "어제 갔어",
        ] {
            assert!(!g.commits(reply), "{reply}");
        }
    }

    #[test]
    fn time_words_are_whole_words_and_move_with_the_tense() {
        let r = rules().unwrap();
        assert_eq!(r.time_word("어제는 집에 있었어"), Some((When::Past, "어제")));
        assert_eq!(r.time_word("어젯밤에 잤어"), Some((When::Past, "어젯밤")));
        assert_eq!(r.time_word("다음 주에 가"), Some((When::Future, "다음 주")));
        assert_eq!(r.time_word("이따가 봐"), Some((When::Future, "이따가")));
        assert_eq!(r.time_word("어제오늘 일이 아니야"), None);
        assert_eq!(r.time_word("아까워"), None);
        assert_eq!(
            r.move_time_words("어제 친구랑 영화 봤어", When::Past).as_deref(),
            Some("내일 친구랑 영화 봤어")
        );
        assert_eq!(
            r.move_time_words("다음 주에 갈 거야", When::Future).as_deref(),
            Some("지난주에 갈 거야")
        );
        assert_eq!(
            r.move_time_words("이따가 먹을 거야", When::Future).as_deref(),
            Some("아까 먹을 거야")
        );
        assert_eq!(
            r.move_time_words("그냥 먹었어", When::Past).as_deref(),
            Some("그냥 먹었어")
        );
    }

    #[test]
    fn aspect_words_and_answers_are_read_from_the_words() {
        let r = rules().unwrap();
        assert!(r.has_aspect_word("벌써 다 먹었어"));
        assert!(r.has_aspect_word("아직 안 왔어ㅠㅠ"));
        assert!(!r.has_aspect_word("막걸리 마셨어"));
        assert_eq!(r.answer("응 먹었어"), Some(true));
        assert_eq!(r.answer("네, 다녀왔어요"), Some(true));
        assert_eq!(r.answer("아니 아직이야"), Some(false));
        assert_eq!(r.answer("ㅇㅇ 갔어"), Some(true));
        assert_eq!(r.answer("응응 먹었지"), None);
        assert_eq!(r.answer("어제 갔어"), None);
        assert!(asks("밥 먹었어?ㅋㅋ"));
        assert!(!asks("밥 먹었어ㅋㅋ"));
        // A question word and -ㄴ데 or -냐 ask without a mark.
        assert!(asks("어디까지 갔는데ㅋㅋ"));
        assert!(asks("그래서 누구랑 가는데"));
        assert!(asks("오늘 뭐 먹냐"));
        assert!(!asks("뭐 별거 없는데"));
        assert!(!asks("얼마 전에 이사했는데"));
        assert!(!asks("나 어제 거기 갔는데"));
        assert!(!asks("어디 가는데. 알려 줄게."));
    }
}
