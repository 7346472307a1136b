//! The pages a user opened. Each gets an id; the webview and the upscale commands refer to
//! pages by id, so only what the user opened can be read, and names that are not UTF-8 work.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::RwLock;

use serde::Serialize;
use srview_core::naming::{has_image_extension, natural_cmp};
use srview_core::ImageSource;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImageEntry {
    pub id: u32,
    /// The file or page name, for display (lossy when it is not UTF-8).
    pub name: String,
    /// Where it is, for display.
    pub location: String,
    /// A URL the webview loads the original from.
    pub url: String,
    pub animated: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenedLocation {
    /// The folder (or book) opened, for display.
    pub title: String,
    pub images: Vec<ImageEntry>,
    /// Index of the image to show first (the file itself when a file was opened).
    pub start_index: u32,
}

/// Why a location cannot be opened.
#[derive(Debug)]
pub enum OpenError {
    NotFound(PathBuf),
    NotAnImage(PathBuf),
    Io(PathBuf, std::io::Error),
}

/// A folder's images, or a file's folder with the file selected; blocking.
pub fn list(location: &Path) -> Result<(PathBuf, Vec<(PathBuf, bool)>, u32), OpenError> {
    let location = location.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OpenError::NotFound(location.to_path_buf()),
        _ => OpenError::Io(location.to_path_buf(), e),
    })?;
    let (folder, selected) = if location.is_dir() {
        (location.clone(), None)
    } else if has_image_extension(&location) {
        (location.parent().map(Path::to_path_buf).unwrap_or_default(), Some(location.clone()))
    } else {
        return Err(OpenError::NotAnImage(location));
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|e| OpenError::Io(folder.clone(), e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && has_image_extension(p))
        .collect();
    files.sort_by(|a, b| natural_cmp(a.file_name().unwrap_or_default(), b.file_name().unwrap_or_default()));
    let start_index = selected.and_then(|s| files.iter().position(|f| *f == s)).unwrap_or(0) as u32;
    let files = files.into_iter().map(|path| {
        let animated = read_head(&path).is_some_and(|head| srview_core::input::looks_animated(&head));
        (path, animated)
    });
    Ok((folder, files.collect(), start_index))
}

fn read_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The pages the user opened, by id.
#[derive(Default)]
pub struct Gallery {
    pages: RwLock<HashMap<u32, ImageSource>>,
    next_id: AtomicU32,
}

impl Gallery {
    pub fn register(
        &self,
        title: String,
        files: Vec<(ImageSource, bool)>,
        start_index: u32,
        url_for: impl Fn(u32) -> String,
    ) -> OpenedLocation {
        let mut pages = self.pages.write().unwrap_or_else(|p| p.into_inner());
        let images = files
            .into_iter()
            .map(|(source, animated)| {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
                let entry = ImageEntry {
                    id,
                    name: source.file_name().to_string_lossy().into_owned(),
                    location: source.display_name(),
                    url: url_for(id),
                    animated,
                };
                pages.insert(id, source);
                entry
            })
            .collect();
        OpenedLocation { title, images, start_index }
    }

    pub fn page(&self, id: u32) -> Option<ImageSource> {
        self.pages.read().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    /// Whether `path` (canonical) is a file the user opened.
    pub fn is_opened_file(&self, path: &Path) -> bool {
        self.pages.read().unwrap_or_else(|p| p.into_inner()).values().any(|s| s.file_path() == Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_a_file_lists_its_folder_images_in_natural_order_and_selects_it() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["p10.png", "p2.png", "a.jpg", "notes.txt"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let (_, files, start) = list(&dir.path().join("p2.png")).unwrap();
        let names: Vec<_> = files.iter().map(|(p, _)| p.file_name().unwrap().to_str().unwrap().to_owned()).collect();
        assert_eq!(names, ["a.jpg", "p2.png", "p10.png"]);
        assert_eq!(start, 1);
        let gallery = Gallery::default();
        let files = files.into_iter().map(|(p, a)| (ImageSource::File(p), a)).collect();
        let opened = gallery.register("pages".into(), files, start, |id| format!("page/{id}"));
        let root = dir.path().canonicalize().unwrap();
        assert!(gallery.is_opened_file(&root.join("p10.png")));
        assert!(!gallery.is_opened_file(&root.join("notes.txt")));
        assert_eq!(gallery.page(opened.images[2].id).unwrap().file_path(), Some(root.join("p10.png").as_path()));
        assert!(matches!(list(&dir.path().join("notes.txt")), Err(OpenError::NotAnImage(_))));
        assert!(matches!(list(&dir.path().join("missing")), Err(OpenError::NotFound(_))));
    }
}
