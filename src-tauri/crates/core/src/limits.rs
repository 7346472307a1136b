//! One set of limits, applied by every path that reads an image or a book: the viewer's page
//! checks and pages, thumbnails, the engine, batches and the app's protocol.

/// What SRView reads at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one image file, or of one archive entry once decompressed.
    pub max_bytes: u64,
    /// Pixels of one image, all frames together.
    pub max_pixels: u64,
    /// Frames of one animated image.
    pub max_frames: u32,
    /// Decompressed archive data held in memory at once, across every open book (solid blocks,
    /// books inside books).
    pub max_decompressed_bytes: u64,
    /// Pages of one PDF book.
    pub max_pages: u32,
    /// The box a PDF page that is not one image is rendered to fit, in pixels: the page is
    /// rendered as large as fits `render_width` × `render_height` (`u32::MAX`: no bound on
    /// that side). The viewer sets the size pages are shown at (`Bookshelf::set_render_box`).
    /// The DPI follows from it and is part of the page's cache key.
    pub render_width: u32,
    pub render_height: u32,
}

/// 64 megapixels, all frames together.
pub const DEFAULT_MAX_PIXELS: u64 = 64_000_000;
/// 512 MiB, checked before a file is read.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;
pub const DEFAULT_MAX_FRAMES: u32 = 1000;
/// 1 GiB.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 1024 * 1024 * 1024;
/// Scanned books run to a few hundred pages, omnibuses to a couple of thousand.
pub const DEFAULT_MAX_PAGES: u32 = 5000;
/// A common screen's height (1440p); the viewer sets its own screen's.
pub const DEFAULT_RENDER_HEIGHT: u32 = 1440;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
            max_frames: DEFAULT_MAX_FRAMES,
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
            max_pages: DEFAULT_MAX_PAGES,
            render_width: u32::MAX,
            render_height: DEFAULT_RENDER_HEIGHT,
        }
    }
}
