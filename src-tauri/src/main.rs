fn main() -> std::process::ExitCode {
    srview_app::run()
}
