//! Which inputs the model receives, decided as transformers decides them for
//! the same files, so that parity holds for checkpoints whose tokenizer and
//! model disagree. In transformers (5.24, `models/auto/tokenization_auto.py`
//! and each tokenizer class's `model_input_names`), `tokenizer(a, b)` returns
//! `token_type_ids` only when the tokenizer's input names include them, and a
//! model given none sees zeros: a checkpoint saved with the generic
//! `TokenizersBackend` class (what transformers 5 writes for a tokenizer
//! built with the `tokenizers` library) gets no token types, whatever its
//! `tokenizer.json` post-processor assigns.
//!
//! The input names are, in order: `model_input_names` in
//! tokenizer_config.json; else the defaults of the class named there (or in
//! config.json's `tokenizer_class`), with `Fast` dropped; else those of the
//! class AutoTokenizer maps the model type to. A class transformers does not
//! know loads as `TokenizersBackend`.

use serde_json::Value;

use super::files::ModelFiles;
use super::ModelError;

/// Tokenizer classes (without `Fast`) whose `model_input_names` include
/// `token_type_ids` in transformers 5.24; every other class, the generic
/// `TokenizersBackend`/`PreTrainedTokenizerFast` included, passes none.
/// (Listed from the venv: `tokenizer_class_from_name(n).model_input_names`.)
const WITH_TOKEN_TYPES: [&str; 16] = [
    "BertTokenizer",
    "ElectraTokenizer",
    "LayoutLMTokenizer",
    "LxmertTokenizer",
    "ConvBertTokenizer",
    "MobileBertTokenizer",
    "SqueezeBertTokenizer",
    "CanineTokenizer",
    "DPRContextEncoderTokenizer",
    "DPRQuestionEncoderTokenizer",
    "DebertaTokenizer",
    "DebertaV2Tokenizer",
    "FNetTokenizer",
    "LayoutLMv2Tokenizer",
    "MarkupLMTokenizer",
    "TapasTokenizer",
];

/// The class AutoTokenizer gives a model type when no class is named.
fn class_of_model_type(model_type: &str) -> &'static str {
    match model_type {
        "bert" | "electra" => "BertTokenizer",
        "roberta" => "RobertaTokenizer",
        "xlm-roberta" => "XLMRobertaTokenizer",
        "camembert" => "CamembertTokenizer",
        _ => "TokenizersBackend",
    }
}

/// The model's input names and what decided them (recorded in the metadata).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputNames {
    pub names: Vec<String>,
    pub decided_by: String,
}

impl InputNames {
    pub fn token_types(&self) -> bool {
        self.names.iter().any(|n| n == "token_type_ids")
    }
}

/// The input names for the checkpoint whose files `files` reads (model type
/// `model_type`). An absent tokenizer_config.json or config.json is an empty
/// one; one that cannot be read is an error.
pub fn input_names(files: &ModelFiles, model_type: &str) -> Result<InputNames, ModelError> {
    let empty = || Value::Object(Default::default());
    let tokenizer_config_path = files.path("tokenizer_config.json");
    let tokenizer_config = files.read_json("tokenizer_config.json")?.unwrap_or_else(empty);
    if let Some(list) = tokenizer_config.get("model_input_names") {
        let names: Option<Vec<String>> = list
            .as_array()
            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect());
        return match names {
            Some(names) => Ok(InputNames {
                names,
                decided_by: "tokenizer_config.json model_input_names".into(),
            }),
            None => Err(ModelError::Invalid {
                path: tokenizer_config_path,
                message: "model_input_names must be a list of strings".into(),
            }),
        };
    }
    let config = files.read_json("config.json")?.unwrap_or_else(empty);
    let named = tokenizer_config
        .get("tokenizer_class")
        .and_then(Value::as_str)
        .or_else(|| config.get("tokenizer_class").and_then(Value::as_str));
    let class = match named {
        Some(c) => c.strip_suffix("Fast").unwrap_or(c).to_owned(),
        None => class_of_model_type(model_type).to_owned(),
    };
    let names: &[&str] = if WITH_TOKEN_TYPES.contains(&class.as_str()) {
        &["input_ids", "token_type_ids", "attention_mask"]
    } else {
        &["input_ids", "attention_mask"]
    };
    Ok(InputNames {
        names: names.iter().map(|s| s.to_string()).collect(),
        decided_by: match named {
            Some(c) => format!("tokenizer class {c}"),
            None => format!("model type {model_type} ({class})"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(tokenizer_config: &str, config: &str) -> InputNames {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tokenizer_config.json"), tokenizer_config).unwrap();
        std::fs::write(dir.path().join("config.json"), config).unwrap();
        let model_type: Value = serde_json::from_str(config).unwrap();
        input_names(&ModelFiles::new(dir.path()), model_type["model_type"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn token_types_follow_the_tokenizer_class_as_in_transformers() {
        let bert = r#"{"model_type": "bert"}"#;
        assert!(!decide(r#"{"tokenizer_class": "TokenizersBackend"}"#, bert).token_types());
        assert!(!decide(r#"{"tokenizer_class": "PreTrainedTokenizerFast"}"#, bert).token_types());
        assert!(decide(r#"{"tokenizer_class": "BertTokenizerFast"}"#, bert).token_types());
        assert!(decide(
            r#"{"tokenizer_class": "ElectraTokenizer"}"#,
            r#"{"model_type": "electra"}"#
        )
        .token_types());
        assert!(!decide(r#"{"tokenizer_class": "DistilBertTokenizerFast"}"#, bert).token_types());
        assert!(
            !decide(r#"{"tokenizer_class": "KoBertTokenizer"}"#, bert).token_types(),
            "unknown: generic"
        );
        assert!(decide("{}", bert).token_types(), "no class: the model type's");
        assert!(!decide("{}", r#"{"model_type": "roberta"}"#).token_types());
        assert!(decide("{}", r#"{"model_type": "bert", "tokenizer_class": "BertTokenizer"}"#).token_types());
        let explicit = decide(
            r#"{"tokenizer_class": "TokenizersBackend", "model_input_names": ["input_ids", "token_type_ids", "attention_mask"]}"#,
            bert,
        );
        assert!(explicit.token_types());
        assert_eq!(explicit.decided_by, "tokenizer_config.json model_input_names");
        assert!(!decide(
            r#"{"tokenizer_class": "BertTokenizer", "model_input_names": ["input_ids"]}"#,
            bert
        )
        .token_types());
    }
}
