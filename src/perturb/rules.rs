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
    /// Words added before or after, per speech level of the replier.
    #[serde(default)]
    pub values: Option<super::level::InLevels<Vec<String>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordRules {
    pub min_syllables: usize,
    pub max_keywords: usize,
    /// Particles a word loses to show its stem: longest first once loaded.
    pub particles: Vec<String>,
    pub stop_nouns: Vec<String>,
    pub segue: Vec<Segue>,
}

/// A lead-in that names the context's words and turns to another topic.
#[derive(Debug, Clone, Deserialize)]
pub struct Segue {
    pub id: String,
    /// Said only after a question: after a line that asks nothing, closing
    /// a topic (X 얘기는 그렇고) is a fair way to change the subject.
    #[serde(default)]
    pub after_question_only: bool,
    #[serde(flatten)]
    pub text: super::level::InLevels<String>,
}

const REPETITION: &str = include_str!("../../perturbations/repetition.toml");
const KEYWORDS: &str = include_str!("../../perturbations/keyword_stuffing.toml");

/// Parses an embedded rule file, with the user's file of the same name merged
/// in when `perturb --rules` installed one; errors name both.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, PerturbError> {
    match super::user_rules::merged(file, text) {
        None => toml::from_str(text).map_err(|e| PerturbError::Rules {
            file,
            message: e.to_string(),
        }),
        Some((path, merged)) => {
            let user = |message: String| PerturbError::UserRules {
                path: path.clone(),
                message: format!("merged into {file}: {message}"),
            };
            toml::Value::Table(merged.map_err(user)?)
                .try_into()
                .map_err(|e: toml::de::Error| user(e.to_string()))
        }
    }
}

pub fn repetition() -> Result<RepetitionRules, PerturbError> {
    parse("perturbations/repetition.toml", REPETITION)
}

pub fn keywords() -> Result<KeywordRules, PerturbError> {
    let mut rules: KeywordRules = parse("perturbations/keyword_stuffing.toml", KEYWORDS)?;
    // Longest first, so a word loses its longest particle (이랑 before 랑).
    rules.particles.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    Ok(rules)
}

/// `perturbations/tense_negation.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenseNegationRules {
    pub decoration_tags: Vec<String>,
    pub class: Vec<ClassRule>,
    pub auxiliary: AuxiliaryRules,
    pub exist: Vec<String>,
    pub rieul_stems: Vec<String>,
    pub vowel_stems: Vec<String>,
    pub leave_alone: Vec<String>,
    pub honorific_lexical: Vec<String>,
    pub honorific_stems: Vec<String>,
    pub h_like: Vec<String>,
    pub verb_and_adjective: Vec<String>,
    pub final_verb_words: std::collections::BTreeMap<String, String>,
    pub negation_never_after_question_words: Vec<String>,
    pub question_endings: Vec<String>,
    /// Endings that ask after a question word, with or without a `?` (뭐 하지).
    pub wh_question_endings: Vec<String>,
    pub wish_stems: Vec<String>,
    pub negative_polarity: NegativePolarity,
    pub imperative: ImperativeRules,
    pub copula: CopulaRules,
    pub negation: NegationRules,
    pub stem_cues: std::collections::BTreeMap<String, Vec<String>>,
    pub ending: Vec<Ending>,
}

/// Words that need a negative predicate: a negation before them is not removed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativePolarity {
    pub words: Vec<String>,
    /// The same, attached to the end of a word (밖에).
    pub attached: Vec<String>,
    /// 한 … 도 (한 번도 안 가 봤어).
    pub one_even: bool,
    /// The same unless the predicate is present (아직).
    pub unless_present: Vec<String>,
}

/// When a 해체/해요체 present reads as an imperative (predicate/read/mood.rs).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImperativeRules {
    pub cues: Vec<String>,
    pub first_person_subjects: Vec<String>,
    pub cue_endings: Vec<String>,
    pub auxiliaries: Vec<String>,
    pub verbs: Vec<String>,
    pub subjects: Vec<String>,
    pub subject_blockers: Vec<String>,
    pub never: Vec<String>,
    pub exclaimed_objects: Vec<String>,
}

/// The copula 이다 and its negation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopulaRules {
    /// Not read as a noun before 이다.
    pub never: Vec<String>,
    /// 이다 after these determiners is not negated.
    pub negation_never_after: Vec<String>,
    /// Nor after these pronouns.
    pub negation_never_nouns: Vec<String>,
    /// Words the analyser reads as a noun before 아니다 that are none (에이
    /// 아닐 거야): its negation is not removed, which would fuse 이다 to them.
    pub removal_never_after: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRule {
    pub class: super::conjugate::Class,
    pub adjective_default: bool,
    pub verb_default: bool,
    pub irregular: Vec<String>,
    pub regular: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuxiliaryRules {
    pub adjective: Vec<String>,
    pub exist: Vec<String>,
    pub infinitive: Vec<String>,
    pub glued: Vec<String>,
    pub after: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegationRules {
    pub short: String,
    pub short_remove: Vec<String>,
    pub long_aux: String,
    pub long_remove: Vec<String>,
    pub long_from_syllables: usize,
    pub never: Vec<String>,
    /// Intensifiers a negation cannot follow (왕 많았다: *왕 안 많았다).
    pub never_after: Vec<String>,
    pub long_only: Vec<String>,
    pub pairs: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    #[default]
    Any,
    Imperative,
    Propositive,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ending {
    pub id: String,
    pub verb: String,
    pub adjective: Option<String>,
    pub prefinal: Option<String>,
    pub exist: Option<String>,
    pub copula: Option<[String; 2]>,
    pub neg_copula: Option<String>,
    #[serde(default)]
    pub geo: Vec<String>,
    pub future: Option<String>,
    #[serde(default)]
    pub gess: bool,
    #[serde(default = "yes")]
    pub tense: bool,
    #[serde(default)]
    pub mood: Mood,
    pub prohibit: Option<String>,
    #[serde(default)]
    pub only_prohibit: bool,
    /// The ending a plain present verb with an imperative cue is read as.
    pub imperative: Option<String>,
}

fn yes() -> bool {
    true
}

const TENSE_NEGATION: &str = include_str!("../../perturbations/tense_negation.toml");

pub fn tense_negation() -> Result<TenseNegationRules, PerturbError> {
    let rules: TenseNegationRules = parse("perturbations/tense_negation.toml", TENSE_NEGATION)?;
    for e in &rules.ending {
        if e.mood != Mood::Any && e.tense {
            return Err(PerturbError::Rules {
                file: "perturbations/tense_negation.toml",
                message: format!("ending `{}`: an imperative or propositive needs tense = false", e.id),
            });
        }
        if let Some(twin) = &e.imperative {
            if !rules.ending.iter().any(|x| &x.id == twin && x.mood == Mood::Imperative) {
                return Err(PerturbError::Rules {
                    file: "perturbations/tense_negation.toml",
                    message: format!("ending `{}`: imperative = `{twin}` is not an imperative ending", e.id),
                });
            }
        }
    }
    Ok(rules)
}
