//! The core's subsystems import one way: each folder of `src/` only from the folders below
//! it in `LAYERS`, the files at the top of `src/` from none, and no circle between the files
//! of one folder. Read from the `crate::` and `super::` paths of every file of `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The subsystem folders, bottom first. The files directly in `src/` (error, limits, sync…)
/// are below them all.
const LAYERS: [&str; 5] = ["store", "books", "models", "engine", "batch"];

/// A `crate::` path in a file of `src/`: `books/book.rs`, line 20, `["store", "cache", "CacheKey"]`.
#[derive(Debug, Clone)]
struct Reference {
    file: String,
    line: usize,
    path: Vec<String>,
}

/// The modules under `src/`: each folder's files (by module name), and the top-level files.
#[derive(Debug, Default)]
struct Tree {
    folders: BTreeMap<String, BTreeSet<String>>,
    top: BTreeSet<String>,
}

impl Tree {
    fn from_files(files: &[String]) -> Tree {
        let mut tree = Tree::default();
        for file in files {
            match file.split_once('/') {
                Some((folder, rest)) => {
                    let module = rest.split('/').next().unwrap().trim_end_matches(".rs");
                    tree.folders.entry(folder.to_owned()).or_default().insert(module.to_owned());
                }
                None => {
                    tree.top.insert(file.trim_end_matches(".rs").to_owned());
                }
            }
        }
        tree
    }
}

/// The folder a file belongs to (`""` for the top-level files) and its module name there.
fn place(file: &str) -> (&str, &str) {
    match file.split_once('/') {
        Some((folder, rest)) => (folder, rest.split('/').next().unwrap().trim_end_matches(".rs")),
        None => ("", file.trim_end_matches(".rs")),
    }
}

fn level(folder: &str) -> Option<usize> {
    if folder.is_empty() {
        return Some(0);
    }
    LAYERS.iter().position(|layer| *layer == folder).map(|i| i + 1)
}

/// Every rule broken, as `file:line: why`. Builds the file graph of each folder and looks for
/// circles in it too.
fn violations(tree: &Tree, references: &[Reference]) -> Vec<String> {
    let mut found = Vec::new();
    for folder in tree.folders.keys() {
        if level(folder).is_none() {
            found.push(format!("src/{folder}/ is not in LAYERS: give the new subsystem its place"));
        }
    }
    // Within each folder: file -> (file it uses, where).
    let mut graphs: BTreeMap<&str, BTreeMap<&str, BTreeMap<String, String>>> = BTreeMap::new();
    for reference in references {
        let (from_folder, from_module) = place(&reference.file);
        if reference.file == "lib.rs" {
            continue;
        }
        let at = format!("src/{}:{}", reference.file, reference.line);
        let shown = format!("crate::{}", reference.path.join("::"));
        let Some(first) = reference.path.first() else { continue };
        let (to_folder, to_module) = if tree.folders.contains_key(first) {
            let child = reference.path.get(1).filter(|c| tree.folders[first].contains(*c));
            if first == from_folder && from_module != "mod" && child.is_none() {
                found.push(format!(
                    "{at}: {shown} goes through its own folder's mod.rs; name the file (crate::{first}::<file>::…)"
                ));
                continue;
            }
            (first.as_str(), child.map(String::as_str).unwrap_or("mod"))
        } else if tree.top.contains(first) {
            ("", first.as_str())
        } else {
            found.push(format!("{at}: {shown} is not a module path; use the module where it is defined"));
            continue;
        };
        if to_folder == from_folder {
            if to_module != from_module {
                graphs
                    .entry(from_folder)
                    .or_default()
                    .entry(from_module)
                    .or_default()
                    .entry(to_module.to_owned())
                    .or_insert(at);
            }
            continue;
        }
        let (from_level, to_level) = (level(from_folder).unwrap_or(0), level(to_folder).unwrap_or(0));
        if to_level >= from_level {
            let from_name = if from_folder.is_empty() { "the top-level files" } else { from_folder };
            let to_name = if to_folder.is_empty() { "the top-level files" } else { to_folder };
            found.push(format!("{at}: {shown}: {from_name} may not import {to_name}, which is not below it"));
        }
    }
    for (folder, graph) in &graphs {
        if let Some(circle) = find_circle(graph) {
            let steps: Vec<String> = circle
                .windows(2)
                .map(|pair| format!("{} → {} ({})", pair[0], pair[1], graph[pair[0].as_str()][&pair[1]]))
                .collect();
            let folder = if folder.is_empty() { "src/" } else { folder };
            found.push(format!("a circle in {folder}: {}", steps.join(", ")));
        }
    }
    found
}

