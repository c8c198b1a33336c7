//! `keyword-stuffing`: another dialogue's reply with the context's keywords
//! inserted, or a reply assembled from those keywords (rules in
//! `perturbations/keyword_stuffing.toml`).

use std::collections::{BTreeSet, HashMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::Worker;
use crate::perturb::rules;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "keyword-stuffing",
    stem: "keyword_stuffing",
    needs_analyser: false,
    copies_context: false,
    build,
};

struct KeywordStuffing<'a> {
    rules: rules::KeywordRules,
    rarity: WordRarity,
    /// Replies of every dialogue with their source dialogue, sorted so draws
    /// do not depend on input order.
    replies: Vec<(&'a str, &'a str)>,
    /// Per dialogue, the sorted positions in `replies` of its own replies.
    own: HashMap<&'a str, Vec<usize>>,
}

fn build<'a>(setup: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    let rules = rules::keywords()?;
    let rarity = WordRarity::new(setup.dialogues, &rules);
    let set: BTreeSet<(&str, &str)> = setup
        .dialogues
        .iter()
        .map(|d| (d.positive.as_str(), d.source_dialogue.as_str()))
        .collect();
    let replies: Vec<(&str, &str)> = set.into_iter().collect();
    let mut own: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, dialogue)) in replies.iter().enumerate() {
        own.entry(dialogue).or_default().push(i);
    }
    Ok(Box::new(KeywordStuffing {
        rules,
        rarity,
        replies,
        own,
    }))
}

impl Strategy for KeywordStuffing<'_> {
    fn generate(&self, d: &Dialogue, _: Option<&mut Worker<'_>>, rng: &mut ChaCha8Rng) -> Vec<Generated> {
        // Another dialogue's reply, drawn as `choose` over the list of the
        // others would draw it, without building that list per dialogue.
        let own = self.own.get(d.source_dialogue.as_str()).map_or(&[][..], Vec::as_slice);
        let others = self.replies.len() - own.len();
        let other = (others > 0).then(|| self.replies[crate::stats::nth_not_in(rng.random_range(..others), own)].0);
        keyword_stuffing(d, &keywords(d, &self.rarity, &self.rules), other, &self.rules)
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
    let mut particles: Vec<&str> = rules.particles.iter().map(String::as_str).collect();
    particles.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    utterance
        .split_whitespace()
        .filter_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            let stem = particles
                .iter()
                .find_map(|p| w.strip_suffix(p).filter(|s| s.chars().count() >= rules.min_syllables))
                .unwrap_or(w);
            let syllables = stem
                .chars()
                .filter(|c| crate::hangul::Syllable::from_char(*c).is_some())
                .count();
            (syllables >= rules.min_syllables && syllables == stem.chars().count()).then(|| stem.to_owned())
        })
        .collect()
}

/// The context's most salient words: rarest first, then earliest.
pub fn keywords(d: &Dialogue, rarity: &WordRarity, rules: &rules::KeywordRules) -> Vec<String> {
    let mut words: Vec<(usize, String)> = Vec::new();
    for w in d.context.iter().flat_map(|u| content_words(u, rules)) {
        if !words.iter().any(|(_, x)| *x == w) {
            words.push((words.len(), w));
        }
    }
    words.sort_by(|(ia, a), (ib, b)| rarity.idf(b).total_cmp(&rarity.idf(a)).then(ia.cmp(ib)));
    words.into_iter().take(rules.max_keywords).map(|(_, w)| w).collect()
}

/// Keyword-stuffed distractors: another dialogue's reply with the keywords
/// inserted, and replies assembled from the keywords.
pub fn keyword_stuffing(
    d: &Dialogue,
    keywords: &[String],
    other_reply: Option<&str>,
    rules: &rules::KeywordRules,
) -> Vec<Generated> {
    let mut out = Vec::new();
    if keywords.is_empty() {
        return out;
    }
    let joined = keywords.join(" ");
    if let Some(reply) = other_reply {
        for t in &rules.insert {
            out.push(Generated {
                text: t.template.replace("{keywords}", &joined).replace("{response}", reply),
                rule: format!("keyword-stuffing/{}", t.id),
                utterance: None,
                contradicts: None,
            });
        }
    }
    for t in &rules.assemble {
        let needed = (1..=3)
            .filter(|i| t.template.contains(&format!("{{k{i}}}")))
            .max()
            .unwrap_or(0);
        if keywords.len() < needed {
            continue;
        }
        let mut text = t.template.clone();
        for (i, k) in keywords.iter().enumerate() {
            text = text.replace(&format!("{{k{}}}", i + 1), k);
        }
        out.push(Generated {
            text,
            rule: format!("keyword-stuffing/{}", t.id),
            utterance: None,
            contradicts: None,
        });
    }
    out.retain(|g| g.text != d.positive);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::strategy::tests::dialogue;

    #[test]
    fn keywords_strip_particles_and_prefer_rare_words() {
        let rules = rules::keywords().unwrap();
        assert_eq!(
            content_words("나 주말에 한강에서 자전거 탔어!", &rules),
            vec!["주말", "한강", "자전거", "탔어"]
        );
        let d = dialogue();
        let rarity = WordRarity::new(std::slice::from_ref(&d), &rules);
        let k = keywords(&d, &rarity, &rules);
        assert_eq!(k, vec!["주말", "한강", "자전거"]);
        let g = keyword_stuffing(&d, &k, Some("축하해!"), &rules);
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "주말 한강 자전거 축하해!",
                "축하해! 주말 한강 자전거",
                "주말 한강?",
                "주말도 한강도 진짜 좋다!"
            ]
        );
    }
}
