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
/// site-packages, then each folder of `extra_package_dirs` that exists, `.pth` files included,
/// with `site.addsitedir`. Only those packages are visible: the base interpreter's own
/// site-packages are not.
pub fn start_interpreter(venv: &Path, extra_package_dirs: &[PathBuf]) -> Result<PythonInfo, BridgeError> {
    let venv_error = |reason: String| BridgeError::Venv { path: venv.display().to_string(), reason };
    let config =
        std::fs::read_to_string(venv.join("pyvenv.cfg")).map_err(|e| venv_error(format!("no pyvenv.cfg ({e})")))?;
    let venv_version = config
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| matches!(key.trim(), "version" | "version_info"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();

    initialize(&venv.join("bin").join("python"))?;
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
        let already: Vec<String> = sys.getattr("path").and_then(|p| p.extract()).unwrap_or_default();
        let extra = extra_package_dirs.iter().filter(|dir| dir.is_dir());
        for dir in std::iter::once(&site_packages).chain(extra) {
            let dir = dir.display().to_string();
            if !already.contains(&dir) {
                py.import("site")
                    .and_then(|site| site.call_method1("addsitedir", (dir.as_str(),)))
                    .map_err(|e| BridgeError::Interpreter(describe(py, &e)))?;
            }
        }
        tracing::debug!(venv = %venv.display(), python = %format!("{major}.{minor}.{micro}"), "python ready");
        Ok(PythonInfo { version: format!("{major}.{minor}.{micro}"), venv: venv.to_path_buf(), site_packages })
    })
}

/// Starts the interpreter as the venv's own `python` would start, but without importing
/// `site` (which scans the base interpreter's packages: most of Python's start-up time when
/// embedded) and without Python's signal handlers. The venv's packages are added afterwards.
/// Then the GIL is released for `Python::attach`.
fn initialize(venv_python: &Path) -> Result<(), BridgeError> {
    use pyo3::ffi;
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: plain C API calls, in the documented order, before any other use of Python.
    unsafe {
        if ffi::Py_IsInitialized() != 0 {
            return Ok(());
        }
        let failed = |status: ffi::PyStatus| {
            let message = if status.err_msg.is_null() {
                "unknown error".to_owned()
            } else {
                std::ffi::CStr::from_ptr(status.err_msg).to_string_lossy().into_owned()
            };
            BridgeError::Interpreter(message)
        };
        let mut config = std::mem::MaybeUninit::<ffi::PyConfig>::uninit();
        ffi::PyConfig_InitPythonConfig(config.as_mut_ptr());
        let config = config.assume_init_mut();
        config.site_import = 0;
        config.user_site_directory = 0;
        config.install_signal_handlers = 0;
        config.parse_argv = 0;
        // An installed engine is read-only: never leave `__pycache__` files in it.
        config.write_bytecode = 0;
        let executable = std::ffi::CString::new(venv_python.as_os_str().as_bytes())
            .map_err(|_| BridgeError::Interpreter("the venv path holds a NUL byte".into()))?;
        let status = ffi::PyConfig_SetBytesString(config, &mut config.executable, executable.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(config);
            return Err(failed(status));
        }
        let status = ffi::Py_InitializeFromConfig(config);
        ffi::PyConfig_Clear(config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(failed(status));
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}
