//! `--device cpu|cuda|cuda:N`, loading libtorch's CUDA backend on demand.

use tch::Device;

use super::ModelError;

pub fn parse_device(spec: &str) -> Result<Device, ModelError> {
    let device = match spec {
        "cpu" => return Ok(Device::Cpu),
        "cuda" => Device::Cuda(0),
        s => match s.strip_prefix("cuda:").and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => Device::Cuda(n),
            None => {
                return Err(ModelError::Options(format!(
                    "--device `{spec}`: expected cpu, cuda or cuda:N"
                )))
            }
        },
    };
    let loaded = crate::scorer::load_cuda_backend();
    let available = tch::Cuda::device_count();
    match device {
        Device::Cuda(n) if (n as i64) < available => Ok(device),
        _ => Err(ModelError::Options(match loaded {
            Err(why) => format!("--device {spec}: libtorch's CUDA backend did not load ({why})"),
            Ok(()) => format!("--device {spec}: libtorch sees {available} CUDA device(s) on this machine"),
        })),
    }
}
