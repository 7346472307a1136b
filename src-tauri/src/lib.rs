//! SRView's desktop app: a thin Tauri layer over `srview-core`.

mod commands;
mod error;
mod gallery;
#[cfg(feature = "ipc-bench")]
mod ipc_bench;
mod protocol;
mod state;

use std::path::PathBuf;

use srview_core::{DeviceChoice, EngineConfig};
use tauri::{Manager, RunEvent, Runtime};

pub use error::AppError;
pub use state::SrVulkanManagerState;

/// Where the TypeScript bindings are checked in, relative to `src-tauri/`.
pub const BINDINGS_PATH: &str = "../src/bindings.ts";

/// The commands, for Tauri and for the TypeScript bindings.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            commands::init_sr_vulkan_manager,
            commands::check_sr_vulkan_availability,
            commands::get_sr_vulkan_gpu_info,
            commands::upscale_image_sr_vulkan,
            commands::get_sr_vulkan_cache_stats,
            commands::cleanup_sr_vulkan_cache,
            commands::clear_sr_vulkan_cache,
            commands::cap_sr_vulkan_cache,
            commands::get_engine_report,
            commands::list_models,
            commands::upscale_to_url,
            commands::cancel_upscale,
            commands::open_location,
            commands::initial_location,
        ])
        .dangerously_cast_bigints_to_number()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default()
        .header("// Generated from the Rust commands by `cargo test -p srview-app --test bindings`. Do not edit.");
    specta_builder::<tauri::Wry>().export(typescript, path).map_err(|e| e.to_string())
}

/// The app's identifier, as in `tauri.conf.json`; it names the cache folder.
const IDENTIFIER: &str = "dev.srview.app";

/// How the app is started: from the command line, or by a test.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub engine: EngineConfig,
    /// The default cache root (`init_sr_vulkan_manager("")` returns to it).
    pub cache_root: PathBuf,
    /// `srview-app PATH`: a file or folder to open.
    pub initial_location: Option<PathBuf>,
}

impl AppOptions {
    /// `srview-app [--gpu auto|cpu|ID] [PATH]`; `$SRVIEW_CACHE_DIR` moves the default cache.
    pub fn from_args(args: impl Iterator<Item = String>) -> Self {
        let cache_root = std::env::var_os("SRVIEW_CACHE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join(IDENTIFIER).join("upscaled"));
        let mut options = AppOptions { engine: EngineConfig::default(), cache_root, initial_location: None };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--gpu" => {
                    options.engine.device = match args.next().as_deref() {
                        Some("cpu" | "-1") => DeviceChoice::Cpu,
                        Some(id) => id.parse().map(DeviceChoice::Gpu).unwrap_or(DeviceChoice::Auto),
                        None => DeviceChoice::Auto,
                    }
                }
                _ if arg.starts_with("--") => {}
                _ => options.initial_location = Some(PathBuf::from(arg)),
            }
        }
        options
    }
}

/// Installs state, commands and the `srimg:` protocol on a builder (also the mock one in tests).
pub fn build<R: Runtime>(builder: tauri::Builder<R>, options: AppOptions) -> Result<tauri::Builder<R>, AppError> {
    let specta = specta_builder::<R>();
    let state = SrVulkanManagerState::new(options.engine, options.cache_root, options.initial_location)?;
    let commands = specta.invoke_handler();
    #[cfg(feature = "ipc-bench")]
    let commands = {
        let bench: fn(tauri::ipc::Invoke<R>) -> bool =
            tauri::generate_handler![ipc_bench::bench_bytes_raw, ipc_bench::bench_bytes_json];
        move |invoke: tauri::ipc::Invoke<R>| {
            if invoke.message.command().starts_with("bench_") {
                bench(invoke)
            } else {
                commands(invoke)
            }
        }
    };
    Ok(builder
        .manage(state)
        .invoke_handler(commands)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .setup(|app| {
            // The window shows at once; the engine starts in the background.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<SrVulkanManagerState>().engine().await;
            });
            Ok(())
        }))
}

/// Stops sr_vulkan when the app exits; Ctrl-C and SIGTERM exit the app the same way.
fn exit_cleanly<R: Runtime>(app: &tauri::AppHandle<R>, event: RunEvent) {
    match event {
        RunEvent::Ready => {
            let handle = app.clone();
            tauri::async_runtime::spawn(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
                else {
                    return;
                };
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                handle.exit(130);
            });
        }
        RunEvent::Exit => {
            if let Some(state) = app.try_state::<SrVulkanManagerState>() {
                state.shutdown();
            }
        }
        _ => {}
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("SRVIEW_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let options = AppOptions::from_args(std::env::args().skip(1));
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::default().build());
    let app = build(builder, options)
        .expect("opening the cache folder")
        .build(tauri::generate_context!())
        .expect("building the SRView app");
    app.run(exit_cleanly);
}
