//! sr_vulkan and ncnn write straight to file descriptors 1 and 2 (device banners such as
//! `[0 llvmpipe …] queueC=…`, libpng warnings, progress percentages). This moves those
//! descriptors onto a pipe whose lines become `tracing` events at debug level, and hands the
//! process's real stdout and stderr back for SRView's own messages.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

/// Which of the process's streams native code may no longer write to directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Captured {
    /// fd 2 only: a test harness still prints its results on fd 1.
    Stderr,
    /// fds 1 and 2: the CLI and the app.
    StdoutAndStderr,
}

/// The real stdout and stderr, for SRView's own output once native output is captured.
#[derive(Debug)]
pub struct OwnStdio {
    pub stdout: File,
    pub stderr: File,
}

static OWN: OnceLock<OwnStdio> = OnceLock::new();

fn dup_cloexec(fd: RawFd) -> std::io::Result<File> {
    // SAFETY: duplicating a descriptor this process owns; the new one is ours to own.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if new < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `new` is a fresh descriptor nobody else owns.
    Ok(unsafe { File::from_raw_fd(new) })
}

/// Captures native output (once per process; later calls return the first result).
/// Subscribers of `tracing` must write to the returned `stderr`, never to fd 2, or the
/// captured lines would come back to the pipe.
pub fn capture_native_output(which: Captured) -> std::io::Result<&'static OwnStdio> {
    if let Some(own) = OWN.get() {
        return Ok(own);
    }
    let own = OwnStdio { stdout: dup_cloexec(1)?, stderr: dup_cloexec(2)? };
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both ends are fresh descriptors owned here alone; they close on every return.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let targets: &[RawFd] = match which {
        Captured::Stderr => &[2],
        Captured::StdoutAndStderr => &[1, 2],
    };
    for (done, target) in targets.iter().enumerate() {
        // SAFETY: points fd 1 or 2 at the pipe; the old stream stays open in `own`.
        if unsafe { libc::dup2(write.as_raw_fd(), *target) } < 0 {
            let err = std::io::Error::last_os_error();
            restore(&own, &targets[..done]);
            return Err(err);
        }
    }
    // The pipe's write end lives on as fd 1/2; this copy closes.
    drop(write);
    let reader = File::from(read);
    if let Err(err) = std::thread::Builder::new().name("native-output".into()).spawn(move || forward(reader)) {
        restore(&own, targets);
        return Err(err);
    }
    Ok(OWN.get_or_init(|| own))
}

/// Points `targets` (fds 1 and 2) back at the real streams after a failed capture.
fn restore(own: &OwnStdio, targets: &[RawFd]) {
    for target in targets {
        let real = if *target == 1 { &own.stdout } else { &own.stderr };
        // SAFETY: both descriptors are open; dup2 only re-points `target`.
        unsafe { libc::dup2(real.as_raw_fd(), *target) };
    }
}

/// The real streams, if native output was captured.
pub fn own_stdio() -> Option<&'static OwnStdio> {
    OWN.get()
}

fn forward(reader: File) {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                // Progress lines redraw themselves with '\r'; each part is one line.
                for part in line.split(|b| *b == b'\n' || *b == b'\r') {
                    let text = String::from_utf8_lossy(part);
                    let text = text.trim();
                    if !text.is_empty() {
                        tracing::debug!(target: "sr_vulkan", "{text}");
                    }
                }
            }
        }
    }
}
