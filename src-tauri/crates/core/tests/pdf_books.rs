//! PDF books: pages in order, a page that is one JPEG served byte for byte, other pages
//! rendered at the height asked (its DPI in the page's identity), and every bad PDF refused
//! with its typed error while every other book and page still reads.
//!
//! Readers' PDFs come from Pillow and pypdf (`python/make_pdfs.py`); the bad ones and the
//! odd pages are written here by hand.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use image::{GenericImageView, ImageFormat};
use srview_core::{Book, Bookshelf, Limits, SrError};
use srview_test_support::pdf::write_pdf;

struct Fixtures {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn fixtures() -> &'static Path {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    &FIXTURES
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().to_path_buf();
            let venv = srview_core::venv::locate_venv(None).expect("the project venv");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_pdfs.py");
            let status = std::process::Command::new(venv.join("bin/python")).arg(&script).arg(&root).status().unwrap();
            assert!(status.success(), "make_pdfs.py failed (are Pillow and pypdf installed? run scripts/setup.sh)");
            Fixtures { _dir: dir, root }
        })
        .root
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    [format!("<< {dict} /Length {} >>\nstream\n", data.len()).as_bytes(), data, b"\nendstream"].concat()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut packed = Vec::new();
    flate2::read::ZlibEncoder::new(data, flate2::Compression::best()).read_to_end(&mut packed).unwrap();
    packed
}

/// One page of 100 × 100 points whose content is `content`, with image XObject `/Im` (object 5).
fn page_with_image(content: &str, image: Vec<u8>) -> Vec<u8> {
    write_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R /Resources << /XObject << /Im 5 0 R >> >> >>"
            .to_vec(),
        stream("", content.as_bytes()),
        image,
    ])
}

fn open(path: &Path) -> Result<std::sync::Arc<Book>, SrError> {
    Book::open(path, Limits::default().max_bytes)
}

fn read_all(book: &Book) -> Vec<Vec<u8>> {
    (0..book.pages.len()).map(|i| book.read_page(i, u64::MAX).unwrap()).collect()
}

fn jpegs() -> Vec<Vec<u8>> {
    (1..=3).map(|n| std::fs::read(fixtures().join(format!("page-{n}.jpg"))).unwrap()).collect()
}

#[test]
fn image_pages_are_their_own_jpegs_in_order() {
    let book = open(&fixtures().join("images.pdf")).unwrap();
    let names: Vec<&str> = book.pages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["page-001.jpg", "page-002.jpg", "page-003.jpg"]);
    assert_eq!(read_all(&book), jpegs(), "each page is the JPEG Pillow embedded, byte for byte");
    // Encrypted with an owner password only: it opens without one, and decrypts to the same.
    let permissions = open(&fixtures().join("permissions.pdf")).unwrap();
    assert_eq!(read_all(&permissions), jpegs());
}

#[test]
fn a_vector_page_is_rendered_at_the_height_asked_with_its_dpi_in_its_identity() {
    let path = fixtures().join("mixed.pdf");
    let sizes = [(600, (400, 600)), (300, (200, 300))];
    let mut identities = Vec::new();
    for (height, expected) in sizes {
        let shelf = Bookshelf::new(Limits { render_height: height, ..Limits::default() });
        let book = shelf.open(&path).unwrap();
        assert_eq!(book.pages.len(), 4);
        assert_eq!(book.pages[3].name, "page-004.png");
        assert_eq!(read_all(&book)[..3], jpegs(), "the image pages are still their JPEGs");
        let bytes = book.read_page(3, u64::MAX).unwrap();
        let rendered = image::load_from_memory_with_format(&bytes, ImageFormat::Png).unwrap();
        assert_eq!(rendered.dimensions(), expected, "200 × 300 pt rendered {height} px high");
        // The red rectangle (x 20–180 pt, y 150–270 pt from the bottom) is drawn where it belongs.
        let scale = height as f32 / 300.0;
        let red = rendered.get_pixel((100.0 * scale) as u32, (90.0 * scale) as u32).0;
        assert!(red[0] > 200 && red[1] < 90 && red[2] < 90, "{red:?}");
        let white = rendered.get_pixel((100.0 * scale) as u32, (200.0 * scale) as u32).0;
        assert!(white[..3].iter().all(|&c| c > 240), "{white:?}");
        identities.push(book.page(3).identity());
        assert!(!book.page(0).identity().contains("dpi"), "an image page does not depend on the DPI");
    }
    assert!(identities[0].contains("|144dpi|"), "{}", identities[0]);
    assert!(identities[1].contains("|72dpi|"), "{}", identities[1]);
}

/// The strip shows pages at its width: the viewer says so, and a vector page of the open book is
/// rendered to that width (device pixels), with that DPI in its identity; back to the screen's
/// height, it is rendered as high as that again.
#[test]
fn a_vector_page_is_rendered_at_the_width_the_strip_shows_it() {
    let shelf = Bookshelf::new(Limits { render_height: 300, ..Limits::default() });
    let book = shelf.open(&fixtures().join("mixed.pdf")).unwrap();
    let size = |book: &Book| {
        let bytes = book.read_page(3, u64::MAX).unwrap();
        image::load_from_memory_with_format(&bytes, ImageFormat::Png).unwrap().dimensions()
    };
    assert_eq!(size(&book), (200, 300));
    shelf.set_render_box(1000, u32::MAX);
    assert_eq!(size(&book), (1000, 1500), "200 × 300 pt fitted to a 1000 px wide strip");
    assert!(book.page(3).identity().contains("|360dpi|"), "{}", book.page(3).identity());
    let opened_next = shelf.open(&fixtures().join("mixed.pdf")).unwrap();
    assert_eq!(size(&opened_next), (1000, 1500), "books opened next follow the same size");
    shelf.set_render_box(u32::MAX, 600);
    assert_eq!(size(&book), (400, 600));
    assert!(book.page(3).identity().contains("|144dpi|"), "{}", book.page(3).identity());
}

