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
    Ok(())
}
