//! Reading safetensors checkpoints (single file or sharded) into libtorch
//! tensors, with every tensor checked against the shape config.json implies.
//! Pickle checkpoints are refused: unpickling executes code.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;
use tch::{Device, Kind, Tensor};

use super::files::{ModelFiles, CONFIG_CAP};
use super::ModelError;

/// Tensors by checkpoint name, with the file each came from (for errors).
pub struct Weights {
    tensors: HashMap<String, (Tensor, PathBuf)>,
    /// Prefix of the encoder's tensors (`bert.`, `roberta.`, `electra.` or none).
    prefix: String,
    pub files: Vec<PathBuf>,
    kind: Kind,
    device: Device,
}

#[derive(Deserialize)]
struct ShardIndex {
    weight_map: BTreeMap<String, String>,
}

const PICKLE_NAMES: [&str; 3] = ["pytorch_model.bin", "pytorch_model.bin.index.json", "model.pt"];

/// The safetensors files of a checkpoint directory (the shard index, when
/// there is one, is read through `files`).
pub fn checkpoint_files(files: &ModelFiles) -> Result<Vec<PathBuf>, ModelError> {
    let dir = files.dir();
    let single = dir.join("model.safetensors");
    if super::files::check(&single, u64::MAX)?.is_some() {
        return Ok(vec![single]);
    }
    let index = dir.join("model.safetensors.index.json");
    if let Some(text) = files.read_text("model.safetensors.index.json", CONFIG_CAP)? {
        let parsed: ShardIndex = serde_json::from_str(&text).map_err(|e| ModelError::Invalid {
            path: index.clone(),
            message: e.to_string(),
        })?;
        let mut shards: Vec<PathBuf> = parsed.weight_map.values().map(|f| dir.join(f)).collect();
        shards.sort();
        shards.dedup();
        for f in &shards {
            if super::files::check(f, u64::MAX)?.is_none() {
                return Err(ModelError::Missing {
                    path: f.clone(),
                    hint: format!("listed in {}", index.display()),
                });
            }
        }
        return Ok(shards);
    }
    for name in PICKLE_NAMES {
        if dir.join(name).is_file() {
            return Err(ModelError::Pickle { path: dir.join(name) });
        }
    }
    Err(ModelError::Missing {
        path: single,
        hint: "expected model.safetensors or model.safetensors.index.json".into(),
    })
}

fn kind_of(dtype: safetensors::Dtype) -> Option<Kind> {
    use safetensors::Dtype as D;
    Some(match dtype {
        D::F32 => Kind::Float,
        D::F16 => Kind::Half,
        D::BF16 => Kind::BFloat16,
        D::F64 => Kind::Double,
        D::I64 => Kind::Int64,
        _ => return None,
    })
}

/// Tensors a checkpoint may hold that no response-selection forward uses,
/// by name prefix: buffers older transformers saved, the pooler of a model
/// whose head does not use it, and pretraining heads (BERT's MLM and
/// next-sentence heads, RoBERTa's LM head, ELECTRA's discriminator and
/// generator heads). Documented in docs/scorers.md.
pub const IGNORABLE: [&str; 8] = [
    "@embeddings.position_ids",
    "@embeddings.token_type_ids",
    "@pooler.",
    "cls.predictions.",
    "cls.seq_relationship.",
    "lm_head.",
    "discriminator_predictions.",
    "generator_",
];

fn ignorable(name: &str, prefix: &str) -> bool {
    IGNORABLE.iter().any(|pattern| match pattern.strip_prefix('@') {
        Some(rest) => name.strip_prefix(prefix).is_some_and(|n| n.starts_with(rest)),
        None => name.starts_with(pattern),
    })
}

/// Old TF-converted checkpoints name LayerNorm parameters gamma/beta.
fn canonical_name(name: &str) -> String {
    if let Some(stem) = name.strip_suffix(".gamma") {
        format!("{stem}.weight")
    } else if let Some(stem) = name.strip_suffix(".beta") {
        format!("{stem}.bias")
    } else {
        name.to_owned()
    }
}

