//! Whether a generated negative is a near-copy of a context line: a line
//! with an ending or a word changed, which a model rejects as a repetition
//! without reading anything (나 시험 붙었어! → 너 시험 붙었어!). Only
//! `repetition` may be one; every other type's output that is one is
//! dropped, and the audit ledger reports the share measured on outputs.
//!
//! Invariant: the measure is a pure, symmetric function of the two texts'
//! normalised forms (decorations, punctuation and spaces aside), so a
//! negative is dropped or kept whatever line order or spacing the input has.

use crate::hangul::is_letter;

/// Character similarity (1 − edit distance / longer length) at or above
/// which two lines are near-copies. 0.65 takes one changed word of a short
/// line (나 시험 붙었어 / 너 시험 붙었어: 0.83) and leaves a reply that
/// shares a noun or a verb with the line (김치찌개 먹을 거야 / 어제 뭐
/// 먹었어: 0.13; 응 안 먹었어 / 밥 먹었어?: 0.6).
const SIMILAR: f64 = 0.65;

/// Share of the shorter text's letters in a prefix both share, at or above
/// which they are near-copies: the line with its ending changed (오늘 늦잠
/// 잤어 / 오늘 늦잠 잘 거야: 0.67; 저녁 먹었어? / 저녁 먹을 거야?: 0.6),
/// which edits cost much of on a short line.
const SAME_START: f64 = 0.6;
/// Letters the shorter text needs for [`SAME_START`] to apply.
const MIN_LETTERS: usize = 3;

/// Share of the shorter text's words that are also the other's, at or
/// above which two lines of at least [`MIN_WORDS`] words are near-copies
/// whatever their lengths (an echo padded with a reaction: 헐 진짜 오늘 회식
/// 없어 / 오늘 회식 없어; a question word put in the line: 오늘 도서관에서 책
/// 빌렸어 / 오늘 어디서 책 빌렸어?).
const CONTAINED: f64 = 0.75;
const MIN_WORDS: usize = 3;

/// The characters that carry a line: chat decorations (ㅋㅋ, ㅠㅠ, ~, !,
/// emoticons) and spaces go.
fn letters(text: &str) -> Vec<char> {
    text.chars().filter(|c| is_letter(*c)).collect()
}

/// A text's words with only their letters that count, as one string and
/// each word's byte range in it (one allocation for the lot).
fn words(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut joined = String::with_capacity(text.len());
    let mut ranges = Vec::new();
    for w in text.split_whitespace() {
        let start = joined.len();
        joined.extend(w.chars().filter(|c| is_letter(*c)));
        if joined.len() > start {
            ranges.push((start, joined.len()));
        }
    }
    (joined, ranges)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// 1 − edit distance / longer length of the two texts' letters (1 for two
/// texts without letters).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (letters(a), letters(b));
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    1.0 - edit_distance(&a, &b) as f64 / longer as f64
}

/// A text's letters and words, read once.
struct Line {
    letters: Vec<char>,
    /// The letters sorted: how many two lines share bounds their similarity.
    sorted: Vec<char>,
    /// The words' letters, and each word's range in them.
    joined: String,
    words: Vec<(usize, usize)>,
}

