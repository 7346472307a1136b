//! SRView's desktop app: a thin Tauri layer over `srview-core`.

mod access;
#[macro_use]
mod command_list;
mod commands;
mod engine;
mod error;
mod export;
mod gallery;
#[cfg(feature = "ipc-bench")]
mod ipc_bench;
mod locale;
mod model_speeds;
mod opening;
mod protocol;
mod shelf;
mod tile_images;

use std::path::PathBuf;

use srview_core::EngineConfig;
use tauri::{Manager, RunEvent, Runtime};

pub use access::Access;
pub use engine::SrVulkanManagerState;
pub use error::AppError;
pub use export::Exports;
pub use gallery::Gallery;
pub use model_speeds::SpeedsWatch;

/// Where the TypeScript bindings are checked in, relative to `src-tauri/`.
pub const BINDINGS_PATH: &str = "../src/bindings.ts";

macro_rules! collect_app_commands {
    ($($command:ident),*) => {
        tauri_specta::collect_commands![$(commands::$command),*]
    };
}

macro_rules! command_names {
    ($($command:ident),*) => {
        &[$(stringify!($command)),*]
    };
}

/// The app's commands by name, from the one list (`command_list.rs`).
pub const COMMANDS: &[&str] = app_commands!(command_names);

/// The commands, for Tauri and for the TypeScript bindings, with the lists the frontend shares
/// with Rust as typed constants (Rust owns them; the frontend imports them from the bindings).
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(app_commands!(collect_app_commands))
        .constant("IMAGE_EXTENSIONS", srview_core::IMAGE_EXTENSIONS)
        .constant("BOOK_EXTENSIONS", srview_core::BOOK_EXTENSIONS)
        .constant("DEFAULT_NAMING_PATTERN", srview_core::DEFAULT_PATTERN)
        .constant("OUTPUT_FORMATS", srview_core::OutputFormat::ALL)
        .constant("DEFAULT_MODEL_RULES", srview_core::models::rules::ModelRules::default())
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
    /// Where Rust keeps what it alone may set (the models folder the user chose).
    pub config_dir: PathBuf,
    /// `srview-app PATH`: a file or folder to open.
    pub initial_location: Option<PathBuf>,
    /// Where the models' speeds on this device are kept; `None`: not measured
    /// (`SRVIEW_MEASURE_MODELS=0`).
    pub speeds_file: Option<PathBuf>,
}

impl AppOptions {
    /// `srview-app [--gpu auto|cpu|-1|ID] [PATH]`; `$SRVIEW_CACHE_DIR` moves the default cache.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let cache_root = std::env::var_os("SRVIEW_CACHE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join(IDENTIFIER).join("upscaled"));
        let config_dir = dirs::config_dir().unwrap_or_else(std::env::temp_dir).join(IDENTIFIER);
        let measure = std::env::var("SRVIEW_MEASURE_MODELS").map_or(true, |v| v != "0");
        let speeds_file = srview_core::models::speed::default_speeds_file().filter(|_| measure);
        let mut options =
            AppOptions { engine: EngineConfig::default(), cache_root, config_dir, initial_location: None, speeds_file };
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

/// Installs state, commands, the `srimg:` protocol and the one setup hook on a builder (also
/// the mock one in tests). Tauri keeps only the last `setup` hook, so this is the only one.
pub fn build<R: Runtime>(builder: tauri::Builder<R>, options: AppOptions) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    let access = Access::new(options.cache_root.clone(), &options.config_dir);
    let mut engine = options.engine;
    if let Some(dir) = access.recorded_models_dir() {
        engine.models_dir = Some(dir);
    }
    // The system's language for the interface, before the page's own scripts run.
    let builder = builder.plugin(locale::plugin());
    // A path on the command line: its name is on screen from the first frame.
    let builder = match &options.initial_location {
        Some(path) => builder.plugin(opening::plugin(path)),
        None => builder,
    };
    let outputs = export::ExportRecord::in_folder(&options.config_dir);
    let gallery =
        Gallery::new(engine.limits).with_initial_location(options.initial_location).with_outputs(outputs.clone());
    let state = SrVulkanManagerState::new(engine, options.cache_root);
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
        .manage(gallery)
        .manage(access)
        .manage(Exports::new(outputs))
        .manage(SpeedsWatch::new(options.speeds_file))
        .invoke_handler(commands)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::handle)
        .setup(|app| {
            // The window shows at once; the engine starts in the background.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let started = handle.state::<SrVulkanManagerState>().engine_only().await;
                // Then, in the background, each model's speed here (idle jobs: pages go first).
                if let Ok(engine) = started {
                    handle.state::<SpeedsWatch>().measure(engine).await;
                }
            });
            // The desktop's services (absent in tests: no dialog plugin, no monitor).
            if app.try_state::<tauri_plugin_dialog::Dialog<R>>().is_some() {
                install_dialogs(app.handle());
                // PDF pages that are not one image are rendered as high as the screen, until the
                // viewer says the size it shows them at.
                if let Ok(Some(monitor)) = app.primary_monitor() {
                    app.state::<Gallery>().bookshelf().set_render_box(u32::MAX, monitor.size().height);
                }
            }
            Ok(())
        })
}

/// The native save and folder dialogs, asked from Rust (tests run without the dialog plugin).
fn install_dialogs<R: Runtime>(app: &tauri::AppHandle<R>) {
    use tauri_plugin_dialog::DialogExt;
    let handle = app.clone();
    let ask = move |suggested: String, extension: &'static str| {
        let chosen = handle
            .dialog()
            .file()
            .set_file_name(suggested)
            .add_filter(extension.to_uppercase(), &[extension])
            .blocking_save_file()?;
        chosen.into_path().ok()
    };
    let access = app.state::<Access>();
    access.set_save_dialog(std::sync::Arc::new(ask));
    let handle = app.clone();
    let pick_folder = move || handle.dialog().file().blocking_pick_folder()?.into_path().ok();
    access.set_folder_dialog(std::sync::Arc::new(pick_folder));
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
            if let Some(exports) = app.try_state::<Exports>() {
                exports.cancel();
            }
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
    let app = build(builder, options).build(tauri::generate_context!()).expect("building the SRView app");
    app.run(exit_cleanly);
    std::process::ExitCode::SUCCESS
}
