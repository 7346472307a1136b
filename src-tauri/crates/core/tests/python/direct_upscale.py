"""Upscales one image by calling sr_vulkan directly, for the parity test and the benchmarks.

usage: direct_upscale.py INPUT OUTPUT MODEL_NAME SCALE FORMAT TILE [REPEAT]
Environment: SR_THREADS="dec,proc,enc" and SR_CPU_NUM=N apply the engine's tuning;
without them the library's defaults are used.
Prints the seconds each job took as JSON on the last line.
"""
import json
import os
import sys
import time

from sr_vulkan import sr_vulkan as sr

src, dst, model, scale, fmt, tile = sys.argv[1:7]
repeat = int(sys.argv[7]) if len(sys.argv) > 7 else 1
data = open(src, "rb").read()
sr.init()
if os.environ.get("SR_THREADS"):
    sr.setThreadNum(*(int(n) for n in os.environ["SR_THREADS"].split(",")))
assert sr.initSet(-1, int(os.environ.get("SR_CPU_NUM", "0"))) == 0, sr.getLastError()
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
