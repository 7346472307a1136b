//! The only crate in SRView that touches PyO3.
//!
//! It starts the embedded interpreter on a venv and exposes `sr_vulkan` as a typed,
//! crash-guarded Rust API. Every guard for the crashes in `docs/sr-vulkan.md` that can be
//! expressed in types is: formats exclude `bmp` and `''`, back ids are `i32`, model
//! indices and GPU ids are checked against what the module itself reports.
//! Each call holds the GIL only for the call itself; `wait_result` blocks inside
//! `sr.load(0)`, which releases the GIL while it waits.

mod custom;
mod interpreter;
mod native_output;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

pub use custom::{
    crossing_roundtrip, load_custom, onnxruntime_version, CrossingTimes, CustomDescription, CustomKind, CustomModel,
    Upscaled,
};
pub use interpreter::{start_interpreter, PythonInfo};
pub use native_output::{capture_native_output, own_stdio, Captured, OwnStdio};

/// Number of calls made into Python since the process started (for tests and stats).
static PYTHON_CALLS: AtomicU64 = AtomicU64::new(0);

pub fn python_call_count() -> u64 {
    PYTHON_CALLS.load(Ordering::Relaxed)
}

thread_local! {
    static GIL_HOLDS_HERE: Cell<u64> = const { Cell::new(0) };
}

/// How many times the calling thread entered Python through this crate: the threads of an
/// async runtime never should (the tests check it).
pub fn gil_holds_on_this_thread() -> u64 {
    GIL_HOLDS_HERE.with(Cell::get)
}

fn count_call() {
    PYTHON_CALLS.fetch_add(1, Ordering::Relaxed);
    GIL_HOLDS_HERE.with(|holds| holds.set(holds.get() + 1));
}

fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> R {
    count_call();
    let _gil = tracing::trace_span!("gil").entered();
    Python::attach(f)
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("the Python interpreter could not start: {0}")]
    Interpreter(String),
    #[error("the venv at {path} is unusable: {reason}")]
    Venv { path: String, reason: String },
    #[error("Python module `{module}` is not importable:\n{traceback}")]
    Import { module: String, traceback: String },
    #[error("sr_vulkan.{function} raised:\n{traceback}")]
    Call { function: &'static str, traceback: String },
    #[error("refused before calling sr_vulkan: {0}")]
    Refused(String),
    #[error("{0}")]
    ModelRefused(String),
    #[error("{function} raised:\n{traceback}")]
    Custom { function: &'static str, traceback: String },
    #[error("out of memory: {0}")]
    OutOfMemory(String),
    #[error("{0}")]
    BadOutput(String),
    #[error("it ran for more than {seconds:.1} s and was interrupted")]
    TimedOut { seconds: f64 },
}

/// Renders a Python exception with its traceback.
fn describe(py: Python<'_>, err: &PyErr) -> String {
    let formatted = py
        .import("traceback")
        .and_then(|tb| tb.call_method1("format_exception", (err.get_type(py), err.value(py), err.traceback(py))))
        .and_then(|lines| lines.extract::<Vec<String>>());
    match formatted {
        Ok(lines) => lines.concat().trim_end().to_owned(),
        Err(_) => err.to_string(),
    }
}

fn call_error(function: &'static str) -> impl FnOnce(Python<'_>, PyErr) -> BridgeError {
    move |py, err| BridgeError::Call { function, traceback: describe(py, &err) }
}

/// Output formats sr_vulkan encodes safely. `bmp` and `''` crash it and are not representable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncodeFormat {
    Webp,
    Png,
    Jpg,
}

impl EncodeFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            EncodeFormat::Webp => "webp",
            EncodeFormat::Png => "png",
            EncodeFormat::Jpg => "jpg",
        }
    }
}

/// How big the output is: a float scale or an exact size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputSize {
    Scale(f64),
    Exact { width: u32, height: u32 },
}

/// One job for `sr.add`.
#[derive(Debug)]
pub struct Job<'a> {
    pub data: &'a [u8],
    pub model_index: i32,
    pub back_id: i32,
    pub size: OutputSize,
    pub format: EncodeFormat,
    pub tile_size: i32,
}

/// What `sr.load(0)` handed back for one job.
#[derive(Debug)]
pub struct JobResult {
    pub back_id: i32,
    /// `None` when the job failed; `error` then holds `getLastError()` read at once.
    pub data: Option<Vec<u8>>,
    pub error: Option<String>,
}

