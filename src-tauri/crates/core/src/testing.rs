//! Fault injection for tests: the one place a fake is allowed. It changes what sr_vulkan
//! returned for chosen jobs, to exercise recovery paths that real hardware hits (a GPU running
//! out of memory returns nothing) but CPU mode never does. Compiled into every build, so the
//! tests run the binaries that ship, and inert until a test installs a fault: nothing outside
//! Rust code can reach it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::sync::lock;

/// What to do to a job's result, chosen by the job's input size.
pub type ResultFault = Box<dyn FnMut((u32, u32)) -> Option<Fault> + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The job returns no bytes.
    Empty,
}

static RESULT_FAULT: Mutex<Option<ResultFault>> = Mutex::new(None);

/// Installs (or with `None`, removes) the fault applied to every job result.
pub fn set_result_fault(fault: Option<ResultFault>) {
    *lock(&RESULT_FAULT) = fault;
}

pub(crate) fn apply_result_fault(input_size: (u32, u32), data: &mut Option<Vec<u8>>) {
    let mut fault = lock(&RESULT_FAULT);
    if let Some(choose) = fault.as_mut() {
        if let Some(Fault::Empty) = choose(input_size) {
            *data = Some(Vec::new());
        }
    }
}

static LOADER_FAULT: Mutex<Option<String>> = Mutex::new(None);

/// Makes the loader thread fail, with `cause`, when the next result arrives.
pub fn fail_loader_with(cause: &str) {
    *lock(&LOADER_FAULT) = Some(cause.to_owned());
}

pub(crate) fn take_loader_fault() -> Option<String> {
    lock(&LOADER_FAULT).take()
}

/// One job start, in the order sr_vulkan received them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobStart {
    pub input_size: (u32, u32),
    /// For a tile: where its own part of the page starts.
    pub tile_at: Option<(u32, u32)>,
    /// 0 = interactive, 1 = background, 2 = batch, 3 = idle (speed probes).
    pub urgency: u8,
}

static RECORDING: AtomicBool = AtomicBool::new(false);
static STARTS: Mutex<Vec<JobStart>> = Mutex::new(Vec::new());

pub(crate) fn record_start(input_size: (u32, u32), tile_at: Option<(u32, u32)>, urgency: u8) {
    if RECORDING.load(Ordering::Relaxed) {
        lock(&STARTS).push(JobStart { input_size, tile_at, urgency });
    }
}

/// Starts recording job starts, from none.
pub fn record_job_starts() {
    lock(&STARTS).clear();
    RECORDING.store(true, Ordering::Relaxed);
}

/// Every job start since `record_job_starts`.
pub fn job_starts() -> Vec<JobStart> {
    lock(&STARTS).clone()
}
