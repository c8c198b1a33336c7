//! A rename that never replaces its destination: the atomic claim of an
//! output's name, so two runs that pick the same name cannot both win.

use std::io;
use std::path::Path;

/// Moves `from` to `to`, failing with `AlreadyExists` if `to` exists.
pub fn no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c =
            |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput));
        let (src, dst) = (c(from)?, c(to)?);
        // SAFETY: both are valid NUL-terminated paths that outlive the call.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                src.as_ptr(),
                libc::AT_FDCWD,
                dst.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            // Filesystems without RENAME_NOREPLACE: claim the name another way.
            Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => {}
            _ => return Err(err),
        }
    }
    claim_then_rename(from, to)
}

/// The portable claim: `create_dir` (or a hard link, for a file) fails when the
/// name is taken; the rename then replaces only the empty directory just made.
fn claim_then_rename(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(from)?.is_dir() {
        std::fs::create_dir(to)?;
        std::fs::rename(from, to)
    } else {
        std::fs::hard_link(from, to)?;
        std::fs::remove_file(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_replaces_a_file_or_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "new").unwrap();
        std::fs::write(&b, "old").unwrap();
        assert_eq!(no_replace(&a, &b).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old");
        let (d, e) = (dir.path().join("d"), dir.path().join("e"));
        std::fs::create_dir(&d).unwrap();
        std::fs::create_dir(&e).unwrap();
        assert_eq!(no_replace(&d, &e).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(
            claim_then_rename(&d, &e).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        let f = dir.path().join("f");
        no_replace(&d, &f).unwrap();
        assert!(f.is_dir() && !d.exists());
        claim_then_rename(&a, &dir.path().join("g")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("g")).unwrap(), "new");
    }
}
