//! `eval --model`: the libtorch model scorer and the precision it runs in,
//! where rsbench is built with the `torch` feature (the default); without
//! it, `--model` is a clear error and everything else runs.

use std::path::Path;

use anyhow::Result;

use super::EvalArgs;
#[cfg(feature = "torch")]
use super::{cache_off_by_env, DtypeArg};
#[cfg(feature = "torch")]
use crate::scorer::cache;
use crate::scorer::Scorer;

#[cfg(feature = "torch")]
pub(super) fn build(args: &EvalArgs, model: &Path) -> Result<Box<dyn Scorer>> {
    use crate::scorer::model::{parse_device, ModelScorer, RunOptions};
    use anyhow::Context;
    let source =
        crate::scorer::model::hub::resolve(model).with_context(|| format!("loading model {}", model.display()))?;
    let device = parse_device(&args.device)?;
    let (dtype, dtype_probe) = resolve_dtype(args, &source.dir, device)?;
    let options = RunOptions {
        device,
        dtype,
        batch_tokens: args
            .batch_tokens
            .unwrap_or(RunOptions::default_batch_tokens(device, dtype))
            .max(1),
        progress: !args.quiet,
        // auto promises fp32's decisions: it always re-scores near-ties.
        recheck: !args.no_recheck || args.dtype == DtypeArg::Auto,
        dtype_probe,
    };
    let scorer =
        ModelScorer::load_source(&source, options).with_context(|| format!("loading model {}", model.display()))?;
    Ok(Box::new(scorer))
}

#[cfg(not(feature = "torch"))]
pub(super) fn build(_: &EvalArgs, model: &Path) -> Result<Box<dyn Scorer>> {
    anyhow::bail!(
        "--model {}: this rsbench is built without the `torch` feature (libtorch); build it with default features, or serve the model to --scorer-cmd or --scorer-url",
        model.display()
    )
}

/// The precision a model runs in. `auto` measures (crate::scorer::model::precision)
/// on the CPU and takes fp32 where a rounding precision cannot run: a GPU (measured
/// by hand, docs/benchmarks.md), a TorchScript module, a shard (the re-scoring
/// of near-ties needs every candidate of a case in one process).
#[cfg(feature = "torch")]
fn resolve_dtype(
    args: &EvalArgs,
    model: &Path,
    device: tch::Device,
) -> Result<(tch::Kind, Option<crate::scorer::model::precision::Probe>)> {
    use crate::scorer::model::precision;
    let probe_dir = if args.no_cache || (cache_off_by_env() && args.cache.is_none()) {
        None
    } else {
        args.cache.clone().or_else(cache::default_cache_dir)
    };
    let shape = precision::probe_shape(model);
    let explicit = match args.dtype {
        DtypeArg::F32 => return Ok((tch::Kind::Float, None)),
        DtypeArg::Bf16 => tch::Kind::BFloat16,
        DtypeArg::Int8 if device.is_cuda() => {
            anyhow::bail!("--dtype int8 runs on the CPU: on a GPU use bf16 or f32")
        }
        DtypeArg::Int8 => tch::Kind::Int8,
        DtypeArg::Auto => {
            let Some((inp, out)) = shape.filter(|_| !device.is_cuda() && args.shard.is_none()) else {
                return Ok((tch::Kind::Float, None));
            };
            if !precision::rounding_can_pay(inp, out) {
                // Such a layer runs fp32 whatever a probe would say: none is timed.
                if !args.quiet {
                    eprintln!(
                        "--dtype auto: fp32 (a {inp}x{out} layer is below the size where rounding pays; not probed)"
                    );
                }
                return Ok((tch::Kind::Float, None));
            }
            let p = precision::probe(probe_dir.as_deref(), inp, out);
            let chosen = p.choice();
            if !args.quiet {
                eprintln!(
                    "--dtype auto: {} (layer {}x{}x{} on this CPU: fp32 {:.0}, bf16 {:.0}, int8 {:.0} GFLOP/s)",
                    match chosen {
                        tch::Kind::Float => "fp32",
                        tch::Kind::Int8 => "int8 with fp32 re-scoring of near-ties",
                        _ => "bf16 with fp32 re-scoring of near-ties",
                    },
                    p.shape[0],
                    p.shape[1],
                    p.shape[2],
                    p.f32,
                    p.bf16,
                    p.int8
                );
                for (name, why) in &p.skipped {
                    eprintln!("  {name}: {why}");
                }
            }
            return Ok((chosen, Some(p)));
        }
    };
    if let (false, Some((inp, out))) = (device.is_cuda(), shape) {
        // A rounding precision is worth it only where its products outrun fp32's.
        let p = precision::probe(probe_dir.as_deref(), inp, out);
        let (name, speed) = match explicit {
            tch::Kind::Int8 => ("int8", p.int8),
            _ => ("bf16", p.bf16),
        };
        if speed < p.f32 {
            eprintln!(
                "warning: --dtype {name} is slower than fp32 on this CPU (this model's layer: {name} {speed:.0} GFLOP/s, fp32 {:.0}); --dtype f32 gives the same decisions sooner",
                p.f32
            );
        }
    }
    Ok((explicit, None))
}
