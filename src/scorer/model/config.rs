//! `config.json` as `save_pretrained` writes it, reduced to what the
//! supported encoders need.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::files::{ModelFiles, CONFIG_CAP};
use super::ModelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Bert,
    Roberta,
    Electra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Head {
    /// `*ForSequenceClassification`.
    Classification,
    /// The bare encoder (`*Model`): used as a bi-encoder.
    Encoder,
}

#[derive(Debug, Clone, Deserialize)]
struct RawConfig {
    model_type: String,
    #[serde(default)]
    architectures: Option<Vec<String>>,
    vocab_size: i64,
    hidden_size: i64,
    num_hidden_layers: i64,
    num_attention_heads: i64,
    intermediate_size: i64,
    #[serde(default = "default_act")]
    hidden_act: String,
    max_position_embeddings: i64,
    #[serde(default = "default_types")]
    type_vocab_size: i64,
    #[serde(default = "default_eps")]
    layer_norm_eps: f64,
    #[serde(default)]
    pad_token_id: Option<i64>,
    #[serde(default)]
    embedding_size: Option<i64>,
    #[serde(default)]
    num_labels: Option<i64>,
    #[serde(default)]
    id2label: Option<BTreeMap<String, String>>,
    #[serde(default)]
    position_embedding_type: Option<String>,
}

