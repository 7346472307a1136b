//! Fault injection for tests (feature `testing`): the one place a fake is allowed. It changes
//! what sr_vulkan returned for chosen jobs, to exercise recovery paths that real hardware
//! hits (a GPU running out of memory returns nothing) but CPU mode never does.

use std::sync::Mutex;

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
    *RESULT_FAULT.lock().unwrap_or_else(|p| p.into_inner()) = fault;
}

pub(crate) fn apply_result_fault(input_size: (u32, u32), data: &mut Option<Vec<u8>>) {
    let mut fault = RESULT_FAULT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(choose) = fault.as_mut() {
        if let Some(Fault::Empty) = choose(input_size) {
            *data = Some(Vec::new());
        }
    }
}
