//! The rule files under `perturbations/`, embedded in the binary.

use serde::Deserialize;

use super::PerturbError;

#[derive(Debug, Clone, Deserialize)]
pub struct RepetitionRules {
    pub rule: Vec<RepetitionRule>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RepetitionRule {
    pub id: String,
    #[serde(default)]
    pub strip: Vec<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeywordRules {
    pub min_syllables: usize,
    pub max_keywords: usize,
    pub particles: Vec<String>,
    pub insert: Vec<Template>,
    pub assemble: Vec<Template>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    pub id: String,
    pub template: String,
}

const REPETITION: &str = include_str!("../../perturbations/repetition.toml");
const KEYWORDS: &str = include_str!("../../perturbations/keyword_stuffing.toml");

pub fn repetition() -> Result<RepetitionRules, PerturbError> {
    toml::from_str(REPETITION).map_err(|e| PerturbError::Rules {
        file: "perturbations/repetition.toml",
        message: e.to_string(),
    })
}

pub fn keywords() -> Result<KeywordRules, PerturbError> {
    toml::from_str(KEYWORDS).map_err(|e| PerturbError::Rules {
        file: "perturbations/keyword_stuffing.toml",
        message: e.to_string(),
    })
}
