//! The images a user opened: folder listing and the set of files the webview may load.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use serde::Serialize;

const IMAGE_EXTENSIONS: [&str; 11] = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff", "tga", "qoi", "avif"];

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImageEntry {
    pub path: String,
    pub name: String,
    /// A URL the webview loads the original from.
    pub url: String,
    pub animated: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenedLocation {
    pub images: Vec<ImageEntry>,
    /// Index of the image to show first (the file itself when a file was opened).
    pub start_index: u32,
}

fn looks_like_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Natural order, so `page2` comes before `page10`.
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                parts.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.extend(c.to_lowercase());
        }
    }
    parts.push((text, digits.parse().unwrap_or(0)));
    parts
}

/// Lists a folder's images, or a file's folder with the file selected; blocking. A file
/// that is not an image is still listed when opened directly, so the viewer can say why it fails.
pub fn list(location: &Path) -> std::io::Result<(Vec<(PathBuf, bool)>, u32)> {
    let location = location.canonicalize()?;
    let (folder, selected) = if location.is_dir() {
        (location.clone(), None)
    } else {
        (location.parent().map(Path::to_path_buf).unwrap_or_default(), Some(location.clone()))
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && (looks_like_image(p) || Some(p) == selected.as_ref()))
        .collect();
    files.sort_by_cached_key(|p| natural_key(&p.file_name().unwrap_or_default().to_string_lossy()));
    let start_index = selected.and_then(|s| files.iter().position(|f| *f == s)).unwrap_or(0) as u32;
    let files = files.into_iter().map(|path| {
        let animated = read_head(&path).is_some_and(|head| srview_core::input::looks_animated(&head));
        (path, animated)
    });
    Ok((files.collect(), start_index))
}

fn read_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The files the webview may load: those the user opened.
#[derive(Default)]
pub struct Gallery {
    opened: RwLock<HashSet<PathBuf>>,
}

impl Gallery {
    pub fn register(
        &self,
        files: Vec<(PathBuf, bool)>,
        start_index: u32,
        url_for: impl Fn(&Path) -> String,
    ) -> OpenedLocation {
        let images = files
            .iter()
            .map(|(path, animated)| ImageEntry {
                path: path.display().to_string(),
                name: path.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                url: url_for(path),
                animated: *animated,
            })
            .collect();
        self.opened.write().unwrap_or_else(|p| p.into_inner()).extend(files.into_iter().map(|(path, _)| path));
        OpenedLocation { images, start_index }
    }

    pub fn is_opened(&self, path: &Path) -> bool {
        self.opened.read().unwrap_or_else(|p| p.into_inner()).contains(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_page_2_before_page_10() {
        let mut names = vec!["p10.png", "p2.png", "P1.png"];
        names.sort_by_cached_key(|n| natural_key(n));
        assert_eq!(names, ["P1.png", "p2.png", "p10.png"]);
    }

    #[test]
    fn opening_a_file_lists_its_folder_and_selects_it() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.png", "a.jpg", "notes.txt"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let gallery = Gallery::default();
        let (files, start) = list(&dir.path().join("b.png")).unwrap();
        let opened = gallery.register(files, start, |p| p.display().to_string());
        let names: Vec<_> = opened.images.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a.jpg", "b.png"]);
        assert_eq!(opened.start_index, 1);
        assert!(gallery.is_opened(&dir.path().canonicalize().unwrap().join("a.jpg")));
        assert!(!gallery.is_opened(&dir.path().canonicalize().unwrap().join("notes.txt")));
        let (files, start) = list(&dir.path().join("notes.txt")).unwrap();
        let direct = gallery.register(files, start, |p| p.display().to_string());
        assert_eq!(direct.images[direct.start_index as usize].name, "notes.txt");
    }
}
