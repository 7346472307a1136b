//! The checked-in TypeScript bindings match the Rust commands and the lists Rust shares with the
//! frontend. `SRVIEW_UPDATE_BINDINGS=1 cargo test -p srview-app --test bindings` rewrites them.

use std::path::Path;

fn checked_in() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(srview_app::BINDINGS_PATH);
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The bindings as exported now (the test above checks they are the ones checked in).
fn exported() -> String {
    let fresh = tempfile::tempdir().unwrap().keep().join("bindings.ts");
    srview_app::export_bindings(&fresh).unwrap();
    std::fs::read_to_string(&fresh).unwrap()
}

#[test]
fn typescript_bindings_are_up_to_date() {
    let checked_in_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(srview_app::BINDINGS_PATH);
    if std::env::var_os("SRVIEW_UPDATE_BINDINGS").is_some() {
        srview_app::export_bindings(&checked_in_path).unwrap();
    }
    assert!(
        checked_in() == exported(),
        "src/bindings.ts is stale: run `SRVIEW_UPDATE_BINDINGS=1 cargo test -p srview-app --test bindings`"
    );
}

/// The value of `export const NAME = <json> as const;` in the bindings.
fn constant(bindings: &str, name: &str) -> serde_json::Value {
    let start = format!("export const {name} = ");
    let line =
        bindings.lines().find_map(|l| l.strip_prefix(&start)).unwrap_or_else(|| panic!("no {name} in the bindings"));
    let json = line.strip_suffix(" as const;").unwrap_or_else(|| panic!("{name} is not a typed constant: {line}"));
    serde_json::from_str(json).unwrap()
}

#[test]
fn the_frontends_lists_are_cores_exported_through_the_bindings() {
    let bindings = exported();
    let images = constant(&bindings, "IMAGE_EXTENSIONS");
    assert_eq!(images, serde_json::json!(srview_core::IMAGE_EXTENSIONS));
    for extension in ["tga", "qoi", "png"] {
        assert!(images.as_array().unwrap().iter().any(|e| e == extension), "{extension} in {images}");
    }
    assert_eq!(constant(&bindings, "BOOK_EXTENSIONS"), serde_json::json!(srview_core::BOOK_EXTENSIONS));
    assert_eq!(constant(&bindings, "DEFAULT_NAMING_PATTERN"), serde_json::json!(srview_core::DEFAULT_PATTERN));
    assert_eq!(srview_core::DEFAULT_PATTERN, "{name}_x{scale}.{ext}");

    // The frontend keeps no copy of its own: it imports them from the bindings.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let mut copies = Vec::new();
    let mut folders = vec![src];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "ts" || e == "svelte") && !path.ends_with("bindings.ts") {
                let text = std::fs::read_to_string(&path).unwrap();
                for copy in ["\"{name}_x{scale}.{ext}\"", "\"tiff\"", "\"cb7\""] {
                    if text.contains(copy) {
                        copies.push(format!("{} holds {copy}", path.display()));
                    }
                }
            }
        }
    }
    assert!(copies.is_empty(), "lists copied into the frontend instead of imported from the bindings: {copies:?}");
}
