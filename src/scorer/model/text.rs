//! Tokenisers as checkpoints ship them: `tokenizer.json` through the HF
//! `tokenizers` crate (the code behind Python's fast tokenisers), or a
//! WordPiece `vocab.txt` (+ `tokenizer_config.json`) through rust_tokenizers.
//! Normalisation follows the checkpoint's config exactly: a lower-casing
//! BERT with accent stripping decomposes Hangul into jamo, as HF does.

use std::path::{Path, PathBuf};

use rust_tokenizers::tokenizer::{BertTokenizer, Tokenizer as _};
use rust_tokenizers::vocab::Vocab as _;
use serde_json::Value;

use super::config::Family;
use super::ModelError;

enum Backend {
    Hf(Box<tokenizers::Tokenizer>),
    WordPiece(Box<BertTokenizer>),
}

pub struct TextTokenizer {
    backend: Backend,
    pub source: PathBuf,
    pub cls: i64,
    pub sep: i64,
    pub pad: i64,
    /// `model_max_length` from tokenizer_config.json, when it is a real limit.
    pub model_max_length: Option<i64>,
}

fn token_name(config: &Value, key: &str) -> Option<String> {
    match config.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("content").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

impl TextTokenizer {
    pub fn load(dir: &Path, family: Family) -> Result<TextTokenizer, ModelError> {
        let config_path = dir.join("tokenizer_config.json");
        let config: Value = match std::fs::read_to_string(&config_path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| ModelError::Invalid {
                path: config_path.clone(),
                message: e.to_string(),
            })?,
            Err(_) => Value::Object(Default::default()),
        };
        let (cls_default, sep_default, pad_default) = match family {
            Family::Roberta => ("<s>", "</s>", "<pad>"),
            _ => ("[CLS]", "[SEP]", "[PAD]"),
        };
        let cls_name = token_name(&config, "cls_token").unwrap_or_else(|| cls_default.into());
        let sep_name = token_name(&config, "sep_token").unwrap_or_else(|| sep_default.into());
        let pad_name = token_name(&config, "pad_token").unwrap_or_else(|| pad_default.into());
        let model_max_length = config
            .get("model_max_length")
            .and_then(Value::as_f64)
            .filter(|&m| m > 0.0 && m < 1e9)
            .map(|m| m as i64);

        let json = dir.join("tokenizer.json");
        let vocab = dir.join("vocab.txt");
        let (backend, source) = if json.is_file() {
            let mut t = tokenizers::Tokenizer::from_file(&json).map_err(|e| ModelError::Tokenizer {
                path: json.clone(),
                message: e.to_string(),
            })?;
            t.with_truncation(None).map_err(|e| ModelError::Tokenizer {
                path: json.clone(),
                message: e.to_string(),
            })?;
            t.with_padding(None);
            (Backend::Hf(Box::new(t)), json)
        } else if vocab.is_file() {
            let lower = config.get("do_lower_case").and_then(Value::as_bool).unwrap_or(true);
            // HF: strip_accents unset means "same as lowercase".
            let strip = config.get("strip_accents").and_then(Value::as_bool).unwrap_or(lower);
            let t = BertTokenizer::from_file(&vocab, lower, strip).map_err(|e| ModelError::Tokenizer {
                path: vocab.clone(),
                message: e.to_string(),
            })?;
            (Backend::WordPiece(Box::new(t)), vocab)
        } else {
            return Err(ModelError::Missing {
                path: json,
                hint: "the model directory needs tokenizer.json or vocab.txt".into(),
            });
        };
        let mut tok = TextTokenizer {
            backend,
            source,
            cls: 0,
            sep: 0,
            pad: 0,
            model_max_length,
        };
        let lookup = |t: &TextTokenizer, name: &str| {
            t.token_id(name).ok_or_else(|| ModelError::Tokenizer {
                path: t.source.clone(),
                message: format!("special token `{name}` is not in the vocabulary"),
            })
        };
        tok.cls = lookup(&tok, &cls_name)?;
        tok.sep = lookup(&tok, &sep_name)?;
        tok.pad = lookup(&tok, &pad_name)?;
        Ok(tok)
    }

    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Hf(_) => "tokenizer.json",
            Backend::WordPiece(_) => "vocab.txt",
        }
    }

    pub fn token_id(&self, token: &str) -> Option<i64> {
        match &self.backend {
            Backend::Hf(t) => t.token_to_id(token).map(i64::from),
            Backend::WordPiece(t) => t.vocab().values().get(token).copied(),
        }
    }

    /// Token ids of `text`, without special tokens.
    pub fn ids(&self, text: &str) -> Result<Vec<i64>, ModelError> {
        match &self.backend {
            Backend::Hf(t) => {
                let enc = t.encode(text, false).map_err(|e| ModelError::Tokenizer {
                    path: self.source.clone(),
                    message: e.to_string(),
                })?;
                Ok(enc.get_ids().iter().map(|&i| i64::from(i)).collect())
            }
            Backend::WordPiece(t) => {
                let tokens = t.tokenize(text);
                Ok(t.convert_tokens_to_ids(&tokens))
            }
        }
    }
}
