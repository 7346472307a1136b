// The app's commands, declared once. `build.rs` includes this file to generate each command's
// permissions and the `app-commands` set the capability grants; `lib.rs` expands it into the
// handler and the TypeScript bindings. A command added here is everywhere at once.
macro_rules! app_commands {
    ($apply:ident) => {
        $apply!(
            init_sr_vulkan_manager,
            check_sr_vulkan_availability,
            get_sr_vulkan_gpu_info,
            upscale_image_sr_vulkan,
            save_page_as,
            get_sr_vulkan_cache_stats,
            cleanup_sr_vulkan_cache,
            clear_sr_vulkan_cache,
            cap_sr_vulkan_cache,
            get_engine_report,
            get_device_memory,
            watch_engine_stats,
            unwatch_engine_stats,
            list_models,
            choose_models_dir,
            set_models_dir,
            upscale_to_url,
            cancel_upscale,
            open_location,
            page_info,
            choose_export_folder,
            export_destination,
            start_export,
            cancel_export,
            initial_location
        )
    };
}
