//! `rsbench info`: the version and what the linked libtorch offers here.

use anyhow::Result;

#[cfg(not(feature = "torch"))]
pub(super) fn run() -> Result<()> {
    println!("rsbench {}", crate::VERSION);
    println!("libtorch: not built in (the `torch` feature is off: no `eval --model`)");
    println!("rayon threads: {}", rayon::current_num_threads());
    Ok(())
}

#[cfg(feature = "torch")]
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
    // What `eval --dtype auto` decides from, at BERT-base's layer shape.
    let p = crate::scorer::model::precision::probe(crate::scorer::cache::default_cache_dir().as_deref(), 768, 3072);
    println!("CPU: {}", p.cpu);
    println!(
        "--dtype auto probe (layer {}x{}x{}, {} threads): fp32 {:.0}, bf16 {:.0}, int8 {:.0} GFLOP/s; predicted run time vs fp32: bf16 {:.2}, int8 {:.2}; auto picks {}",
        p.shape[0],
        p.shape[1],
        p.shape[2],
        p.threads,
        p.f32,
        p.bf16,
        p.int8,
        p.predicted_share(tch::Kind::BFloat16).min(99.0),
        p.predicted_share(tch::Kind::Int8).min(99.0),
        crate::scorer::model::dtype_name(p.choice())
    );
    for (name, why) in &p.skipped {
        println!("  {name}: {why}");
    }
    Ok(())
}
