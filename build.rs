//! Bakes libtorch's library directory into the rpath of every binary and test
//! of this crate, so `rsbench` runs without LD_LIBRARY_PATH, and records it
//! so `--device cuda` can load libtorch_cuda.so on demand (CPU runs do not
//! pay for loading the CUDA libraries).
fn main() {
    if let Some(dir) = std::env::var_os("DEP_TCH_LIBTORCH_LIB") {
        let dir = std::path::PathBuf::from(dir);
        let dir = dir.canonicalize().unwrap_or(dir);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        println!("cargo:rustc-env=RSBENCH_LIBTORCH_LIB={}", dir.display());
    }
}
