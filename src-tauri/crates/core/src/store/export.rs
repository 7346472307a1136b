//! Writing files the user asked for, like a normal file save: whole or not at all, with
//! the permissions the umask gives, never over an existing file unless asked, and with no
//! temp file left in the user's folder if the write fails or the process dies.
//!
//! On Linux the bytes go to an unnamed file (`O_TMPFILE`) in the target folder, which is then
//! linked into place. Nothing has a name until the file is complete. Where the file system
//! has no `O_TMPFILE`, a named `.srview-*` temp file is used and removed on failure (a kill
//! in the middle of such a write can leave it; SRView's own cache sweeps are not run there).

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::error::{Result, SrError};
use crate::store::cache::TEMP_PREFIX;

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Fail with `output_exists`.
    #[default]
    Never,
    /// Replace it atomically.
    Replace,
}

fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn c_path(path: &Path) -> std::io::Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
}

/// Gives the unnamed file `file` the name `target`; fails with `AlreadyExists` if it is taken.
fn link_unnamed(file: &File, target: &Path) -> std::io::Result<()> {
    let target = c_path(target)?;
    let proc_path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).expect("no NUL");
    // SAFETY: both paths are valid NUL-terminated strings; the descriptor is open.
    let linked = unsafe {
        libc::linkat(libc::AT_FDCWD, proc_path.as_ptr(), libc::AT_FDCWD, target.as_ptr(), libc::AT_SYMLINK_FOLLOW)
    };
    if linked == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    if err.kind() == std::io::ErrorKind::AlreadyExists {
        return Err(err);
    }
    // Without /proc, linking by descriptor needs CAP_DAC_READ_SEARCH; try it before giving up.
    let empty = CString::new("").expect("no NUL");
    // SAFETY: as above; AT_EMPTY_PATH links the descriptor itself.
    let linked =
        unsafe { libc::linkat(file.as_raw_fd(), empty.as_ptr(), libc::AT_FDCWD, target.as_ptr(), libc::AT_EMPTY_PATH) };
    if linked == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn temp_name(folder: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let unique = format!(
        "{TEMP_PREFIX}{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
    );
    folder.join(unique)
}

/// A file being written that has no name until `persist` gives it one: unnamed (`O_TMPFILE`)
/// where the file system allows, else a `.srview-*` temp file removed if it is dropped unsaved.
pub struct PendingFile {
    file: File,
    folder: PathBuf,
    /// The temp name, when the file system has no unnamed files.
    named: Option<PathBuf>,
}

impl PendingFile {
    /// A new file in `folder` (created if needed), with umask permissions.
    pub fn create_in(folder: &Path) -> Result<Self> {
        std::fs::create_dir_all(folder).map_err(|e| SrError::io(folder, e))?;
        match OpenOptions::new().write(true).read(true).mode(0o666).custom_flags(libc::O_TMPFILE).open(folder) {
            Ok(file) => Ok(PendingFile { file, folder: folder.to_path_buf(), named: None }),
            Err(err)
                if matches!(
                    err.raw_os_error(),
                    Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)
                ) =>
            {
                let temp = temp_name(folder);
                let file = OpenOptions::new()
                    .write(true)
                    .read(true)
                    .create_new(true)
                    .mode(0o666)
                    .open(&temp)
                    .map_err(|e| SrError::io(&temp, e))?;
                Ok(PendingFile { file, folder: folder.to_path_buf(), named: Some(temp) })
            }
            Err(err) => Err(SrError::io(folder, err)),
        }
    }

    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes the file to disk and gives it its name.
    pub fn persist(self, target: &Path, overwrite: Overwrite) -> Result<()> {
        self.file.sync_all().map_err(|e| SrError::io(target, e))?;
        let exists = || SrError::OutputExists(target.display().to_string());
        match (&self.named, overwrite) {
            (None, Overwrite::Never) => match link_unnamed(&self.file, target) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
                other => other.map_err(|e| SrError::io(target, e)),
            },
            (None, Overwrite::Replace) => {
                let temp = temp_name(&self.folder);
                link_unnamed(&self.file, &temp).map_err(|e| SrError::io(target, e))?;
                std::fs::rename(&temp, target).map_err(|e| {
                    let _ = std::fs::remove_file(&temp);
                    SrError::io(target, e)
                })
            }
            (Some(temp), Overwrite::Never) => match std::fs::hard_link(temp, target) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
                other => other.map_err(|e| SrError::io(target, e)),
            },
            (Some(temp), Overwrite::Replace) => std::fs::rename(temp, target).map_err(|e| SrError::io(target, e)),
        }
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if let Some(temp) = &self.named {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Writes `bytes` to `target` as described in the module docs. Creates the folder if needed.
pub fn save_file(target: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<()> {
    let folder = folder_of(target);
    std::fs::create_dir_all(&folder).map_err(|e| SrError::io(&folder, e))?;
    let exists = || SrError::OutputExists(target.display().to_string());
    if overwrite == Overwrite::Never && std::fs::symlink_metadata(target).is_ok() {
        return Err(exists());
    }
    let unnamed = OpenOptions::new().write(true).mode(0o666).custom_flags(libc::O_TMPFILE).open(&folder);
    match unnamed {
        Ok(mut file) => {
            file.write_all(bytes).map_err(|e| SrError::io(target, e))?;
            file.sync_data().map_err(|e| SrError::io(target, e))?;
            match overwrite {
                Overwrite::Never => match link_unnamed(&file, target) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
                    Err(e) => Err(SrError::io(target, e)),
                },
                Overwrite::Replace => {
                    // Named only between these two calls, then renamed over the target.
                    let temp = temp_name(&folder);
                    link_unnamed(&file, &temp).map_err(|e| SrError::io(target, e))?;
                    std::fs::rename(&temp, target).map_err(|e| {
                        let _ = std::fs::remove_file(&temp);
                        SrError::io(target, e)
                    })
                }
            }
        }
        Err(err)
            if matches!(err.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL | libc::ENOENT)) =>
        {
            tracing::debug!(%err, folder = %folder.display(), "no O_TMPFILE here; using a named temp file");
            save_through_named_temp(&folder, target, bytes, overwrite)
        }
        Err(err) => Err(SrError::io(target, err)),
    }
}

