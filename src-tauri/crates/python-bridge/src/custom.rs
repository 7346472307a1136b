//! Custom upscalers: ONNX models (onnxruntime) and Python plugins, run by `custom_runtime.py`.
//!
//! Pixels cross as numpy arrays: the Rust buffer is moved into an `ndarray` that numpy wraps
//! without copying, and the result is read through a read-only view, checked for dtype, shape,
//! channels and layout, and copied out once. A call that runs past its time limit is
//! interrupted with a `TimeoutError` raised inside it (between Python bytecodes).

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use numpy::ndarray::Array3;
use numpy::{PyArray3, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::{attach, describe, BridgeError};

const RUNTIME_SOURCE: &str = include_str!("custom_runtime.py");

static RUNTIME: OnceLock<Py<PyModule>> = OnceLock::new();

fn runtime(py: Python<'_>) -> Result<&Bound<'_, PyModule>, BridgeError> {
    if RUNTIME.get().is_none() {
        let code = CString::new(RUNTIME_SOURCE).expect("the runtime has no NUL byte");
        let module = PyModule::from_code(py, &code, c"srview_custom_runtime.py", c"srview_custom_runtime")
            .map_err(|e| BridgeError::Import { module: "numpy".into(), traceback: describe(py, &e) })?;
        let _ = RUNTIME.set(module.unbind());
    }
    Ok(RUNTIME.get().expect("set above").bind(py))
}

/// What kind of custom upscaler a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomKind {
    Onnx,
    Plugin,
}

/// What loading a model found out about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomDescription {
    pub kind: CustomKind,
    /// The scales it can run at: an ONNX model's one measured scale, or a plugin's `SCALES`.
    pub scales: Vec<u32>,
    /// onnxruntime's execution provider (`CPUExecutionProvider`, `CUDAExecutionProvider`) or `python`.
    pub provider: String,
    /// A plugin's `NAME`.
    pub name: Option<String>,
    /// `0-1` for float inputs, `0-255` for uint8 ones.
    pub value_range: String,
    pub channels_last: bool,
    /// A model that only takes one input size (height, width).
    pub fixed_size: Option<(u32, u32)>,
}

/// A loaded model or plugin, ready to run.
pub struct CustomModel {
    handle: Py<PyAny>,
    pub description: CustomDescription,
}

/// The installed onnxruntime's version, or `None` when it is not installed. Read from the name
/// of its `.dist-info` folder beside the package, without importing it or `importlib.metadata`
/// (about 60 ms, more than the engine's whole start).
pub fn onnxruntime_version() -> Result<Option<String>, BridgeError> {
    let location: Option<String> = attach(|py| {
        let spec = py.import("importlib.util").and_then(|util| util.call_method1("find_spec", ("onnxruntime",)));
        let folder = |spec: Bound<'_, PyAny>| -> PyResult<Option<String>> {
            if spec.is_none() {
                return Ok(None);
            }
            let locations: Option<Vec<String>> = spec.getattr("submodule_search_locations")?.extract()?;
            Ok(locations.and_then(|l| l.into_iter().next()))
        };
        spec.and_then(folder)
            .map_err(|e| BridgeError::Custom { function: "importlib.util.find_spec", traceback: describe(py, &e) })
    })?;
    let Some(site) = location.as_deref().and_then(|folder| Path::new(folder).parent()) else { return Ok(None) };
    let version = std::fs::read_dir(site).ok().and_then(|entries| {
        entries.flatten().find_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            Some(name.strip_prefix("onnxruntime-")?.strip_suffix(".dist-info")?.to_owned())
        })
    });
    Ok(Some(version.unwrap_or_else(|| "(version unknown)".into())))
}

/// Converts a Python exception from the runtime into the bridge's error.
fn classify(py: Python<'_>, runtime: &Bound<'_, PyModule>, err: PyErr, function: &'static str) -> BridgeError {
    let is =
        |name: &str| runtime.getattr(name).is_ok_and(|class| err.get_type(py).is_subclass(&class).unwrap_or(false));
    let message = err.value(py).to_string();
    if is("ModelError") {
        BridgeError::ModelRefused(message)
    } else if is("OutOfMemory") {
        BridgeError::OutOfMemory(message)
    } else {
        BridgeError::Custom { function, traceback: describe(py, &err) }
    }
}

