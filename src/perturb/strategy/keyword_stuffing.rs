//! `keyword-stuffing`: a fluent reply of another conversation
//! ([`crate::perturb::bank`]) in the replier's speech level, led in by a
//! segue that names the context's most salient nouns and turns away from them
//! (떡볶이 얘기 나와서 말인데, 산책 나가자고 하루 종일 현관 앞에서 기다려).
//! It shares the context's words and answers nothing the context said.
//!
//! After a line that asks nothing, the bank reply is a statement
//! ([`Offer::Statements`]): a question on another topic there is one way to
//! change the subject (출퇴근 얘기는 그렇고요, 사춘기 자녀랑 대화하실 때는
//! 어떻게 말을 꺼내세요?), so it could be a fine reply, and no segue that
//! closes the topic (`after_question_only`: 이사 얘기는 그렇고) leads in. After
//! 왜?, 무슨 일 있어? or a request there is none ([`LastLine`]).
//!
//! Invariant: every output is a segue of `perturbations/keyword_stuffing.toml`
//! and a bank reply, both in the replier's level; it names context nouns
//! only; it shares at least as many context words as the gold reply
//! (recorded in provenance as `overlap`), else there is no output.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::data::Overlap;
use crate::hangul::{attach, Particle};
use crate::perturb::analyser::{self, Worker};
use crate::perturb::bank::{self, Bank, LastLine, Offer};
use crate::perturb::memo::Memo;
use crate::perturb::register::{self, Level};
use crate::perturb::rewrite::Rewriter;
use crate::perturb::rules;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "keyword-stuffing",
    stem: "keyword_stuffing",
    needs_analyser: true,
    copies_context: false,
    build,
    one_sentence: None,
};

struct KeywordStuffing<'a> {
    rules: rules::KeywordRules,
    rarity: WordRarity,
    bank: Bank,
    rewriter: &'a Rewriter,
    /// What a context gives, read once however many cases share it.
    contexts: Memo<Vec<String>, Arc<ContextWords>>,
}

/// A context's keywords ([`keywords`]) and its content words ([`content_words`]).
struct ContextWords {
    keywords: Vec<String>,
    words: HashSet<String>,
}

/// Contexts whose words a run keeps before it starts afresh.
const CONTEXTS: usize = 4096;

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let Some(rewriter) = setup.rewriter else {
        return Err(PerturbError::NoDictionary(analyser::dictionary_dir()));
    };
    let rules = rules::keywords()?;
    let rarity = WordRarity::new(setup.dialogues, &rules);
    Ok(Box::new(KeywordStuffing {
        rules,
        rarity,
        bank: bank::load()?,
        rewriter,
        contexts: Memo::new(CONTEXTS),
    }))
}

impl Strategy for KeywordStuffing<'_> {
    fn generate(&self, d: &Dialogue, worker: Option<&mut Worker<'_>>, rng: &mut ChaCha8Rng) -> Vec<Generated> {
        let Some(worker) = worker else {
            return Vec::new();
        };
        let last = self.bank.last_line(self.rewriter, worker, d);
        let offer = match last {
            LastLine::Tells => Offer::Statements,
            LastLine::Asks => Offer::Any,
            LastLine::AsksWhy | LastLine::Requests => return Vec::new(),
        };
        let context = self.contexts.get_or_make(&d.context[..], || {
            Arc::new(ContextWords {
                keywords: keywords(d, worker, &self.bank, &self.rarity, &self.rules),
                words: d.context.iter().flat_map(|u| content_words(u, &self.rules)).collect(),
            })
        });
        let keywords = &context.keywords;
        if keywords.is_empty() {
            return Vec::new();
        }
        let Some(voice) = register::replier_voice(self.rewriter, worker, d) else {
            return Vec::new();
        };
        let topics = self.bank.read(worker, d);
        let named = name_keywords(keywords, voice.level);
        let context_words = &context.words;
        let shared = |text: &str| -> Vec<String> {
            let mut words: Vec<String> = Vec::new();
            for w in content_words(text, &self.rules) {
                if context_words.contains(&w) && !words.contains(&w) {
                    words.push(w);
                }
            }
            words
        };
        let gold = shared(&d.positive).len();
        let mut out: Vec<Generated> = Vec::new();
        // The segues take the replies closest to the context, one cluster each.
        let segues: Vec<&rules::Segue> = (self.rules.segue.iter())
            .filter(|s| last == LastLine::Asks || !s.after_question_only)
            .collect();
        let replies = self.bank.closest(&topics, voice, offer, segues.len(), rng);
        for (segue, reply) in segues.into_iter().zip(&replies) {
            let text = segue
                .text
                .get(voice.level)
                .replace("{keywords}", &named)
                .replace("{reply}", reply.text);
            let words = shared(&text);
            if words.len() < gold.max(1) {
                continue;
            }
            let before = out.len();
            super::push_new(
                &mut out,
                d,
                text,
                format!("keyword-stuffing/{}/{}", segue.id, voice.level.id()),
                None,
            );
            if out.len() > before {
                if let Some(g) = out.last_mut() {
                    g.overlap = Some(Overlap { words, reply: gold });
                }
            }
        }
        out
    }
}

