//! Tokenisers as checkpoints ship them: `tokenizer.json` through the HF
//! `tokenizers` crate (the code behind Python's fast tokenisers), or a
//! WordPiece `vocab.txt` (+ `tokenizer_config.json`) through rust_tokenizers.
//! Normalisation follows the checkpoint's config exactly: a lower-casing
//! BERT with accent stripping decomposes Hangul into jamo, as HF does.

use std::path::PathBuf;

use rust_tokenizers::tokenizer::{BertTokenizer, Tokenizer as _};
use rust_tokenizers::vocab::Vocab as _;
use serde_json::Value;

use super::config::Family;
use super::files::{ModelFiles, TOKENIZER_CAP};
use super::template::{Layout, Specials};
use super::ModelError;

enum Backend {
    Hf(Box<tokenizers::Tokenizer>),
    WordPiece(Box<BertTokenizer>),
}

pub struct TextTokenizer {
    backend: Backend,
    pub source: PathBuf,
    /// Where the special tokens go (see `template`).
    pub layout: Layout,
    /// The default turn separator.
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
    pub fn load(files: &ModelFiles, family: Family) -> Result<TextTokenizer, ModelError> {
        let config = files
            .read_json("tokenizer_config.json")?
            .unwrap_or_else(|| Value::Object(Default::default()));
        let model_max_length = config
            .get("model_max_length")
            .and_then(Value::as_f64)
            .filter(|&m| m > 0.0 && m < 1e9)
            .map(|m| m as i64);

        let json = files.path("tokenizer.json");
        let vocab = files.path("vocab.txt");
        let json_bytes = files.read("tokenizer.json", TOKENIZER_CAP)?;
        // Unnamed special tokens: HF's defaults for the tokenizer class that reads
        // these files (a vocab.txt is always a BertTokenizer, even under a RoBERTa).
        let (cls_default, sep_default, pad_default) = match family {
            Family::Roberta if json_bytes.is_some() => ("<s>", "</s>", "<pad>"),
            _ => ("[CLS]", "[SEP]", "[PAD]"),
        };
        let cls_name = token_name(&config, "cls_token").unwrap_or_else(|| cls_default.into());
        let sep_name = token_name(&config, "sep_token").unwrap_or_else(|| sep_default.into());
        let pad_name = token_name(&config, "pad_token").unwrap_or_else(|| pad_default.into());
        let (backend, source) = if let Some(bytes) = json_bytes {
            let mut t = tokenizers::Tokenizer::from_bytes(&bytes).map_err(|e| ModelError::Tokenizer {
                path: json.clone(),
                message: e.to_string(),
            })?;
            t.with_truncation(None).map_err(|e| ModelError::Tokenizer {
                path: json.clone(),
                message: e.to_string(),
            })?;
            t.with_padding(None);
            (Backend::Hf(Box::new(t)), json)
        } else if files.read("vocab.txt", TOKENIZER_CAP)?.is_some() {
            let lower = config.get("do_lower_case").and_then(Value::as_bool).unwrap_or(true);
            // HF: strip_accents unset means "same as lowercase".
            let strip = config.get("strip_accents").and_then(Value::as_bool).unwrap_or(lower);
            // rust_tokenizers reads the file itself (checked and hashed just above).
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
            layout: Layout::bert(0, 0),
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
        let probed = match &tok.backend {
            Backend::Hf(t) => probe_layout(t).map_err(|message| ModelError::Tokenizer {
                path: tok.source.clone(),
                message,
            })?,
            Backend::WordPiece(_) => None,
        };
        tok.layout = match probed {
            Some(layout) => layout,
            None => {
                let (cls, sep) = (lookup(&tok, &cls_name)?, lookup(&tok, &sep_name)?);
                // A vocab.txt is read as HF's BertTokenizer reads it, whatever the model.
                match (&tok.backend, family) {
                    (Backend::Hf(_), Family::Roberta) => Layout::roberta(cls, sep),
                    _ => Layout::bert(cls, sep),
                }
            }
        };
        tok.sep = match tok.token_id(&sep_name) {
            Some(id) => id,
            // A tokenizer.json whose config names no separator: the last one its layout adds.
            None => match tok.layout.pair[2].ids.last() {
                Some(&id) if token_name(&config, "sep_token").is_none() => id,
                _ => lookup(&tok, &sep_name)?,
            },
        };
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

/// Reads a `tokenizer.json`'s special-token layout off its post-processor by
/// running two marker segments through it; `None` when it has none.
fn probe_layout(t: &tokenizers::Tokenizer) -> Result<Option<Layout>, String> {
    if t.get_post_processor().is_none() {
        return Ok(None);
    }
    const A: u32 = u32::MAX;
    const B: u32 = u32::MAX - 1;
    let segment = |id: u32, type_id: u32| {
        tokenizers::Encoding::from_tokens(vec![tokenizers::Token::new(id, String::new(), (0, 0))], type_id)
    };
    let single = t
        .post_process(segment(A, 0), None, true)
        .map_err(|e| format!("its post-processor failed on one segment: {e}"))?;
    let pair = t
        .post_process(segment(A, 0), Some(segment(B, 1)), true)
        .map_err(|e| format!("its post-processor failed on a pair: {e}"))?;
    let unexpected = || "its post-processor does not keep each segment once, in order".to_string();
    let (single, _) = split_at_markers::<1, 2>(&single, [A]).ok_or_else(unexpected)?;
    let (pair, segment_types) = split_at_markers::<2, 3>(&pair, [A, B]).ok_or_else(unexpected)?;
    Ok(Some(Layout {
        single,
        pair,
        segment_types,
    }))
}

/// The special tokens before, between and after the markers (each present once, in
/// order), and the token type each marker was given.
fn split_at_markers<const M: usize, const N: usize>(
    e: &tokenizers::Encoding,
    markers: [u32; M],
) -> Option<([Specials; N], [i64; M])> {
    let ids = e.get_ids();
    let types = e.get_type_ids();
    let mut cuts = Vec::with_capacity(markers.len());
    for m in markers {
        let mut found = ids.iter().enumerate().filter(|&(_, &i)| i == m);
        let (at, _) = found.next()?;
        if found.next().is_some() || cuts.last().is_some_and(|&last| at < last) {
            return None;
        }
        cuts.push(at);
    }
    let marker_types: Vec<i64> = cuts
        .iter()
        .map(|&at| types.get(at).map(|&t| i64::from(t)))
        .collect::<Option<_>>()?;
    let marker_types = marker_types.try_into().ok()?;
    let mut parts = Vec::with_capacity(N);
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(ids.len())) {
        parts.push(Specials {
            ids: ids[start..end].iter().map(|&i| i64::from(i)).collect(),
            types: types[start..end].iter().map(|&t| i64::from(t)).collect(),
        });
        start = end + 1;
    }
    Some((parts.try_into().ok()?, marker_types))
}