/// A handle on the imported `sr_vulkan.sr_vulkan` extension module.
pub struct SrVulkan {
    module: Py<PyModule>,
    model_count: i32,
    stopped: AtomicBool,
}

static SR_VULKAN: OnceLock<SrVulkan> = OnceLock::new();
static IMPORT_LOCK: Mutex<()> = Mutex::new(());

/// The process-wide module, imported on first use. The interpreter must have been
/// started with `start_interpreter`. Importing registers an exit handler that calls
/// `stop()`, because without it `exit()` deadlocks in the library's static destructors.
pub fn sr_vulkan() -> Result<&'static SrVulkan, BridgeError> {
    let _guard = IMPORT_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(sr) = SR_VULKAN.get() {
        return Ok(sr);
    }
    let sr = attach(|py| {
        let module = import_extension(py)
            .map_err(|err| BridgeError::Import { module: "sr_vulkan".into(), traceback: describe(py, &err) })?;
        let model_count = model_constants_of(&module)?.len() as i32;
        Ok::<_, BridgeError>(SrVulkan { module: module.unbind(), model_count, stopped: AtomicBool::new(false) })
    })?;
    let sr = SR_VULKAN.get_or_init(|| sr);
    // SAFETY: registers a plain extern "C" handler with glibc's on_exit.
    unsafe { on_exit(leave_at_exit, std::ptr::null_mut()) };
    Ok(sr)
}

