//! `rsbench.toml` (or `rsbench.json`) next to a model: how pairs become
//! inputs. Every field is optional; the defaults fit a plain HF classifier.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::ModelError;

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
    /// Reads `rsbench.toml` or `rsbench.json` from `dir`; absent means defaults.
    pub fn load(dir: &Path) -> Result<(Sidecar, Option<PathBuf>), ModelError> {
        let toml_path = dir.join("rsbench.toml");
        let json_path = dir.join("rsbench.json");
        let invalid = |path: &Path, message: String| ModelError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| ModelError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        if toml_path.is_file() {
            let s = toml::from_str(&read(&toml_path)?).map_err(|e| invalid(&toml_path, e.to_string()))?;
            Ok((s, Some(toml_path)))
        } else if json_path.is_file() {
            let s = serde_json::from_str(&read(&json_path)?).map_err(|e| invalid(&json_path, e.to_string()))?;
            Ok((s, Some(json_path)))
        } else {
            Ok((Sidecar::default(), None))
        }
    }
}