/// A circle in a graph as its nodes, the first repeated at the end.
fn find_circle(graph: &BTreeMap<&str, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<&str, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn is_identifier(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `crate::` paths of one file, and its top-level `use super::` lines as the `crate::`
/// path they name (an indented `super::` is in a nested module, such as the tests).
/// A `crate::{…}` group and `super::super` are reported as paths the check cannot read.
fn references_in(file: &str, text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for (prefix, base) in [("crate::", None), ("super::", Some(()))] {
            let mut rest = line;
            let mut offset = 0;
            while let Some(at) = rest.find(prefix) {
                let before = line[..offset + at].chars().next_back();
                let after = &rest[at + prefix.len()..];
                rest = after;
                offset = line.len() - rest.len();
                if before.is_some_and(is_identifier) {
                    continue;
                }
                let mut path: Vec<String> = match base {
                    Some(_) if line.starts_with(char::is_whitespace) => continue,
                    Some(_) => match parent_module(file) {
                        Some(parent) => parent,
                        None => continue, // `super::` of a top-level file is the crate root
                    },
                    None => Vec::new(),
                };
                let named_before = path.len();
                let mut tail = after;
                loop {
                    let name: String = tail.chars().take_while(|c| is_identifier(*c)).collect();
                    if name.is_empty() {
                        if tail.starts_with('{') || tail.starts_with("super") {
                            path.push("{unreadable}".into());
                        }
                        break;
                    }
                    tail = &tail[name.len()..];
                    path.push(name);
                    match tail.strip_prefix("::") {
                        Some(more) => tail = more,
                        None => break,
                    }
                }
                if base.is_some() && path.len() == named_before {
                    continue; // `use super::*`: its own parent, which it belongs to
                }
                found.push(Reference { file: file.to_owned(), line: index + 1, path });
            }
        }
    }
    found
}

/// The module path of a file's parent module: `books/archive/solid.rs` → `books::archive`,
/// `books/book.rs` and `books/archive/mod.rs` → `books`; `None` for the crate root.
fn parent_module(file: &str) -> Option<Vec<String>> {
    let mut parts: Vec<String> = file.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts.pop();
    (!parts.is_empty()).then_some(parts)
}

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
}

#[test]
fn subsystems_import_only_the_ones_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    files.sort();
    let tree = Tree::from_files(&files);
    for layer in LAYERS {
        assert!(tree.folders.contains_key(layer), "LAYERS names src/{layer}/, which does not exist");
    }
    let references: Vec<Reference> =
        files.iter().flat_map(|file| references_in(file, &std::fs::read_to_string(src.join(file)).unwrap())).collect();
    assert!(references.len() > 50, "only {} crate:: paths were read; is the reader broken?", references.len());
    let found = violations(&tree, &references);
    assert!(found.is_empty(), "imports against the layers:\n{}", found.join("\n"));
}

#[test]
fn the_check_catches_an_import_upwards_a_circle_and_a_root_alias() {
    let files: Vec<String> = [
        "lib.rs",
        "error.rs",
        "sync.rs",
        "store/mod.rs",
        "store/cache.rs",
        "books/mod.rs",
        "books/book.rs",
        "books/source.rs",
        "books/archive/mod.rs",
        "books/archive/zip.rs",
        "engine/mod.rs",
        "engine/flight.rs",
    ]
    .map(String::from)
    .to_vec();
    let tree = Tree::from_files(&files);
    let source = |file: &str, text: &str| references_in(file, text);
    let clean: Vec<Reference> = [
        source(
            "books/book.rs",
            "use crate::store::cache::CacheKey;\nuse crate::error::Result;\nuse super::source::Page;",
        ),
        source("engine/flight.rs", "use crate::books::book::Book;\n#[serde(with = \"crate::books::source::lossy\")]"),
        source("lib.rs", "pub use engine::flight; use crate::engine::Anything;"),
        source("books/archive/zip.rs", "use super::*;\nuse super::solid::Pass;\nuse crate::books::source::Page;"),
    ]
    .concat();
    assert_eq!(violations(&tree, &clean), Vec::<String>::new());

    let upwards = source("store/cache.rs", "// crate::books in a comment is fine\nuse crate::books::book::Book;");
    let found = violations(&tree, &upwards);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("src/store/cache.rs:2: crate::books::book::Book: store may not import books"),
        "{found:?}"
    );

    let from_the_root = source("sync.rs", "fn f() { crate::engine::flight::run() }");
    assert!(violations(&tree, &from_the_root)[0].contains("the top-level files may not import engine"));

    let circle = [
        source("books/book.rs", "use crate::books::source::Page;"),
        source("books/source.rs", "\n\nuse super::book::Book;"),
    ]
    .concat();
    let found = violations(&tree, &circle);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "a circle in books: book → source (src/books/book.rs:1), source → book (src/books/source.rs:3)"
        ),
        "{found:?}"
    );

    let alias = source("engine/flight.rs", "use crate::Book;\nuse crate::{books::book::Book, error};");
    let found = violations(&tree, &alias);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.contains("is not a module path")), "{found:?}");

    let through_the_face = source("engine/flight.rs", "use crate::engine::Engine;");
    assert!(violations(&tree, &through_the_face)[0].contains("goes through its own folder's mod.rs"));

    let unknown_folder = Tree::from_files(&["extra/mod.rs".to_owned()]);
    assert!(violations(&unknown_folder, &[])[0].contains("src/extra/ is not in LAYERS"));
}
