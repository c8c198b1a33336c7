use std::path::PathBuf;

/// Why a model could not be loaded or run. Every variant names the file or
/// the tensor at fault.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: missing; {hint}", path.display())]
    Missing { path: PathBuf, hint: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{}: PyTorch pickle checkpoints are refused (unpickling runs arbitrary code). Convert it once to safetensors, \
         every tensor kept, the head included: python -c \"import torch, safetensors.torch as st; \
         st.save_file({{k: v.clone() for k, v in torch.load('{}', weights_only=True).items()}}, '{}', metadata={{'format': 'pt'}})\"",
        path.display(),
        path.display(),
        path.with_file_name("model.safetensors").display()
    )]
    Pickle { path: PathBuf },
    #[error("{}: unsupported model_type `{model_type}` (supported: bert, roberta, xlm-roberta, camembert, electra); export it to TorchScript with an rsbench.toml sidecar instead", path.display())]
    UnsupportedModel { path: PathBuf, model_type: String },
    #[error("{}: tensor `{tensor}` is missing", path.display())]
    MissingTensor { path: PathBuf, tensor: String },
    #[error("{}: tensor `{tensor}` has shape {found:?}, config.json implies {expected:?}", path.display())]
    Shape {
        path: PathBuf,
        tensor: String,
        expected: Vec<i64>,
        found: Vec<i64>,
    },
    #[error("{}: {count} tensors are not used by the network config.json describes ({tensors}): more layers or another head than config.json says; fix config.json or the checkpoint", path.display())]
    Unused {
        path: PathBuf,
        tensors: String,
        count: usize,
    },
    #[error("{}: tensor `{tensor}` has unsupported dtype {dtype}", path.display())]
    Dtype {
        path: PathBuf,
        tensor: String,
        dtype: String,
    },
    #[error("{}: tokenizer: {message}", path.display())]
    Tokenizer { path: PathBuf, message: String },
    #[error("libtorch: {0}")]
    Torch(#[from] tch::TchError),
    #[error("{0}")]
    Options(String),
    /// `eval --model PATH` could not be read or loaded (the cause follows).
    #[error("loading model {}", path.display())]
    Loading {
        path: PathBuf,
        #[source]
        source: Box<ModelError>,
    },
}
