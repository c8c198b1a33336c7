//! Speaker and listener exchanged (나 ↔ 너) in one sentence, every form at
//! once, from the analyser's tokens and `perturbations/subject_object.toml`.
//!
//! Invariant: an output differs from its input only inside first- and
//! second-person pronoun tokens the analyser tags NP, each replaced by its
//! twin of the other person with its particle kept (내가 → 네가, 날 → 널);
//! anything that would leave the speech level inconsistent or the sentence
//! ill-formed (존댓말, a humble or plural pronoun, a first-person subject of a
//! promise or intention) gives no output.

use serde::Deserialize;

use super::analyser::{Token, Worker};
use super::grounding::asks;
use super::PerturbError;

const RULES: &str = include_str!("../../perturbations/subject_object.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct PersonRules {
    pub swap: Vec<Swap>,
    pub blocking_pronouns: Vec<String>,
    pub polite_endings: Vec<String>,
    pub volitional_endings: Vec<String>,
    pub feeling_stems: Vec<String>,
    pub imperative_word_ends: Vec<String>,
    pub imperative_morphemes: Vec<String>,
    /// Word ends of a request to the listener (보여 줘, 태워 주라).
    pub request_word_ends: Vec<String>,
    /// People and animals whose places in a clause [`crate::perturb::arguments`] exchanges.
    pub animate_nouns: Vec<String>,
    /// Given names, exchanged as people whatever the analyser tags them.
    pub given_names: Vec<String>,
    /// Predicate stems that say the same with their arguments exchanged.
    pub symmetric_predicates: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Swap {
    pub form: String,
    pub to: String,
    pub person: u8,
}

pub fn rules() -> Result<PersonRules, PerturbError> {
    crate::perturb::rules::parse("perturbations/subject_object.toml", RULES)
}

/// One exchange: the new text and its rule (`subject-object/person-swap/…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSwap {
    pub text: String,
    pub rule: String,
    /// The exchange is right as a sentence, but what it says may still be a
    /// fine reply in a dialogue (see [`PersonRules::swap`]): no negative.
    pub still_fits: bool,
}

/// Particles a pronoun takes inside its word (나도, 너한테, 내가, and the colloquial 너가);
/// 나 + 가 is refused where it occurs (mostly the verb 나가다 misread).
const PRONOUN_PARTICLES: [&str; 16] = [
    "는", "도", "를", "랑", "하고", "한테", "에게", "의", "만", "까지", "보다", "처럼", "야", "이랑", "가", "네",
];

/// Word ends of 존댓말, read off the text (a word's decoration after them aside).
const POLITE_WORD_ENDS: [&str; 4] = ["요", "니다", "니까", "십시오"];

fn is_hangul(c: char) -> bool {
    crate::hangul::decompose(c).is_some()
}

/// A word ending in -(으)ㄹ게/께, -(으)ㄹ래 or -(으)ㄹ까: the ㄹ on the syllable before
/// (갈게, 잘게, 할래) or 을 (먹을게). The analyser misreads some (잘게 as 잘/VA + 게).
fn volitional_word(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let [.., before, last] = chars.as_slice() else {
        return false;
    };
    if !matches!(last, '게' | '께' | '래' | '까') {
        return false;
    }
    *before == '을' || crate::hangul::final_of(*before) == Some('ㄹ')
}

fn is_pronoun(t: &Token) -> bool {
    t.tag == "NP" || t.tag.starts_with("NP+")
}

/// Whether the token after a pronoun makes it a subject or topic (가, 는, 도,
/// or no particle at all).
fn subject_like(pronoun: &Token, next: Option<&Token>) -> bool {
    if pronoun.tag.contains('+') {
        // 난/NP+JX is a topic; 날/NP+JKO and 내/NP+JKG are not subjects.
        return pronoun.tag.ends_with("JX");
    }
    match next {
        Some(n) if n.tag.starts_with('J') => n.tag == "JKS" || n.tag == "JX",
        _ => true,
    }
}

impl PersonRules {
    /// A feeling adjective or 싶 that is not the stem of an -어하다 verb.
    fn has_feeling(&self, tokens: &[Token]) -> bool {
        let morphemes: Vec<&(String, String)> = tokens.iter().flat_map(|t| t.morphemes.iter()).collect();
        morphemes.iter().enumerate().any(|(i, (m, tag))| {
            // 하다 adjectives come as a noun or root and 하/XSA (피곤 + 하).
            let stem = match (tag.as_str(), i.checked_sub(1).and_then(|p| morphemes.get(p))) {
                ("XSA", Some((noun, t))) if t == "NNG" || t == "XR" => format!("{noun}{m}"),
                _ => m.clone(),
            };
            let predicate = matches!(tag.as_str(), "VA" | "VX" | "VV" | "XSA");
            let feeling = predicate && self.feeling_stems.contains(&stem);
            let eohada = matches!(morphemes.get(i + 1), Some((e, t)) if t == "EC" && (e == "아" || e == "어"))
                && matches!(morphemes.get(i + 2), Some((h, t)) if (t == "VX" || t == "VV") && h == "하");
            feeling && !eohada
        })
    }

