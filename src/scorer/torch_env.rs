//! What the linked libtorch offers on this machine (`rsbench info`).

#[derive(Debug, Clone, serde::Serialize)]
pub struct TorchRuntime {
    pub cuda_available: bool,
    pub cuda_devices: i64,
    pub cudnn_available: bool,
    pub intra_op_threads: i32,
    pub mkldnn: bool,
}

pub fn torch_runtime() -> TorchRuntime {
    TorchRuntime {
        cuda_available: tch::Cuda::is_available(),
        cuda_devices: tch::Cuda::device_count(),
        cudnn_available: tch::Cuda::cudnn_is_available(),
        intra_op_threads: tch::get_num_threads(),
        mkldnn: tch::utils::has_mkldnn(),
    }
}
