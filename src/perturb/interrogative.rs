//! Questions whose answer the context already holds, from the analyser's
//! tokens and `perturbations/interrogative_word.toml`.
//!
//! Invariant: an argument question differs from its statement only in one
//! argument replaced by its wh-phrase (부산에 → 어디에, 세 시에 → 몇 시에), a
//! leading interjection dropped, the pronouns exchanged as a reply to that
//! speaker needs (나 → 너) and the ending made a question at the same speech
//! level (가 → 가?, 가요 → 가요?, 갑니다 → 갑니까?). Whatever is not in the
//! lists, or not read as one plain declarative sentence, gives no output.

use serde::Deserialize;

use super::analyser::{Token, Worker};
use super::persons::PersonRules;
use super::PerturbError;
use crate::hangul;

const RULES: &str = include_str!("../../perturbations/interrogative_word.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct WhRules {
    pub person_nouns: Vec<String>,
    pub place_nouns: Vec<String>,
    pub time_nouns: Vec<String>,
    pub time_adverbs: Vec<String>,
    pub counters: Vec<String>,
    pub numerals: Vec<String>,
    pub activity_nouns: Vec<String>,
    pub motion_stems: Vec<String>,
    pub wh_words: Vec<String>,
    pub interjections: Vec<String>,
    pub degree_adverbs: Vec<String>,
    /// Times too vague to be what a 언제 question asks for again (아까, 이따).
    pub vague_times: Vec<String>,
    /// Predicates that move or call off a dated thing (취소되다, 미루다): a time
    /// before that thing's noun dates it, not the change.
    pub rescheduling_stems: Vec<String>,
    /// Verbs whose object is a person (만나다): no 뭐 for it.
    pub person_verbs: Vec<String>,
    pub time_determiners: Vec<String>,
    pub time_units: Vec<String>,
    pub object_verbs: Vec<String>,
    pub idiom_objects: Vec<String>,
    pub positions: Vec<String>,
    pub placement_stems: Vec<String>,
    pub sentence_counters: Vec<String>,
    pub sentence_motion_stems: Vec<String>,
    pub date_units: Vec<String>,
}

pub fn rules() -> Result<WhRules, PerturbError> {
    crate::perturb::rules::parse("perturbations/interrogative_word.toml", RULES)
}

/// An argument of a statement and the wh-phrase that asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Byte range of the argument in the trimmed statement (with its
    /// counter, for 몇).
    pub start: usize,
    pub end: usize,
    /// The wh-phrase, with the particle or counter it takes (어디서, 누구랑, 몇 마리).
    pub asked: String,
    /// `when`, `where`, `who`, `what`, `how-many`.
    pub wh: &'static str,
}

/// One question and its rule (`interrogative-word/where/hae`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub text: String,
    pub rule: String,
}

/// The speech level of a statement's final word, and how its question reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// 해체: 가 → 가?
    Hae,
    /// 해요체: 가요 → 가요?
    Haeyo,
    /// 합쇼체: 갑니다 → 갑니까?
    Hapsyo,
    /// A past plain -다 of chat (시켰다, 바꿨다): asked in 해체 (시켰어?), as
    /// friends who write -다 ask.
    Da,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Hae => "hae",
            Level::Haeyo => "haeyo",
            Level::Hapsyo => "hapsyo",
            Level::Da => "da",
        }
    }
}

/// Final syllables that end in a vowel of -어/-아 and are no such ending:
/// will (갈래, 갈게), hearsay (간대), plain 다, propositive 자, command 라,
/// connectives (가서, 보러), 네, 데, 세.
const NOT_DECLARATIVE: [char; 14] = [
    '래', '게', '께', '대', '다', '자', '라', '서', '러', '네', '데', '세', '거', '까',
];

/// The wh-phrase that asks for a count with `counter` (마리 → 몇 마리, 시에 →
/// 몇 시에): days are 며칠, never *몇 일 (3일 → 며칠, 3일에 → 며칠에).
fn how_many(counter: &str) -> String {
    match counter.strip_prefix('일') {
        Some(rest) => format!("며칠{rest}"),
        None => format!("몇 {counter}"),
    }
}

fn level_of(word: &str) -> Option<Level> {
    if super::register::ends_in_b_nida(word) {
        return Some(Level::Hapsyo);
    }
    let chars: Vec<char> = word.chars().collect();
    // -었다/-았다: the syllable before 다 holds the past ㅆ.
    if let [.., past, '다'] = chars.as_slice() {
        return (hangul::final_of(*past) == Some('ㅆ')).then_some(Level::Da);
    }
    let (level, syllable) = match chars.as_slice() {
        [.., s, '요'] => (Level::Haeyo, *s),
        [.., s] => (Level::Hae, *s),
        [] => return None,
    };
    if NOT_DECLARATIVE.contains(&syllable) {
        return None;
    }
    let (_, vowel, tail) = hangul::decompose(syllable)?;
    let vowel = hangul::to_compatibility_jamo(&vowel.to_string());
    let a_or_eo = matches!(vowel.as_str(), "ㅓ" | "ㅏ" | "ㅕ" | "ㅐ" | "ㅘ" | "ㅝ" | "ㅙ" | "ㅑ")
        || (level == Level::Haeyo && matches!(vowel.as_str(), "ㅔ" | "ㅖ"));
    (tail.is_none() && a_or_eo).then_some(level)
}