/// Code run once to load `sr_vulkan.sr_vulkan`. The package's `__init__` only imports
/// `pathlib` for a PyInstaller hook, which is a third of the engine's start-up; so the
/// extension module is loaded from the package folder by its own spec, without it, and the
/// package is registered unexecuted (`initSet` imports the module by its dotted name).
const LOAD_EXTENSION: &std::ffi::CStr = c"
import importlib.machinery, importlib.util, os, sys
def load():
    name = 'sr_vulkan.sr_vulkan'
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec('sr_vulkan')
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError(\"No module named 'sr_vulkan'\", name='sr_vulkan')
    folder = package.submodule_search_locations[0]
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(folder, 'sr_vulkan' + suffix)
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
            # initSet imports `sr_vulkan.sr_vulkan` by name, which would run the package's
            # __init__ then; the package is registered with its spec but not executed.
            if 'sr_vulkan' not in sys.modules:
                parent = importlib.util.module_from_spec(package)
                parent.sr_vulkan = module
                sys.modules['sr_vulkan'] = parent
            return module
    raise ModuleNotFoundError('sr_vulkan has no extension module in ' + folder, name=name)
";

fn import_extension(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let loader = PyModule::from_code(py, LOAD_EXTENSION, c"srview_load_sr_vulkan.py", c"srview_load_sr_vulkan")?;
    loader.getattr("load")?.call0()?.cast_into::<PyModule>().map_err(Into::into)
}

extern "C" {
    /// glibc's `atexit` that also passes the exit status.
    fn on_exit(handler: extern "C" fn(libc::c_int, *mut libc::c_void), arg: *mut libc::c_void) -> libc::c_int;
}

/// Runs before `stop()` at exit: the core's drain of running jobs.
static BEFORE_EXIT: OnceLock<fn()> = OnceLock::new();

/// Sets what runs at process exit before `stop()` (once; later calls are ignored).
pub fn set_exit_hook(hook: fn()) {
    let _ = BEFORE_EXIT.set(hook);
}

/// At `exit()`: drain, `stop()`, flush, then leave with `_exit`. Without `stop()` the library's
/// static destructors deadlock; with it, its teardown thread (`waifu2x_to_stop`) outlives
/// `stop()` and segfaults if the destructors run under it (seen about once in 40 exits when
/// loaded). Skipping the remaining exit work avoids both.
extern "C" fn leave_at_exit(status: libc::c_int, _arg: *mut libc::c_void) {
    if let Some(hook) = BEFORE_EXIT.get() {
        hook();
    }
    if let Some(sr) = SR_VULKAN.get() {
        if let Err(err) = sr.stop() {
            tracing::warn!(%err, "sr_vulkan.stop() at exit failed");
        }
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: ends the process now, as exit() was about to.
    unsafe { libc::_exit(status) }
}

impl SrVulkan {
    /// Whether `stop()` has run; the session cannot be restarted in this process.
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    fn call<R>(
        &self,
        function: &'static str,
        f: impl for<'py> FnOnce(&Bound<'py, PyModule>) -> PyResult<R>,
    ) -> Result<R, BridgeError> {
        attach(|py| f(self.module.bind(py)).map_err(|e| call_error(function)(py, e)))
    }

    pub fn version(&self) -> Result<String, BridgeError> {
        self.call("getVersion", |m| m.call_method0("getVersion")?.extract())
    }

    /// `MODEL_*` constants as the module defines them, sorted by index.
    pub fn model_constants(&self) -> Result<Vec<(String, i32)>, BridgeError> {
        attach(|py| model_constants_of(self.module.bind(py)))
    }

    /// `init()`: 0 on success, -1 when no Vulkan loader is present.
    pub fn init(&self) -> Result<i32, BridgeError> {
        self.call("init", |m| m.call_method0("init")?.extract())
    }

    /// Device names from `getGpuInfo()`; empty before `init` or without Vulkan.
    pub fn gpu_names(&self) -> Result<Vec<String>, BridgeError> {
        self.call("getGpuInfo", |m| {
            Ok(m.call_method0("getGpuInfo")?.extract::<Option<Vec<String>>>()?.unwrap_or_default())
        })
    }

    pub fn cpu_core_count(&self) -> Result<i32, BridgeError> {
        self.call("getCpuCoreNum", |m| m.call_method0("getCpuCoreNum")?.extract())
    }

    /// `getGpuCoreNum(id)`; an id not listed by `getGpuInfo()` would segfault, so it is refused.
    pub fn gpu_core_count(&self, gpu_id: i32) -> Result<i32, BridgeError> {
        self.check_gpu_id(gpu_id)?;
        self.call("getGpuCoreNum", |m| m.call_method1("getGpuCoreNum", (gpu_id,))?.extract())
    }

    fn check_gpu_id(&self, gpu_id: i32) -> Result<(), BridgeError> {
        let count = self.gpu_names()?.len() as i32;
        if gpu_id < 0 || gpu_id >= count {
            return Err(BridgeError::Refused(format!("GPU id {gpu_id} is not one of the {count} devices listed")));
        }
        Ok(())
    }

    pub fn set_thread_num(&self, decode: i32, process: i32, encode: i32) -> Result<(), BridgeError> {
        self.call("setThreadNum", |m| m.call_method1("setThreadNum", (decode, process, encode)).map(drop))
    }

    /// `initSet(gpuId, cpuNum)`; `None` selects CPU mode (-1).
    pub fn init_set(&self, gpu_id: Option<i32>, cpu_threads: i32) -> Result<i32, BridgeError> {
        if let Some(id) = gpu_id {
            self.check_gpu_id(id)?;
        }
        let id = gpu_id.unwrap_or(-1);
        let _signals = SignalDispositions::save();
        self.call("initSet", |m| m.call_method1("initSet", (id, cpu_threads))?.extract())
    }

    /// `setModelPath(dir)`: every family's weights are then read from `dir/<family>/`.
    pub fn set_model_path(&self, dir: &Path) -> Result<(), BridgeError> {
        let dir = dir.to_str().ok_or_else(|| BridgeError::Refused(format!("{} is not UTF-8", dir.display())))?;
        self.call("setModelPath", |m| m.call_method1("setModelPath", (dir,)).map(drop))
    }

    pub fn set_webp_quality(&self, quality: u8) -> Result<(), BridgeError> {
        let quality = quality.clamp(1, 100) as i32;
        self.call("setWebpQuality", |m| m.call_method1("setWebpQuality", (quality,)).map(drop))
    }

    /// `add(...)`: returns sr_vulkan's internal task id (> 0), or the library's error text.
    pub fn add(&self, job: &Job<'_>) -> Result<Result<i64, String>, BridgeError> {
        if self.is_stopped() {
            return Err(BridgeError::Refused("sr_vulkan was stopped; jobs would never complete".into()));
        }
        if job.model_index < 0 || job.model_index >= self.model_count {
            return Err(BridgeError::Refused(format!("model index {} is out of range", job.model_index)));
        }
        if job.tile_size < 0 {
            return Err(BridgeError::Refused(format!("tile size {} is negative", job.tile_size)));
        }
        attach(|py| {
            let module = self.module.bind(py);
            let data = PyBytes::new(py, job.data);
            let format = job.format.as_str();
            let task_id: i64 = match job.size {
                OutputSize::Scale(scale) => {
                    let args = (data, job.model_index, job.back_id, scale, format, job.tile_size);
                    module.call_method1("add", args)
                }
                OutputSize::Exact { width, height } => {
                    let args = (data, job.model_index, job.back_id, width, height, format, job.tile_size);
                    module.call_method1("add", args)
                }
            }
            .and_then(|v| v.extract())
            .map_err(|e| call_error("add")(py, e))?;
            if task_id > 0 {
                Ok(Ok(task_id))
            } else {
                Ok(Err(last_error_of(module)))
            }
        })
    }

    /// Blocks in `load(0)` (GIL released while waiting) until a job finishes or `stop()` runs.
    /// `None` means the session stopped.
    pub fn wait_result(&self) -> Result<Option<JobResult>, BridgeError> {
        count_call();
        Python::attach(|py| {
            let module = self.module.bind(py);
            let result = module.call_method1("load", (0,)).map_err(|e| call_error("load")(py, e))?;
            // The wait above ran without the GIL; only taking the result holds it.
            let _gil = tracing::trace_span!("gil").entered();
            if result.is_none() {
                return Ok(None);
            }
            let tuple = result.cast::<PyTuple>().map_err(|e| call_error("load")(py, e.into()))?;
            let back_id: i32 = tuple.get_item(2).and_then(|v| v.extract()).map_err(|e| call_error("load")(py, e))?;
            let payload = tuple.get_item(0).map_err(|e| call_error("load")(py, e))?;
            if let Ok(bytes) = payload.cast::<PyBytes>() {
                return Ok(Some(JobResult { back_id, data: Some(bytes.as_bytes().to_vec()), error: None }));
            }
            Ok(Some(JobResult { back_id, data: None, error: Some(last_error_of(module)) }))
        })
    }

    /// `stop()`: final for the process, and idempotent here. Wakes a thread blocked in `wait_result`.
    pub fn stop(&self) -> Result<(), BridgeError> {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.call("stop", |m| m.call_method0("stop").map(drop))
    }

    pub fn last_error(&self) -> String {
        attach(|py| last_error_of(self.module.bind(py)))
    }
}

/// `initSet` installs its own SIGINT handler, which swallows Ctrl-C. This puts back
/// whatever SIGINT and SIGTERM did before, when dropped.
struct SignalDispositions([(libc::c_int, libc::sigaction); 2]);

impl SignalDispositions {
    fn save() -> Self {
        // SAFETY: sigaction with a null new action only reads the current one.
        SignalDispositions([libc::SIGINT, libc::SIGTERM].map(|signal| unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut old);
            (signal, old)
        }))
    }
}

