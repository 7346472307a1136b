//! The device sr_vulkan runs on: the choice, what was found, and how start-up went.

use std::time::Instant;

use serde::Serialize;
use srview_python::SrVulkan;

use crate::error::{Result, SrError};
use crate::models::options::RunningDevice;

/// Which device the session runs on. A restart setting: sr_vulkan's `initSet` works once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeviceChoice {
    /// The first hardware GPU, else CPU mode (software Vulkan is 5–14× slower than CPU).
    #[default]
    Auto,
    Cpu,
    Gpu(i32),
}

impl std::str::FromStr for DeviceChoice {
    type Err = SrError;
    /// `auto`, `cpu` or `-1`, or a GPU id.
    fn from_str(value: &str) -> Result<Self> {
        match value.trim() {
            "auto" => Ok(DeviceChoice::Auto),
            "cpu" | "-1" => Ok(DeviceChoice::Cpu),
            id => id
                .parse::<i32>()
                .ok()
                .filter(|id| *id >= 0)
                .map(DeviceChoice::Gpu)
                .ok_or_else(|| SrError::InvalidOption(format!("`{id}` is not auto, cpu, -1 or a GPU id"))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct GpuDevice {
    pub id: i32,
    pub name: String,
    /// llvmpipe, lavapipe or SwiftShader: Vulkan on the CPU.
    pub software: bool,
    pub cores: i32,
}

/// What the GPU info panel and `srview gpus` show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceReport {
    pub gpus: Vec<GpuDevice>,
    /// `None` in CPU mode.
    pub active_gpu: Option<i32>,
    /// "cpu" or the GPU's name; part of every cache key.
    pub device_name: String,
    pub cpu_mode: bool,
    /// Why CPU mode was chosen, in plain words, when it was not asked for.
    pub fallback_reason: Option<String>,
    pub cpu_cores: i32,
    pub cpu_threads: i32,
    pub process_threads: i32,
    /// Jobs handed to sr_vulkan at once.
    pub pipeline_depth: u32,
    /// Memory a job may use on the GPU in use (MB), which sets the automatic tile size.
    pub gpu_memory_mb: Option<u64>,
    /// Where start-up time went, in milliseconds per step.
    pub startup: Vec<StartupStep>,
    /// Resident memory that starting the engine added (Python, sr_vulkan, Vulkan), in bytes.
    pub memory_added_bytes: u64,
    pub sr_vulkan_version: String,
    pub python_version: String,
    pub venv: String,
}

impl DeviceReport {
    pub(crate) fn running(&self) -> RunningDevice<'_> {
        RunningDevice { active_gpu: self.active_gpu, name: &self.device_name, gpu_memory_mb: self.gpu_memory_mb }
    }
}

/// One step of starting the engine and how long it took.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StartupStep {
    pub step: String,
    pub ms: f64,
}

fn is_software_vulkan(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["llvmpipe", "lavapipe", "swiftshader", "softpipe"].iter().any(|s| name.contains(s))
}

fn describe_gpus(gpus: &[GpuDevice]) -> String {
    if gpus.is_empty() {
        return "none".into();
    }
    gpus.iter().map(|g| format!("{}: {}", g.id, g.name)).collect::<Vec<_>>().join(", ")
}

/// The Vulkan devices sr_vulkan found (none when Vulkan is missing) and the CPU's cores.
pub(super) fn find_devices(sr: &SrVulkan, vulkan_ok: bool) -> Result<(Vec<GpuDevice>, i32)> {
    let names = if vulkan_ok { sr.gpu_names()? } else { Vec::new() };
    let mut gpus = Vec::with_capacity(names.len());
    for (id, name) in names.into_iter().enumerate() {
        let id = id as i32;
        gpus.push(GpuDevice { id, software: is_software_vulkan(&name), cores: sr.gpu_core_count(id)?, name });
    }
    Ok((gpus, sr.cpu_core_count()?.max(1)))
}

/// The GPU to run on (`None`: CPU mode) and, when CPU mode was not asked for, why it was chosen.
pub(super) fn choose(device: DeviceChoice, gpus: &[GpuDevice]) -> Result<(Option<i32>, Option<String>)> {
    Ok(match device {
        DeviceChoice::Cpu => (None, None),
        DeviceChoice::Gpu(id) => {
            if !gpus.iter().any(|g| g.id == id) {
                return Err(SrError::InvalidOption(format!("GPU {id} does not exist; devices: {}", describe_gpus(gpus))));
            }
            (Some(id), None)
        }
        DeviceChoice::Auto => match gpus.iter().find(|g| !g.software) {
            Some(gpu) => (Some(gpu.id), None),
            None if gpus.is_empty() => (None, Some("no Vulkan GPU was found, so SRView runs on the CPU".to_owned())),
            None => (
                None,
                Some(format!(
                    "the only Vulkan device is software ({}), which is 5–14× slower than CPU mode, so SRView runs on the CPU",
                    gpus[0].name
                )),
            ),
        },
    })
}

/// Times the steps of start-up.
pub(super) struct StartupClock {
    pub started: Instant,
    lap: Instant,
    pub steps: Vec<StartupStep>,
}

impl StartupClock {
    pub fn new() -> Self {
        StartupClock { started: Instant::now(), lap: Instant::now(), steps: Vec::new() }
    }

    /// Ends the step `name`, begun when the last one ended.
    pub fn step(&mut self, name: &str) {
        self.steps
            .push(StartupStep { step: name.to_owned(), ms: (self.lap.elapsed().as_secs_f64() * 1e5).round() / 100.0 });
        self.lap = Instant::now();
    }
}
