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
    load_cuda_backend();
    let available = tch::Cuda::device_count();
    match device {
        Device::Cuda(n) if (n as i64) < available => Ok(device),
        _ => Err(ModelError::Options(format!(
            "--device {spec}: libtorch sees {available} CUDA device(s) on this machine"
        ))),
    }
}

/// The binary links only libtorch_cpu; libtorch_cuda registers the CUDA
/// backend when it is loaded, so load it (once) before the first CUDA call.
fn load_cuda_backend() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Some(dir) = option_env!("RSBENCH_LIBTORCH_LIB") else {
            return;
        };
        let path = std::path::Path::new(dir).join("libtorch_cuda.so");
        let Ok(c_path) = std::ffi::CString::new(path.to_string_lossy().as_bytes()) else {
            return;
        };
        // SAFETY: dlopen with a valid C string; the handle is kept for the
        // process lifetime on purpose (the backend must stay registered).
        unsafe {
            libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL);
        }
    });
}
