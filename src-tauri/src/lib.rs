//! SRView's desktop app: a thin Tauri layer over `srview-core`.

mod commands;
mod error;
mod export;
mod gallery;
#[cfg(feature = "ipc-bench")]
mod ipc_bench;
mod protocol;
mod state;

use std::path::PathBuf;

use srview_core::EngineConfig;
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
            commands::save_page_as,
            commands::get_sr_vulkan_cache_stats,
            commands::cleanup_sr_vulkan_cache,
            commands::clear_sr_vulkan_cache,
            commands::cap_sr_vulkan_cache,
            commands::get_engine_report,
            commands::get_device_memory,
            commands::watch_engine_stats,
            commands::unwatch_engine_stats,
            commands::list_models,
            commands::set_models_dir,
            commands::upscale_to_url,
            commands::cancel_upscale,
            commands::open_location,
            commands::page_info,
            commands::choose_export_folder,
            commands::export_destination,
            commands::start_export,
            commands::cancel_export,
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

/// Logging, kept so the trace file (`SRVIEW_TRACE`) is completed at exit.
static LOGGING: std::sync::OnceLock<srview_core::logging::Logging> = std::sync::OnceLock::new();

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
    /// `srview-app [--gpu auto|cpu|-1|ID] [PATH]`; `$SRVIEW_CACHE_DIR` moves the default cache.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let cache_root = std::env::var_os("SRVIEW_CACHE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join(IDENTIFIER).join("upscaled"));
        let mut options = AppOptions { engine: EngineConfig::default(), cache_root, initial_location: None };
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--gpu" => {
                    let value = args.next().ok_or("--gpu needs a value: auto, cpu, -1 or a GPU id")?;
                    options.engine.device = value.parse().map_err(|e: srview_core::SrError| format!("--gpu: {e}"))?;
                }
                _ if arg.starts_with("--") => {
                    return Err(format!("unknown option {arg}; usage: srview-app [--gpu auto|cpu|ID] [PATH]"))
                }
                _ => options.initial_location = Some(PathBuf::from(arg)),
            }
        }
        Ok(options)
    }
}

/// Installs state, commands and the `srimg:` protocol on a builder (also the mock one in tests).
pub fn build<R: Runtime>(builder: tauri::Builder<R>, options: AppOptions) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    let state = SrVulkanManagerState::new(options.engine, options.cache_root, options.initial_location);
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
    builder
        .manage(state)
        .invoke_handler(commands)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .setup(|app| {
            // The window shows at once; the engine starts in the background.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<SrVulkanManagerState>().engine_only().await;
            });
            Ok(())
        })
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
                for round in 0..2 {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                    if round == 0 {
                        tracing::info!("interrupted; stopping after the running tile (again to leave at once)");
                        handle.exit(130);
                    } else {
                        tracing::warn!("interrupted again; leaving at once (drain skipped)");
                        // SAFETY: ends the process now; the static destructors that hang
                        // without sr_vulkan's stop() are skipped with everything else.
                        unsafe { libc::_exit(130) };
                    }
                }
            });
        }
        RunEvent::Exit => {
            if let Some(state) = app.try_state::<SrVulkanManagerState>() {
                state.shutdown();
            }
            if let Some(logging) = LOGGING.get() {
                logging.finish();
            }
        }
        _ => {}
    }
}

pub fn run() -> std::process::ExitCode {
    let options = match AppOptions::from_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("srview-app: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    // Native code (sr_vulkan, ncnn, WebKitGTK) writes to fds 1 and 2; that becomes debug logs.
    let _ = LOGGING.set(srview_core::logging::init("srview-app", "info"));
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::default().build());
    let builder = build(builder, options).setup(|app| {
        use tauri_plugin_dialog::DialogExt;
        let handle = app.handle().clone();
        let ask = move |suggested: String, extension: &'static str| {
            let chosen = handle
                .dialog()
                .file()
                .set_file_name(suggested)
                .add_filter(extension.to_uppercase(), &[extension])
                .blocking_save_file()?;
            chosen.into_path().ok()
        };
        app.state::<SrVulkanManagerState>().set_save_dialog(std::sync::Arc::new(ask));
        let handle = app.handle().clone();
        let pick_folder = move || handle.dialog().file().blocking_pick_folder()?.into_path().ok();
        app.state::<SrVulkanManagerState>().set_folder_dialog(std::sync::Arc::new(pick_folder));
        Ok(())
    });
    let app = builder.build(tauri::generate_context!()).expect("building the SRView app");
    app.run(exit_cleanly);
    std::process::ExitCode::SUCCESS
}
