"""Does sr_vulkan free what its decoders decode? RSS every 40 jobs per input format, CPU mode.

Run: .venv/bin/python src-tauri/crates/core/tests/python/input_leak.py
Each format runs in its own process (python, not SRView), 120 jobs of waifu2x anime 2×.
"""
import struct
import subprocess
import sys
import zlib

SIZE = 192
JOBS = 120


def rows():
    return [bytes(v for x in range(SIZE) for v in (30 if (x // 9 + y // 11) % 4 == 0 else 220, (x * 7 + y * 13) % 256, (x ^ y) & 255)) for y in range(SIZE)]


def png(pixels):
    raw = b"".join(b"\x00" + row for row in pixels)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def bmp(pixels, alpha):
    channels = 4 if alpha else 3
    stride = (SIZE * channels + 3) // 4 * 4
    body = b""
    for row in reversed(pixels):
        line = b"".join(bytes((row[3 * x + 2], row[3 * x + 1], row[3 * x])) + (b"\x80" if alpha else b"") for x in range(SIZE))
        body += line.ljust(stride, b"\0")
    info = struct.pack("<IiiHHIIiiII", 40, SIZE, SIZE, 1, 8 * channels, 0, len(body), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(body), 0, 0, 54) + info + body


def rss_mib():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20


def run(kind):
    from sr_vulkan import sr_vulkan as sr

    sr.init()
    sr.initSet(-1)
    model = sr.MODEL_WAIFU2X_ANIME_UP2X
    pixels = rows()
    data = {"png": lambda: png(pixels), "bmp24": lambda: bmp(pixels, False), "bmp32": lambda: bmp(pixels, True)}.get(kind)
    if data is None:  # jpg, webp: sr_vulkan's own output of the PNG, as the input
        assert sr.add(png(pixels), model, 0, 1.0, kind, 0) > 0
        data = sr.load(0)[0]
    else:
        data = data()
    samples = []
    for i in range(JOBS):
        assert sr.add(data, model, i, 2.0, "png", 0) > 0
        result = sr.load(0)
        assert result and result[0], sr.getLastError()
        if i % 40 == 39:
            samples.append(f"{rss_mib():.1f}")
    sr.stop()
    print(f"{kind:6} RSS after 40, 80, 120 jobs: {', '.join(samples)} MiB")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        for kind in ["png", "webp", "jpg", "bmp24", "bmp32"]:
            subprocess.run([sys.executable, __file__, kind], check=True, stderr=subprocess.DEVNULL)