    /// Whether the sentence that goes on from byte `at` ends in a plain 해체
    /// present (끝나, 안 해, 몰라): no past or future marker in its last word,
    /// and no full stop or exclamation mark after it.
    fn plain_present_after(&self, text: &str, tokens: &[Token], at: usize) -> bool {
        // The sentence's last word: the first word from `at` on that ends in
        // something other than Hangul, or the text's last.
        let mut end = text.len();
        let mut word_end = at;
        for word in text[at..].split_whitespace() {
            let start = word_end + text[word_end..].find(word).unwrap_or(0);
            word_end = start + word.len();
            let bare = word.trim_end_matches(|c: char| !is_hangul(c));
            if bare.len() != word.len() {
                end = start + bare.len();
                break;
            }
            end = word_end;
        }
        let closed = text[end..].trim_start().starts_with(['.', '!']);
        let word: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.end <= end && t.start >= text[..end].rfind(char::is_whitespace).map_or(0, |k| k + 1))
            .collect();
        let marked = word
            .iter()
            .flat_map(|t| t.morphemes.iter())
            .any(|(_, tag)| tag == "EP" || tag == "ETM");
        let plain_ending = word.last().and_then(|t| t.morphemes.last()).is_some_and(|(m, tag)| {
            matches!(tag.as_str(), "EF" | "EC") && matches!(m.as_str(), "아" | "어" | "여" | "지")
        });
        !closed && !marked && plain_ending
    }

    /// The sentence with 나 and 너 exchanged, or None when it has neither or
    /// the exchange would be unsafe (see the module's invariant).
    pub fn swap(&self, worker: &mut Worker<'_>, text: &str) -> Option<PersonSwap> {
        let tokens = worker.analyse(text);
        let last_morpheme = |t: &Token| t.morphemes.last().map(|(m, _)| m.clone()).unwrap_or_default();
        let endings: Vec<String> = tokens
            .iter()
            .filter(|t| t.tag.split('+').any(|p| p == "EF" || p == "EC"))
            .map(last_morpheme)
            .collect();
        if endings.iter().any(|e| self.polite_endings.contains(e)) {
            return None;
        }
        // 요 as a particle after a word (친구요, 나중에요) is 존댓말 too.
        if tokens.iter().any(|t| t.tag == "JX" && t.surface == "요") {
            return None;
        }
        let words: Vec<&str> = text
            .split_whitespace()
            .map(|w| w.trim_end_matches(|c: char| !is_hangul(c)))
            .collect();
        // The analyser reads some polite words as nouns (가요 as "songs"): the words' own
        // endings decide too.
        if words.iter().any(|w| POLITE_WORD_ENDS.iter().any(|e| w.ends_with(e))) {
            return None;
        }
        // A particle that starts a word is a misread pronoun (너 때문에 나/JX 혼났잖아):
        // the analysis cannot be trusted for this sentence.
        if tokens.iter().any(|t| {
            t.tag.starts_with('J')
                && (t.start == 0 || text[..t.start].ends_with(char::is_whitespace))
                && self.swap.iter().any(|s| s.form == t.surface)
        }) {
            return None;
        }
        // A word shaped like a pronoun and its particle that the analyser read as something
        // else (너도 as 넣 + 어도) would be left behind by the swap: no output.
        let mut at = 0;
        for word in text.split_whitespace() {
            let start = at + text[at..].find(word).unwrap_or(0);
            at = start + word.len();
            let bare = word.trim_end_matches(|c: char| !is_hangul(c));
            let looks = self.swap.iter().any(|s| {
                bare.strip_prefix(s.form.as_str())
                    .is_some_and(|rest| rest.is_empty() || PRONOUN_PARTICLES.contains(&rest))
            });
            if looks && !tokens.iter().any(|t| t.start == start && is_pronoun(t)) {
                return None;
            }
        }
        // Only where a sentence ends: 빨래 (laundry) is not a promise. A word
        // ends one at the text's end, before its own punctuation or chat
        // decoration, or before a word of decoration only (내가 고를게 ㅋㅋ …).
        let raw: Vec<&str> = text.split_whitespace().collect();
        // Laughter, crying or punctuation: no letter.
        let decoration = |w: &str| !w.chars().any(crate::hangul::is_letter);
        let sentence_ends: Vec<&str> = raw
            .iter()
            .zip(&words)
            .enumerate()
            .filter(|(i, (r, w))| {
                i + 1 == raw.len() || r.len() != w.len() || raw.get(i + 1).is_some_and(|n| decoration(n))
            })
            .map(|(_, (_, w))| *w)
            .collect();
        // A promise in -ㄹ게 is one wherever it stands: chat runs sentences
        // on without a stop (내가 챙겨 갈게 가스도 사 놨어), and no other word
        // ends so.
        let promises = sentence_ends.iter().any(|w| volitional_word(w))
            || words.iter().any(|w| volitional_word(w) && w.ends_with(['게', '께']));
        // An imperative the analyser reads after a verb (가라: 가 + 라; 와라:
        // 오 + 아라), whose 아/어 the word end may hide.
        let morphemes: Vec<&(String, String)> = tokens.iter().flat_map(|t| t.morphemes.iter()).collect();
        let imperative_morpheme = morphemes.windows(2).any(|pair| {
            let [(_, verb), (ending, tag)] = pair else {
                return false;
            };
            matches!(verb.as_str(), "VV" | "VX" | "XSV")
                && matches!(tag.as_str(), "EC" | "EF")
                && self.imperative_morphemes.contains(ending)
        });
        let commands = sentence_ends
            .iter()
            .any(|w| self.imperative_word_ends.iter().any(|e| w.ends_with(e.as_str())));
        let requests = sentence_ends
            .iter()
            .any(|w| self.request_word_ends.iter().any(|e| w.ends_with(e.as_str())));
        let mut edits: Vec<(usize, usize, &str)> = Vec::new();
        let (mut first, mut second) = (false, false);
        let (mut first_subject, mut second_subject) = (false, false);
        let (mut first_bare, mut second_bare) = (false, false);
        let mut relative_second = false;
        let mut third_party_second = false;
        // Every exchanged form a possessive before a noun (내 방 ↔ 네 방), and
        // whether one takes a comitative (나랑 ↔ 너랑).
        let mut possessive_only = true;
        let mut comitative = false;
        // Where each first-person subject stands: the sentence it is in decides below.
        let mut first_subject_at: Vec<usize> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if !is_pronoun(t) {
                continue;
            }
            if self.blocking_pronouns.iter().any(|b| t.surface.starts_with(b.as_str())) {
                return None;
            }
            let Some(s) = self.swap.iter().find(|s| s.form == t.surface) else {
                continue;
            };
            // A pronoun inside a word is an ending misread (바빴나 보다: 나/NP).
            let word_start = text[..t.start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_hangul(c) && !c.is_alphanumeric());
            if !word_start {
                return None;
            }
            let mut end = t.end;
            let mut to = s.to.as_str();
            if let Some(next) = tokens.get(i + 1).filter(|n| n.start == t.end) {
                // 너네/니네 (your family, your place) and 너희 have no first-person twin of
                // that shape; 나 + 가 is mostly 나가다 misread. The colloquial 너가 is the
                // subject 네가, and becomes 내가 (*나가 would spell the verb).
                let plural = next.tag.starts_with("XSN");
                let ga = next.tag == "JKS" && next.surface == "가";
                if plural || (ga && t.surface == "나") {
                    return None;
                }
                if ga && t.surface == "너" {
                    end = next.end;
                    to = "내가";
                }
            }
            let adjacent = tokens.get(i + 1).filter(|n| n.start == end);
            possessive_only &= matches!(t.surface.as_str(), "내" | "네" | "니") && adjacent.is_none();
            comitative |= adjacent.is_some_and(|n| matches!(n.surface.as_str(), "랑" | "이랑" | "하고" | "와" | "과"));
            if s.person == 1 {
                first = true;
                let next = tokens.get(i + 1);
                if subject_like(t, next) {
                    first_subject = true;
                    first_subject_at.push(t.start);
                }
                first_bare |= !t.tag.contains('+') && !next.is_some_and(|n| n.start == t.end && n.tag.starts_with('J'));
            } else {
                second = true;
                second_subject |= subject_like(t, tokens.get(i + 1));
                // 너 with no particle (너 버스 타고 가라) is the subject in chat.
                second_bare |= t.surface == "너"
                    && !tokens
                        .get(i + 1)
                        .is_some_and(|n| n.start == t.end && n.tag.starts_with('J'));
                // Someone else the subject before it (엄마가 너 수육 해 준다고, 할아버지가
                // 너 얼굴 보고 싶다고): what a third person does for or to the listener
                // they may as well do for the speaker.
                let sentence_start = tokens[..i].iter().rposition(|t| t.tag == "SF").map_or(0, |k| k + 1);
                third_party_second |= tokens[sentence_start..i]
                    .windows(2)
                    .any(|w| matches!(w[0].tag.as_str(), "NNG" | "NNP") && w[1].tag == "JKS");
                // The first ending after the pronoun: an adnominal one makes it the
                // subject of a relative clause (너 좋아하는 포테이토, 네가 보고 싶은 거).
                // An ending before an auxiliary (보고 싶은) or inside a word
                // (좋아하는) goes on with the predicate.
                let rest = &tokens[i + 1..];
                let goes_on = |k: usize, n: &Token| {
                    rest.get(k + 1)
                        .is_some_and(|v| v.tag.starts_with("VX") || (v.start == n.end && v.tag.starts_with('V')))
                };
                // Not before 줄, 수, 적 (합격할 줄 알았어, 갈 수 있어): a modal phrase,
                // no thing named.
                let modal = |k: usize| {
                    rest.get(k + 1).is_some_and(|v| {
                        v.tag.starts_with("NNB") && matches!(v.surface.as_str(), "줄" | "수" | "적" | "뻔")
                    })
                };
                relative_second |= rest
                    .iter()
                    .enumerate()
                    .find(|(k, n)| {
                        n.tag.contains("ETM") || n.tag.contains("EF") || (n.tag.contains("EC") && !goes_on(*k, n))
                    })
                    .is_some_and(|(k, n)| n.tag.contains("ETM") && !modal(k));
            }
            edits.push((t.start, end, to));
        }
        if edits.is_empty() {
            return None;
        }
        if (second_subject && commands) || (second_bare && (commands || imperative_morpheme)) {
            return None;
        }
        if first_subject && !asks(text) && self.has_feeling(&tokens) {
            return None;
        }
        // Any sentence of the text: a promise anywhere in it is a promise.
        if first_subject && (promises || endings.iter().any(|e| self.volitional_endings.contains(e))) {
            return None;
        }
        // Right as a sentence, yet in a dialogue the exchanged one may still be a fine
        // reply, so `subject-object` does not write it:
        // - a bare 나 before a command or request becomes its addressee (나 꼭 보여 줘 →
        //   너 꼭 보여 줘 reads "you, show it to me");
        // - what the speaker promises about their own things or place they may as well
        //   promise about the listener's (내 옆자리 맡아 둘게 → 네 옆자리 맡아 둘게);
        // - a plain present 해체 sentence about the listener is the commonest chat
        //   question, its ? dropped (나 그날 일찍 끝나 → 너 그날 일찍 끝나(?)).
        // - 나도 on its own as a sentence agrees with what was just said (나도! / 나도ㅋㅋ);
        //   너도! agrees as well ("you too, then!"): both blind judges, a fresh dialogue.
        let me_too = sentence_ends.iter().any(|w| matches!(*w, "나도" | "저도"));
        // - a possessive alone: where a thing is, whose turn it is, is mostly not
        //   pinned (내 방 책상 위에 있어 ↔ 네 방 책상 위에 있어: both judges, acceptable);
        // - 나랑/너랑 in a suggestion names the two who will do it either way
        //   (나랑 반반 내서 사 드리자 ↔ 너랑 반반 내서 사 드리자).
        let suggests = sentence_ends.iter().any(|w| w.ends_with('자'));
        // - a thing named by the listener's liking (너 좋아하는 포테이토로 시킬게, 네가
        //   보고 싶은 걸로 골라) may as well be named by the speaker's, and what a
        //   third person does to the listener they may as well do to the speaker
        //   (엄마가 너 수육 해 준다고): blind review, both judges acceptable.
        let still_fits = me_too
            || possessive_only
            || (comitative && suggests)
            || ((relative_second || third_party_second) && !first)
            || (first_bare && (commands || requests))
            || (first && (promises || endings.iter().any(|e| self.volitional_endings.contains(e))))
            || first_subject_at
                .iter()
                .any(|&at| self.plain_present_after(text, &tokens, at));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, to) in &edits {
            out.push_str(&text[at..*start]);
            out.push_str(to);
            at = *end;
        }
        out.push_str(&text[at..]);
        let which = match (first, second) {
            (true, true) => "both",
            (true, false) => "first-to-second",
            _ => "second-to-first",
        };
        Some(PersonSwap {
            text: out,
            rule: format!("subject-object/person-swap/{which}"),
            still_fits,
        })
    }
}
