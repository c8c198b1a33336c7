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

/// Samples of each precision's layer (each averaging at least 2 ms of calls).
const SAMPLES: usize = 3;

/// Samples for a layer smaller than [`MIN_ROUNDED_LAYER`]: cheap (a call is
/// microseconds), and a small layer's timing is the most exposed to other work
/// on the machine (on a loaded 2-core machine three gave fp32 0.3 GFLOP/s for
/// the fixtures' layer, fifteen 1–118).
const SMALL_SAMPLES: usize = 15;

/// Rows of a rounding precision's first, small call, made where fp32's full
/// call is not cheap ([`SCOUT_WORTH`]): a precision the CPU runs far slower
/// than fp32 costs little to find out.
const SCOUT_ROWS: i64 = 16;

/// fp32's full call above which the small call is worth making, seconds.
const SCOUT_WORTH: f64 = 5e-3;

/// A rounding precision is dropped when its small calls run below fp32's
/// speed at the same rows divided by this (the better of two samples, so one
/// call slowed by other work on the machine does not decide; its first call,
/// setup included, is cut at 8× this). Generous: at few rows bf16's casts
/// weigh more (measured here, AMD EPYC: bf16 a third of fp32 at 32 rows, twice
/// it at 512), and the choice needs the full-size speed.
const SCOUT_MARGIN: f64 = 8.0;

/// A rounding precision is dropped when its first call at full size (its
/// one-off setup included) takes longer than this many times fp32's call,
/// and at least [`MIN_GIVE_UP`] s: choosing it needs ≥ 1.6× fp32's speed, so
/// one that slow cannot win even if half of that call was setup or a burst
/// of other work.
const CLEARLY_SLOWER: f64 = 4.0;
const MIN_GIVE_UP: f64 = 0.05;

/// Whether a rounding precision can be chosen for a `inp × out` layer at all:
/// below [`MIN_ROUNDED_LAYER`] `--dtype auto` runs fp32 without probing.
pub fn rounding_can_pay(inp: i64, out: i64) -> bool {
    inp * out >= MIN_ROUNDED_LAYER
}

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
    /// The rounding precisions not timed to the end, and why: ruled out by
    /// the CPU's flags, or stopped once clearly slower than fp32. Their figure
    /// is 0: auto never picks them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped: BTreeMap<String, String>,
}

/// The CPU flag that says a precision has units of its own (x86: /proc/cpuinfo's
/// names), or `None` where the flags do not rule it out. Without AVX512-BF16 or
/// AMX, bf16 products are emulated (measured 0.3–20 GFLOP/s against fp32's
/// 68–184 on an AVX2-only EPYC, issue 25); without VNNI or AMX, int8 (5).
fn ruled_out_by_flags(flags: &str, kind: Kind) -> Option<String> {
    // Only where the flags are x86's: elsewhere they say nothing of these units.
    if !flags.split_whitespace().any(|f| f == "sse2") {
        return None;
    }
    let needs: &[&str] = match kind {
        Kind::BFloat16 => &["avx512_bf16", "amx_bf16"],
        Kind::Int8 => &["avx512_vnni", "avx_vnni", "amx_int8"],
        _ => return None,
    };
    let has = |want: &str| flags.split_whitespace().any(|f| f == want);
    (!needs.iter().any(|w| has(w))).then(|| format!("the CPU has none of {}", needs.join(", ")))
}

/// Why `--dtype auto` has nothing to time on a CPU with these flags: both
/// rounding precisions ruled out (an AVX2-only CPU), so fp32 is chosen with
/// no probe at all; `None` where one of them may win.
fn nothing_to_probe(flags: &str) -> Option<String> {
    let bf16 = ruled_out_by_flags(flags, Kind::BFloat16)?;
    let int8 = ruled_out_by_flags(flags, Kind::Int8)?;
    Some(format!("bf16: {bf16}; int8: {int8}"))
}

