// The app's commands, declared once. `build.rs` includes this file to generate each command's
// permissions and the `app-commands` set the capability grants; `lib.rs` expands it into the
// handler and the TypeScript bindings. A command added here is everywhere at once.
//
// The seed's six commands keep their names (`*_sr_vulkan_*`); every other one is `verb_noun`.
macro_rules! app_commands {
    ($apply:ident) => {
        $apply!(
            init_sr_vulkan_manager,
            check_sr_vulkan_availability,
            get_sr_vulkan_gpu_info,
            upscale_image_sr_vulkan,
            get_sr_vulkan_cache_stats,
            cleanup_sr_vulkan_cache,
            clear_cache,
            cap_cache,
            set_cache_cap,
            get_engine_report,
            get_device_memory,
            watch_engine_stats,
            unwatch_engine_stats,
            list_models,
            choose_models_folder,
            set_models_folder,
            open_location,
            get_page_info,
            set_render_size,
            upscale_page,
            cancel_upscales,
            get_cached_pages,
            save_page,
            get_initial_location,
            choose_export_folder,
            get_export_destination,
            start_export,
            cancel_export,
            list_shelf,
            watch_model_speeds,
            choose_default_model,
            open_models_folder
        )
    };
}