/// Loads an `.onnx` model or imports a `.py` plugin. `module_name` names the plugin's module.
pub fn load_custom(path: &Path, module_name: &str) -> Result<CustomModel, BridgeError> {
    attach(|py| {
        let runtime = runtime(py)?;
        let path = path.to_str().ok_or_else(|| BridgeError::ModelRefused("its path is not UTF-8".into()))?;
        let handle = runtime.call_method1("load", (path, module_name)).map_err(|e| classify(py, runtime, e, "load"))?;
        let described = handle.call_method0("describe").map_err(|e| classify(py, runtime, e, "describe"))?;
        let field = |name: &str| described.get_item(name);
        let read = || -> PyResult<CustomDescription> {
            let kind: String = field("kind")?.extract()?;
            let fixed: Option<(u32, u32)> = field("fixed_size")?.extract()?;
            Ok(CustomDescription {
                kind: if kind == "onnx" { CustomKind::Onnx } else { CustomKind::Plugin },
                scales: field("scales")?.extract()?,
                provider: field("provider")?.extract()?,
                name: field("name")?.extract()?,
                value_range: field("value_range")?.extract()?,
                channels_last: field("channels_last")?.extract()?,
                fixed_size: fixed,
            })
        };
        let description = read().map_err(|e| classify(py, runtime, e, "describe"))?;
        Ok(CustomModel { handle: handle.unbind(), description })
    })
}

/// The Python call in progress on the custom worker, for the watchdog (0: none).
static ACTIVE_CALL: AtomicU64 = AtomicU64::new(0);
static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// Raises `TimeoutError` in `thread` if call `serial` is still running after `limit`.
fn watchdog(serial: u64, thread: libc::c_long, limit: Duration) -> mpsc::Sender<()> {
    let (finished, wait) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("custom-watchdog".into())
        .spawn(move || {
            if wait.recv_timeout(limit) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            Python::attach(|_py| {
                if ACTIVE_CALL.load(Ordering::SeqCst) == serial {
                    tracing::warn!(
                        limit_s = limit.as_secs_f64(),
                        "a custom upscaler ran past its limit; interrupting it"
                    );
                    // SAFETY: called with the GIL held, on a thread id taken from pthread_self.
                    unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(thread, pyo3::ffi::PyExc_TimeoutError) };
                }
            });
        })
        .expect("spawning the custom upscaler's watchdog");
    finished
}

