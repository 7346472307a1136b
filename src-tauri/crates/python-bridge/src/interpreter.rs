//! Starting the embedded interpreter and putting a venv's packages on its path.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;

use crate::{attach, describe, BridgeError};

/// What the embedded interpreter is, once started on a venv.
#[derive(Debug, Clone)]
pub struct PythonInfo {
    pub version: String,
    pub venv: PathBuf,
    pub site_packages: PathBuf,
}

/// Starts Python once per process (later calls reuse it) and adds `venv`'s
/// site-packages, `.pth` files included, with `site.addsitedir`.
pub fn start_interpreter(venv: &Path) -> Result<PythonInfo, BridgeError> {
    let venv_error = |reason: String| BridgeError::Venv { path: venv.display().to_string(), reason };
    let config =
        std::fs::read_to_string(venv.join("pyvenv.cfg")).map_err(|e| venv_error(format!("no pyvenv.cfg ({e})")))?;
    let venv_version = config
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| matches!(key.trim(), "version" | "version_info"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();

    Python::initialize();
    attach(|py| {
        let sys = py.import("sys").map_err(|e| BridgeError::Interpreter(describe(py, &e)))?;
        let (major, minor, micro): (u32, u32, u32) = sys
            .getattr("version_info")
            .and_then(|v| {
                Ok((v.getattr("major")?.extract()?, v.getattr("minor")?.extract()?, v.getattr("micro")?.extract()?))
            })
            .map_err(|e| BridgeError::Interpreter(describe(py, &e)))?;
        let short = format!("{major}.{minor}");
        if !venv_version.starts_with(&format!("{short}.")) && venv_version != short {
            return Err(venv_error(format!(
                "it was made by Python {venv_version}, but SRView embeds Python {major}.{minor}.{micro}; recreate it with that interpreter"
            )));
        }
        let site_packages = venv.join("lib").join(format!("python{short}")).join("site-packages");
        if !site_packages.is_dir() {
            return Err(venv_error(format!("{} does not exist", site_packages.display())));
        }
        let site_str = site_packages.display().to_string();
        let already: Vec<String> = sys.getattr("path").and_then(|p| p.extract()).unwrap_or_default();
        if !already.contains(&site_str) {
            py.import("site")
                .and_then(|site| site.call_method1("addsitedir", (site_str.as_str(),)))
                .map_err(|e| BridgeError::Interpreter(describe(py, &e)))?;
        }
        tracing::debug!(venv = %venv.display(), python = %format!("{major}.{minor}.{micro}"), "python ready");
        Ok(PythonInfo { version: format!("{major}.{minor}.{micro}"), venv: venv.to_path_buf(), site_packages })
    })
}
