//! Whether a cache directory or file can be believed: it must be the user's own, not a
//! symbolic link, and not writable by anyone else. Anything else may have been planted.

use std::path::Path;

/// What a check of the cache directory found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dir {
    /// Missing (it will be created 0700), or the user's own and private (made 0700 if it
    /// was readable by others).
    Trusted,
    /// The user's own, but others could write to it: now made private, but what it holds
    /// may have been planted, so nothing is read from it this run.
    Tightened(String),
    /// Not the user's own, or a link: neither read nor written.
    Refused(String),
}

#[cfg(unix)]
pub(crate) fn directory(dir: &Path) -> Dir {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Dir::Trusted,
        Err(e) => return Dir::Refused(format!("cannot inspect it ({e})")),
    };
    if meta.file_type().is_symlink() {
        return Dir::Refused("it is a symbolic link".into());
    }
    if !meta.is_dir() {
        return Dir::Refused("it is not a directory".into());
    }
    if meta.uid() != euid() {
        return Dir::Refused(format!("it belongs to user id {}, not to you", meta.uid()));
    }
    let mode = meta.mode() & 0o777;
    if mode == 0o700 {
        return Dir::Trusted;
    }
    let private = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    match private {
        Err(e) => Dir::Refused(format!("its mode is {mode:o} and cannot be made 700 ({e})")),
        Ok(()) if mode & 0o022 != 0 => Dir::Tightened(format!(
            "others could write to it (mode {mode:o}): made it 700, and it is not read this time"
        )),
        Ok(()) => Dir::Trusted,
    }
}

/// A cache entry: the user's own regular file, not writable by anyone else.
#[cfg(unix)]
pub(crate) fn file(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no such entry".into()),
        Err(e) => return Err(format!("cannot inspect it ({e})")),
    };
    if !meta.file_type().is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.uid() != euid() {
        return Err(format!("it belongs to user id {}, not to you", meta.uid()));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "others could write to it (mode {:o})",
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
pub(crate) fn directory(_dir: &Path) -> Dir {
    Dir::Trusted
}

#[cfg(not(unix))]
pub(crate) fn file(path: &Path) -> Result<(), String> {
    if path.is_file() {
        Ok(())
    } else {
        Err("no such entry".into())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_directories_are_trusted_and_open_ones_tightened() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("c");
        assert_eq!(directory(&dir), Dir::Trusted, "missing: created later");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(directory(&dir), Dir::Trusted);
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(directory(&dir), Dir::Tightened(_)));
        assert_eq!(mode(&dir), 0o700);
        let link = root.path().join("l");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(matches!(directory(&link), Dir::Refused(w) if w.contains("symbolic link")));
    }

    #[test]
    fn files_others_can_write_are_not_trusted() {
        let root = tempfile::tempdir().unwrap();
        let f = root.path().join("token.json");
        std::fs::write(&f, "{}").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(file(&f), Ok(()));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(file(&f).unwrap_err().contains("others could write"));
        let link = root.path().join("link.json");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        assert!(file(&link).is_err());
    }
}