fn tag_has(t: &Token, parts: &[&str]) -> bool {
    t.tag.split('+').any(|p| parts.contains(&p))
}

fn starts_word(text: &str, t: &Token) -> bool {
    t.start == 0 || text[..t.start].ends_with(char::is_whitespace)
}

fn ends_word(text: &str, t: &Token) -> bool {
    t.end == text.len() || text[t.end..].starts_with(char::is_whitespace)
}

/// Laughter, crying and such (ㅋㅋ, ㅎㅎ, ㅠㅠ) the analyser leaves as tokens.
fn is_jamo_token(t: &Token) -> bool {
    t.surface.chars().all(hangul::is_compatibility_jamo)
}

/// One plain declarative sentence: where its predicate's final word starts
/// and ends, its speech level, and where its main clause starts (0 but with
/// `clauses`); `None` for a question, several sentences, or an ending of
/// another kind. With `clauses` (a frame, which asks with the predicate's
/// own ending) a hearsay ending is one too (오신대 → 몇 시에 오신대?).
fn declarative_end(text: &str, tokens: &[Token], clauses: bool) -> Option<(usize, usize, Level, usize)> {
    if text.contains('?') {
        return None;
    }
    let last = tokens
        .iter()
        .rposition(|t| !(t.tag.starts_with('S') || is_jamo_token(t)))?;
    // Sentence marks before the end: more than one sentence.
    if tokens[..last].iter().any(|t| t.tag == "SF") {
        return None;
    }
    let end = tokens[last].end;
    let word_start = text[..end].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &text[word_start..end];
    let in_word: Vec<&Token> = tokens[..=last].iter().filter(|t| t.start >= word_start).collect();
    let predicate = in_word
        .iter()
        .any(|t| tag_has(t, &["VV", "VA", "VX", "VCP", "XSV", "XSA", "EP"]));
    let ending = tag_has(&tokens[last], &["EF", "EC"]);
    if !(predicate && ending) {
        return None;
    }
    // A clause before the main one (생일이라서, 가려고): the question would
    // keep it and read oddly, so only simple sentences are asked about. A
    // connective right before an auxiliary (사 줬어, 먹어 봤어) is one predicate,
    // and so is -아/-어 before 가다 or 오다 (빌려 갔어, 사 왔어).
    let one_predicate = |n: &Token| {
        tag_has(n, &["VX"])
            || (n.start >= word_start
                && n.morphemes
                    .first()
                    .is_some_and(|(m, tag)| tag == "VV" && (m == "가" || m == "오")))
    };
    let clause_end = tokens[..last]
        .iter()
        .enumerate()
        .rfind(|(i, t)| {
            t.end <= word_start
                && tag_has(t, &["EC"])
                && !(tokens.get(i + 1).is_some_and(one_predicate)
                    && t.morphemes
                        .last()
                        .is_some_and(|(m, _)| matches!(m.as_str(), "아" | "어" | "여")))
                && !tokens.get(i + 1).is_some_and(|n| tag_has(n, &["VX"]))
        })
        .map(|(_, t)| t.end);
    // A frame asks with the wh-phrase and the predicate alone, so it may ask
    // about the main clause after one (폰 고장 나서 서비스센터에 맡겼어 → 어디에
    // 맡겼어?); what comes before it is not asked about.
    let main_start = match clause_end {
        Some(at) if clauses => at + text[at..].len() - text[at..].trim_start().len(),
        _ => 0,
    };
    let clause = clause_end.is_some() && !clauses;
    // A negated statement (안 갔어, 못 먹었어) asks oddly for what did not happen.
    let negated = super::analyser::negates(&tokens[..=last]);
    // A relative clause before the last word (시험있는 거 까먹었어): a time or
    // place in it is not the main verb's. Its noun starting the last word
    // (가는 중이야, 갈 거야) makes one predicate.
    let relative = tokens[..last].iter().enumerate().any(|(i, t)| {
        t.tag.ends_with("ETM")
            && t.surface != "지난"
            && t.end <= word_start
            && !tokens
                .get(i + 1)
                .is_some_and(|n| n.start >= word_start && n.tag == "NNB")
    });
    // 야 first calls the listener: what follows is mostly a request (야 게임 들어와).
    let calling = tokens.first().is_some_and(|t| t.tag == "IC" && t.surface == "야");
    // -어 줘 in the present asks for something (인형 사줘, 같이 가 줘요): no statement.
    let bare = word.trim_end_matches(|c: char| hangul::decompose(c).is_none());
    let request = ["줘", "줘요", "주세요", "주라", "줄래", "줄래요", "주십시오"]
        .iter()
        .any(|e| bare.ends_with(e));
    if clause || negated || relative || calling || request {
        return None;
    }
    let level = level_of(word).or_else(|| (clauses && is_hearsay(word, &tokens[last])).then(|| hearsay_level(word)));
    Some((word_start, end, level?, main_start))
}

