//! Replies on the dialogue's topic that do not fit its context: the reply's
//! key noun, one the context mentions, replaced by a sibling from the same
//! cluster of `perturbations/topic.toml` that neither the context nor the
//! reply mentions (떡볶이 맛있었겠다 → 짜장면 맛있었겠다 after a turn about 떡볶이).
//!
//! Invariant: an output differs from the reply only in one noun token the
//! analyser tags NNG or NNP, starting its word, and the particle right after
//! it re-chosen for the new final sound (떡볶이를 → 삼겹살을); the noun is in
//! the context, so the reply was about it and the new one is not; anything
//! else after the noun in its word (a verb, a suffix, a particle the analyser
//! does not give) means no output.

use serde::Deserialize;

use super::analyser::Worker;
use super::{noun_swap, PerturbError};

const RULES: &str = include_str!("../../perturbations/topic.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct TopicRules {
    pub cluster: Vec<Cluster>,
    pub template: Vec<Template>,
}

/// Replies that presuppose the opposite of a state a context utterance states.
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    pub name: String,
    pub source: String,
    pub context_has: Vec<String>,
    pub replies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub source: String,
    /// The verbs every noun of the cluster takes (documentation).
    pub verbs: String,
    pub nouns: Vec<String>,
}

pub fn rules() -> Result<TopicRules, PerturbError> {
    crate::perturb::rules::parse("perturbations/topic.toml", RULES)
}

/// One replacement and its rule (`topic/sibling/food`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSwap {
    pub text: String,
    pub rule: String,
}

impl TopicRules {
    /// Every template reply a context utterance calls for, with the index of
    /// that utterance: one that states the template's state plainly (no
    /// question, no negation, as the analyser reads it).
    pub fn templates(&self, worker: &mut Worker<'_>, context: &[String]) -> Vec<(usize, TopicSwap)> {
        let mut out: Vec<(usize, TopicSwap)> = Vec::new();
        for (i, u) in context.iter().enumerate() {
            let matching: Vec<&Template> = self
                .template
                .iter()
                .filter(|t| t.context_has.iter().any(|k| u.contains(k.as_str())))
                .collect();
            if matching.is_empty() || u.contains('?') {
                continue;
            }
            if super::analyser::negates(&worker.analyse(u)) {
                continue;
            }
            for t in matching {
                for reply in &t.replies {
                    if !out.iter().any(|(_, o)| &o.text == reply) {
                        out.push((
                            i,
                            TopicSwap {
                                text: reply.clone(),
                                rule: format!("topic/template/{}", t.name),
                            },
                        ));
                    }
                }
            }
        }
        out
    }

    fn cluster_of(&self, noun: &str) -> Option<&Cluster> {
        self.cluster.iter().find(|c| c.nouns.iter().any(|n| n == noun))
    }

    /// Every reply with one mentioned noun replaced by an unmentioned sibling,
    /// in cluster order.
    pub fn siblings(&self, worker: &mut Worker<'_>, reply: &str, context: &[String]) -> Vec<TopicSwap> {
        let text = reply.trim();
        let tokens = worker.analyse(text);
        let mentioned = |w: &str| context.iter().any(|u| u.contains(w)) || text.contains(w);
        // The context's nouns as the analyser reads them (비 in 비 오니까, not in 비빔밥).
        let context_nouns: Vec<String> = context
            .iter()
            .flat_map(|u| worker.analyse(u).to_vec())
            .filter(|t| t.tag == "NNG" || t.tag == "NNP")
            .map(|t| t.surface)
            .collect();
        let mut out: Vec<TopicSwap> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if !(t.tag == "NNG" || t.tag == "NNP") {
                continue;
            }
            let starts = noun_swap::starts_word(text, t);
            // The reply is about it only if the context names it too.
            let in_context = context_nouns.contains(&t.surface);
            let Some(cluster) = self.cluster_of(&t.surface).filter(|_| starts && in_context) else {
                continue;
            };
            for sibling in cluster.nouns.iter().filter(|n| !mentioned(n)) {
                let Some(replaced) = noun_swap::replace(text, &tokens, i, sibling, false) else {
                    break;
                };
                if !out.iter().any(|o| o.text == replaced) {
                    out.push(TopicSwap {
                        text: replaced,
                        rule: format!("topic/sibling/{}", cluster.name),
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_disjoint_and_hold_no_homonym() {
        let r = rules().unwrap();
        let mut all: Vec<&str> = r
            .cluster
            .iter()
            .flat_map(|c| c.nouns.iter().map(String::as_str))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a noun in two clusters");
        for homonym in ["눈", "배", "차", "밤", "병", "말", "김", "감", "다리", "방"] {
            assert!(!all.contains(&homonym), "{homonym}");
        }
        assert!(r.cluster.iter().all(|c| !c.source.is_empty() && c.nouns.len() >= 4));
    }
}