impl Drop for SignalDispositions {
    fn drop(&mut self) {
        for (signal, old) in &self.0 {
            // SAFETY: restores a disposition previously read from the kernel.
            unsafe { libc::sigaction(*signal, old, std::ptr::null_mut()) };
        }
    }
}

fn last_error_of(module: &Bound<'_, PyModule>) -> String {
    module
        .call_method0("getLastError")
        .and_then(|v| v.extract::<String>())
        .unwrap_or_else(|e| format!("getLastError failed: {e}"))
}

fn model_constants_of(module: &Bound<'_, PyModule>) -> Result<Vec<(String, i32)>, BridgeError> {
    let py = module.py();
    let names = module.dir().map_err(|e| call_error("__dir__")(py, e))?;
    let mut constants = Vec::new();
    for name in names.iter() {
        let Ok(name) = name.extract::<String>() else { continue };
        if let Some(stripped) = name.strip_prefix("MODEL_") {
            if let Ok(index) = module.getattr(name.as_str()).and_then(|v| v.extract::<i32>()) {
                constants.push((stripped.to_owned(), index));
            }
        }
    }
    constants.sort_by_key(|(_, index)| *index);
    Ok(constants)
}

/// Where each top-level Python package would be imported from (its folder), or `None` when it
/// cannot be, without importing it (one GIL hold).
pub fn installed_packages(packages: &[String]) -> Vec<(String, Option<PathBuf>)> {
    attach(|py| {
        let find_spec = py.import("importlib.util").and_then(|util| util.getattr("find_spec"));
        packages
            .iter()
            .map(|package| {
                let folder = find_spec
                    .as_ref()
                    .ok()
                    .and_then(|find| find.call1((package.as_str(),)).ok())
                    .filter(|spec| !spec.is_none())
                    .and_then(|spec| spec.getattr("submodule_search_locations").ok())
                    .and_then(|locations| locations.get_item(0).ok())
                    .and_then(|folder| folder.extract::<PathBuf>().ok());
                (package.clone(), folder)
            })
            .collect()
    })
}
