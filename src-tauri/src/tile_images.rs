//! Finished tiles of pages still being upscaled, for the webview to draw at once: each is
//! served as `srimg://localhost/tile/<id>`, its PNG as sr_vulkan gave it (never re-encoded).
//! The newest are kept, up to a byte cap.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use srview_core::sync::lock;
use srview_core::TileReady;

/// About two 2 MP pages' worth of 2× tiles.
const CAPACITY: usize = 96 * 1024 * 1024;

/// A finished tile as the viewer draws it: the part (`imageX`, `imageY`) + (`width`, `height`) ×
/// `scale` of the image at `url` covers (`x`, `y`, `width`, `height`) of the original page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TileImage {
    pub url: String,
    #[serde(flatten)]
    pub tile: TileReady,
}

#[derive(Default)]
struct Kept {
    next_id: u64,
    images: VecDeque<(u64, Arc<Vec<u8>>)>,
    bytes: usize,
}

#[derive(Default)]
pub struct TileImages {
    kept: Mutex<Kept>,
}

impl TileImages {
    /// Keeps `tile`'s image and says where the viewer finds it.
    pub fn add(&self, tile: &TileReady, url: impl Fn(u64) -> String) -> TileImage {
        let mut kept = lock(&self.kept);
        kept.next_id += 1;
        let id = kept.next_id;
        kept.bytes += tile.png.len();
        kept.images.push_back((id, tile.png.clone()));
        while kept.bytes > CAPACITY && kept.images.len() > 1 {
            if let Some((_, gone)) = kept.images.pop_front() {
                kept.bytes -= gone.len();
            }
        }
        TileImage { url: url(id), tile: tile.clone() }
    }

    pub fn get(&self, id: u64) -> Option<Arc<Vec<u8>>> {
        lock(&self.kept).images.iter().find(|(kept, _)| *kept == id).map(|(_, png)| png.clone())
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        lock(&self.kept).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(bytes: usize) -> TileReady {
        TileReady {
            x: 0,
            y: 0,
            width: 1,
            height: 1,
            page_width: 1,
            page_height: 1,
            image_x: 0,
            image_y: 0,
            scale: 2,
            png: Arc::new(vec![7; bytes]),
        }
    }

    #[test]
    fn the_newest_tiles_are_kept_within_the_cap() {
        let images = TileImages::default();
        let first = images.add(&tile(CAPACITY / 2), |id| id.to_string());
        let second = images.add(&tile(CAPACITY / 2), |id| id.to_string());
        assert!(images.get(1).is_some() && images.get(2).is_some());
        assert_eq!((first.url.as_str(), second.url.as_str()), ("1", "2"));
        images.add(&tile(10), |id| id.to_string());
        assert!(images.get(1).is_none(), "the oldest went");
        assert_eq!(images.get(3).unwrap().len(), 10);
        assert!(images.bytes() <= CAPACITY);
    }
}
