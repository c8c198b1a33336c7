//! SIGINT and SIGTERM while an output is staged: the staging entries are
//! removed, the process groups of scorer programs are ended, and the process
//! exits with status 130, so an interrupted run leaves nothing behind (a
//! SIGKILL leaves staging entries to the next run's sweep).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set once SIGINT or SIGTERM arrived: the handler is ending the process.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Process groups of the scorer programs running now (`scorer::subprocess`).
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGED.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Installs the handler (once per process; a no-op where the embedding
/// program has its own).
pub fn install_interrupt_cleanup() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
            let groups = std::mem::take(&mut *GROUPS.lock().unwrap_or_else(|p| p.into_inner()));
            end_groups(&groups);
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

/// Asks each group to end (SIGTERM), then kills what is left of it (SIGKILL).
fn end_groups(groups: &[i32]) {
    if groups.is_empty() {
        return;
    }
    for &g in groups {
        // SAFETY: kill(2) on a process group this process created and has not reaped.
        unsafe { libc::kill(-g, libc::SIGTERM) };
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    for &g in groups {
        // SAFETY: as above.
        unsafe { libc::kill(-g, libc::SIGKILL) };
    }
}

/// A scorer program's process group (led by a child of this process, not yet
/// reaped), ended if rsbench is interrupted.
pub fn register_group(group: i32) {
    GROUPS.lock().unwrap_or_else(|p| p.into_inner()).push(group);
}

pub fn unregister_group(group: i32) {
    GROUPS.lock().unwrap_or_else(|p| p.into_inner()).retain(|&g| g != group);
}

/// Whether SIGINT or SIGTERM arrived: the process is about to exit with 130,
/// and a scorer program that died meanwhile was ended by the handler, not by
/// a fault of its own.
pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)
}
