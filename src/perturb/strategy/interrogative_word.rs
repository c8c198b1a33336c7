//! `interrogative-word`: a question whose answer the context already holds
//! ([`crate::perturb::interrogative`]): a statement of the other speaker
//! asked back on one of its arguments, from the wh-word on (어디 갔어?), in
//! the replier's own speech level. The reply is never a source (its answer
//! is not in the context), so `--from` does not apply.

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::frames::{self, Level};
use crate::perturb::interrogative::{self, WhRules};
use crate::perturb::persons::{self, PersonRules};
use crate::perturb::rewrite::Rewriter;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "interrogative-word",
    stem: "interrogative_word",
    needs_analyser: true,
    copies_context: false,
    build,
};

struct InterrogativeWord<'a> {
    rules: WhRules,
    persons: PersonRules,
    rewriter: &'a Rewriter,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let rewriter = setup
        .rewriter
        .ok_or_else(|| PerturbError::NoDictionary(analyser::dictionary_dir()))?;
    Ok(Box::new(InterrogativeWord {
        rules: interrogative::rules()?,
        persons: persons::rules()?,
        rewriter,
    }))
}

/// The speech level a question's rule names (`interrogative-word/where/haeyo`).
fn level_of_rule(rule: &str) -> Option<Level> {
    match rule.rsplit('/').next()? {
        "hae" => Some(Level::Banmal),
        "haeyo" => Some(Level::Haeyo),
        "hapsyo" => Some(Level::Hapsyo),
        _ => None,
    }
}

impl Strategy for InterrogativeWord<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        // The question is asked in the other speaker's level; the replier
        // must speak it (a senior answered in 합쇼체 does not ask in it).
        // Read once, when there is a question to keep.
        let mut voice: Option<Option<Level>> = None;
        let n = d.context.len();
        let mut out: Vec<Generated> = Vec::new();
        for (i, utterance) in d.context.iter().enumerate() {
            // Turns alternate and the reply follows the last: the other
            // speaker said n-1, n-3, …. The responder's own answered
            // questions are not asked again: two blind judges called every
            // such re-ask (근데 누구랑 갔어?) a near-copy of the question.
            if (n - 1 - i).is_multiple_of(2) {
                for q in self.rules.questions(&self.persons, worker, utterance) {
                    let level =
                        *voice.get_or_insert_with(|| frames::replier_voice(self.rewriter, worker, d).map(|v| v.level));
                    if level.is_none() || level_of_rule(&q.rule) != level {
                        continue;
                    }
                    if let Some(text) = from_wh_word(&q.text, &self.rules.wh_words) {
                        super::push_new(&mut out, d, text.to_owned(), q.rule, Some(i));
                    }
                }
            }
        }
        out
    }
}

/// The question from its wh-word on (너 어제 어디 갔어? → 어디 갔어?): the
/// words before it repeat the line asked back, which two blind judges called
/// a near-copy of it. None when no word starts with a wh-word.
fn from_wh_word<'a>(question: &'a str, wh_words: &[String]) -> Option<&'a str> {
    let mut at = 0;
    for word in question.split_inclusive(char::is_whitespace) {
        if wh_words.iter().any(|w| word.starts_with(w.as_str())) {
            return Some(&question[at..]);
        }
        at += word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_is_kept_from_its_wh_word_on() {
        let wh: Vec<String> = ["어디", "언제", "뭐"].map(String::from).to_vec();
        assert_eq!(from_wh_word("너 어제 어디 갔어?", &wh), Some("어디 갔어?"));
        assert_eq!(from_wh_word("언제 한강 갔어?", &wh), Some("언제 한강 갔어?"));
        assert_eq!(from_wh_word("오늘 도서관에서 뭐 빌렸어?", &wh), Some("뭐 빌렸어?"));
        assert_eq!(from_wh_word("그랬구나", &wh), None);
    }
}
