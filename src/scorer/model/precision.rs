//! `--dtype auto`: the CPU precision chosen by measuring, not assumed. Each
//! precision's layer (fp32, bf16 with its casts, int8 with its quantising) is
//! timed at the model's own shape, once per machine, libtorch, thread count and
//! shape (cached beside the score cache). Invariant: auto leaves fp32 only for a
//! precision whose near-tie re-scoring keeps fp32's decisions and whose
//! predicted run time, re-scoring included, beats fp32's by a margin.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tch::Kind;

/// Rows of the probe's layer: one default int8 batch of tokens.
const PROBE_ROWS: i64 = 512;

/// The share of a BERT-style forward pass outside the layers' matrix products
/// (attention, LayerNorms, activations, embeddings): 15 % of an fp32 BERT-base
/// run on 2 cores (docs/benchmarks.md).
const OUTSIDE_PRODUCTS: f64 = 0.15;

/// The work the near-tie re-scoring adds, as a share of an fp32 run: measured
/// on the random-init BERT-base benchmark model, whose scores crowd together
/// (bf16: 57 of 586 distinct pairs re-scored; int8: 177 of 586). Models that
/// separate their candidates re-score fewer.
const RESCORED_BF16: f64 = 0.10;
const RESCORED_INT8: f64 = 0.30;

/// A rounding precision must be predicted at most this share of fp32's time.
const MAX_PREDICTED_SHARE: f64 = 0.8;

/// Hidden × feed-forward width below which auto keeps fp32 without weighing
/// the probe: such a model's time is its fixed costs (the fixtures, 32 × 64:
/// fp32 91, bf16 53, int8 34 GFLOP/s here), and a small layer's timing is the
/// most exposed to a busy machine (a CI run once measured bf16 ahead).
/// BERT-base is 768 × 3072, MiniLM-style e5-small 384 × 1536.
const MIN_ROUNDED_LAYER: i64 = 256 * 1024;

/// One machine's measured layer speeds, GFLOP/s (2·rows·in·out per layer).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    pub cpu: String,
    pub threads: i32,
    /// `[rows, in, out]` of the timed layer.
    pub shape: [i64; 3],
    pub f32: f64,
    pub bf16: f64,
    pub int8: f64,
}

impl Probe {
    /// Times the three precisions at `[PROBE_ROWS, inp, out]` here, now.
    pub fn measure(inp: i64, out: i64) -> Probe {
        let flops = 2.0 * (PROBE_ROWS * inp * out) as f64;
        // Rounds in turn, the best of each precision: a burst of other work on the
        // machine then slows every precision alike, not the one timed during it.
        let kinds = [Kind::Float, Kind::BFloat16, Kind::Int8];
        let mut best = [f64::INFINITY; 3];
        for _ in 0..3 {
            for (b, &kind) in best.iter_mut().zip(&kinds) {
                *b = b.min(super::encoder::time_layer(kind, PROBE_ROWS, inp, out));
            }
        }
        let speed = |seconds: f64| flops / seconds / 1e9;
        Probe {
            cpu: cpu_name(),
            threads: tch::get_num_threads(),
            shape: [PROBE_ROWS, inp, out],
            f32: speed(best[0]),
            bf16: speed(best[1]),
            int8: speed(best[2]),
        }
    }

    /// A run's predicted time as a share of fp32's.
    pub fn predicted_share(&self, kind: Kind) -> f64 {
        let (speed, rescored) = match kind {
            Kind::BFloat16 => (self.bf16, RESCORED_BF16),
            Kind::Int8 => (self.int8, RESCORED_INT8),
            _ => return 1.0,
        };
        OUTSIDE_PRODUCTS + (1.0 - OUTSIDE_PRODUCTS) * self.f32 / speed.max(1e-9) + rescored
    }

    /// fp32, or the rounding precision predicted fastest if it clears the margin.
    /// Layers smaller than [`MIN_ROUNDED_LAYER`] always run fp32.
    pub fn choice(&self) -> Kind {
        if self.shape[1] * self.shape[2] < MIN_ROUNDED_LAYER {
            return Kind::Float;
        }
        [Kind::BFloat16, Kind::Int8]
            .into_iter()
            .map(|k| (k, self.predicted_share(k)))
            .filter(|&(_, share)| share <= MAX_PREDICTED_SHARE)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(Kind::Float, |(k, _)| k)
    }
}

/// The CPU as /proc/cpuinfo names it, with a digest of its feature flags (two
/// machines sold under one name can differ in AMX or AVX-512).
pub fn cpu_name() -> String {
    use sha2::{Digest, Sha256};
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
    };
    let model = field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let flags = field("flags").unwrap_or_default();
    let digest = Sha256::digest(flags.as_bytes());
    format!(
        "{model} (flags {:02x}{:02x}{:02x}{:02x})",
        digest[0], digest[1], digest[2], digest[3]
    )
}

