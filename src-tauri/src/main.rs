fn main() {
    srview_app::run();
}
