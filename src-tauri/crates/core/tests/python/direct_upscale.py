"""Upscales one image by calling sr_vulkan directly, for the parity test and benchmarks.

usage: direct_upscale.py INPUT OUTPUT MODEL_NAME SCALE FORMAT TILE [REPEAT]
Prints the seconds each job took (warm, after the first) as JSON on the last line.
"""
import json
import sys
import time

from sr_vulkan import sr_vulkan as sr

src, dst, model, scale, fmt, tile = sys.argv[1:7]
repeat = int(sys.argv[7]) if len(sys.argv) > 7 else 1
data = open(src, "rb").read()
assert sr.init() == 0 or True
assert sr.initSet(-1) == 0, sr.getLastError()
index = getattr(sr, "MODEL_" + model)
times = []
try:
    for job in range(repeat):
        started = time.perf_counter()
        assert sr.add(data, index, job + 1, float(scale), fmt, int(tile)) > 0, sr.getLastError()
        out, _, back_id, _ = sr.load(0)
        times.append(time.perf_counter() - started)
        assert out, sr.getLastError()
    open(dst, "wb").write(out)
finally:
    sr.stop()
print(json.dumps({"seconds": times}))
