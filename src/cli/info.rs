//! `rsbench info`: the version and what the linked libtorch offers here.

use anyhow::Result;

pub(super) fn run() -> Result<()> {
    let t = crate::scorer::torch_runtime();
    println!("rsbench {}", crate::VERSION);
    println!(
        "libtorch: cuda {} ({} devices), cudnn {}, mkldnn {}, {} intra-op threads",
        t.cuda_available, t.cuda_devices, t.cudnn_available, t.mkldnn, t.intra_op_threads
    );
    println!("libtorch CUDA backend: {}", t.cuda_backend);
    println!("rayon threads: {}", rayon::current_num_threads());
    let (f32, bf16) = (
        crate::scorer::cpu_gemm_gflops(tch::Kind::Float),
        crate::scorer::cpu_gemm_gflops(tch::Kind::BFloat16),
    );
    println!(
        "CPU matrix products (512×512, {} threads): fp32 {f32:.0} GFLOP/s, bf16 {bf16:.0} GFLOP/s ({:.2}× fp32)",
        tch::get_num_threads(),
        bf16 / f32
    );
    Ok(())
}