#[test]
fn a_page_of_flate_pixels_is_served_as_a_lossless_png() {
    let (width, height) = (40u32, 30u32);
    let pixels: Vec<u8> = (0..width * height).flat_map(|i| [(i % 256) as u8, (i * 7 % 256) as u8, 90]).collect();
    let image = stream(
        &format!("/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"),
        &zlib(&pixels),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flate.pdf");
    std::fs::write(&path, page_with_image("q 100 0 0 100 0 0 cm /Im Do Q", image)).unwrap();
    let book = open(&path).unwrap();
    assert_eq!(book.pages[0].name, "page-001.png");
    let served = image::load_from_memory_with_format(&book.read_page(0, u64::MAX).unwrap(), ImageFormat::Png).unwrap();
    assert_eq!(served.to_rgb8().into_raw(), pixels);
}

fn kind(result: Result<impl Sized, SrError>) -> &'static str {
    match result {
        Ok(_) => "opened",
        Err(e) => {
            assert!(!e.to_string().is_empty());
            e.kind()
        }
    }
}

/// `count` pages of 100 × 100 points sharing one content stream.
fn many_pages(count: usize) -> Vec<u8> {
    let kids: String = (0..count).map(|i| format!("{} 0 R ", i + 4)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {count} >>").into_bytes(),
        stream("", b"0 0 1 rg 10 10 80 80 re f"),
    ];
    objects.extend(
        (0..count).map(|_| b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 3 0 R >>".to_vec()),
    );
    write_pdf(&objects)
}

#[test]
fn every_bad_pdf_gets_its_typed_error_and_everything_else_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixtures().join("images.pdf")).unwrap();
    let shelf = Bookshelf::new(Limits::default());
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let still_fine = || {
        let book = shelf.open(&fixtures().join("images.pdf")).unwrap();
        assert_eq!(read_all(&book), jpegs());
    };

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.pdf", Vec::new(), "corrupt_archive"),
        ("truncated.pdf", good[..good.len() / 2].to_vec(), "pdf_cut_short"),
        ("not-a-pdf.pdf", b"PK\x03\x04 a zip named .pdf %%EOF".to_vec(), "corrupt_archive"),
        ("no-objects.pdf", b"%PDF-1.7\nstartxref\n999999\n%%EOF\n".to_vec(), "corrupt_archive"),
        ("encrypted.pdf", std::fs::read(fixtures().join("encrypted.pdf")).unwrap(), "encrypted"),
    ];
    for (name, bytes, expected) in cases {
        let path = write(name, &bytes);
        let started = Instant::now();
        assert_eq!(kind(shelf.open(&path)), expected, "{name}");
        println!("{name}: {expected} in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
        still_fine();
    }

    // A broken cross-reference table (every offset wrong) is rebuilt from the objects, as
    // every PDF reader does: the pages are all there.
    let mut broken = good.clone();
    let xref = broken.windows(5).rposition(|w| w == b"xref\n").unwrap();
    for b in &mut broken[xref + 5..] {
        if b.is_ascii_digit() {
            *b = b'7';
        }
    }
    let path = write("broken-xref.pdf", &broken);
    assert_eq!(read_all(&shelf.open(&path).unwrap()), jpegs(), "rebuilt, page for page");

    // 10,000 pages: refused at once, above the limit; within a limit that allows them, the
    // book opens and its last page renders.
    let path = write("10000-pages.pdf", &many_pages(10_000));
    let started = Instant::now();
    let refused = shelf.open(&path);
    assert!(
        matches!(refused, Err(SrError::TooManyPages { pages: 10_000, limit: 5000, .. })),
        "{:?}",
        refused.map(|b| b.pages.len())
    );
    println!("10,000 pages refused in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    let roomy = Bookshelf::new(Limits { max_pages: 10_000, render_height: 50, ..Limits::default() });
    let started = Instant::now();
    let book = roomy.open(&path).unwrap();
    println!("10,000 pages listed in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    assert_eq!(book.pages.len(), 10_000);
    let last = image::load_from_memory(&book.read_page(9_999, u64::MAX).unwrap()).unwrap();
    assert_eq!(last.dimensions(), (50, 50));
    still_fine();

    // Decompression bombs: an image whose Flate data unpacks far past its declared size, and one
    // that declares more pixels than the limit; as the whole page, or drawn on a page that is
    // rendered. The book's other pages still read.
    let bomb = zlib(&vec![0u8; 64 << 20]);
    let small_bomb = stream(
        "/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
        &bomb,
    );
    let huge = stream(
        "/Type /XObject /Subtype /Image /Width 40000 /Height 40000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
        &bomb,
    );
    let whole_page = "q 100 0 0 100 0 0 cm /Im Do Q";
    let drawn = "0 g 5 5 90 90 re S q 50 0 0 50 25 25 cm /Im Do Q";
    for (name, content, image, expected) in [
        ("bomb-page.pdf", whole_page, small_bomb.clone(), "unpacks_too_large"),
        ("bomb-drawn.pdf", drawn, small_bomb, "unpacks_too_large"),
        ("huge-page.pdf", whole_page, huge.clone(), "image_too_large"),
        ("huge-drawn.pdf", drawn, huge, "image_too_large"),
    ] {
        let path = write(name, &page_with_image(content, image));
        let book = shelf.open(&path).unwrap();
        let started = Instant::now();
        assert_eq!(kind(book.read_page(0, u64::MAX)), expected, "{name}");
        println!("{name}: {expected} in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
        still_fine();
    }
}