/// The CPU's flags: /proc/cpuinfo's, or RSBENCH_CPU_FLAGS where set (to see
/// what the probe does on another CPU; the tests set it).
pub fn cpu_flags() -> String {
    if let Some(v) = std::env::var_os("RSBENCH_CPU_FLAGS") {
        return v.to_string_lossy().into_owned();
    }
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find(|l| l.split(':').next().is_some_and(|k| k.trim() == "flags"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// Times `kind`'s layer: `(kind, rows, samples, give_up)` → seconds, `None`
/// when the first call took longer than `give_up` seconds.
type Timer<'a> = dyn FnMut(Kind, i64, usize, f64) -> Option<f64> + 'a;

impl Probe {
    /// Times the precisions at `[PROBE_ROWS, inp, out]` here, now: fp32, then
    /// each rounding precision the CPU's flags allow, stopped as soon as it is
    /// clearly slower than fp32.
    pub fn measure(inp: i64, out: i64) -> Probe {
        let mut time = |kind: Kind, rows: i64, samples: usize, give_up: f64| {
            super::encoder::time_layer_within(kind, rows, inp, out, samples, give_up)
        };
        let mut probe = Probe::measure_with(&cpu_flags(), inp, out, &mut time);
        probe.cpu = cpu_name();
        probe.threads = tch::get_num_threads();
        probe
    }

    fn measure_with(flags: &str, inp: i64, out: i64, time: &mut Timer<'_>) -> Probe {
        let speed = |rows: i64, seconds: f64| 2.0 * (rows * inp * out) as f64 / seconds / 1e9;
        let samples = if inp * out < MIN_ROUNDED_LAYER {
            SMALL_SAMPLES
        } else {
            SAMPLES
        };
        let full32 = time(Kind::Float, PROBE_ROWS, samples, f64::INFINITY).unwrap_or(f64::INFINITY);
        let mut small32: Option<f64> = None;
        let mut skipped = BTreeMap::new();
        let mut figures = [0.0f64; 2];
        let mut timed_any = false;
        for (slot, kind, name) in [(0, Kind::BFloat16, "bf16"), (1, Kind::Int8, "int8")] {
            if let Some(why) = ruled_out_by_flags(flags, kind) {
                skipped.insert(name.to_owned(), format!("not timed: {why}"));
                continue;
            }
            if full32 > SCOUT_WORTH {
                let base = *small32.get_or_insert_with(|| {
                    time(Kind::Float, SCOUT_ROWS, samples, f64::INFINITY).unwrap_or(f64::INFINITY)
                });
                let limit = base * SCOUT_MARGIN;
                // The first call carries the one-off setup: it gets eight times the margin.
                let scout = time(kind, SCOUT_ROWS, 2, (limit * 8.0).max(1e-3));
                if scout.is_none_or(|t| t > limit) {
                    skipped.insert(
                        name.to_owned(),
                        format!(
                            "stopped: at {SCOUT_ROWS} rows under 1/{SCOUT_MARGIN:.0} of fp32's {:.1} GFLOP/s",
                            speed(SCOUT_ROWS, base)
                        ),
                    );
                    continue;
                }
            }
            timed_any = true;
            match time(kind, PROBE_ROWS, samples, (full32 * CLEARLY_SLOWER).max(MIN_GIVE_UP)) {
                Some(t) => figures[slot] = speed(PROBE_ROWS, t),
                None => {
                    skipped.insert(
                        name.to_owned(),
                        format!("stopped: its first call took over {CLEARLY_SLOWER:.0}× fp32's"),
                    );
                }
            }
        }
        // fp32 once more after the others, the better kept: a burst of other work
        // during its first timing would otherwise favour a rounding precision.
        let f32_time = if timed_any {
            full32.min(time(Kind::Float, PROBE_ROWS, samples, f64::INFINITY).unwrap_or(f64::INFINITY))
        } else {
            full32
        };
        Probe {
            cpu: String::new(),
            threads: 0,
            shape: [PROBE_ROWS, inp, out],
            f32: speed(PROBE_ROWS, f32_time),
            bf16: figures[0],
            int8: figures[1],
            skipped,
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
    let flags = cpu_flags();
    let digest = Sha256::digest(flags.as_bytes());
    format!(
        "{model} (flags {:02x}{:02x}{:02x}{:02x})",
        digest[0], digest[1], digest[2], digest[3]
    )
}

/// The libtorch rsbench was built against, as its Python package names it
/// (`torch/version.py` beside `torch/lib`), else the library's directory.
pub(super) fn libtorch_version() -> String {
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
        // Bounded: a probe file that is not a regular file of sane size is not read.
        Some(p) => match super::files::read_text(p, super::files::CONFIG_CAP) {
            Ok(Some(text)) => serde_json::from_str(&text).ok(),
            Ok(None) => Some(BTreeMap::new()),
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
    let files = super::files::ModelFiles::new(dir);
    let (sidecar, _) = super::sidecar::Sidecar::load(&files).ok()?;
    if sidecar.torchscript.is_some() {
        return None;
    }
    let c = super::config::ModelConfig::load(&files).ok()?;
    Some((c.hidden_size, c.intermediate_size))
}

/// fp32 speed assumed for the "too short to repay the probe" estimate: the
/// fastest fp32 measured on these machines (AMX Xeon, 295–388 GFLOP/s), so
/// that a run is taken as short only when it is short on every CPU.
const FAST_F32_FLOPS: f64 = 400e9;

/// A run whose fp32 forward passes take less than this (estimated at
/// [`FAST_F32_FLOPS`]) cannot repay a probe of 0.1–2 s: rounding saves at most
/// ~¾ of the products' time, and the re-scoring of near-ties costs some back.
const PROBE_PAYS_FROM_S: f64 = 5.0;

/// The seconds a run of `letters` tokens takes in fp32 at [`FAST_F32_FLOPS`]
/// through the encoder of `dir` (its layers' products: 4·h² for attention,
/// 2·h·ffn for the feed-forward, per token and layer); `None` where the
/// config does not say.
fn fast_f32_seconds(dir: &Path, letters: u64) -> Option<f64> {
    let files = super::files::ModelFiles::new(dir);
    let c = super::config::ModelConfig::load(&files).ok()?;
    let (h, ffn) = (c.hidden_size as f64, c.intermediate_size as f64);
    let per_token = 2.0 * c.layers as f64 * (4.0 * h * h + 2.0 * h * ffn);
    Some(per_token * letters as f64 / FAST_F32_FLOPS)
}

/// The precision a model runs in, from the one asked for. `Auto` measures
/// ([`probe`]) on the CPU and takes fp32 where a rounding precision cannot
/// run: a GPU (measured by hand, docs/benchmarks.md), a TorchScript module,
/// a shard (the re-scoring of near-ties needs every candidate of a case in
/// one process), a layer too small for rounding to pay. An explicit bf16 or
/// int8 slower than fp32 here gets a warning in `notes`.
pub fn resolve(
    m: &crate::scorer::model_choice::ModelChoice,
    model: &Path,
    device: tch::Device,
    notes: &mut Vec<String>,
) -> Result<(Kind, Option<Probe>), super::ModelError> {
    use crate::scorer::model_choice::Precision;
    let probe_dir = m.probe_dir.as_deref();
    let shape = probe_shape(model);
    let explicit = match m.precision {
        Precision::F32 => return Ok((Kind::Float, None)),
        Precision::Bf16 => Kind::BFloat16,
        Precision::Int8 if device.is_cuda() => {
            return Err(super::ModelError::Options(
                "--dtype int8 runs on the CPU: on a GPU use bf16 or f32".into(),
            ))
        }
        Precision::Int8 => Kind::Int8,
        Precision::Auto => {
            let Some((inp, out)) = shape.filter(|_| !device.is_cuda() && !m.sharded) else {
                return Ok((Kind::Float, None));
            };
            if !rounding_can_pay(inp, out) {
                // Such a layer runs fp32 whatever a probe would say: none is timed.
                if !m.quiet {
                    notes.push(format!(
                        "--dtype auto: fp32 (a {inp}x{out} layer is below the size where rounding pays; not probed)"
                    ));
                }
                return Ok((Kind::Float, None));
            }
            let short = m
                .pair_letters
                .and_then(|letters| fast_f32_seconds(model, letters))
                .filter(|&s| s < PROBE_PAYS_FROM_S);
            if let Some(seconds) = short {
                if !m.quiet {
                    notes.push(format!(
                        "--dtype auto: fp32 (not probed: this run's products take about {seconds:.1} s in fp32 on a fast CPU, too little to repay a probe)"
                    ));
                }
                return Ok((Kind::Float, None));
            }
            if let Some(why) = nothing_to_probe(&cpu_flags()) {
                // Timing fp32 alone would decide nothing and cost a first run its time.
                if !m.quiet {
                    notes.push(format!("--dtype auto: fp32 (not probed: {why})"));
                }
                return Ok((Kind::Float, None));
            }
            let p = probe(probe_dir, inp, out);
            let chosen = p.choice();
            if !m.quiet {
                notes.push(format!(
                    "--dtype auto: {} (layer {}x{}x{} on this CPU: fp32 {:.0}, bf16 {:.0}, int8 {:.0} GFLOP/s)",
                    match chosen {
                        Kind::Float => "fp32",
                        Kind::Int8 => "int8 with fp32 re-scoring of near-ties",
                        _ => "bf16 with fp32 re-scoring of near-ties",
                    },
                    p.shape[0],
                    p.shape[1],
                    p.shape[2],
                    p.f32,
                    p.bf16,
                    p.int8
                ));
                for (name, why) in &p.skipped {
                    notes.push(format!("  {name}: {why}"));
                }
            }
            return Ok((chosen, Some(p)));
        }
    };
    if let (false, Some((inp, out))) = (device.is_cuda(), shape) {
        // A rounding precision is worth it only where its products outrun fp32's.
        let p = probe(probe_dir, inp, out);
        let (name, speed) = match explicit {
            Kind::Int8 => ("int8", p.int8),
            _ => ("bf16", p.bf16),
        };
        if speed < p.f32 {
            notes.push(format!(
                "warning: --dtype {name} is slower than fp32 on this CPU (this model's layer: {name} {speed:.0} GFLOP/s, fp32 {:.0}); --dtype f32 gives the same decisions sooner",
                p.f32
            ));
        }
    }
    Ok((explicit, None))
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
            skipped: BTreeMap::new(),
        }
    }

    const AVX2: &str = "fpu sse sse2 avx avx2 fma";
    const ZEN4: &str = "fpu sse sse2 avx avx2 fma avx512f avx512_bf16 avx512_vnni";

    /// A fake clock: each precision's seconds per call at full size (a 16-row
    /// call takes 16/512 of it, plus 0.1 ms); records every call asked for.
    fn timed(flags: &str, per_call: [f64; 3]) -> (Probe, Vec<(Kind, i64)>, f64) {
        let mut calls = Vec::new();
        let mut spent = 0.0;
        let mut time = |kind: Kind, rows: i64, samples: usize, give_up: f64| {
            calls.push((kind, rows));
            let i = match kind {
                Kind::Float => 0,
                Kind::BFloat16 => 1,
                _ => 2,
            };
            let t = per_call[i] * rows as f64 / 512.0 + 1e-4;
            spent += t;
            if t > give_up {
                return None;
            }
            spent += t * samples as f64;
            Some(t)
        };
        let p = Probe::measure_with(flags, 768, 3072, &mut time);
        (p, calls, spent)
    }

    #[test]
    fn the_probe_skips_what_the_flags_rule_out_and_stops_what_is_clearly_slower() {
        // AVX2 only: fp32 is the one precision timed.
        let (p, calls, _) = timed(AVX2, [0.03, 8.0, 0.5]);
        assert_eq!(calls, vec![(Kind::Float, 512)]);
        assert_eq!((p.bf16, p.int8), (0.0, 0.0));
        assert!(p.skipped["bf16"].contains("avx512_bf16"), "{:?}", p.skipped);
        assert!(p.skipped["int8"].contains("avx512_vnni"), "{:?}", p.skipped);
        assert_eq!(p.choice(), Kind::Float);
        // Units present but bf16 400× slower (the 0.3 GFLOP/s): stopped at
        // its small call, never run at full size; int8 fast and timed.
        let (p, calls, spent) = timed(ZEN4, [0.03, 12.0, 0.01]);
        assert!(!calls.contains(&(Kind::BFloat16, 512)), "{calls:?}");
        assert!(p.skipped["bf16"].starts_with("stopped"), "{:?}", p.skipped);
        assert!(p.int8 > 2.0 * p.f32);
        assert!(spent < 1.0, "the fake clock ran {spent} s");
        // Slower only at full size: stopped after its first full call.
        let (p, _, spent) = timed(ZEN4, [0.03, 0.2, 0.02]);
        assert!(p.skipped["bf16"].contains("first call"), "{:?}", p.skipped);
        assert!(spent < 1.0, "the fake clock ran {spent} s");
        // Both faster: both timed, nothing skipped.
        let (p, _, _) = timed(ZEN4, [0.03, 0.015, 0.012]);
        assert!(p.skipped.is_empty() && p.bf16 > p.f32 && p.int8 > p.f32);
        // Non-x86 flags say nothing: every precision is timed.
        assert_eq!(ruled_out_by_flags("fp asimd", Kind::BFloat16), None);
        // Neither unit: nothing to time, fp32 without a probe; either one: a probe.
        assert!(nothing_to_probe(AVX2).is_some_and(|w| w.contains("avx512_bf16") && w.contains("avx512_vnni")));
        assert_eq!(nothing_to_probe(ZEN4), None);
        assert_eq!(nothing_to_probe("fpu sse sse2 avx avx2 fma avx_vnni"), None);
        assert_eq!(nothing_to_probe("fp asimd"), None);
    }

    #[test]
    fn a_run_is_short_by_its_encoders_products_at_a_fast_cpus_fp32() {
        // bert-cls2: 2 layers, hidden 32, feed-forward 64: 2·2·(4·32² + 2·32·64) per token.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/bert-cls2");
        let per_token = 2.0 * 2.0 * (4.0 * 32.0 * 32.0 + 2.0 * 32.0 * 64.0);
        let s = fast_f32_seconds(&dir, 1_000_000_000).unwrap();
        assert!((s - per_token * 1e9 / FAST_F32_FLOPS).abs() < 1e-9, "{s}");
        assert_eq!(fast_f32_seconds(Path::new("/nonexistent"), 1), None);
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
        // A precision is timed unless the probe says why not.
        assert!(first.f32 > 0.0);
        assert!(first.bf16 > 0.0 || first.skipped.contains_key("bf16"), "{first:?}");
        assert!(first.int8 > 0.0 || first.skipped.contains_key("int8"), "{first:?}");
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