fn default_act() -> String {
    "gelu".into()
}
fn default_types() -> i64 {
    2
}
fn default_eps() -> f64 {
    1e-12
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ModelConfig {
    pub model_type: String,
    pub family: Family,
    pub head: Head,
    pub vocab_size: i64,
    pub hidden_size: i64,
    pub layers: i64,
    pub heads: i64,
    pub intermediate_size: i64,
    pub activation: Activation,
    pub max_positions: i64,
    pub type_vocab_size: i64,
    pub layer_norm_eps: f64,
    pub pad_token_id: i64,
    pub embedding_size: i64,
    pub num_labels: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Exact (erf) GELU, torch's kernel: `gelu`.
    Gelu,
    /// Exact GELU written out: `gelu_python`.
    GeluPython,
    /// Tanh approximation, torch's kernel: `gelu_pytorch_tanh`.
    GeluTanh,
    /// Tanh approximation written out: `gelu_new`, `gelu_accurate`, `gelu_python_tanh`.
    GeluNew,
    /// Tanh approximation with the constant rounded to 0.7978845608: `gelu_fast`.
    GeluFast,
    /// Exact GELU clipped to [-10, 10]: `gelu_10`.
    Gelu10,
    Relu,
    /// `relu(x)²`: `relu2`.
    Relu2,
    Relu6,
    /// Slope 0.01 below zero (torch's default, which HF's `leaky_relu` uses).
    LeakyRelu,
    /// `silu`, `swish`.
    Silu,
    /// `x · sigmoid(1.702 x)`: `quick_gelu`.
    QuickGelu,
    Mish,
    Hardswish,
    Sigmoid,
    Tanh,
    /// MEGA's `0.5 (1 + erf((x - 0.707107) / (0.282095 √2)))`: `laplace`.
    Laplace,
    /// `sqrt(softplus(x))`: `sqrtsoftplus`.
    SqrtSoftplus,
    /// Identity: `linear`.
    Linear,
}

impl ModelConfig {
    /// Reads the model directory's config.json (required).
    pub fn load(files: &ModelFiles) -> Result<ModelConfig, ModelError> {
        let path = files.path("config.json");
        let text = files
            .read_text("config.json", CONFIG_CAP)?
            .ok_or_else(|| ModelError::Missing {
                path: path.clone(),
                hint: "a Hugging Face checkpoint directory needs config.json".into(),
            })?;
        ModelConfig::parse(&path, &text)
    }

    /// Parses the text of config.json (`path` names it in errors).
    pub fn parse(path: &Path, text: &str) -> Result<ModelConfig, ModelError> {
        let invalid = |message: String| ModelError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let family = match raw.model_type.as_str() {
            "bert" => Family::Bert,
            "roberta" | "xlm-roberta" | "camembert" => Family::Roberta,
            "electra" => Family::Electra,
            other => {
                return Err(ModelError::UnsupportedModel {
                    path: path.to_path_buf(),
                    model_type: other.to_owned(),
                })
            }
        };
        if let Some(p) = raw.position_embedding_type.as_deref() {
            if p != "absolute" {
                return Err(invalid(format!(
                    "position_embedding_type `{p}` is not supported (only absolute)"
                )));
            }
        }
        let activation = match raw.hidden_act.as_str() {
            "gelu" => Activation::Gelu,
            "gelu_python" => Activation::GeluPython,
            "gelu_pytorch_tanh" => Activation::GeluTanh,
            "gelu_new" | "gelu_accurate" | "gelu_python_tanh" => Activation::GeluNew,
            "gelu_fast" => Activation::GeluFast,
            "gelu_10" => Activation::Gelu10,
            "relu" => Activation::Relu,
            "relu2" => Activation::Relu2,
            "relu6" => Activation::Relu6,
            "leaky_relu" => Activation::LeakyRelu,
            "silu" | "swish" => Activation::Silu,
            "quick_gelu" => Activation::QuickGelu,
            "mish" => Activation::Mish,
            "hardswish" => Activation::Hardswish,
            "sigmoid" => Activation::Sigmoid,
            "tanh" => Activation::Tanh,
            "laplace" => Activation::Laplace,
            "sqrtsoftplus" => Activation::SqrtSoftplus,
            "linear" => Activation::Linear,
            // `prelu` and `xielu` carry learned parameters of their own.
            other => return Err(invalid(format!("hidden_act `{other}` is not supported"))),
        };
        if raw.hidden_size % raw.num_attention_heads != 0 {
            return Err(invalid(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                raw.hidden_size, raw.num_attention_heads
            )));
        }
        let head = match raw.architectures.as_ref().and_then(|a| a.first()) {
            Some(a) if a.ends_with("ForSequenceClassification") => Head::Classification,
            // Pre-training checkpoints (an ELECTRA discriminator, a BERT MLM) serve as
            // bare encoders: their heads' tensors are simply not read.
            Some(a) if a.ends_with("Model") || a.ends_with("ForPreTraining") || a.ends_with("ForMaskedLM") => {
                Head::Encoder
            }
            Some(a) => {
                return Err(invalid(format!(
                    "architecture `{a}` is not supported (use *ForSequenceClassification or the bare *Model)"
                )))
            }
            None => Head::Encoder,
        };
        let num_labels = raw
            .id2label
            .as_ref()
            .map(|m| m.len() as i64)
            .or(raw.num_labels)
            .unwrap_or(2);
        let pad_default = if family == Family::Roberta { 1 } else { 0 };
        Ok(ModelConfig {
            model_type: raw.model_type,
            family,
            head,
            vocab_size: raw.vocab_size,
            hidden_size: raw.hidden_size,
            layers: raw.num_hidden_layers,
            heads: raw.num_attention_heads,
            intermediate_size: raw.intermediate_size,
            activation,
            max_positions: raw.max_position_embeddings,
            type_vocab_size: raw.type_vocab_size,
            layer_norm_eps: raw.layer_norm_eps,
            pad_token_id: raw.pad_token_id.unwrap_or(pad_default),
            embedding_size: raw.embedding_size.unwrap_or(raw.hidden_size),
            num_labels,
        })
    }

    /// Longest input the position embeddings allow (RoBERTa reserves
    /// `pad_token_id + 1` rows before the first position).
    pub fn max_input_tokens(&self) -> i64 {
        match self.family {
            Family::Roberta => self.max_positions - self.pad_token_id - 1,
            _ => self.max_positions,
        }
    }
}