impl Weights {
    pub fn load(files: Vec<PathBuf>, kind: Kind, device: Device) -> Result<Weights, ModelError> {
        let mut tensors = HashMap::new();
        for file in &files {
            let handle = std::fs::File::open(file).map_err(|source| ModelError::Io {
                path: file.clone(),
                source,
            })?;
            // SAFETY: the map is read-only and dropped before this function returns;
            // tensors are copied out of it.
            let map = unsafe { memmap2::Mmap::map(&handle) }.map_err(|source| ModelError::Io {
                path: file.clone(),
                source,
            })?;
            let st = safetensors::SafeTensors::deserialize(&map).map_err(|e| ModelError::Invalid {
                path: file.clone(),
                message: format!("not a valid safetensors file: {e}"),
            })?;
            for (name, view) in st.tensors() {
                let src_kind = kind_of(view.dtype()).ok_or_else(|| ModelError::Dtype {
                    path: file.clone(),
                    tensor: name.clone(),
                    dtype: format!("{:?}", view.dtype()),
                })?;
                let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
                let t = Tensor::f_from_data_size(view.data(), &shape, src_kind)?;
                tensors.insert(canonical_name(&name), (t, file.clone()));
            }
        }
        let prefix = ["bert.", "roberta.", "electra.", ""]
            .into_iter()
            .find(|p| tensors.contains_key(&format!("{p}embeddings.word_embeddings.weight")))
            .unwrap_or("")
            .to_owned();
        Ok(Weights {
            tensors,
            prefix,
            files,
            kind,
            device,
        })
    }

    fn display_file(&self) -> PathBuf {
        self.files.first().cloned().unwrap_or_default()
    }

    fn take_exact(&mut self, name: &str, shape: &[i64], kind: Kind) -> Result<Tensor, ModelError> {
        let (t, file) = self.tensors.remove(name).ok_or_else(|| ModelError::MissingTensor {
            path: self.display_file(),
            tensor: name.to_owned(),
        })?;
        if t.size() != shape {
            return Err(ModelError::Shape {
                path: file,
                tensor: name.to_owned(),
                expected: shape.to_vec(),
                found: t.size(),
            });
        }
        Ok(t.f_to_kind(kind)?.f_to_device(self.device)?)
    }

    /// An encoder tensor (under the checkpoint's prefix), in fp32: embeddings
    /// and LayerNorms stay fp32 whatever the compute precision.
    pub fn encoder(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, ModelError> {
        let full = format!("{}{name}", self.prefix);
        self.take_exact(&full, shape, Kind::Float)
    }

    /// An encoder matrix or bias in the compute precision (bf16 or fp32; fp32
    /// for int8, which the layer quantises itself).
    pub fn encoder_compute(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, ModelError> {
        let full = format!("{}{name}", self.prefix);
        let kind = if self.kind == Kind::Int8 {
            Kind::Float
        } else {
            self.kind
        };
        self.take_exact(&full, shape, kind)
    }

    /// A head matrix or bias (outside the encoder prefix), in fp32: the head is
    /// a sliver of the work, and rounding logits to bf16 would flip close calls.
    pub fn head(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, ModelError> {
        self.take_exact(name, shape, Kind::Float)
    }

    /// The tensors no layer took, sorted. Checkpoints carry a few that a
    /// scorer never needs (see [`IGNORABLE`]); any other is an error: it means
    /// config.json describes another network than the weights hold.
    pub fn check_unused(&self) -> Result<Vec<String>, ModelError> {
        let mut left: Vec<&String> = self.tensors.keys().collect();
        left.sort();
        let (ignored, unknown): (Vec<&String>, Vec<&String>) =
            left.into_iter().partition(|n| ignorable(n, &self.prefix));
        if !unknown.is_empty() {
            let shown: Vec<&str> = unknown.iter().take(6).map(|s| s.as_str()).collect();
            let more = if unknown.len() > 6 {
                format!(" and {} more", unknown.len() - 6)
            } else {
                String::new()
            };
            let file = self.tensors.get(unknown[0]).map(|(_, f)| f.clone()).unwrap_or_default();
            return Err(ModelError::Unused {
                path: file,
                tensors: format!("{}{more}", shown.join(", ")),
                count: unknown.len(),
            });
        }
        Ok(ignored.into_iter().cloned().collect())
    }

    /// The compute precision of matrix products.
    pub fn compute_kind(&self) -> Kind {
        self.kind
    }
}
