//! Replies of other conversations: `perturbations/topic_bank.toml` holds,
//! per topic cluster (weather, pets, work, …), the words that put a dialogue
//! on that topic and replies a person says in a conversation on it, each
//! written in 반말, 해요체 and 합쇼체. `topic` offers such a reply as the
//! negative; `keyword-stuffing` leads into one with the context's words.
//!
//! Invariant: a reply is offered to a dialogue only from a cluster the
//! dialogue is not on and not near (by the clusters' keywords, read over the
//! context and the gold reply), only when it shares no noun of two syllables
//! or more and no time word (오늘, 내일: a reply that shares one reads as
//! about that day) with the dialogue, and only in the replier's speech level
//! ([`super::register`]); a dialogue whose level cannot be read, or whose
//! replier speaks 반말 while honouring the listener, gets none (the bank's
//! 반말 replies honour no one).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::analyser::Worker;
use super::memo::Memo;
use super::register::{InLevels, Level, Voice};
use super::rewrite::Rewriter;
use super::rules::Mood;
use super::{Dialogue, PerturbError};

const BANK: &str = include_str!("../../perturbations/topic_bank.toml");
const FILE: &str = "perturbations/topic_bank.toml";

/// The bank as the file holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BankFile {
    /// Words that tie a line to a time (오늘, 내일, 주말): a reply sharing one
    /// with the dialogue is not offered.
    time_words: Vec<String>,
    /// Words that make a question open (왜, 무슨 일): see [`LastLine::AsksWhy`].
    open_questions: Vec<String>,
    cluster: Vec<Cluster>,
}

/// The bank, with what a dialogue is read against built once.
#[derive(Debug)]
pub struct Bank {
    pub cluster: Vec<Cluster>,
    time_words: Vec<String>,
    open_questions: Vec<String>,
    /// Every keyword and the clusters it belongs to.
    words: HashMap<String, Vec<usize>>,
    /// The keywords of two syllables or more, found anywhere in a line.
    matcher: AhoCorasick,
    /// The clusters of each of `matcher`'s patterns.
    patterns: Vec<Vec<usize>>,
    /// Where cluster `i`'s replies start among the reply slots (one slot per
    /// reply and level: slot = start + 3 × reply + level).
    starts: Vec<usize>,
    /// How many distinct letter pairs each slot's text has.
    pair_counts: Vec<u32>,
    /// Each slot's letters as a [`letter_mask`]: a noun whose mask is not
    /// inside it cannot be in the text, and needs no search.
    letter_masks: Vec<u64>,
    /// For each letter pair, the slots whose text has it.
    postings: HashMap<(char, char), Vec<u32>>,
    /// Per cluster, per reply: whether the reply asks (ends in `?`).
    asks: Vec<Vec<bool>>,
    /// The contexts read last ([`Bank::read_context`]).
    contexts: Memo<Vec<String>, Arc<ContextRead>>,
}

/// Contexts a bank keeps its reading of before it starts afresh: memory
/// stays bounded on any input, and KorAdvMRS's 200 contexts fit.
const CONTEXTS: usize = 4096;

/// What the bank reads of some lines.
#[derive(Debug)]
struct LinesRead {
    /// Per cluster: whether the lines are on it.
    is_on: Vec<bool>,
    /// Nouns of two syllables or more, first seen first.
    nouns: Vec<String>,
    /// Per time word: whether a word of the lines starts with it.
    times: Vec<bool>,
}

/// What the bank reads of a context: its lines, and per reply slot how many
/// of the slot's letter pairs the context has.
#[derive(Debug)]
struct ContextRead {
    lines: LinesRead,
    shared: Arc<[u32]>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub name: String,
    pub source: String,
    /// Words whose presence in a dialogue puts it on this topic.
    pub keywords: Vec<String>,
    /// Clusters close enough that a reply of one could fit a dialogue of the other.
    #[serde(default)]
    pub near: Vec<String>,
    pub reply: Vec<InLevels<String>>,
}

