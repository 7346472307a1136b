fn main() {
    // Load the libpython we were built against, not the distribution's: an rpath for this
    // crate's own tests, and its folder passed on (DEP_SRVIEW_PYTHON_LIBDIR) for the binaries.
    pyo3_build_config::add_libpython_rpath_link_args();
    if let Some(dir) = pyo3_build_config::get().lib_dir() {
        println!("cargo:libdir={dir}");
    }
}