/// An upscaled image as it came back: RGB, `width`×`height`.
#[derive(Debug)]
pub struct Upscaled {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Time spent building the input array and reading the output back, for the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossingTimes {
    pub array_in: Duration,
    pub view_out: Duration,
}

impl CustomModel {
    /// Runs the model on an RGB image (`width`×`height`×3 bytes) at `scale`. Interrupted with
    /// `TimedOut` when it runs past `limit`.
    pub fn upscale(
        &self,
        rgb: Vec<u8>,
        width: u32,
        height: u32,
        scale: u32,
        limit: Duration,
    ) -> Result<(Upscaled, CrossingTimes), BridgeError> {
        let serial = NEXT_CALL.fetch_add(1, Ordering::SeqCst);
        // SAFETY: pthread_self is always safe; CPython's thread ids are pthread_t values.
        let thread = unsafe { libc::pthread_self() } as libc::c_long;
        let started = Instant::now();
        let finished = watchdog(serial, thread, limit);
        let result = attach(|py| {
            let runtime = runtime(py)?;
            let mut times = CrossingTimes::default();
            let built = Instant::now();
            let array = rgb_array(py, rgb, width, height)?;
            times.array_in = built.elapsed();
            ACTIVE_CALL.store(serial, Ordering::SeqCst);
            let returned = self.handle.bind(py).call_method1("upscale", (array, scale));
            ACTIVE_CALL.store(0, Ordering::SeqCst);
            // A TimeoutError raised after the call returned would hit the next Python code.
            // SAFETY: GIL held; a null exception clears a pending one for this thread.
            unsafe { pyo3::ffi::PyThreadState_SetAsyncExc(thread, std::ptr::null_mut()) };
            let returned = match returned {
                Ok(value) => value,
                Err(err)
                    if err.is_instance_of::<pyo3::exceptions::PyTimeoutError>(py) && started.elapsed() >= limit =>
                {
                    return Err(BridgeError::TimedOut { seconds: limit.as_secs_f64() });
                }
                Err(err) => return Err(classify(py, runtime, err, "upscale")),
            };
            let viewed = Instant::now();
            let upscaled = read_image(&returned, width * scale, height * scale)?;
            times.view_out = viewed.elapsed();
            Ok((upscaled, times))
        });
        drop(finished);
        result
    }
}

/// An H×W×3 `uint8` numpy array that takes over the Rust buffer, without copying it.
fn rgb_array(py: Python<'_>, rgb: Vec<u8>, width: u32, height: u32) -> Result<Bound<'_, PyArray3<u8>>, BridgeError> {
    let array = Array3::from_shape_vec((height as usize, width as usize, 3), rgb)
        .map_err(|e| BridgeError::Refused(format!("the image buffer does not match {width}×{height}: {e}")))?;
    Ok(PyArray3::from_owned_array(py, array))
}

/// Checks what a model returned and copies its pixels out once.
fn read_image(value: &Bound<'_, PyAny>, width: u32, height: u32) -> Result<Upscaled, BridgeError> {
    let expected = format!("a {height}×{width}×3 uint8 numpy array");
    let bad = |what: String| BridgeError::BadOutput(format!("it returned {what}; expected {expected}"));
    if value.is_none() {
        return Err(bad("None".into()));
    }
    let Ok(untyped) = value.cast::<PyUntypedArray>() else {
        let type_name = value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "an object".into());
        return Err(bad(format!("a {type_name}")));
    };
    let dtype = untyped.dtype().str().map(|s| s.to_string()).unwrap_or_default();
    let shape = untyped.shape().to_vec();
    let Ok(array) = value.cast::<PyArray3<u8>>() else {
        return Err(bad(format!("an array of {dtype} with shape {shape:?}")));
    };
    let channels = shape[2];
    if shape[0] != height as usize || shape[1] != width as usize || !(channels == 3 || channels == 4) {
        return Err(bad(format!("an array of shape {shape:?}")));
    }
    let view = array.readonly();
    // `as_slice` also accepts Fortran order, so only a standard (C-order) layout is copied flat.
    let standard = view.as_array().is_standard_layout();
    let rgb = match (channels, view.as_slice()) {
        (3, Ok(contiguous)) if standard => contiguous.to_vec(),
        _ => view
            .as_array()
            .outer_iter()
            .flat_map(|row| row.outer_iter().flat_map(|px| [px[0], px[1], px[2]]).collect::<Vec<_>>())
            .collect(),
    };
    Ok(Upscaled { rgb, width, height })
}

/// Builds a numpy array over a Rust buffer, passes it through a Python identity function and
/// copies it back out: the bare cost of the crossing, for the benchmark.
pub fn crossing_roundtrip(rgb: Vec<u8>, width: u32, height: u32) -> Result<CrossingTimes, BridgeError> {
    attach(|py| {
        let runtime = runtime(py)?;
        let mut times = CrossingTimes::default();
        let built = Instant::now();
        let array = rgb_array(py, rgb, width, height)?;
        times.array_in = built.elapsed();
        let returned = runtime
            .getattr("np")
            .and_then(|np| np.call_method1("asarray", (array,)))
            .map_err(|e| classify(py, runtime, e, "asarray"))?;
        let viewed = Instant::now();
        read_image(&returned, width, height)?;
        times.view_out = viewed.elapsed();
        Ok(times)
    })
}