/// Whether `word`, whose last token is `last`, ends in the hearsay ending
/// -(ㄴ/는)대(요) or -래(요) as the analyser reads it (온대, 오신대요, 생일이래).
fn is_hearsay(word: &str, last: &Token) -> bool {
    let bare = word.trim_end_matches(|c: char| hangul::decompose(c).is_none());
    HEARSAY_ENDS.iter().any(|e| bare.ends_with(e))
        && last
            .morphemes
            .last()
            .is_some_and(|(m, tag)| tag == "EF" && HEARSAY_ENDS.iter().any(|e| m.ends_with(e)))
}

/// How hearsay endings end, as written and as the analyser's final ending.
const HEARSAY_ENDS: [&str; 4] = ["대", "대요", "래", "래요"];

/// The level of a hearsay word: 해요체 with 요, 해체 without.
fn hearsay_level(word: &str) -> Level {
    if word
        .trim_end_matches(|c: char| hangul::decompose(c).is_none())
        .ends_with('요')
    {
        Level::Haeyo
    } else {
        Level::Hae
    }
}

/// An argument and the wh-phrase that asks for it.
struct Argument {
    start: usize,
    end: usize,
    /// Where its words end before the particle (지난주 of 지난주에).
    head_end: usize,
    phrase: &'static str,
    wh: &'static str,
    /// A time expression (언제, and 몇 시).
    time: bool,
}

impl WhRules {
    fn has(list: &[String], s: &str) -> bool {
        list.iter().any(|x| x == s)
    }

