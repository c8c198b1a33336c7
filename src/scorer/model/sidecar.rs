//! `rsbench.toml` (or `rsbench.json`) next to a model: how pairs become
//! inputs. Every field is optional; the defaults fit a plain HF classifier.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::files::{ModelFiles, CONFIG_CAP};
use super::ModelError;

const TOML: &str = "rsbench.toml";
const JSON: &str = "rsbench.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Context and response in one sequence; the classifier's logit is the score.
    Cross,
    /// Context and response encoded separately; cosine of pooled vectors.
    Bi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pooling {
    Mean,
    Cls,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// Default: `cross` for classification heads, `bi` for bare encoders.
    pub mode: Option<Mode>,
    /// Token between context turns; default: the tokenizer's sep token.
    pub turn_separator: Option<String>,
    /// Longest input in tokens; default: the tokenizer's `model_max_length`,
    /// capped by the model's position embeddings.
    pub max_length: Option<i64>,
    /// Bi-encoder pooling; default `mean`.
    pub pooling: Option<Pooling>,
    /// Text prepended to the context (bi-encoder), e.g. `query: ` for e5.
    pub query_prefix: Option<String>,
    /// Text prepended to each response (bi-encoder), e.g. `passage: ` for e5.
    pub passage_prefix: Option<String>,
    /// How the bi-encoder joins context turns into one text; default a space.
    pub context_joiner: Option<String>,
    /// For classifiers with more than two labels: the label whose
    /// log-probability is the score.
    pub positive_label: Option<i64>,
    /// A TorchScript module instead of a Hugging Face checkpoint.
    pub torchscript: Option<super::ScriptSpec>,
}

impl Sidecar {
    /// Reads `rsbench.toml` or `rsbench.json` from the model directory; absent
    /// means defaults. Both present is refused (which one would decide is not
    /// obvious from the directory); one that is there but unreadable is an error.
    pub fn load(files: &ModelFiles) -> Result<(Sidecar, Option<PathBuf>), ModelError> {
        let toml_text = files.read_text(TOML, CONFIG_CAP)?;
        let json_text = files.read_text(JSON, CONFIG_CAP)?;
        let invalid = |name: &str, message: String| ModelError::Invalid {
            path: files.path(name),
            message,
        };
        match (toml_text, json_text) {
            (Some(_), Some(_)) => Err(invalid(
                JSON,
                format!("{TOML} is there too: a model has one sidecar; remove one of them"),
            )),
            (Some(text), None) => {
                let s = toml::from_str(&text).map_err(|e| invalid(TOML, e.to_string()))?;
                Ok((s, Some(files.path(TOML))))
            }
            (None, Some(text)) => {
                let s = serde_json::from_str(&text).map_err(|e| invalid(JSON, e.to_string()))?;
                Ok((s, Some(files.path(JSON))))
            }
            (None, None) => Ok((Sidecar::default(), None)),
        }
    }
}
