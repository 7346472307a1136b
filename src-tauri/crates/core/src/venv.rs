//! Finding the Python venv that holds sr-vulkan.

use std::path::{Path, PathBuf};

use crate::error::{Result, SrError};
pub use crate::user_dirs::{install_hint, user_data_dir, user_packages_dir};

const FIX: &str = "run scripts/setup.sh, or set SRVIEW_VENV to a venv with sr-vulkan installed";

/// Where the installed package keeps its engine (`src-tauri/tauri.package.json`). A binary
/// installed in `/usr/bin` looks only there, unless `--venv` or `SRVIEW_VENV` say otherwise.
/// Decided at run time, so the tests and the package use the same binaries.
const PACKAGED_ENGINE: &str = "/usr/lib/srview/engine";
const PACKAGED_BIN_DIR: &str = "/usr/bin";

fn installed() -> bool {
    std::env::current_exe().is_ok_and(|exe| exe.parent() == Some(Path::new(PACKAGED_BIN_DIR)))
}

fn is_venv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

/// Looks for the venv in this order: `explicit`, `$SRVIEW_VENV`, `$VIRTUAL_ENV`, then a
/// `.venv` beside the executable or in one of its parent folders (which covers the repo
/// root for builds under `src-tauri/target`), then the repo this crate was built from. A binary
/// in `/usr/bin` looks, after `explicit` and `$SRVIEW_VENV`, only at the packaged engine.
/// An explicit choice that is not a venv is an error, never silently skipped.
pub fn locate_venv(explicit: Option<PathBuf>) -> Result<PathBuf> {
    let named = explicit.map(|p| ("the configured venv", p)).or_else(|| {
        std::env::var_os("SRVIEW_VENV").filter(|v| !v.is_empty()).map(|v| ("SRVIEW_VENV", PathBuf::from(v)))
    });
    if let Some((source, path)) = named {
        return if is_venv(&path) {
            Ok(path)
        } else {
            Err(SrError::PythonUnavailable {
                reason: format!("{source} ({}) is not a Python venv (no pyvenv.cfg)", path.display()),
                fix: FIX.into(),
            })
        };
    }
    let candidates = if installed() { vec![PathBuf::from(PACKAGED_ENGINE)] } else { development_candidates() };
    candidates.iter().find(|dir| is_venv(dir)).map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone())).ok_or_else(
        || SrError::PythonUnavailable {
            reason: format!(
                "no venv found (looked at SRVIEW_VENV, VIRTUAL_ENV and {})",
                candidates.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
            ),
            fix: FIX.into(),
        },
    )
}

/// A checkout's venvs: the active one, `.venv` beside the executable or above it, and the
/// workspace's own.
fn development_candidates() -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(active) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        candidates.push(PathBuf::from(active));
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) {
        candidates.extend(exe_dir.ancestors().take(5).map(|dir| dir.join(".venv")));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../.venv"));
    candidates
}