    /// The arguments a wh-question can ask for, in sentence order.
    ///
    /// `whole_sentence`: the question keeps the whole sentence (`--text`), so
    /// it may also ask for a place with its position (신발장 위에), a place
    /// things are put (경비실에 맡겨 놨어요), a name, a count of the wider
    /// lists, 어제 read as a noun. A frame asks with the wh-phrase and the
    /// predicate alone, where those read as near-copies of the line or lose
    /// what the count was of: one blind judge of `wh-frames-2` called every
    /// such frame a near-copy, so frames keep to the narrower lists.
    fn arguments(&self, text: &str, tokens: &[Token], predicate_end: usize, whole_sentence: bool) -> Vec<Argument> {
        let motion = tokens
            .iter()
            .filter(|t| t.end <= predicate_end)
            .flat_map(|t| t.morphemes.iter())
            .rfind(|(_, tag)| tag == "VV")
            .is_some_and(|(stem, _)| {
                Self::has(&self.motion_stems, stem) || (whole_sentence && Self::has(&self.sentence_motion_stems, stem))
            });
        // A state (추워, 바빠) holds at a time rather than happening at one:
        // *언제 날씨 추워? Times are not asked of an adjective.
        // A verb that puts or keeps a thing somewhere, the last of the
        // predicate (맡겨 놨어요, 넣었어, 있어).
        let placed = tokens
            .iter()
            .filter(|t| t.end <= predicate_end)
            .flat_map(|t| t.morphemes.iter())
            .rfind(|(_, tag)| matches!(tag.as_str(), "VV" | "VA" | "VX"))
            .is_some_and(|(stem, _)| whole_sentence && Self::has(&self.placement_stems, stem));
        let state = tokens
            .iter()
            .filter(|t| t.end <= predicate_end)
            .flat_map(|t| t.morphemes.iter())
            .rfind(|(_, tag)| matches!(tag.as_str(), "VV" | "VA" | "VCP" | "XSV" | "XSA"))
            .is_some_and(|(_, tag)| tag == "VA" || tag == "XSA")
            // The analyser reads some adjectives as verbs (피곤해); a degree
            // adverb (너무, 진짜) gives them away.
            || tokens.iter().any(|t| t.tag == "MAG" && Self::has(&self.degree_adverbs, &t.surface));
        let mut out: Vec<Argument> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if t.end > predicate_end || !starts_word(text, t) {
                continue;
            }
            // A noun right after a noun or a modifier is part of a longer
            // phrase (회사 앞에서, 예쁜 카페에): asking for it alone misleads.
            let modified = i > 0 && {
                let p = &tokens[i - 1];
                tag_has(p, &["NNG", "NNP", "NNB", "MM", "ETM", "XPN", "SN"]) || p.tag.ends_with("ETM")
            };
            let next = tokens.get(i + 1);
            // 다음 주에, 이번 주말에, 지난달에: the whole phrase is the time.
            if Self::has(&self.time_determiners, &t.surface) && !modified {
                let unit = next.filter(|u| {
                    starts_word(text, u)
                        && (u.tag == "NNG" || u.tag == "NNBC")
                        && Self::has(&self.time_units, &u.surface)
                });
                let particle = unit.and_then(|u| tokens.get(i + 2).filter(|p| p.start == u.end));
                if let Some(p) = particle.filter(|p| p.surface == "에" && p.tag == "JKB" && ends_word(text, p)) {
                    out.push(Argument {
                        start: t.start,
                        end: p.end,
                        head_end: p.start,
                        phrase: "언제",
                        wh: "when",
                        time: true,
                    });
                    continue;
                }
            }
            // 세 개, 스물여덟 명, 이십 분: native numerals and every numeral the
            // analyser reads as one.
            // Not an ordinal (셋째 주: *몇 주).
            let numeral = if whole_sentence {
                ((self.numerals.contains(&t.surface) && t.tag == "MM") || t.tag == "NR") && !t.surface.ends_with('째')
            } else {
                self.numerals.contains(&t.surface) && (t.tag == "MM" || t.tag == "NR")
            };
            if numeral || t.tag == "SN" {
                // A numeral read in parts (스물 + 여덟, 이 + 십) is one, in a whole
                // sentence.
                let parts = tokens[i + 1..]
                    .iter()
                    .scan(t.end, |end, n| {
                        ((n.tag == "NR" || (n.tag == "MM" && self.numerals.contains(&n.surface))) && n.start == *end)
                            .then(|| {
                                *end = n.end;
                                n.end
                            })
                    })
                    .count()
                    * usize::from(whole_sentence);
                let numeral_end = tokens[i + parts].end;
                let Some(n) = tokens.get(i + parts + 1).filter(|n| {
                    n.tag == "NNBC"
                        && (Self::has(&self.counters, &n.surface)
                            || (whole_sentence && Self::has(&self.sentence_counters, &n.surface)))
                }) else {
                    continue;
                };
                // 세 시에 → 몇 시에, 3시에 → 몇 시에: the numeral alone is replaced.
                let phrase = if n.start == numeral_end { "몇 " } else { "몇" };
                out.push(Argument {
                    start: t.start,
                    end: numeral_end,
                    head_end: numeral_end,
                    phrase,
                    wh: "how-many",
                    time: n.surface == "시",
                });
                continue;
            }
            if modified {
                continue;
            }
            // A noun, a position and 에/에서 (신발장 위에, 시청 건너편에서): one
            // place, asked for as a whole.
            if whole_sentence && t.tag == "NNG" && ends_word(text, t) && !Self::has(&self.time_nouns, &t.surface) {
                // Bare nouns before it belong to the place too (현관 신발장 옆에).
                let nouns = tokens[i + 1..]
                    .iter()
                    .take_while(|n| {
                        starts_word(text, n)
                            && ends_word(text, n)
                            && matches!(n.tag.as_str(), "NNG" | "NNP")
                            && !Self::has(&self.positions, &n.surface)
                    })
                    .count();
                let position = tokens
                    .get(i + 1 + nouns)
                    .filter(|n| starts_word(text, n) && n.tag == "NNG" && Self::has(&self.positions, &n.surface));
                let particle = position.and_then(|n| {
                    tokens
                        .get(i + 2 + nouns)
                        .filter(|p| p.start == n.end && p.tag == "JKB" && ends_word(text, p))
                });
                if let Some(p) = particle.filter(|p| matches!(p.surface.as_str(), "에" | "에서")) {
                    out.push(Argument {
                        start: t.start,
                        end: p.end,
                        head_end: p.start,
                        phrase: if p.surface == "에" { "어디에" } else { "어디서" },
                        wh: "where",
                        time: false,
                    });
                    continue;
                }
            }
            // A time adverb before a time noun that is the topic or subject (내일
            // 오후는 예약이 다 찼습니다) names what the sentence is about, not
            // when it happens: no 언제.
            let topic_time = next.is_some_and(|n| {
                starts_word(text, n)
                    && Self::has(&self.time_nouns, &n.surface)
                    && tokens
                        .get(i + 2)
                        .is_some_and(|p| p.start == n.end && matches!(p.tag.as_str(), "JX" | "JKS"))
            });
            // A time adverb and a time noun with no particle before a compound of
            // three nouns or more (오늘 오후 거래처 미팅 자료 준비 다 됐습니다) date the
            // thing named, not the event: 언제 됐어요? asks for news, not for what was
            // said. 오늘 alone (오늘 재료 발주 넣었습니다) mostly dates the event.
            let dates_a_noun = (Self::has(&self.time_adverbs, &t.surface) || Self::has(&self.time_nouns, &t.surface))
                && {
                    let mut j = i + 1;
                    while tokens.get(j).is_some_and(|n| {
                        starts_word(text, n) && ends_word(text, n) && Self::has(&self.time_nouns, &n.surface)
                    }) {
                        j += 1;
                    }
                    // Three bare nouns or more: a compound, not an object and a
                    // place with their particles dropped (내일 저녁 친구 집 가).
                    let bare_noun =
                        |n: &Token| starts_word(text, n) && ends_word(text, n) && tag_has(n, &["NNG", "NNP"]);
                    j > i + 1 && tokens[j..].iter().take(3).filter(|n| bare_noun(n)).count() == 3
                };
            if topic_time || dates_a_noun {
                continue;
            }
            // 어제, 오늘 and 내일 are read as nouns as often as adverbs.
            if (t.tag == "MAG" || (whole_sentence && t.tag == "NNG"))
                && Self::has(&self.time_adverbs, &t.surface)
                && ends_word(text, t)
            {
                out.push(Argument {
                    start: t.start,
                    end: t.end,
                    head_end: t.end,
                    phrase: "언제",
                    wh: "when",
                    time: true,
                });
                continue;
            }
            if !(t.tag == "NNG" || t.tag == "NNP") {
                continue;
            }
            // A place with its particle dropped, right before a verb of motion
            // (치과 가고 있어, 병원 가는 중이야): 어디 가고 있어?
            let bare_place = (Self::has(&self.place_nouns, &t.surface) || t.tag == "NNP") && ends_word(text, t);
            if bare_place
                && next.is_some_and(|v| {
                    starts_word(text, v)
                        && v.morphemes
                            .first()
                            .is_some_and(|(m, tag)| tag == "VV" && Self::has(&self.motion_stems, m))
                })
            {
                out.push(Argument {
                    start: t.start,
                    end: t.end,
                    head_end: t.end,
                    phrase: "어디",
                    wh: "where",
                    time: false,
                });
                continue;
            }
            // An object with its particle dropped, right before a verb that takes
            // one (떡볶이 먹었어 → 뭐 먹었어?, 친구 만났어 → 누구 만났어?).
            let bare_object = ends_word(text, t)
                && !Self::has(&self.idiom_objects, &t.surface)
                && !Self::has(&self.time_nouns, &t.surface)
                && !Self::has(&self.place_nouns, &t.surface)
                && !Self::has(&self.activity_nouns, &t.surface)
                && next.is_some_and(|v| {
                    starts_word(text, v)
                        && v.morphemes
                            .first()
                            .is_some_and(|(m, tag)| tag == "VV" && Self::has(&self.object_verbs, m))
                });
            if bare_object && t.tag == "NNG" {
                let person = Self::has(&self.person_nouns, &t.surface);
                out.push(Argument {
                    start: t.start,
                    end: t.end,
                    head_end: t.end,
                    phrase: if person { "누구" } else { "뭐" },
                    wh: if person { "who" } else { "what" },
                    time: false,
                });
                continue;
            }
            // The noun and one particle make the whole word.
            let Some(p) = next.filter(|p| p.start == t.end && p.tag.starts_with('J') && ends_word(text, p)) else {
                continue;
            };
            let particle = p.surface.as_str();
            // 한테 and 에게 take only the living: a name before them is a person.
            let animate_particle = matches!(particle, "한테" | "에게" | "한테서" | "에게서");
            // A person's name (민수가 빌려 갔어) is a person; the analyser tells
            // names by their class.
            let name = whole_sentence && t.tag == "NNP" && t.class == "인명";
            let person = Self::has(&self.person_nouns, &t.surface) || (t.tag == "NNP" && animate_particle) || name;
            let place = Self::has(&self.place_nouns, &t.surface) || (t.tag == "NNP" && !name);
            // Whatever a thing is put or kept in or on is a place (경비실에
            // 맡겨 놨어요, 서랍에 넣었어, 열쇠는 거기에 있어).
            let placed_in = t.tag == "NNG"
                && !Self::has(&self.time_nouns, &t.surface)
                && !Self::has(&self.positions, &t.surface)
                && placed
                && !Self::has(&self.activity_nouns, &t.surface);
            let time = Self::has(&self.time_nouns, &t.surface);
            let asked: Option<(&'static str, &'static str)> = match particle {
                "한테" | "에게" | "한테서" | "에게서" if person => Some((
                    match particle {
                        "한테" => "누구한테",
                        "에게" => "누구에게",
                        "한테서" => "누구한테서",
                        _ => "누구에게서",
                    },
                    "who",
                )),
                "랑" | "이랑" if person => Some(("누구랑", "who")),
                "하고" if person => Some(("누구하고", "who")),
                "가" | "이" if person && p.tag == "JKS" => Some(("누가", "who")),
                "를" | "을" if person => Some(("누구를", "who")),
                // Not before a floating quantifier (책을 세 권): *뭘 세 권.
                "를" | "을"
                    if !motion
                        && !time
                        && !Self::has(&self.activity_nouns, &t.surface)
                        && !tokens.get(i + 2).is_some_and(|q| q.tag == "MM" || q.tag == "SN")
                        // Nor after a count, whatever the analyser calls its numeral
                        // (두 상자를: *두 뭘).
                        && !(i > 0
                            && starts_word(text, &tokens[i - 1])
                            && ends_word(text, &tokens[i - 1])
                            && self.numerals.contains(&tokens[i - 1].surface)) =>
                {
                    Some(("뭘", "what"))
                }
                "에" if time => Some(("언제", "when")),
                // 부산에 가 → 어디 가?: with a verb of motion the particle drops, as people ask.
                "에" if place && !person && motion => Some(("어디", "where")),
                "에" if (place || placed_in) && !person => Some(("어디에", "where")),
                "에서" if place && !person => Some(("어디서", "where")),
                "로" | "으로" if place && !person => Some(("어디로", "where")),
                _ => None,
            };
            if let Some((phrase, wh)) = asked {
                out.push(Argument {
                    start: t.start,
                    end: p.end,
                    head_end: t.end,
                    phrase,
                    wh,
                    time: wh == "when",
                });
            }
        }
        // Two times (오늘 점심에, 내일 세 시에): asking for one leaves the
        // other (*언제 점심에).
        if out.iter().filter(|a| a.time).count() > 1 || state {
            out.retain(|a| !a.time);
        }
        out
    }

    /// The arguments of `statement` (trimmed) a wh-phrase asks for, between
    /// a leading interjection and the final predicate's word, as
    /// [`Self::questions`] finds them: none unless it is one plain
    /// declarative sentence. Vague times (아까, 이따) are left out: asking
    /// 언제? after them asks for more, not for what was said.
    pub fn slots(&self, worker: &mut Worker<'_>, statement: &str) -> Vec<Slot> {
        let text = statement.trim();
        let tokens = worker.analyse(text);
        let Some((word_start, end, _, main_start)) = declarative_end(text, &tokens, true) else {
            return Vec::new();
        };
        let from = self.after_interjection(text, &tokens).max(main_start);
        // A verb whose object is a person (만나다): its object is asked with 누구.
        let takes_a_person = tokens
            .iter()
            .flat_map(|t| t.morphemes.iter())
            .any(|(m, tag)| tag == "VV" && Self::has(&self.person_verbs, m));
        // 오늘 회의는 취소됐습니다: 오늘 is the meeting's day; when it was
        // called off, the line does not say.
        let rescheduled = tokens
            .iter()
            .filter(|t| t.end <= end)
            .flat_map(|t| t.morphemes.iter())
            .any(|(m, tag)| tag.starts_with('V') && Self::has(&self.rescheduling_stems, m))
            || tokens.windows(2).any(|w| {
                w[1].end <= end
                    && w[0].tag == "NNG"
                    && Self::has(&self.rescheduling_stems, &w[0].surface)
                    && w[1].start == w[0].end
                    && w[1].tag.starts_with("XSV")
            });
        let before_a_noun = |a: &Argument| {
            tokens
                .iter()
                .find(|t| t.start > a.end)
                .is_some_and(|n| starts_word(text, n) && tag_has(n, &["NNG", "NNP"]) && n.start < word_start)
        };
        self.arguments(text, &tokens, end, false)
            .into_iter()
            .filter(|a| a.start >= from && a.end <= word_start)
            .filter(|a| !(a.wh == "when" && Self::has(&self.vague_times, &text[a.start..a.head_end])))
            .filter(|a| !(a.wh == "when" && rescheduled && before_a_noun(a)))
            // A name is asked with 누구, which the lists cannot tell: 수아 만났어 → *뭐 만났어?
            .filter(|a| {
                !(a.wh == "what" && (tokens.iter().any(|t| t.start == a.start && t.tag == "NNP") || takes_a_person))
            })
            .filter_map(|a| {
                if a.wh != "how-many" {
                    return Some(Slot {
                        start: a.start,
                        end: a.end,
                        asked: a.phrase.trim_end().to_owned(),
                        wh: a.wh,
                    });
                }
                // 몇 keeps its counter's word (두 마리 → 몇 마리, 3시에 → 몇 시에);
                // not a score (2대 1로), whose second number it would drop.
                let rest = &text[a.end..];
                let skip = rest.len() - rest.trim_start().len();
                let tail_end = rest[skip..]
                    .find(char::is_whitespace)
                    .map_or(text.len(), |k| a.end + skip + k);
                let next_is_number = text[tail_end..].trim_start().starts_with(|c: char| c.is_ascii_digit());
                (!next_is_number).then(|| Slot {
                    start: a.start,
                    end: tail_end,
                    asked: how_many(text[a.end..tail_end].trim_start()),
                    wh: a.wh,
                })
            })
            .collect()
    }

    /// Every wh-question on one argument of `statement`, said by the other
    /// speaker, as the responder would ask it back.
    pub fn questions(&self, persons: &PersonRules, worker: &mut Worker<'_>, statement: &str) -> Vec<Question> {
        let text = statement.trim();
        let tokens = worker.analyse(text);
        let Some((word_start, end, level, _)) = declarative_end(text, &tokens, false) else {
            return Vec::new();
        };
        // A humble predicate with no one named to receive (보내 드렸습니다)
        // lowers its speaker before the listener: asked back, it would lower
        // the listener (*보내 드렸습니까?). To someone named (부장님한테
        // 드렸습니다) it can be asked back.
        let humble = tokens
            .iter()
            .filter(|t| t.start >= word_start && t.end <= end)
            .flat_map(|t| t.morphemes.iter())
            .any(|(m, tag)| tag.starts_with('V') && m == "드리");
        let recipient = tokens
            .iter()
            .any(|t| t.tag.starts_with("JKB") && matches!(t.surface.as_str(), "한테" | "에게" | "께"));
        if humble && !recipient {
            return Vec::new();
        }
        // A leading interjection (응, 헐, 와) answers the previous turn, not this question.
        let mut from = self.after_interjection(text, &tokens);
        // A polite speaker's own 저는/전/제가 is not asked back: the question
        // goes without it (저는 내일 회의가 있습니다 → 언제 회의가 있습니까?).
        if matches!(level, Level::Haeyo | Level::Hapsyo) {
            let word_end = text[from..].find(char::is_whitespace).map_or(text.len(), |k| from + k);
            let first = text[from..word_end].trim_end_matches(',');
            let pronoun = tokens
                .iter()
                .any(|t| t.start == from && (t.tag == "NP" || t.tag.starts_with("NP+")));
            if pronoun && matches!(first, "저는" | "전" | "제가" | "저") && word_end < text.len() {
                from = word_end + text[word_end..].len() - text[word_end..].trim_start().len();
            }
        }
        let mut out: Vec<Question> = Vec::new();
        let mut asked: Vec<(String, &'static str)> = Vec::new();
        // A place as the predicate (지금 카페야, 응급실이에요): the place is asked for.
        if let Some(whole) = self.place_predicate(text, &tokens, word_start, level) {
            asked.push((format!("{}{whole}?", &text[from..word_start]), "where"));
        }
        // A date or an hour as the predicate of a topic (졸업식은 2월 셋째 주
        // 목요일이야): the date is asked for.
        if let Some((at, whole)) = self.date_predicate(text, &tokens, word_start, level) {
            if at >= from {
                asked.push((format!("{}{whole}?", &text[from..at]), "when"));
            }
        }
        for arg in self.arguments(text, &tokens, end, true) {
            if arg.start < from || arg.end > word_start {
                continue;
            }
            let ending = &text[word_start..end];
            let ending = match level {
                Level::Hapsyo => format!("{}니까", &ending[..ending.len() - "니다".len()]),
                Level::Da => format!("{}어", &ending[..ending.len() - "다".len()]),
                Level::Hae | Level::Haeyo => ending.to_owned(),
            };
            let question = format!(
                "{}{}{}{}?",
                &text[from..arg.start],
                arg.phrase,
                &text[arg.end..word_start],
                ending
            )
            // 몇 and the counter 일 are spelt 며칠 (6월 며칠에).
            .replace("몇 일", "며칠")
            .replace("몇일", "며칠");
            asked.push((question, arg.wh));
        }
        for (question, wh) in asked {
            let Some(question) = self.exchange_persons(persons, worker, &question) else {
                continue;
            };
            if !out.iter().any(|q| q.text == question) {
                out.push(Question {
                    text: question,
                    rule: format!("interrogative-word/{wh}/{}", level.name()),
                });
            }
        }
        out
    }

    /// Where the text starts after a leading interjection of the list (응,
    /// 헐, 와): it answers the previous turn, not the question. 저 is not one
    /// (the analyser reads humble 저 as an interjection too).
    fn after_interjection(&self, text: &str, tokens: &[Token]) -> usize {
        // The analyser may split a doubled one (응응 → 응 응) inside its word.
        // Laughter before it goes too (ㅋㅋ뭐 봤어?).
        let lead = tokens
            .iter()
            .take_while(|t| {
                ((t.tag == "IC" || t.tag == "MAG") && Self::has(&self.interjections, &t.surface))
                    || is_jamo_token(t)
                    || (t.tag.starts_with('S') && t.start > 0)
            })
            .filter(|t| !t.tag.starts_with('S'))
            .last();
        let word_ends = |t: &Token| {
            text[t.end..]
                .chars()
                .next()
                .is_none_or(|c| hangul::decompose(c).is_none())
        };
        match lead {
            Some(t) if is_jamo_token(t) || word_ends(t) => text[t.end..]
                .find(|c: char| !(c.is_whitespace() || c.is_ascii_punctuation() || c == '~'))
                .map_or(text.len(), |i| t.end + i),
            _ => 0,
        }
    }

    /// `어디야` / `어디예요` for a final word that is a place and the copula
    /// (카페야, 응급실이야, 병원이에요); `None` otherwise (합쇼체 included:
    /// 어딥니까 is rarely said).
    fn place_predicate(&self, text: &str, tokens: &[Token], word_start: usize, level: Level) -> Option<&'static str> {
        let word: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.start >= word_start && !(t.tag.starts_with('S') || is_jamo_token(t)))
            .collect();
        let (noun, rest) = word.split_first()?;
        let place = (noun.tag == "NNG" && Self::has(&self.place_nouns, &noun.surface)) || noun.tag == "NNP";
        let copula = !rest.is_empty() && rest.iter().all(|t| tag_has(t, &["VCP", "EF"])) && tag_has(rest[0], &["VCP"]);
        if !(place && copula && starts_word(text, noun)) {
            return None;
        }
        match level {
            Level::Hae => Some("어디야"),
            Level::Haeyo => Some("어디예요"),
            Level::Hapsyo | Level::Da => None,
        }
    }

    /// `언제야` / `언제예요` / `언제입니까` for a copula sentence that sets its
    /// topic to a date or an hour (졸업식은 2월 셋째 주 목요일이야, 제 생일은
    /// 5월 3일이에요), and where the date starts; `None` otherwise.
    fn date_predicate(
        &self,
        text: &str,
        tokens: &[Token],
        word_start: usize,
        level: Level,
    ) -> Option<(usize, &'static str)> {
        let date_word = |t: &Token| {
            matches!(t.tag.as_str(), "SN" | "NR" | "MM")
                || (matches!(t.tag.as_str(), "NNG" | "NNBC")
                    && (Self::has(&self.time_nouns, &t.surface)
                        || Self::has(&self.time_adverbs, &t.surface)
                        || Self::has(&self.time_determiners, &t.surface)
                        || Self::has(&self.date_units, &t.surface)
                        || Self::has(&self.time_units, &t.surface)
                        // 팔월, 시월: a month in one word.
                        || (t.surface.ends_with('월') && t.surface.chars().count() <= 3)))
                || (t.tag == "MM" && Self::has(&self.time_determiners, &t.surface))
                || (t.tag == "MAG" && Self::has(&self.time_adverbs, &t.surface))
        };
        let word: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.start >= word_start && !(t.tag.starts_with('S') || is_jamo_token(t)))
            .collect();
        // The last word: date words (2시, 목요일), then the copula.
        let dates = word.iter().take_while(|t| date_word(t)).count();
        let rest = &word[dates..];
        let copula =
            !rest.is_empty() && rest.iter().all(|t| tag_has(t, &["VCP", "EF", "EC"])) && tag_has(rest[0], &["VCP"]);
        if !(copula && dates > 0) {
            return None;
        }
        let topic = tokens
            .iter()
            .rposition(|t| t.end <= word_start && t.tag == "JX" && matches!(t.surface.as_str(), "은" | "는"))?;
        let between = &tokens[topic + 1..];
        let date_start = between.first()?.start;
        let all_dates = between.iter().take_while(|t| t.start < word_start).all(date_word);
        if !(all_dates && ends_word(text, &tokens[topic])) {
            return None;
        }
        let whole = match level {
            Level::Hae => "언제야",
            Level::Haeyo => "언제예요",
            Level::Hapsyo => "언제입니까",
            Level::Da => return None,
        };
        Some((date_start, whole))
    }

    /// The question with 나 and 너 exchanged when it has such a pronoun;
    /// `None` when it has one that cannot be exchanged (저, 우리, 존댓말).
    fn exchange_persons(&self, persons: &PersonRules, worker: &mut Worker<'_>, question: &str) -> Option<String> {
        let tokens = worker.analyse(question);
        // Humble 저 is read as an interjection as often as a pronoun: either way it blocks.
        let blocked = tokens.iter().any(|t| {
            (t.tag == "NP" || t.tag.starts_with("NP+") || t.tag == "IC")
                && persons
                    .blocking_pronouns
                    .iter()
                    .any(|b| t.surface.starts_with(b.as_str()))
        });
        if blocked {
            return None;
        }
        let pronoun = tokens
            .iter()
            .any(|t| (t.tag == "NP" || t.tag.starts_with("NP+")) && persons.swap.iter().any(|s| t.surface == s.form));
        if !pronoun {
            return Some(question.to_owned());
        }
        persons.swap(worker, question).map(|s| s.text)
    }

    /// The responder's own wh-question asked again after its answer
    /// (`근데 누구랑 갔어?`); `None` unless `question` is one wh-question.
    pub fn re_ask(&self, worker: &mut Worker<'_>, question: &str) -> Option<Question> {
        let text = question.trim();
        if !text.ends_with('?') || text.matches('?').count() > 1 {
            return None;
        }
        let tokens = worker.analyse(text);
        if tokens.iter().filter(|t| t.tag == "SF").count() > 1 {
            return None;
        }
        // 뭐야, … is surprise, not a question: a wh-word whose word a comma
        // ends does not ask.
        let wh = tokens.iter().find_map(|t| {
            let first = &t.morphemes.first()?.0;
            let exclaimed = text[t.end..]
                .trim_start_matches(|c: char| hangul::decompose(c).is_some())
                .starts_with(',');
            (Self::has(&self.wh_words, first) && !exclaimed).then(|| wh_name(first))
        })?;
        let from = self.after_interjection(text, &tokens);
        let rest = &text[from..];
        let body = rest.strip_prefix("근데").map_or(rest, str::trim_start);
        if body.is_empty() || body == "?" {
            return None;
        }
        Some(Question {
            text: format!("근데 {body}"),
            rule: format!("interrogative-word/re-ask/{wh}"),
        })
    }
}

