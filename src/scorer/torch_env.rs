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
