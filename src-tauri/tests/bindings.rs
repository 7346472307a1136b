//! The checked-in TypeScript bindings match the Rust commands.
//! `SRVIEW_UPDATE_BINDINGS=1 cargo test -p srview-app --test bindings` rewrites them.

use std::path::Path;

#[test]
fn typescript_bindings_are_up_to_date() {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join(srview_app::BINDINGS_PATH);
    if std::env::var_os("SRVIEW_UPDATE_BINDINGS").is_some() {
        srview_app::export_bindings(&checked_in).unwrap();
    }
    let fresh = tempfile::tempdir().unwrap().keep().join("bindings.ts");
    srview_app::export_bindings(&fresh).unwrap();
    let expected = std::fs::read_to_string(&fresh).unwrap();
    let actual = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        actual == expected,
        "src/bindings.ts is stale: run `SRVIEW_UPDATE_BINDINGS=1 cargo test -p srview-app --test bindings`"
    );
}
