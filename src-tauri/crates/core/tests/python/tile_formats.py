"""What a tile's formats cost in sr_vulkan: PNG or BMP in, PNG or WebP out, on one 408x308 tile
of the pages benchmark's noise-like page (WAIFU2X_ANIME_UP2X, CPU mode, SRView's thread setup).
Also checks whether WebP at quality 100 is lossless, which would make it a cheaper transport.

usage: .venv/bin/python tile_formats.py   (about 70 s on 2 cores)
"""
import io
import struct
import time
import zlib

import numpy as np
from PIL import Image
from sr_vulkan import sr_vulkan as sr


def page(width, height, seed):
    """The `page()` of crates/cli/benches/pages.rs, in numpy."""
    x = np.arange(width)[None, :].repeat(height, 0)
    y = np.arange(height)[:, None].repeat(width, 1)
    ring = (((x - 300 - seed * 37) ** 2 + (y - 200) ** 2) // 900) % 7
    ink = np.where(((x // 11 + y // 17 + seed) % 5 == 0) | (ring == 0), 20, 230)
    return np.stack([ink, (x * 255 // width) // 2 + ink // 2, (y * 5 + seed * 31) % 256], -1).astype(np.uint8)


def png(a):
    h, w, _ = a.shape
    raw = b"".join(b"\0" + a[r].tobytes() for r in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def bmp(a):
    h, w, _ = a.shape
    row = (w * 3 + 3) & ~3
    body = b"".join(a[r, :, ::-1].tobytes().ljust(row, b"\0") for r in range(h - 1, -1, -1))
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(body), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(body), 0, 0, 54) + info + body


sr.init()
sr.setThreadNum(1, 2, 1)
assert sr.initSet(-1, 2) == 0, sr.getLastError()
model = sr.MODEL_WAIFU2X_ANIME_UP2X
tile = page(800, 600, 400)[:308, :408].copy()
inputs = {"png": png(tile), "bmp": bmp(tile)}
back_id = 0


def run(data, fmt, depth, jobs=6):
    """Seconds per job with `depth` jobs handed over at once, and the last output."""
    global back_id
    started, sent, got, out = time.perf_counter(), 0, 0, None
    while got < jobs:
        while sent < jobs and sent - got < depth:
            back_id, sent = back_id + 1, sent + 1
            assert sr.add(data, model, back_id, 2.0, fmt, 103) > 0, sr.getLastError()
        out = sr.load(0)[0]
        got += 1
        assert out, sr.getLastError()
    return (time.perf_counter() - started) / jobs, out


try:
    run(inputs["png"], "png", 1, 1)
    results = {}
    for _ in range(2):
        for source in inputs:
            for fmt in ("png", "webp"):
                for depth in (1, 2):
                    seconds, out = run(inputs[source], fmt, depth)
                    results.setdefault((source, fmt, depth), []).append(seconds)
    print("| in | out | depth | ms per tile (two rounds) |\n|---|---|---|---|")
    for (source, fmt, depth), times in results.items():
        print(f"| {source} | {fmt} | {depth} | {' / '.join(f'{t * 1000:.0f}' for t in times)} |")
    reference = np.asarray(Image.open(io.BytesIO(run(inputs["png"], "png", 1, 1)[1])).convert("RGB"), dtype=int)
    sr.setWebpQuality(100)
    webp = np.asarray(Image.open(io.BytesIO(run(inputs["png"], "webp", 1, 1)[1])).convert("RGB"), dtype=int)
    print(f"WebP at quality 100 against PNG: largest difference {np.abs(webp - reference).max()} levels")
finally:
    sr.stop()