/// The keywords as the segue names them: joined by 이랑/랑, or 과/와 in 합쇼체.
fn name_keywords(keywords: &[String], level: Level) -> String {
    let joiner = if level == Level::Hapsyo {
        Particle::GwaWa
    } else {
        Particle::IrangRang
    };
    match keywords {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => {
            let mut s: Vec<String> = init.iter().map(|k| attach(k, joiner)).collect();
            s.push(last.clone());
            s.join(" ")
        }
    }
}

/// Inverse document frequency of words over dialogue contexts.
pub struct WordRarity {
    df: HashMap<String, usize>,
    documents: usize,
}

impl WordRarity {
    pub fn new(dialogues: &[Dialogue], rules: &rules::KeywordRules) -> Self {
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut contexts = HashSet::new();
        for d in dialogues {
            if !contexts.insert(&d.context) {
                continue;
            }
            let words: HashSet<String> = d.context.iter().flat_map(|u| content_words(u, rules)).collect();
            for w in words {
                *df.entry(w).or_default() += 1;
            }
        }
        WordRarity {
            df,
            documents: contexts.len(),
        }
    }

    fn idf(&self, w: &str) -> f64 {
        ((1 + self.documents) as f64 / (1 + self.df.get(w).copied().unwrap_or(0)) as f64).ln()
    }
}

/// Words of an utterance with punctuation trimmed and one trailing particle
/// removed, kept if they have at least `min_syllables` Hangul syllables.
pub fn content_words(utterance: &str, rules: &rules::KeywordRules) -> Vec<String> {
    utterance
        .split_whitespace()
        .filter_map(|w| {
            // Hangul syllables first: `char::is_alphanumeric` looks them up in a slow table.
            let w = w.trim_matches(|c: char| crate::hangul::Syllable::from_char(c).is_none() && !c.is_alphanumeric());
            // The rules hold the particles longest first.
            let stem = (rules.particles.iter())
                .find_map(|p| {
                    w.strip_suffix(p.as_str())
                        .filter(|s| s.chars().count() >= rules.min_syllables)
                })
                .unwrap_or(w);
            let syllables = stem
                .chars()
                .filter(|c| crate::hangul::Syllable::from_char(*c).is_some())
                .count();
            (syllables >= rules.min_syllables && syllables == stem.chars().count()).then(|| stem.to_owned())
        })
        .collect()
}

/// The context's most salient nouns, at most `max_keywords`: nouns the bank
/// knows as a topic's word (concrete subjects of talk, not 대신 or 중간),
/// standing as a word or before a particle (not the 특별 of 특별한), rarest
/// first (then earliest) when choosing, in the order the context says them.
pub fn keywords(
    d: &Dialogue,
    worker: &mut Worker<'_>,
    bank: &Bank,
    rarity: &WordRarity,
    rules: &rules::KeywordRules,
) -> Vec<String> {
    let mut nouns: Vec<String> = Vec::new();
    for u in &d.context {
        let tokens = worker.analyse(u);
        for (i, t) in tokens.iter().enumerate() {
            let derived = tokens
                .get(i + 1)
                .is_some_and(|n| n.start == t.end && (n.tag.starts_with("XS") || n.tag.starts_with('V')));
            if (t.tag == "NNG" || t.tag == "NNP")
                && !derived
                && t.surface.chars().count() >= rules.min_syllables
                && bank.is_keyword(&t.surface)
                && !rules.stop_nouns.contains(&t.surface)
                && !nouns.contains(&t.surface)
            {
                nouns.push(t.surface.clone());
            }
        }
    }
    let mut ranked: Vec<usize> = (0..nouns.len()).collect();
    ranked.sort_by(|&a, &b| rarity.idf(&nouns[b]).total_cmp(&rarity.idf(&nouns[a])).then(a.cmp(&b)));
    ranked.truncate(rules.max_keywords);
    ranked.sort_unstable();
    ranked.into_iter().map(|i| nouns[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_words_strip_particles() {
        let rules = rules::keywords().unwrap();
        assert_eq!(
            content_words("나 주말에 한강에서 자전거 탔어!", &rules),
            vec!["주말", "한강", "자전거", "탔어"]
        );
    }

    #[test]
    fn keywords_are_named_with_the_levels_joiner() {
        let k = vec!["떡볶이".to_owned(), "주말".to_owned()];
        assert_eq!(name_keywords(&k, Level::Banmal), "떡볶이랑 주말");
        assert_eq!(name_keywords(&k, Level::Hapsyo), "떡볶이와 주말");
        let k = vec!["영화관".to_owned(), "팝콘".to_owned()];
        assert_eq!(name_keywords(&k, Level::Haeyo), "영화관이랑 팝콘");
        assert_eq!(name_keywords(&k[..1], Level::Haeyo), "영화관");
    }
}