/// The libtorch rsbench was built against, as its Python package names it
/// (`torch/version.py` beside `torch/lib`), else the library's directory.
fn libtorch_version() -> String {
    let Some(lib) = option_env!("RSBENCH_LIBTORCH_LIB") else {
        return "unknown".into();
    };
    let version_py = Path::new(lib).join("../version.py");
    std::fs::read_to_string(version_py)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("__version__ = "))
                .map(|v| v.trim().trim_matches('\'').to_owned())
        })
        .unwrap_or_else(|| lib.to_owned())
}

/// The probe file in a cache directory: one entry per machine, libtorch,
/// thread count and shape.
fn probe_file(dir: &Path) -> PathBuf {
    dir.join("dtype-probe.json")
}

fn probe_key(inp: i64, out: i64) -> String {
    format!(
        "{} | libtorch {} | {} threads | {PROBE_ROWS}x{inp}x{out}",
        cpu_name(),
        libtorch_version(),
        tch::get_num_threads()
    )
}

/// The probe for this machine and shape: from `dir`'s probe file when it has
/// one, else measured (and stored there when `dir` is given). A probe file that
/// does not parse is left as it is and the probe measured afresh.
pub fn probe(dir: Option<&Path>, inp: i64, out: i64) -> Probe {
    let key = probe_key(inp, out);
    let path = dir.map(probe_file);
    let mut known: Option<BTreeMap<String, Probe>> = match &path {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => serde_json::from_str(&text).ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(BTreeMap::new()),
            Err(_) => None,
        },
        None => None,
    };
    if let Some(found) = known.as_ref().and_then(|k| k.get(&key)) {
        return found.clone();
    }
    let measured = Probe::measure(inp, out);
    if let (Some(map), Some(p)) = (known.as_mut(), &path) {
        map.insert(key, measured.clone());
        // Written whole then renamed: a reader sees the old file or the new one.
        if let Ok(text) = serde_json::to_string_pretty(map) {
            let partial = p.with_extension("json.partial");
            let written = p
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&partial, text + "\n"))
                .and_then(|()| std::fs::rename(&partial, p));
            if written.is_err() {
                let _ = std::fs::remove_file(&partial);
            }
        }
    }
    measured
}

/// The layer shape `--dtype auto` probes for the checkpoint in `dir`: its hidden
/// size into its feed-forward width. None for TorchScript (it runs as exported)
/// or where config.json does not say.
pub fn probe_shape(dir: &Path) -> Option<(i64, i64)> {
    let (sidecar, _) = super::sidecar::Sidecar::load(dir).ok()?;
    if sidecar.torchscript.is_some() {
        return None;
    }
    let c = super::config::ModelConfig::load(&dir.join("config.json")).ok()?;
    Some((c.hidden_size, c.intermediate_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(f32: f64, bf16: f64, int8: f64) -> Probe {
        Probe {
            cpu: "test".into(),
            threads: 2,
            shape: [512, 768, 3072],
            f32,
            bf16,
            int8,
        }
    }

    #[test]
    fn auto_leaves_fp32_only_for_a_clear_gain() {
        // Issue 16's machine: bf16 half of fp32; int8 not yet measured there.
        assert_eq!(probe(315.0, 159.0, 300.0).choice(), Kind::Float);
        // This session's AMX machine (docs/benchmarks.md): bf16 and int8 both far ahead.
        assert_eq!(probe(401.0, 1450.0, 1250.0).choice(), Kind::BFloat16);
        // VNNI without AMX, int8 about three times fp32: int8.
        assert_eq!(probe(315.0, 159.0, 950.0).choice(), Kind::Int8);
        // A small gain does not pay for the re-scoring.
        assert_eq!(probe(315.0, 159.0, 600.0).choice(), Kind::Float);
        // A small model stays fp32 whatever its probe says.
        let small = Probe {
            shape: [512, 32, 64],
            ..probe(20.0, 1450.0, 1250.0)
        };
        assert_eq!(small.choice(), Kind::Float);
        let e5 = Probe {
            shape: [512, 384, 1536],
            ..probe(401.0, 1450.0, 1250.0)
        };
        assert_eq!(e5.choice(), Kind::BFloat16);
        assert!(probe(300.0, 300.0, 300.0).predicted_share(Kind::Int8) > 1.0);
    }

    #[test]
    fn the_probe_is_measured_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = super::probe(Some(dir.path()), 32, 48);
        assert!(first.f32 > 0.0 && first.bf16 > 0.0 && first.int8 > 0.0);
        let again = super::probe(Some(dir.path()), 32, 48);
        assert_eq!(first, again, "the second call reads the stored probe");
        let other = super::probe(Some(dir.path()), 48, 32);
        assert_eq!(other.shape, [512, 48, 32]);
        let stored: BTreeMap<String, Probe> =
            serde_json::from_str(&std::fs::read_to_string(probe_file(dir.path())).unwrap()).unwrap();
        assert_eq!(stored.len(), 2);
        // A file rsbench cannot read is neither used nor replaced.
        std::fs::write(probe_file(dir.path()), "not json").unwrap();
        let fresh = super::probe(Some(dir.path()), 32, 48);
        assert_eq!(fresh.shape, [512, 32, 48]);
        assert_eq!(std::fs::read_to_string(probe_file(dir.path())).unwrap(), "not json");
    }
}
