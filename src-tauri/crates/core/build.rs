fn main() {
    // Pass the libpython folder on to the binaries (DEP_SRVIEW_CORE_LIBDIR) and use it here.
    if let Ok(dir) = std::env::var("DEP_SRVIEW_PYTHON_LIBDIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        println!("cargo:libdir={dir}");
    }
}
