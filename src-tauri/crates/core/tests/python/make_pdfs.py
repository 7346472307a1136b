"""PDF books for the tests, made as readers' PDFs are: Pillow's image PDFs (one JPEG a page) and
pypdf's encryption. Writes into OUT:
  images.pdf     3 pages, each one JPEG (colour, grey, colour); page-N.jpg: the JPEG embedded as page N
  mixed.pdf      those 3 pages, then a vector page (a drawing and text, no image)
  encrypted.pdf  images.pdf that needs a password to open
  permissions.pdf images.pdf encrypted with an owner password only (opens without one)
Usage: make_pdfs.py OUT"""

import pathlib
import sys

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

out = pathlib.Path(sys.argv[1])


def picture(width: int, height: int, seed: int, mode: str) -> Image.Image:
    image = Image.new("RGB", (width, height), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 6):
        draw.line([(x, 0), (width - x, height)], fill=((x * 5 + seed * 70) % 256, (x * 3) % 256, (seed * 90) % 256), width=2)
    draw.rectangle([width // 4, height // 4, width // 2, height // 2], outline=(0, 0, 0), width=4)
    draw.text((10, 10), f"page {seed}", fill=(0, 0, 0))
    return image.convert(mode)


pages = [picture(240, 340, 1, "RGB"), picture(260, 360, 2, "L"), picture(240, 340, 3, "RGB")]
pages[0].save(out / "images.pdf", save_all=True, append_images=pages[1:], resolution=72.0)
book = (out / "images.pdf").read_bytes()
for number, page in enumerate(pages, 1):
    page.save(out / f"page-{number}.jpg", "JPEG")
    assert (out / f"page-{number}.jpg").read_bytes() in book, f"page {number}'s JPEG is not embedded as it is"

# One vector page, 200 × 300 points: a filled shape, a stroked frame and a line of text.
content = b"0.9 0.2 0.2 rg 20 150 160 120 re f 0 0 0 RG 4 w 10 10 180 280 re S BT /F1 24 Tf 30 100 Td (Vector) Tj ET"
objects = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 300] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]
vector = bytearray(b"%PDF-1.4\n")
offsets = []
for number, body in enumerate(objects, 1):
    offsets.append(len(vector))
    vector += b"%d 0 obj\n" % number + body + b"\nendobj\n"
xref = len(vector)
vector += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
vector += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
vector += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
(out / "vector.pdf").write_bytes(bytes(vector))

mixed = PdfWriter(clone_from=out / "images.pdf")
mixed.add_page(PdfReader(out / "vector.pdf").pages[0])
mixed.write(out / "mixed.pdf")

for name, user in [("encrypted.pdf", "secret"), ("permissions.pdf", "")]:
    writer = PdfWriter(clone_from=out / "images.pdf")
    writer.encrypt(user_password=user, owner_password="owner", algorithm="RC4-128")
    writer.write(out / name)
