//! Logging for the CLI and the app: native output (sr_vulkan, ncnn) captured into `tracing`,
//! log lines on the real stderr, filtered by `SRVIEW_LOG`, and with `SRVIEW_TRACE=file.json` a
//! Chrome trace of the spans (requests, stages, the loader's waits, the GIL holds), which opens
//! in Perfetto or `chrome://tracing`.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use srview_python::{capture_native_output, Captured};

/// Keeps the trace file open; `finish` writes its end. Dropped without `finish`, the trace
/// is also completed.
pub struct Logging {
    /// The real stdout and stderr (fds 1 and 2 now carry native output to the log).
    pub stdout: Arc<File>,
    pub stderr: Arc<File>,
    trace: Mutex<Option<tracing_chrome::FlushGuard>>,
    pub trace_path: Option<PathBuf>,
}

impl Logging {
    /// Writes the rest of the trace file, if one is being recorded. Call before leaving: the
    /// exit path skips destructors (see the bridge's exit handler).
    pub fn finish(&self) {
        if let Some(guard) = crate::sync::lock(&self.trace).take() {
            drop(guard);
        }
    }
}

/// Log lines go to the real stderr, never to fd 2.
struct LogFile(Arc<File>);

impl Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&*self.0).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.0).flush()
    }
}

/// Sets up logging for a binary (once). `default_filter` applies when `SRVIEW_LOG` is unset.
pub fn init(program: &'static str, default_filter: &str) -> Logging {
    let (stdout, stderr) = match capture_native_output(Captured::StdoutAndStderr) {
        Ok(own) => (own.stdout.try_clone(), own.stderr.try_clone()),
        Err(_) => (File::options().write(true).open("/dev/stdout"), File::options().write(true).open("/dev/stderr")),
    };
    let stdout = Arc::new(stdout.expect("a stdout to write to"));
    let stderr = Arc::new(stderr.expect("a stderr to write to"));
    let ansi = stderr.is_terminal();
    let log_to = stderr.clone();
    let filter = EnvFilter::try_from_env("SRVIEW_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(ansi)
        .with_writer(move || LogFile(log_to.clone()))
        .with_filter(filter);
    let trace_path = std::env::var_os("SRVIEW_TRACE").filter(|p| !p.is_empty()).map(PathBuf::from);
    let (chrome, guard) = match &trace_path {
        Some(path) => {
            let (layer, guard) = tracing_chrome::ChromeLayerBuilder::new()
                .file(path)
                .include_args(true)
                .trace_style(tracing_chrome::TraceStyle::Async)
                .build();
            let spans = Targets::new()
                .with_target("srview_core", LevelFilter::DEBUG)
                .with_target("srview_python", LevelFilter::TRACE)
                .with_target("srview", LevelFilter::DEBUG)
                .with_target("srview_app", LevelFilter::DEBUG);
            (Some(layer.with_filter(spans)), Some(guard))
        }
        None => (None, None),
    };
    tracing_subscriber::registry().with(fmt).with(chrome).init();
    let panic_to = stderr.clone();
    std::panic::set_hook(Box::new(move |info| {
        let _ = writeln!(&*panic_to, "{program}: internal error: {info}");
    }));
    Logging { stdout, stderr, trace: Mutex::new(guard), trace_path }
}
