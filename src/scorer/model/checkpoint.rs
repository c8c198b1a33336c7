//! What a checkpoint directory says before any weight is read: the sidecar,
//! `config.json` or the TorchScript spec, the inputs the tokenizer produces,
//! the mode, the tokenizer, the input template and the weight files.
//!
//! Invariant: resolving reads only small files, each through
//! [`ModelFiles`] (bounded, and hashed into the model's identity), and no
//! tensor: the weights are loaded afterwards from [`Checkpoint::weight_files`],
//! once per precision, by [`super::ModelScorer::load`].

use std::path::{Path, PathBuf};

use super::config::{Family, Head, ModelConfig};
use super::error::ModelError;
use super::files::ModelFiles;
use super::inputs::{self, InputNames};
use super::script::{ScriptInput, ScriptOutput};
use super::sidecar::{Mode, Sidecar};
use super::template::Template;
use super::text::TextTokenizer;
use super::weights;

/// A checkpoint directory, read and checked.
pub(super) struct Checkpoint {
    pub dir: PathBuf,
    /// The small files read, with their digests.
    pub small_files: ModelFiles,
    pub sidecar: Sidecar,
    /// Where the sidecar was read from (`rsbench.toml` or `rsbench.json`), if any.
    pub sidecar_path: Option<PathBuf>,
    /// `config.json`; `None` for a TorchScript module.
    pub config: Option<ModelConfig>,
    /// The inputs the tokenizer gives the model, and what decided them.
    pub input_names: Option<InputNames>,
    pub mode: Mode,
    pub tokenizer: TextTokenizer,
    pub template: Template,
    /// The weight files (safetensors shards, or the TorchScript file).
    pub weight_files: Vec<PathBuf>,
}

impl Checkpoint {
    pub fn resolve(dir: &Path) -> Result<Checkpoint, ModelError> {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => {
                let is = if m.is_file() { "a file" } else { "not a directory" };
                return Err(ModelError::Invalid {
                    path: dir.to_path_buf(),
                    message: format!(
                        "{is}; --model takes the checkpoint's directory (config.json, model.safetensors, tokenizer)"
                    ),
                });
            }
            Err(_) => {
                return Err(ModelError::Missing {
                    path: dir.to_path_buf(),
                    hint: "--model takes a checkpoint directory (config.json, model.safetensors, tokenizer)".into(),
                })
            }
        }
        // Every small file is read through `small_files`: bounded, and hashed into the identity.
        let small_files = ModelFiles::new(dir);
        let (sidecar, sidecar_path) = Sidecar::load(&small_files)?;
        let sidecar_err = |message: String| ModelError::Invalid {
            path: sidecar_path.clone().unwrap_or_else(|| dir.join("rsbench.toml")),
            message,
        };
        // What the input side needs to know, from config.json or the TorchScript spec.
        let mut input_names = None;
        let (config, family, natural_mode, two_token_types, position_limit) = match &sidecar.torchscript {
            None => {
                let c = ModelConfig::load(&small_files)?;
                let mode = match c.head {
                    Head::Classification => Mode::Cross,
                    Head::Encoder => Mode::Bi,
                };
                if c.head == Head::Classification && c.num_labels > 2 {
                    match sidecar.positive_label {
                        Some(p) if (0..c.num_labels).contains(&p) => {}
                        _ => {
                            return Err(sidecar_err(format!(
                        "the classifier has {} labels: set positive_label (0..{}) to say which one scores a reply",
                        c.num_labels, c.num_labels
                    )))
                        }
                    }
                }
                // Token types as transformers passes them: only when the tokenizer's
                // input names include them (otherwise the model sees zeros).
                let names = inputs::input_names(&small_files, &c.model_type)?;
                let types = c.type_vocab_size >= 2 && names.token_types();
                input_names = Some(names);
                let (family, limit) = (c.family, c.max_input_tokens());
                (Some(c), family, mode, types, Some(limit))
            }
            Some(spec) => {
                let family = match spec.family.as_deref() {
                    None | Some("bert") | Some("electra") => Family::Bert,
                    Some("roberta") | Some("xlm-roberta") => Family::Roberta,
                    Some(other) => {
                        return Err(sidecar_err(format!(
                            "[torchscript] family `{other}`: use bert or roberta"
                        )))
                    }
                };
                let mode = match spec.output {
                    ScriptOutput::Logits => Mode::Cross,
                    ScriptOutput::Hidden | ScriptOutput::Embedding => Mode::Bi,
                };
                (
                    None,
                    family,
                    mode,
                    spec.inputs.contains(&ScriptInput::TokenTypeIds),
                    None,
                )
            }
        };
        let mode = sidecar.mode.unwrap_or(natural_mode);
        if mode != natural_mode {
            return Err(sidecar_err(match natural_mode {
            Mode::Bi => "mode = \"cross\" needs a classifier (*ForSequenceClassification, or TorchScript output = \"logits\")".into(),
            Mode::Cross => "mode = \"bi\" needs an encoder (the bare *Model, or TorchScript output = \"hidden\" or \"embedding\")".into(),
        }));
        }
        let tokenizer = TextTokenizer::load(&small_files, family)?;
        let turn_separator = match &sidecar.turn_separator {
            None => vec![tokenizer.sep],
            Some(tok) => vec![tokenizer.token_id(tok).ok_or_else(|| {
                sidecar_err(format!(
                    "turn_separator `{tok}` is not a token of {}",
                    tokenizer.source.display()
                ))
            })?],
        };
        let wanted = sidecar.max_length.or(tokenizer.model_max_length).unwrap_or(512);
        let max_length = position_limit.map_or(wanted, |limit| wanted.min(limit));
        if max_length < 8 {
            return Err(sidecar_err(format!("max_length {max_length} is too short")));
        }
        let template = Template {
            layout: tokenizer.layout.clone(),
            pad: tokenizer.pad,
            turn_separator,
            max_length: max_length as usize,
            two_token_types,
        };
        let files = match &sidecar.torchscript {
            Some(spec) => vec![dir.join(&spec.file)],
            None => weights::checkpoint_files(&small_files)?,
        };

        Ok(Checkpoint {
            dir: dir.to_path_buf(),
            small_files,
            sidecar,
            sidecar_path,
            config,
            input_names,
            mode,
            tokenizer,
            template,
            weight_files: files,
        })
    }
}
