//! Staging entries left by rsbench processes that died before they could
//! remove them (SIGKILL, a power cut): recognised by name and by the process
//! id in it, and removed only when no process with that id is running.

use std::path::Path;

pub const TMP_TAG: &str = "rsbench-tmp-";
pub const OLD_TAG: &str = "rsbench-old-";
/// `datasets fetch`'s staging directory before 0.2 (`.rsbench-fetch-<pid>`).
const LEGACY_FETCH: &str = ".rsbench-fetch-";

/// The process id in a staging entry's name, if the name is one rsbench gives.
pub fn staging_pid(name: &str) -> Option<u32> {
    let digits = if let Some(rest) = name.strip_prefix(LEGACY_FETCH) {
        rest
    } else {
        let rest = name.strip_prefix('.')?;
        let (_, tail) = rest.rsplit_once('.')?;
        tail.strip_prefix(TMP_TAG).or_else(|| tail.strip_prefix(OLD_TAG))?
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes the stale staging entries in `dir`, saying so on stderr.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = staging_pid(&name) else {
            continue;
        };
        if running(pid) {
            continue;
        }
        let path = entry.path();
        if super::remove_entry(&path).is_ok() {
            eprintln!(
                "rsbench: removed {}, left by an interrupted rsbench run (process {pid})",
                path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rsbench_staging_names_carry_a_pid() {
        assert_eq!(staging_pid(".run.rsbench-tmp-123"), Some(123));
        assert_eq!(staging_pid(".adv.jsonl.rsbench-old-9"), Some(9));
        assert_eq!(staging_pid(".rsbench-fetch-77"), Some(77));
        assert_eq!(staging_pid("run.rsbench-tmp-123"), None);
        assert_eq!(staging_pid(".run.tmp-123"), None);
        assert_eq!(staging_pid(".run.rsbench-tmp-"), None);
        assert_eq!(staging_pid(".run.rsbench-tmp-12x"), None);
        assert_eq!(staging_pid(".notes.txt"), None);
    }

    #[test]
    fn entries_of_running_processes_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join(format!(".run.{TMP_TAG}{}", std::process::id()));
        std::fs::create_dir(&mine).unwrap();
        // Process 1 always runs.
        let init = dir.path().join(format!(".run.{TMP_TAG}1"));
        std::fs::create_dir(&init).unwrap();
        sweep(dir.path());
        assert!(mine.exists() && init.exists());
    }
}
