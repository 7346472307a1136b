//! A PDF page that is one JPEG against the same JPEG as a loose file, side by side: opening the
//! book and serving its first page; reading a page's bytes from the open book; and the viewer's
//! check of a page (read and decoded whole). Target: the PDF within 1.2× of the loose file.
//!
//! `cargo bench -p srview-cli --bench pdf_pages` (under a minute on 2 cores).

use std::time::Instant;

use srview_core::books::input::check_page;
use srview_core::{Book, ImageSource, Limits};
use srview_test_support::jpeg_page;
use srview_test_support::pdf::write_pdf;

const PAGES: usize = 60;
const ROUNDS: usize = 5;

/// A PDF whose pages are each one of `jpegs`, drawn over the whole page, as scanners write them.
fn image_pdf(jpegs: &[Vec<u8>]) -> Vec<u8> {
    let kids: String = (0..jpegs.len()).map(|i| format!("{} 0 R ", 3 + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", jpegs.len()).into_bytes(),
    ];
    for (i, jpeg) in jpegs.iter().enumerate() {
        let (content, image) = (4 + 3 * i, 5 + 3 * i);
        objects.push(
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1200 1700] /Contents {content} 0 R /Resources << /XObject << /Im {image} 0 R >> >> >>")
                .into_bytes(),
        );
        let draw = b"q 1200 0 0 1700 0 0 cm /Im Do Q";
        objects.push([format!("<< /Length {} >>\nstream\n", draw.len()).as_bytes(), draw, b"\nendstream"].concat());
        let dict = format!("<< /Type /XObject /Subtype /Image /Width 1200 /Height 1700 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", jpeg.len());
        objects.push([dict.as_bytes(), jpeg, b"\nendstream"].concat());
    }
    write_pdf(&objects)
}

/// One A4 page of text and shapes, no image.
fn vector_pdf() -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 50 800 Td 14 TL ");
    for line in 0..40 {
        content += &format!("(Line {line}: the quick brown fox jumps over the lazy dog, again and again.) '");
    }
    content += " ET ";
    for shape in 0..200 {
        let (x, y) = (30 + (shape * 37) % 520, 30 + (shape * 53) % 220);
        content += &format!("{} {} {} rg {x} {y} 20 20 re f ", (shape % 7) as f32 / 7.0, 0.3, (shape % 5) as f32 / 5.0);
    }
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(), content.as_bytes(), b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    write_pdf(&objects)
}

/// The median of `ROUNDS` runs of `f`, in milliseconds.
fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[ROUNDS / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let jpegs: Vec<Vec<u8>> = (0..PAGES as u32).map(jpeg_page).collect();
    let loose: Vec<_> = jpegs
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.path().join(format!("p{i:03}.jpg"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let pdf_path = dir.path().join("book.pdf");
    std::fs::write(&pdf_path, image_pdf(&jpegs)).unwrap();
    let size_mb = std::fs::metadata(&pdf_path).unwrap().len() as f64 / 1e6;
    let limits = Limits::default();

    let book = Book::open(&pdf_path, limits.max_bytes).unwrap();
    for (i, jpeg) in jpegs.iter().enumerate() {
        assert_eq!(&book.read_page(i, u64::MAX).unwrap(), jpeg, "page {i} is its JPEG");
    }
    let open_pdf = median_ms(|| {
        let book = Book::open(&pdf_path, limits.max_bytes).unwrap();
        book.read_page(0, limits.max_bytes).unwrap();
    });
    let open_loose = median_ms(|| {
        ImageSource::File(loose[0].clone()).read(limits.max_bytes).unwrap();
    });
    let read_all = |source: &dyn Fn(usize) -> ImageSource| {
        median_ms(|| {
            for i in 0..PAGES {
                source(i).read(limits.max_bytes).unwrap();
            }
        }) / PAGES as f64
    };
    let check_all = |source: &dyn Fn(usize) -> ImageSource| {
        median_ms(|| {
            for i in 0..PAGES {
                check_page("page", &source(i), &limits, true).unwrap();
            }
        }) / PAGES as f64
    };
    let pdf_page = |i: usize| book.page(i);
    let loose_page = |i: usize| ImageSource::File(loose[i].clone());
    let (read_pdf, read_loose) = (read_all(&pdf_page), read_all(&loose_page));
    let (check_pdf, check_loose) = (check_all(&pdf_page), check_all(&loose_page));

    println!("| {PAGES} pages of 1200×1700 JPEG ({size_mb:.0} MB PDF), median of {ROUNDS} | PDF ms | loose JPEG ms | ratio |");
    println!("|---|---|---|---|");
    let row = |what: &str, pdf: f64, file: f64| println!("| {what} | {pdf:.2} | {file:.2} | {:.2}× |", pdf / file);
    row("open the book and read its first page (vs read one file)", open_pdf, open_loose);
    row("read a page's bytes, per page", read_pdf, read_loose);
    row("the viewer's check of a page (read and decode), per page", check_pdf, check_loose);

    // A page of text and drawings, rendered (hayro) as high as a 1440p screen, written as PNG.
    let vector = dir.path().join("vector.pdf");
    std::fs::write(&vector, vector_pdf()).unwrap();
    let shelf = srview_core::Bookshelf::new(Limits { render_height: 1440, ..Limits::default() });
    let render = median_ms(|| {
        let book = shelf.open(&vector).unwrap();
        book.read_page(0, limits.max_bytes).unwrap();
    });
    let page = shelf.open(&vector).unwrap().read_page(0, limits.max_bytes).unwrap();
    let (width, height) = image::load_from_memory(&page).map(|i| (i.width(), i.height())).unwrap();
    println!(
        "\nA vector page (40 lines of text, 200 shapes) rendered {width}×{height} and written as PNG: {render:.1} ms"
    );
}
