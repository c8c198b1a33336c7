//! Progress lines on stderr for the steps that grow with the input: model
//! scoring, perturbing, the bootstrap and the paired tests, reading shards
//! for `merge`, pruning the score cache.
//!
//! Invariant: progress never touches an output. It is drawn to stderr only,
//! it is off unless the command line turns it on ([`enable`]; `-q` keeps it
//! off), and indicatif draws nothing when stderr is not a terminal, so pipes,
//! logs and tests never see it.

use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns progress on or off for this process (the CLI does, once per command).
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// A bar of `total` `unit`s for the step `what`, hidden unless progress is on.
pub fn bar(total: u64, what: &str, unit: &str) -> ProgressBar {
    bar_if(ENABLED.load(Ordering::Relaxed), total, what, unit)
}

/// As [`bar`], shown only when `enabled` (and stderr is a terminal).
pub fn bar_if(enabled: bool, total: u64, what: &str, unit: &str) -> ProgressBar {
    if !enabled || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let what = what.replace(['{', '}'], "");
    let template = format!("{what} {{bar:30}} {{pos}}/{{len}} {unit} ({{per_sec}}, eta {{eta}})");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
