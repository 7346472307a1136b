fn main() {
    // Load the libpython we were built against, not the distribution's.
    if let Ok(dir) = std::env::var("DEP_SRVIEW_CORE_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    tauri_build::build();
}