fn wh_name(word: &str) -> &'static str {
    match word {
        "어디" => "where",
        "언제" => "when",
        "누구" | "누가" => "who",
        "왜" => "why",
        "몇" | "얼마나" => "how-many",
        "어떻게" | "어떤" | "어느" => "how",
        _ => "what",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_levels_come_from_the_final_word() {
        assert_eq!(level_of("탔어"), Some(Level::Hae));
        assert_eq!(level_of("가"), Some(Level::Hae));
        assert_eq!(level_of("응급실이야"), Some(Level::Hae));
        assert_eq!(level_of("먹었어요"), Some(Level::Haeyo));
        assert_eq!(level_of("학생이에요"), Some(Level::Haeyo));
        assert_eq!(level_of("보냈습니다"), Some(Level::Hapsyo));
        assert_eq!(level_of("시켰다"), Some(Level::Da));
        assert_eq!(level_of("먹었다"), Some(Level::Da));
        for not in [
            "갈래",
            "갈게",
            "간다",
            "좋다",
            "가자",
            "가라",
            "갔지",
            "가서",
            "갈게요",
            "간대요",
            "먹었네",
            "가세요",
        ] {
            assert_eq!(level_of(not), None, "{not}");
        }
    }

    #[test]
    fn the_lists_parse() {
        let r = rules().unwrap();
        assert!(r.person_nouns.contains(&"엄마".to_owned()));
        assert!(r.counters.contains(&"시".to_owned()));
    }
}