/// How many letters two sorted lists share, counted with multiplicity.
fn shared_letters(a: &[char], b: &[char]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Line {
    fn new(text: &str) -> Line {
        let letters = letters(text);
        let mut sorted = letters.clone();
        sorted.sort_unstable();
        let (joined, words) = words(text);
        Line {
            letters,
            sorted,
            joined,
            words,
        }
    }

    fn word(&self, i: usize) -> &str {
        let (start, end) = self.words[i];
        &self.joined[start..end]
    }

    /// Whether the two differ by little more than a word or an ending.
    fn similar(&self, other: &Line) -> bool {
        let (la, lb) = (&self.letters, &other.letters);
        let longer = la.len().max(lb.len());
        // The edit distance is at least the longer length less the letters
        // the two share (which bounds the length difference too): a pair
        // below SIMILAR by that bound is not computed.
        let bound = longer.saturating_sub(shared_letters(&self.sorted, &other.sorted));
        let may_be_similar = longer == 0 || bound as f64 <= (1.0 - SIMILAR) * longer as f64;
        may_be_similar && 1.0 - edit_distance(la, lb) as f64 / longer.max(1) as f64 >= SIMILAR
    }

    fn near_copy(&self, other: &Line) -> bool {
        let (la, lb) = (&self.letters, &other.letters);
        let shorter = la.len().min(lb.len());
        if self.similar(other) {
            return true;
        }
        let same_start = la.iter().zip(lb).take_while(|(x, y)| x == y).count();
        if shorter >= MIN_LETTERS && same_start as f64 >= SAME_START * shorter as f64 {
            return true;
        }
        let fewer = self.words.len().min(other.words.len());
        if fewer < MIN_WORDS {
            return false;
        }
        let (small, large) = if self.words.len() <= other.words.len() {
            (self, other)
        } else {
            (other, self)
        };
        let shared = (0..small.words.len())
            .filter(|&i| (0..large.words.len()).any(|j| large.word(j) == small.word(i)))
            .count();
        shared as f64 / fewer as f64 >= CONTAINED
    }
}

/// Whether `a` and `b` are near-copies of each other.
pub fn near_copy(a: &str, b: &str) -> bool {
    Line::new(a).near_copy(&Line::new(b))
}

/// A dialogue's context lines, read once, against which many negatives are
/// checked.
pub struct Guard {
    lines: Vec<Line>,
    /// Each sentence of a line of several (아 반가워요! 어디서 오셨어요?),
    /// with the index of its line: a negative that differs from one by little
    /// more than a word copies its line as much. Only [`Line::similar`] is
    /// asked of a sentence: a short one (점심은?) shares its start with many
    /// a reply that copies nothing.
    sentences: Vec<(usize, Line)>,
}

impl Guard {
    pub fn new(context: &[String]) -> Guard {
        let mut sentences = Vec::new();
        for (i, l) in context.iter().enumerate() {
            let of_line = super::grounding::sentences(l.trim());
            if of_line.len() > 1 {
                sentences.extend(of_line.into_iter().map(|s| (i, Line::new(s))));
            }
        }
        Guard {
            lines: context.iter().map(|l| Line::new(l)).collect(),
            sentences,
        }
    }

    /// The first context line (0 = the oldest) that `text` is a near-copy of.
    pub fn copied_line(&self, text: &str) -> Option<usize> {
        let text = Line::new(text);
        let whole = self.lines.iter().position(|line| text.near_copy(line));
        let part = self
            .sentences
            .iter()
            .find(|(_, sentence)| text.similar(sentence))
            .map(|(i, _)| *i);
        whole.into_iter().chain(part).min()
    }
}

/// The first context line (0 = the oldest) that `text` is a near-copy of.
pub fn copied_line(text: &str, context: &[String]) -> Option<usize> {
    Guard::new(context).copied_line(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_or_ending_changed_is_a_near_copy() {
        assert!(near_copy("나 시험 붙었어!", "너 시험 붙었어!"));
        assert!(near_copy("오늘 회식 있어?", "오늘 회식 없어?"));
        assert!(near_copy("어제 동생이랑 마트 갔어ㅋㅋ", "어제 동생이랑 마트 갈 거야"));
        assert!(near_copy("헐 진짜 오늘 저녁 회식 없대", "오늘 저녁 회식 없대"));
        assert!(near_copy("오늘 늦잠 잤어.", "오늘 늦잠 잘 거야."));
        assert!(near_copy("저녁 먹었어?", "저녁 먹을 거야?"));
        assert!(near_copy("오늘 도서관에서 책 빌렸어", "오늘 어디서 책 빌렸어?"));
    }

    #[test]
    fn a_copy_of_one_sentence_of_a_line_is_a_near_copy_of_that_line() {
        let context = [
            "안녕하세요, 305호에 이사 왔어요.".to_owned(),
            "아 반가워요! 어디서 오셨어요?".to_owned(),
        ];
        assert_eq!(copied_line("어디서 오셨어요?", &context), Some(1));
        // Only similarity counts against a sentence: a short one shares its
        // start with replies that copy nothing.
        let context = ["그럼 여덟 시 반까지 갈게. 점심은?".to_owned()];
        assert_eq!(
            copied_line("점심이랑 짜장면 얘기 나와서 말인데, 오늘 축구 몇 시에 해?", &context),
            None
        );
    }

    #[test]
    fn a_reply_that_shares_words_is_not() {
        assert!(!near_copy("김치찌개 먹을 거야", "어제 뭐 먹었어?"));
        assert!(!near_copy("응 안 먹었어", "밥 먹었어?"));
        assert!(!near_copy("언제 자를 거야?", "나 오늘 머리 잘랐어"));
        assert!(!near_copy("좋겠다 나도 가고 싶어", "나 다음 주에 제주도 가"));
        assert!(!near_copy("아 자격증 안 땄구나", "나 드디어 자격증 땄어!!"));
        assert!(!near_copy("언제 운동화 살 거야?", "나 어제 운동화 샀어"));
        assert!(!near_copy("나도 봤어", "나 어제 그 영화 봤어"));
    }

    #[test]
    fn the_measure_is_symmetric_and_ignores_decoration() {
        let (a, b) = ("배고파ㅠㅠ 밥 먹자~", "배고파 밥 먹자!!");
        assert_eq!(similarity(a, b), 1.0);
        assert_eq!(similarity(a, "밥 먹었어"), similarity("밥 먹었어", a));
        assert_eq!(copied_line("밥 먹자", &["안녕".into(), "밥 먹자!".into()]), Some(1));
    }
}
