//! Finished tiles of pages still being upscaled, for the webview to draw at once: each is
//! served as `srimg://localhost/tile/<id>`, its PNG as sr_vulkan gave it (never re-encoded).
//! A request's tiles go once its page is finished (the finished image replaces them); those of
//! a page the reader left stay, the newest up to a byte cap, to draw it again at once if the
//! reader comes back.

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
    /// Id, request id, image.
    images: VecDeque<(u64, String, Arc<Vec<u8>>)>,
    bytes: usize,
}

#[derive(Default)]
pub struct TileImages {
    kept: Mutex<Kept>,
}

impl TileImages {
    /// Keeps `tile`'s image, computed for `request`, and says where the viewer finds it.
    pub fn add(&self, request: &str, tile: &TileReady, url: impl Fn(u64) -> String) -> TileImage {
        let mut kept = lock(&self.kept);
        kept.next_id += 1;
        let id = kept.next_id;
        kept.bytes += tile.png.len();
        kept.images.push_back((id, request.to_owned(), tile.png.clone()));
        while kept.bytes > CAPACITY && kept.images.len() > 1 {
            if let Some((_, _, gone)) = kept.images.pop_front() {
                kept.bytes -= gone.len();
            }
        }
        TileImage { url: url(id), tile: tile.clone() }
    }

    pub fn get(&self, id: u64) -> Option<Arc<Vec<u8>>> {
        lock(&self.kept).images.iter().find(|(kept, _, _)| *kept == id).map(|(_, _, png)| png.clone())
    }

    /// Lets `request`'s tiles go: its page is finished.
    pub fn release(&self, request: &str) {
        let mut kept = lock(&self.kept);
        let before = kept.images.len();
        kept.images.retain(|(_, of, _)| of != request);
        if kept.images.len() != before {
            kept.bytes = kept.images.iter().map(|(_, _, png)| png.len()).sum();
        }
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
        let first = images.add("a", &tile(CAPACITY / 2), |id| id.to_string());
        let second = images.add("b", &tile(CAPACITY / 2), |id| id.to_string());
        assert!(images.get(1).is_some() && images.get(2).is_some());
        assert_eq!((first.url.as_str(), second.url.as_str()), ("1", "2"));
        images.add("c", &tile(10), |id| id.to_string());
        assert!(images.get(1).is_none(), "the oldest went");
        assert_eq!(images.get(3).unwrap().len(), 10);
        assert!(images.bytes() <= CAPACITY);
    }

    #[test]
    fn a_finished_request_lets_its_tiles_go_and_no_other() {
        let images = TileImages::default();
        images.add("left", &tile(100), |id| id.to_string());
        images.add("finished", &tile(200), |id| id.to_string());
        images.add("finished", &tile(300), |id| id.to_string());
        images.release("finished");
        assert!(images.get(1).is_some(), "a page the reader left keeps its tiles");
        assert!(images.get(2).is_none() && images.get(3).is_none());
        assert_eq!(images.bytes(), 100);
        images.release("unknown");
        assert_eq!(images.bytes(), 100);
    }
}