/// What the bank reads of a dialogue, once: its nouns and its topics.
#[derive(Debug, Clone)]
pub struct DialogueTopics {
    /// Nouns (NNG, NNP) of two syllables or more of the context and the
    /// reply, as the analyser reads them: a bank reply that shares one is
    /// not offered (a one-syllable noun is too often part of another word).
    pub nouns: Vec<String>,
    /// The bank's time words that start a word of the context or the reply.
    pub times: Vec<String>,
    /// The [`letter_mask`] of each noun, then of each time word.
    masks: Vec<u64>,
    /// Indices of the clusters the dialogue is on.
    pub on: Vec<usize>,
    /// Indices of the clusters a reply may come from: not on, not near.
    pub off: Vec<usize>,
    /// For each reply slot of the bank, how many of its letter pairs the
    /// context has: to find the reply closest to the context on the surface.
    pub shared: Arc<[u32]>,
}

/// What the dialogue's last line asks of the replier, read once for the
/// strategies that offer bank replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastLine {
    /// It asks nothing: the replier owes no answer.
    Tells,
    /// Its last sentence is a question.
    Asks,
    /// Its last sentence asks why or what is up (왜?, 무슨 일 있어?): any news
    /// of the replier's own may be the answer, so no bank reply is offered.
    AsksWhy,
    /// A sentence of it requests or suggests (같이 남아서 끝내자, 해
    /// 주십시오): any news of the replier's own may be the excuse for not
    /// doing it (오전에만 회의를 세 개나 했어요), so no bank reply is offered.
    Requests,
}

/// Which replies a dialogue is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Any reply of the cluster.
    Any,
    /// Questions only: after a question to the replier, a statement of the
    /// replier's own doings reads as an indirect answer (회의를 세 개나 했어요
    /// after 점심 드셨어요?: too busy to eat), a question on another topic
    /// does not.
    Questions,
    /// Statements only: a question on another topic after a line that asks
    /// nothing is one way to change the subject.
    Statements,
}

impl Offer {
    fn allows(self, asks: bool) -> bool {
        match self {
            Offer::Any => true,
            Offer::Questions => asks,
            Offer::Statements => !asks,
        }
    }
}

/// One bank reply chosen for a dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct BankReply<'b> {
    pub cluster: &'b str,
    pub text: &'b str,
    pub level: Level,
    /// The share of its letter pairs the context has.
    pub closeness: f64,
}

pub fn load() -> Result<Bank, PerturbError> {
    let file: BankFile = super::rules::parse(FILE, BANK)?;
    check(&file.cluster)?;
    let mut words: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in file.cluster.iter().enumerate() {
        for k in &c.keywords {
            let clusters = words.entry(k.clone()).or_default();
            if !clusters.contains(&i) {
                clusters.push(i);
            }
        }
    }
    let mut long: Vec<(&String, &Vec<usize>)> = words.iter().filter(|(k, _)| k.chars().count() >= 2).collect();
    long.sort();
    let matcher = AhoCorasick::new(long.iter().map(|(k, _)| k.as_str())).map_err(|e| PerturbError::Rules {
        file: FILE,
        message: format!("keywords: {e}"),
    })?;
    let patterns = long.iter().map(|(_, c)| (*c).clone()).collect();
    let mut starts = Vec::new();
    let mut pair_counts: Vec<u32> = Vec::new();
    let mut letter_masks: Vec<u64> = Vec::new();
    let mut postings: HashMap<(char, char), Vec<u32>> = HashMap::new();
    for c in &file.cluster {
        starts.push(pair_counts.len());
        for r in &c.reply {
            for text in r.all() {
                let slot = pair_counts.len() as u32;
                let pairs = letter_pairs(text);
                pair_counts.push(pairs.len() as u32);
                letter_masks.push(letter_mask(text));
                for p in pairs {
                    postings.entry(p).or_default().push(slot);
                }
            }
        }
    }
    let asks = (file.cluster.iter())
        .map(|c| c.reply.iter().map(|r| r.banmal.ends_with('?')).collect())
        .collect();
    Ok(Bank {
        asks,
        cluster: file.cluster,
        time_words: file.time_words,
        open_questions: file.open_questions,
        words,
        matcher,
        patterns,
        starts,
        pair_counts,
        letter_masks,
        postings,
        contexts: Memo::new(CONTEXTS),
    })
}

