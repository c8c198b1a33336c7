//! rsbench: robustness benchmark for Korean multi-turn response selection.
//!
//! The pipeline, one module per stage: [`data`] (cases, loaders, splits) →
//! [`perturb`] (new adversarial candidates) + [`hangul`] (syllable and jamo arithmetic) →
//! [`scorer`] (the `Scorer` trait and its implementations) → [`eval`]
//! (metrics and statistics) → [`report`] (Polars tables and rendering).
//! [`audit`] turns people's verdicts on generated negatives into per-rule rates.
//! [`cli`] is a thin shell over them; `python` (the `python` feature) is
//! the Python package's native module over the same functions.

pub mod audit;
pub mod cli;
pub mod data;
pub mod eval;
pub mod hangul;
pub mod output;
pub mod perturb;
pub mod progress;
#[cfg(feature = "python")]
pub mod python;
pub mod report;
pub mod scorer;
pub mod stats;
pub mod suggest;

/// rsbench's version, recorded in every run's metadata.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