fn save_through_named_temp(folder: &Path, target: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<()> {
    let temp = temp_name(folder);
    let written = (|| -> std::io::Result<()> {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o666).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_data()?;
        match overwrite {
            Overwrite::Replace => std::fs::rename(&temp, target),
            Overwrite::Never => std::fs::hard_link(&temp, target),
        }
    })();
    let _ = std::fs::remove_file(&temp);
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(SrError::OutputExists(target.display().to_string()))
        }
        Err(e) => Err(SrError::io(target, e)),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_saved_file_gets_umask_permissions_and_no_temp_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out").join("page_x2.webp");
        save_file(&target, b"image bytes", Overwrite::Never).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"image bytes");
        let umask = srview_test_support::process_umask();
        assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o666 & !umask);
        assert_eq!(names(&dir.path().join("out")), ["page_x2.webp"]);
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing_was_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("page_x2.webp");
        std::fs::write(&target, b"the user's file").unwrap();
        let err = save_file(&target, b"new", Overwrite::Never).unwrap_err();
        assert_eq!(err.kind(), "output_exists");
        assert_eq!(std::fs::read(&target).unwrap(), b"the user's file");
        save_file(&target, b"new", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["page_x2.webp"]);
    }

    #[test]
    fn a_failed_save_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder: the link fails after the bytes were written.
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        assert!(save_file(&target, b"bytes", Overwrite::Replace).is_err());
        assert_eq!(names(dir.path()), ["taken"]);
        assert!(std::fs::read_dir(&target).unwrap().next().is_none());
    }

    #[test]
    fn a_pending_file_has_no_name_until_it_is_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("book_x2.cbz");
        let mut pending = PendingFile::create_in(dir.path()).unwrap();
        pending.file().write_all(b"half a zip").unwrap();
        assert!(names(dir.path()).is_empty(), "nothing is named while it is written");
        drop(pending);
        assert!(names(dir.path()).is_empty());
        let mut pending = PendingFile::create_in(dir.path()).unwrap();
        pending.file().write_all(b"a whole zip").unwrap();
        pending.persist(&target, Overwrite::Never).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"a whole zip");
        assert_eq!(names(dir.path()), ["book_x2.cbz"]);
    }

    #[test]
    fn the_named_temp_fallback_also_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.png");
        save_through_named_temp(dir.path(), &target, b"one", Overwrite::Never).unwrap();
        assert_eq!(
            save_through_named_temp(dir.path(), &target, b"two", Overwrite::Never).unwrap_err().kind(),
            "output_exists"
        );
        save_through_named_temp(dir.path(), &target, b"three", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"three");
        assert_eq!(names(dir.path()), ["a.png"]);
    }
}