fn check(clusters: &[Cluster]) -> Result<(), PerturbError> {
    let error = |message: String| PerturbError::Rules { file: FILE, message };
    let mut names = HashSet::new();
    for c in clusters {
        if !names.insert(c.name.as_str()) {
            return Err(error(format!("cluster `{}` twice", c.name)));
        }
    }
    for c in clusters {
        if let Some(n) = c.near.iter().find(|n| !names.contains(n.as_str())) {
            return Err(error(format!("cluster `{}`: near names unknown cluster `{n}`", c.name)));
        }
        if c.reply.is_empty() || c.keywords.is_empty() {
            return Err(error(format!("cluster `{}` has no replies or no keywords", c.name)));
        }
    }
    Ok(())
}

impl Bank {
    /// One reply per off-topic cluster ([`Bank::reply`]), the closest to
    /// the context first (ties in cluster order), at most `n`.
    pub fn closest<'b>(
        &'b self,
        topics: &DialogueTopics,
        voice: Voice,
        offer: Offer,
        n: usize,
        rng: &mut ChaCha8Rng,
    ) -> Vec<BankReply<'b>> {
        let mut replies: Vec<BankReply<'b>> = topics
            .off
            .iter()
            .filter_map(|&i| self.reply(i, topics, voice, offer, rng))
            .collect();
        replies.sort_by(|a, b| b.closeness.total_cmp(&a.closeness));
        replies.truncate(n);
        replies
    }

    /// What `d`'s last line asks of the replier ([`LastLine`]): a request is
    /// a sentence of it whose final predicate the rule engine reads as an
    /// imperative or a suggestion (설거지 좀 해 줘. 나 빨래 널고 있어.), a
    /// question its last sentence.
    pub fn last_line(&self, rewriter: &Rewriter, worker: &mut Worker<'_>, d: &Dialogue) -> LastLine {
        let Some(line) = d.context.last() else {
            return LastLine::Tells;
        };
        let sentences = super::grounding::sentences(line);
        let requests = |worker: &mut Worker<'_>, sentence: &str| {
            let readings = rewriter.readings(worker, sentence);
            !readings.is_empty() && (readings.iter()).all(|p| rewriter.rules().ending[p.ending].mood != Mood::Any)
        };
        if !super::grounding::asks(line) {
            return if sentences.iter().any(|s| requests(worker, s)) {
                LastLine::Requests
            } else {
                LastLine::Tells
            };
        }
        let last = sentences.last().copied().unwrap_or(line);
        if self.open_questions.iter().any(|w| last.contains(w.as_str())) {
            LastLine::AsksWhy
        } else {
            LastLine::Asks
        }
    }

    /// Whether `word` is a keyword of some cluster: a subject people talk about.
    pub fn is_keyword(&self, word: &str) -> bool {
        self.words.contains_key(word)
    }

    /// The dialogue's topics: a cluster is on when one of its keywords is a
    /// noun of the dialogue, or, for keywords of two syllables or more, is
    /// written anywhere in it (날씨 in 날씨가); near clusters of those are off limits too.
    pub fn read(&self, worker: &mut Worker<'_>, d: &Dialogue) -> DialogueTopics {
        let context = self.read_context(worker, &d.context);
        let reply = self.read_lines(worker, &[d.positive.as_str()]);
        let mut nouns = context.lines.nouns.clone();
        for n in reply.nouns {
            if !nouns.contains(&n) {
                nouns.push(n);
            }
        }
        let times: Vec<String> = (self.time_words.iter().enumerate())
            .filter(|&(k, _)| context.lines.times[k] || reply.times[k])
            .map(|(_, t)| t.clone())
            .collect();
        let on: Vec<usize> = (0..self.cluster.len())
            .filter(|&i| context.lines.is_on[i] || reply.is_on[i])
            .collect();
        let blocked = |i: usize| {
            let c = &self.cluster[i];
            on.contains(&i)
                || on.iter().any(|&j| {
                    let o = &self.cluster[j];
                    c.near.contains(&o.name) || o.near.contains(&c.name)
                })
        };
        let off = (0..self.cluster.len()).filter(|&i| !blocked(i)).collect();
        let masks = nouns.iter().chain(&times).map(|w| letter_mask(w)).collect();
        DialogueTopics {
            nouns,
            times,
            masks,
            on,
            off,
            shared: Arc::clone(&context.shared),
        }
    }

    /// What the bank reads of a context, once however many cases share it
    /// (KorAdvMRS repeats each context in about eleven): its lines' topics,
    /// nouns and time words, and each reply slot's letter pairs it has.
    fn read_context(&self, worker: &mut Worker<'_>, context: &[String]) -> Arc<ContextRead> {
        self.contexts.get_or_make(context, || {
            let lines: Vec<&str> = context.iter().map(String::as_str).collect();
            let mut pairs: Vec<(char, char)> = context.iter().flat_map(|u| letter_pairs(u)).collect();
            pairs.sort_unstable();
            pairs.dedup();
            let mut shared = vec![0u32; self.pair_counts.len()];
            for p in &pairs {
                for &slot in self.postings.get(p).into_iter().flatten() {
                    shared[slot as usize] += 1;
                }
            }
            Arc::new(ContextRead {
                lines: self.read_lines(worker, &lines),
                shared: shared.into(),
            })
        })
    }

    /// The clusters `lines` are on, their nouns of two syllables or more
    /// (first seen first), and which time words start a word of theirs.
    fn read_lines(&self, worker: &mut Worker<'_>, lines: &[&str]) -> LinesRead {
        let mut is_on = vec![false; self.cluster.len()];
        let mut nouns: Vec<String> = Vec::new();
        for line in lines {
            for t in worker.analyse(line).iter() {
                if t.tag != "NNG" && t.tag != "NNP" {
                    continue;
                }
                for &i in self.words.get(&t.surface).into_iter().flatten() {
                    is_on[i] = true;
                }
                if t.surface.chars().nth(1).is_some() && !nouns.contains(&t.surface) {
                    nouns.push(t.surface.clone());
                }
            }
            for m in self.matcher.find_overlapping_iter(*line) {
                for &i in &self.patterns[m.pattern().as_usize()] {
                    is_on[i] = true;
                }
            }
        }
        let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
        let times = (self.time_words.iter())
            .map(|t| words.iter().any(|w| w.starts_with(t.as_str())))
            .collect();
        LinesRead { is_on, nouns, times }
    }

    /// The reply of cluster `i`, in the replier's voice, that shares the
    /// largest share of its letter pairs with the context (the hardest for a
    /// scorer that reads surface; ties drawn with `rng`), among those `offer`
    /// allows that share no noun of two syllables or more and no time word
    /// with the dialogue; `None` when none is left or the voice rules the
    /// bank out.
    pub fn reply<'b>(
        &'b self,
        i: usize,
        topics: &DialogueTopics,
        voice: Voice,
        offer: Offer,
        rng: &mut ChaCha8Rng,
    ) -> Option<BankReply<'b>> {
        if voice.level == Level::Banmal && voice.honours_listener {
            return None;
        }
        let c = &self.cluster[i];
        let level = match voice.level {
            Level::Banmal => 0,
            Level::Haeyo => 1,
            Level::Hapsyo => 2,
        };
        // The closest first (reply order among equals); the noun check only
        // where it can decide, down to the first reply that passes it.
        // The share of a reply's letter pairs that the context has.
        let mut closeness: Vec<(usize, f64)> = (0..c.reply.len())
            .filter(|&r| offer.allows(self.asks[i][r]))
            .map(|r| {
                let slot = self.starts[i] + 3 * r + level;
                match self.pair_counts[slot] {
                    0 => (r, 0.0),
                    own => (r, f64::from(topics.shared[slot]) / f64::from(own)),
                }
            })
            .collect();
        closeness.sort_by(|a, b| b.1.total_cmp(&a.1));
        let fresh = |r: usize| {
            let text = c.reply[r].get(voice.level);
            let mask = self.letter_masks[self.starts[i] + 3 * r + level];
            !(topics.nouns.iter().chain(&topics.times))
                .zip(&topics.masks)
                .any(|(w, m)| m & !mask == 0 && text.contains(w.as_str()))
        };
        let mut hardest: Vec<&str> = Vec::new();
        let mut best = f64::NEG_INFINITY;
        for &(r, share) in &closeness {
            if !hardest.is_empty() && share != best {
                break;
            }
            if fresh(r) {
                best = share;
                hardest.push(c.reply[r].get(voice.level).as_str());
            }
        }
        if hardest.is_empty() {
            return None;
        }
        Some(BankReply {
            cluster: &c.name,
            text: hardest[rng.random_range(..hardest.len())],
            level: voice.level,
            closeness: best,
        })
    }
}

