//! What the linked libtorch offers on this machine (`rsbench info`).

#[derive(Debug, Clone, serde::Serialize)]
pub struct TorchRuntime {
    /// "loaded", or why libtorch_cuda.so did not load.
    pub cuda_backend: String,
    pub cuda_available: bool,
    pub cuda_devices: i64,
    pub cudnn_available: bool,
    pub intra_op_threads: i32,
    pub mkldnn: bool,
}

pub fn torch_runtime() -> TorchRuntime {
    let cuda_backend = match load_cuda_backend() {
        Ok(()) => "loaded".to_owned(),
        Err(why) => why,
    };
    TorchRuntime {
        cuda_backend,
        cuda_available: tch::Cuda::is_available(),
        cuda_devices: tch::Cuda::device_count(),
        cudnn_available: tch::Cuda::cudnn_is_available(),
        intra_op_threads: tch::get_num_threads(),
        mkldnn: tch::utils::has_mkldnn(),
    }
}

/// The binary links only libtorch_cpu; libtorch_cuda registers the CUDA
/// backend when it is loaded, so load it (once) before the first CUDA call:
/// from the libtorch rsbench was built against, else by name (the runtime
/// path and LD_LIBRARY_PATH), for a binary moved to another machine.
pub fn load_cuda_backend() -> Result<(), String> {
    static LOADED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    LOADED
        .get_or_init(|| {
            deprioritize_cudnn_attention();
            let built = option_env!("RSBENCH_LIBTORCH_LIB").map(|dir| {
                std::path::Path::new(dir)
                    .join("libtorch_cuda.so")
                    .to_string_lossy()
                    .into_owned()
            });
            let mut errors = Vec::new();
            for candidate in built.into_iter().chain(["libtorch_cuda.so".to_owned()]) {
                match dlopen(&candidate) {
                    Ok(()) => return Ok(()),
                    Err(e) => errors.push(e),
                }
            }
            Err(errors.join("; "))
        })
        .clone()
}

/// The variable libtorch reads (once, at the first attention call) to keep cuDNN's
/// attention behind the flash and memory-efficient kernels.
pub const CUDNN_ATTENTION_ENV: &str = "TORCH_CUDNN_SDPA_DEPRIORITIZED";

/// libtorch 2.11+ on Hopper and later sends masked bf16 attention to cuDNN first, and cuDNN
/// builds an execution plan for every new (batch, length) shape: length-sorted batches are
/// all new shapes, so bf16 ran slower than fp32 (measured on an H100, docs/benchmarks.md). The memory-
/// efficient kernel has no per-shape cost. A value the user set is left alone.
fn deprioritize_cudnn_attention() {
    if std::env::var_os(CUDNN_ATTENTION_ENV).is_none() {
        // Before libtorch_cuda is loaded and before any thread of ours reads the environment.
        std::env::set_var(CUDNN_ATTENTION_ENV, "1");
    }
}

/// Whether cuDNN's attention kernels keep their place ahead of the others (the user
/// cleared the variable rsbench sets).
pub fn cudnn_attention_preferred() -> bool {
    std::env::var(CUDNN_ATTENTION_ENV).map_or(true, |v| v.is_empty() || v == "0")
}

fn dlopen(name: &str) -> Result<(), String> {
    let c_name = std::ffi::CString::new(name).map_err(|_| format!("{name}: invalid path"))?;
    // SAFETY: dlopen/dlerror with valid C strings; a handle that loads is kept
    // for the process lifetime on purpose (the backend must stay registered).
    unsafe {
        if !libc::dlopen(c_name.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL).is_null() {
            return Ok(());
        }
        let err = libc::dlerror();
        if err.is_null() {
            Err(format!("{name}: not loaded"))
        } else {
            Err(std::ffi::CStr::from_ptr(err).to_string_lossy().into_owned())
        }
    }
}

/// Matrix-product throughput of one precision on this machine's CPU, in
/// GFLOP/s: the best of a few 512×512 products after a warm-up (about a
/// tenth of a second). Which precision is faster differs between CPUs (bf16
/// ran at half fp32's speed on one Xeon and four times it on another), so it
/// is measured, never assumed.
pub fn cpu_gemm_gflops(kind: tch::Kind) -> f64 {
    let n = 512i64;
    let options = (kind, tch::Device::Cpu);
    let a = tch::Tensor::ones([n, n], options);
    let b = tch::Tensor::ones([n, n], options);
    let _ = a.matmul(&b);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let c = a.matmul(&b);
        let _ = c.size();
        best = best.min(started.elapsed().as_secs_f64());
    }
    2.0 * (n * n * n) as f64 / best / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gemm_probe_measures_both_precisions() {
        for kind in [tch::Kind::Float, tch::Kind::BFloat16] {
            let g = cpu_gemm_gflops(kind);
            assert!(g.is_finite() && g > 0.5, "{kind:?}: {g} GFLOP/s");
        }
    }

    #[test]
    fn loading_the_cuda_backend_keeps_cudnn_attention_behind_the_fused_kernels() {
        let preset = std::env::var_os(CUDNN_ATTENTION_ENV);
        // Whether or not libtorch_cuda.so loads here, the variable is set first.
        let _ = load_cuda_backend();
        match preset {
            None => {
                assert_eq!(std::env::var(CUDNN_ATTENTION_ENV).as_deref(), Ok("1"));
                assert!(!cudnn_attention_preferred());
            }
            Some(v) => assert_eq!(std::env::var_os(CUDNN_ATTENTION_ENV), Some(v), "a user's value is kept"),
        }
    }
}
