//! Tense and negation rewrites of whole replies: analyse, read the final
//! predicate, change it, write it back.

use std::path::Path;

use super::analyser::{Analyser, Worker};
use super::predicate::Rewrite;
use super::rules::{self, TenseNegationRules};
use super::{PerturbError, PerturbType};

/// The tenses `--tense-to` accepts.
pub const TENSES: [&str; 3] = ["past", "present", "future"];

/// The analyser and the rules, loaded once and shared by threads.
pub struct Rewriter {
    analyser: Analyser,
    rules: TenseNegationRules,
}

impl Rewriter {
    pub fn load(dictionary: &Path) -> Result<Rewriter, PerturbError> {
        Ok(Rewriter {
            rules: rules::tense_negation()?,
            analyser: Analyser::load(dictionary)?,
        })
    }

    pub fn worker(&self) -> Worker<'_> {
        self.analyser.worker()
    }

    pub fn rules(&self) -> &TenseNegationRules {
        &self.rules
    }

    /// The readings of `text`'s final predicate (see
    /// [`TenseNegationRules::readings`]), with the analyser as the judge of
    /// which strings are stems.
    pub fn readings(&self, worker: &mut Worker<'_>, text: &str) -> Vec<super::predicate::Predicate> {
        let tokens = worker.analyse(text);
        // A stem is what the analyser reads as one before -다, -고 or -지
        // (주다 alone reads as a noun).
        let mut is_stem = |s: &str| {
            ["다", "고", "지"].iter().any(|ending| {
                let t = worker.analyse(&format!("{s}{ending}"));
                t.len() == 2 && t[0].surface == s && matches!(t[0].tag.as_str(), "VV" | "VA" | "VX")
            })
        };
        self.rules.readings(text, &tokens, &mut is_stem)
    }

    /// Every rewrite of `text` of one type: for tense, one per target tense
    /// (`tense_to`, or all but the current one); for negation, the flip.
    /// Empty when no rule applies.
    pub fn rewrite(
        &self,
        worker: &mut Worker<'_>,
        text: &str,
        kind: PerturbType,
        tense_to: Option<&str>,
    ) -> Vec<Rewrite> {
        let readings = self.readings(worker, text);
        if readings.is_empty() {
            return Vec::new();
        }
        let r = &self.rules;
        match kind {
            PerturbType::Tense => TENSES
                .iter()
                .filter(|t| tense_to.is_none_or(|to| to == **t))
                .filter_map(|to| r.rewrite(text, &readings, "tense", |p| r.shift_tense(p, to)))
                .collect(),
            PerturbType::Negation => r
                .rewrite(text, &readings, "negation", |p| r.flip_negation(p))
                .into_iter()
                .collect(),
            PerturbType::Repetition | PerturbType::KeywordStuffing => Vec::new(),
        }
    }
}
