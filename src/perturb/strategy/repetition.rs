//! `repetition`: a context utterance offered as the reply, exact or lightly
//! edited (rules in `perturbations/repetition.toml`).

use rand_chacha::ChaCha8Rng;

use super::{Entry, Generated, Setup, Strategy};
use crate::perturb::analyser::Worker;
use crate::perturb::rules;
use crate::perturb::{Dialogue, PerturbError};

pub static ENTRY: Entry = Entry {
    name: "repetition",
    stem: "repetition",
    needs_analyser: false,
    copies_context: true,
    build,
};

struct Repetition(rules::RepetitionRules);

fn build<'a>(_: &Setup<'a>) -> Result<Box<dyn Strategy + 'a>, PerturbError> {
    Ok(Box::new(Repetition(rules::repetition()?)))
}

impl Strategy for Repetition {
    fn generate(&self, d: &Dialogue, _: Option<&mut Worker<'_>>, _: &mut ChaCha8Rng) -> Vec<Generated> {
        repetition(d, &self.0)
    }
}

/// Every repetition distractor of a dialogue, in rule order.
pub fn repetition(d: &Dialogue, rules: &rules::RepetitionRules) -> Vec<Generated> {
    let mut out: Vec<Generated> = Vec::new();
    for (index, utterance) in d.context.iter().enumerate() {
        for rule in &rules.rule {
            let texts: Vec<String> = match rule.id.as_str() {
                "exact" => vec![utterance.clone()],
                _ if !rule.strip.is_empty() => {
                    let mut t = utterance.as_str();
                    while let Some(s) = rule.strip.iter().find(|s| t.ends_with(s.as_str())) {
                        t = &t[..t.len() - s.len()];
                    }
                    vec![t.to_owned()]
                }
                "prefix" => rule.values.iter().map(|v| format!("{v}{utterance}")).collect(),
                "suffix" => rule.values.iter().map(|v| format!("{utterance}{v}")).collect(),
                _ => Vec::new(),
            };
            for text in texts {
                let text = text.trim().to_owned();
                if !text.is_empty() && text != d.positive && !out.iter().any(|g| g.text == text) {
                    out.push(Generated {
                        text,
                        rule: format!("repetition/{}", rule.id),
                        utterance: Some(index),
                        contradicts: None,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::strategy::tests::dialogue;

    #[test]
    fn repetition_offers_context_utterances_exact_and_edited() {
        let g = repetition(&dialogue(), &rules::repetition().unwrap());
        let texts: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
        assert!(texts.contains(&"오 누구랑 갔어?"));
        assert!(texts.contains(&"나 주말에 한강에서 자전거 탔어"));
        assert!(texts.contains(&"응 오 누구랑 갔어?"));
        assert!(texts.contains(&"오 누구랑 갔어? ㅋㅋ"));
        assert!(!texts.contains(&"동생이랑 갔지"));
        assert_eq!(g[0].rule, "repetition/exact");
    }
}
