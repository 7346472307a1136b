//! The one sr_vulkan session of the process: started once (Python, the model catalogue, the
//! device), then fed by the scheduler through its worker threads.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use srview_python::SrVulkan;

use crate::engine::device::{self, DeviceChoice, DeviceReport, StartupClock};
use crate::engine::model_packages;
use crate::engine::scheduler::Scheduler;
use crate::engine::stats::process_memory;
use crate::engine::vulkan_memory::{self, DeviceMemory};
use crate::error::{Result, SrError};
use crate::models::catalogue::Catalogue;
use crate::models::custom::CustomJob;
use crate::sync::lock;
use crate::venv::locate_venv;

pub(crate) struct Session {
    pub(super) sr: &'static SrVulkan,
    /// Every Vulkan device's heaps, read on first use.
    memory: OnceLock<std::result::Result<Vec<DeviceMemory>, String>>,
    pub report: DeviceReport,
    pub catalogue: Catalogue,
    pub scheduler: Arc<Scheduler>,
    /// The thread that hands jobs to sr_vulkan, the only one that calls `setWebpQuality` and
    /// `add` (the quality is global and captured at `add`).
    pub(super) submitter: Mutex<Option<JoinHandle<()>>>,
    pub(super) loader: Mutex<Option<JoinHandle<()>>>,
    /// Hands custom-model jobs to their thread.
    pub(super) custom_jobs: Mutex<Option<std::sync::mpsc::Sender<(i32, CustomJob)>>>,
    pub(super) shut_down: AtomicBool,
}

static SESSION: OnceLock<Arc<Session>> = OnceLock::new();
static START_LOCK: Mutex<()> = Mutex::new(());

/// Returns the process's session, starting it on first call. Blocking: run it off UI and
/// async threads. Later calls get the same session whatever they ask for, unless they
/// ask for another device, which needs a restart.
pub(crate) fn session(venv: Option<PathBuf>, device: DeviceChoice) -> Result<Arc<Session>> {
    let _guard = lock(&START_LOCK);
    if let Some(existing) = SESSION.get() {
        existing.check_device(device)?;
        return Ok(existing.clone());
    }
    let session = Arc::new(Session::start(venv, device)?);
    let _ = SESSION.set(session.clone());
    // At exit the bridge runs this before it stops sr_vulkan: refuse new work, drain, stop.
    srview_python::set_exit_hook(shutdown_at_exit);
    session.spawn_submitter();
    session.spawn_loader();
    session.spawn_custom_worker();
    Ok(session)
}

fn shutdown_at_exit() {
    if let Some(session) = SESSION.get() {
        session.shutdown();
    }
    model_packages::remove_links();
}

impl Session {
    fn start(venv: Option<PathBuf>, device: DeviceChoice) -> Result<Self> {
        let mut clock = StartupClock::new();
        let resident_before = process_memory().0;
        let venv = locate_venv(venv)?;
        let (sr, python_version) = start_python(&venv, &mut clock)?;
        let version = sr.version()?;
        let catalogue = model_packages::catalogue(sr)?;
        clock.step("model catalogue");
        let vulkan_ok = sr.init()? == 0;
        clock.step("init");
        let (gpus, cpu_cores) = device::find_devices(sr, vulkan_ok)?;
        clock.step("devices");
        let (active_gpu, fallback_reason) = device::choose(device, &gpus)?;
        let (process_threads, cpu_threads) = init_set(sr, active_gpu, cpu_cores)?;
        clock.step("initSet");
        // On a GPU the automatic tile size needs the device's memory budget now.
        let memory = OnceLock::new();
        let gpu_memory_mb = active_gpu.and_then(|id| {
            let devices = memory.get_or_init(vulkan_memory::query);
            let name = &gpus[id as usize].name;
            devices.as_ref().ok().and_then(|d| d.iter().find(|m| m.name == *name)).and_then(|m| m.available_mb())
        });
        if active_gpu.is_some() {
            clock.step("Vulkan memory");
        }
        let device_name = match active_gpu {
            Some(id) => gpus[id as usize].name.clone(),
            None => "cpu".to_owned(),
        };
        let scheduler = Arc::new(Scheduler::new(active_gpu.is_none()));
        let report = DeviceReport {
            gpus,
            active_gpu,
            device_name,
            cpu_mode: active_gpu.is_none(),
            fallback_reason,
            cpu_cores,
            cpu_threads,
            process_threads,
            pipeline_depth: scheduler.pipeline_depth() as u32,
            gpu_memory_mb,
            startup: clock.steps,
            memory_added_bytes: process_memory().0.saturating_sub(resident_before),
            sr_vulkan_version: version,
            python_version,
            venv: venv.display().to_string(),
        };
        tracing::info!(device = %report.device_name, version = %report.sr_vulkan_version, elapsed_ms = clock.started.elapsed().as_millis() as u64, "sr_vulkan session started");
        Ok(Session {
            sr,
            memory,
            report,
            catalogue,
            scheduler,
            submitter: Mutex::new(None),
            loader: Mutex::new(None),
            custom_jobs: Mutex::new(None),
            shut_down: AtomicBool::new(false),
        })
    }

    /// Every Vulkan device's memory heaps (read once, on first use; blocking).
    pub(crate) fn device_memory(&self) -> std::result::Result<Vec<DeviceMemory>, String> {
        self.memory.get_or_init(vulkan_memory::query).clone()
    }

    fn check_device(&self, device: DeviceChoice) -> Result<()> {
        let matches = match device {
            DeviceChoice::Auto => true,
            DeviceChoice::Cpu => self.report.cpu_mode,
            DeviceChoice::Gpu(id) => self.report.active_gpu == Some(id),
        };
        if matches {
            Ok(())
        } else {
            Err(SrError::InvalidOption(format!(
                "this process already runs sr_vulkan on {}; the device is a restart setting",
                self.report.device_name
            )))
        }
    }
}

/// Starts Python in `venv` (with the user's own packages) and imports sr_vulkan; returns it
/// and Python's version.
fn start_python(venv: &std::path::Path, clock: &mut StartupClock) -> Result<(&'static SrVulkan, String)> {
    let user_packages: Vec<PathBuf> = crate::user_dirs::user_packages_dir().into_iter().collect();
    let python = srview_python::start_interpreter(venv, &user_packages)?;
    clock.step("start Python");
    let sr = srview_python::sr_vulkan()?;
    clock.step("import sr_vulkan");
    if sr.is_stopped() {
        return Err(SrError::EngineUnavailable("sr_vulkan was stopped in this process; restart SRView".into()));
    }
    Ok((sr, python.version))
}

/// Sets sr_vulkan's threads and device; returns (process threads, CPU threads).
fn init_set(sr: &SrVulkan, active_gpu: Option<i32>, cpu_cores: i32) -> Result<(i32, i32)> {
    // Measured on 2 cores: (1, 2, 1) nearly halves the time per image with a queue,
    // and `cpuNum` = all cores beats the default of half.
    let process_threads = 2;
    sr.set_thread_num(1, process_threads, 1)?;
    let cpu_threads = cpu_cores;
    if sr.init_set(active_gpu, cpu_threads)? != 0 {
        return Err(SrError::EngineUnavailable(format!("initSet failed: {}", sr.last_error())));
    }
    Ok((process_threads, cpu_threads))
}
