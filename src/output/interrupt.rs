//! SIGINT and SIGTERM while an output is staged: the staging entries are
//! removed and the process exits with status 130, so an interrupted run leaves
//! nothing behind (a SIGKILL leaves them to the next run's sweep).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Installs the handler (once per process; a no-op where the embedding
/// program has its own).
pub fn install_interrupt_cleanup() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let paths = std::mem::take(&mut *staged());
            for p in &paths {
                let _ = super::remove_entry(p);
            }
            eprintln!("rsbench: interrupted; nothing was written");
            std::process::exit(130);
        });
    });
}

pub fn register(path: &Path) {
    staged().push(path.to_path_buf());
}

pub fn unregister(path: &Path) {
    staged().retain(|p| p != path);
}
