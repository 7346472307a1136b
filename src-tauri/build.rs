/// The app's own commands. Each gets `allow-<command>`/`deny-<command>` permissions, so the
/// capability file limits them like any plugin's.
const COMMANDS: &[&str] = &[
    "init_sr_vulkan_manager",
    "check_sr_vulkan_availability",
    "get_sr_vulkan_gpu_info",
    "upscale_image_sr_vulkan",
    "save_page_as",
    "get_sr_vulkan_cache_stats",
    "cleanup_sr_vulkan_cache",
    "clear_sr_vulkan_cache",
    "cap_sr_vulkan_cache",
    "get_engine_report",
    "get_device_memory",
    "watch_engine_stats",
    "unwatch_engine_stats",
    "list_models",
    "set_models_dir",
    "upscale_to_url",
    "cancel_upscale",
    "open_location",
    "page_info",
    "choose_export_folder",
    "export_destination",
    "start_export",
    "cancel_export",
    "initial_location",
    "bench_bytes_raw",
    "bench_bytes_json",
];

fn main() {
    // Load the libpython we were built against, not the distribution's.
    if let Ok(dir) = std::env::var("DEP_SRVIEW_CORE_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build");
}
