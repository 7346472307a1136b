//! Finding the Python venv that holds sr-vulkan.

use std::path::{Path, PathBuf};

use crate::error::{Result, SrError};
pub use crate::user_dirs::{install_hint, user_data_dir, user_packages_dir};

const FIX: &str = "run scripts/setup.sh, or set SRVIEW_VENV to a venv with sr-vulkan installed";

/// Where an installed package keeps its engine (set when `scripts/package.sh` builds the
/// binaries). Such a build looks only there, unless `--venv` or `SRVIEW_VENV` say otherwise.
const PACKAGED_ENGINE: Option<&str> = option_env!("SRVIEW_PACKAGED_ENGINE");

fn is_venv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

/// Looks for the venv in this order: `explicit`, `$SRVIEW_VENV`, `$VIRTUAL_ENV`, then a
/// `.venv` beside the executable or in one of its parent folders (which covers the repo
/// root for builds under `src-tauri/target`), then the repo this crate was built from.
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
    let candidates = match PACKAGED_ENGINE {
        Some(dir) => vec![PathBuf::from(dir)],
        None => development_candidates(),
    };
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