/// A text's characters as bits of a word (one per character modulo 64): a
/// text that has all of another's characters has all its bits.
fn letter_mask(text: &str) -> u64 {
    text.chars().fold(0, |mask, c| mask | 1 << (u32::from(c) % 64))
}

/// The Hangul letter pairs (syllable bigrams within words) of a text.
fn letter_pairs(text: &str) -> HashSet<(char, char)> {
    let mut pairs = HashSet::new();
    for word in text.split_whitespace() {
        let letters: Vec<char> = word
            .chars()
            .filter(|c| crate::hangul::Syllable::from_char(*c).is_some())
            .collect();
        pairs.extend(letters.windows(2).map(|w| (w[0], w[1])));
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_is_well_formed_and_each_reply_is_in_its_level() {
        let bank = load().unwrap();
        assert!(bank.cluster.len() >= 12, "{} clusters", bank.cluster.len());
        for (c, asks) in bank.cluster.iter().zip(&bank.asks) {
            assert!(c.reply.len() >= 8, "{}: {} replies", c.name, c.reply.len());
            // What a question to the replier is answered with: enough that
            // a dialogue sharing a word with some is still offered others.
            assert!(
                asks.iter().filter(|&&a| a).count() >= 4,
                "{}: too few questions",
                c.name
            );
            for r in &c.reply {
                // One content in three levels: a question in each or in none.
                let asks = r.all().map(|t| t.ends_with('?'));
                assert!(
                    asks.iter().all(|&a| a == asks[0]),
                    "{}: asks in some levels only",
                    r.banmal
                );
                for text in r.all() {
                    assert_eq!(
                        text.as_str(),
                        unicode_normalization::UnicodeNormalization::nfc(text.as_str()).collect::<String>(),
                        "{text}: not NFC"
                    );
                    assert!(!text.contains("  ") && text.trim() == text, "{text:?}: spacing");
                }
                assert_eq!(
                    super::super::register::level_of_text(&r.banmal),
                    Some(Level::Banmal),
                    "{}",
                    r.banmal
                );
                assert_eq!(
                    super::super::register::level_of_text(&r.haeyo),
                    Some(Level::Haeyo),
                    "{}",
                    r.haeyo
                );
                // 합쇼체 lines end in -니다/-니까/-십시오, or a polite -요 (-더군요, -시죠).
                let h = super::super::register::level_of_text(&r.hapsyo);
                assert!(matches!(h, Some(Level::Hapsyo | Level::Haeyo)), "{}", r.hapsyo);
            }
        }
    }
}
