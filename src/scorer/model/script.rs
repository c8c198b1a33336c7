//! TorchScript modules (`torch.jit.trace` / `torch.jit.script`) for
//! architectures rsbench does not implement natively. The `[torchscript]`
//! table of the sidecar names the file, the input order and the output.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{CModule, Device, IValue, Kind, Tensor};

use super::ModelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScriptInput {
    InputIds,
    AttentionMask,
    TokenTypeIds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScriptOutput {
    /// `[B, num_labels]` classification logits (cross-encoder).
    Logits,
    /// `[B, L, H]` last hidden states, pooled by rsbench (bi-encoder).
    Hidden,
    /// `[B, H]` sentence embeddings (bi-encoder).
    Embedding,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    /// The module file, relative to the model directory.
    pub file: String,
    /// Positional inputs of `forward`, in order.
    pub inputs: Vec<ScriptInput>,
    pub output: ScriptOutput,
    /// Which element when `forward` returns a tuple (traced HF models do).
    #[serde(default)]
    pub output_index: usize,
    /// Special-token and pair conventions: `bert` (default) or `roberta`.
    #[serde(default)]
    pub family: Option<String>,
}

pub struct ScriptModule {
    module: CModule,
    spec: ScriptSpec,
}

impl ScriptModule {
    pub fn load(dir: &Path, spec: &ScriptSpec, device: Device, kind: Kind) -> Result<ScriptModule, ModelError> {
        let path = dir.join(&spec.file);
        if super::files::check(&path, u64::MAX)?.is_none() {
            return Err(ModelError::Missing {
                path,
                hint: "named by [torchscript] file in the sidecar".into(),
            });
        }
        let mut module = CModule::load_on_device(&path, device).map_err(|e| ModelError::Invalid {
            path: path.clone(),
            message: format!("not a TorchScript module: {e}"),
        })?;
        module.set_eval();
        if kind != Kind::Float {
            // A traced graph bakes its dtypes in (mask constants, casts): casting the
            // weights alone breaks it, and libtorch's `Module::to` also casts integer
            // buffers such as BERT's position_ids.
            return Err(ModelError::Invalid {
                path,
                message: "a TorchScript module runs in the precision it was exported in: use --dtype f32 \
                          (for bf16, trace `model.to(torch.bfloat16)` and run that with --dtype f32)"
                    .into(),
            });
        }
        let loaded = ScriptModule {
            module,
            spec: spec.clone(),
        };
        loaded.probe(device).map_err(|e| ModelError::Invalid {
            path,
            message: probe_failure(&e.to_string(), device),
        })?;
        Ok(loaded)
    }

    /// One forward of a four-token input at load time, so a module that cannot run
    /// here (traced on another device, inputs listed wrongly) is named before any
    /// scoring starts rather than deep inside it.
    fn probe(&self, device: Device) -> Result<(), ModelError> {
        let _guard = tch::no_grad_guard();
        let ids = Tensor::zeros([1, 4], (Kind::Int64, device));
        let mask = Tensor::ones([1, 4], (Kind::Int64, device));
        self.forward(&ids, &ids, &mask).map(|_| ())
    }

    pub fn spec(&self) -> &ScriptSpec {
        &self.spec
    }

    /// Runs `forward` and returns the tensor the spec names.
    pub fn forward(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor, ModelError> {
        let args: Vec<IValue> = self
            .spec
            .inputs
            .iter()
            .map(|i| {
                IValue::Tensor(match i {
                    ScriptInput::InputIds => ids.shallow_clone(),
                    ScriptInput::AttentionMask => mask.shallow_clone(),
                    ScriptInput::TokenTypeIds => types.shallow_clone(),
                })
            })
            .collect();
        let out = self.module.forward_is(&args)?;
        let bad = |what: String| ModelError::Options(format!("TorchScript {}: {what}", self.spec.file));
        let picked = match out {
            IValue::Tensor(t) => t,
            IValue::Tuple(items) | IValue::GenericList(items) => match items.into_iter().nth(self.spec.output_index) {
                Some(IValue::Tensor(t)) => t,
                _ => return Err(bad(format!("output {} is not a tensor", self.spec.output_index))),
            },
            IValue::TensorList(items) => items
                .into_iter()
                .nth(self.spec.output_index)
                .ok_or_else(|| bad(format!("no output {}", self.spec.output_index)))?,
            other => return Err(bad(format!("unexpected output {other:?}"))),
        };
        let want = match self.spec.output {
            ScriptOutput::Logits | ScriptOutput::Embedding => 2,
            ScriptOutput::Hidden => 3,
        };
        if picked.dim() != want {
            return Err(bad(format!(
                "output {} has shape {:?}; `{:?}` needs {want} dimensions",
                self.spec.output_index,
                picked.size(),
                self.spec.output
            )));
        }
        Ok(picked)
    }
}

/// The first line of libtorch's report (the rest is the TorchScript traceback),
/// with the usual cause spelled out when the module's graph holds another device.
fn probe_failure(error: &str, device: Device) -> String {
    let first = error
        .lines()
        .map(str::trim)
        .find(|l| l.contains("Expected all tensors") || l.contains("RuntimeError"))
        .or_else(|| error.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("no message");
    let on = match device {
        Device::Cuda(n) => format!("cuda:{n}"),
        _ => "cpu".to_owned(),
    };
    let mut message = format!("a test forward on {on} failed: {first}");
    if error.contains("same device") {
        message.push_str(
            "; torch.jit.trace writes the tracing device into the graph (e.g. the attention mask's \
             constants), so trace the model with it and the example inputs on the device you score on, \
             or run with --device cpu",
        );
    } else {
        message.push_str("; check `inputs` and `output` in the sidecar's [torchscript] table");
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_traced_on_another_device_gets_the_tracing_hint() {
        let error = "Internal torch error: The following operation failed in the TorchScript interpreter.\n\
                     Traceback of TorchScript, serialized code (most recent call last):\n  File \"code/__torch__.py\"\n\
                     RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!\n";
        let m = probe_failure(error, Device::Cuda(0));
        assert!(
            m.starts_with("a test forward on cuda:0 failed: RuntimeError: Expected all tensors"),
            "{m}"
        );
        assert!(
            m.contains("trace the model with it and the example inputs on the device you score on"),
            "{m}"
        );
        let other = probe_failure(
            "Internal torch error: forward() expected at most 3 argument(s)",
            Device::Cpu,
        );
        assert!(
            other.starts_with("a test forward on cpu failed: Internal torch error: forward() expected"),
            "{other}"
        );
        assert!(
            other.contains("[torchscript] table") && !other.contains("trace the model"),
            "{other}"
        );
    }
}
