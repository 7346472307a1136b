"""The baseline for SRView's custom-model benchmark: a plain Python script running the same
onnxruntime session on the same decoded array, with the same conversion to and from float.

usage: direct_onnx.py MODEL.onnx INPUT.rgb WIDTH HEIGHT REPEATS
Prints one JSON line: {"ms": [...]} (one figure per repeat, after one warm-up run).
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort

model, source, width, height, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
image = np.fromfile(source, np.uint8).reshape(height, width, 3)
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name


def upscale(rgb):
    x = rgb.transpose(2, 0, 1)[np.newaxis].astype(np.float32) * np.float32(1 / 255)
    y = session.run(None, {name: np.ascontiguousarray(x)})[0][0].transpose(1, 2, 0)
    return np.ascontiguousarray(np.rint(np.clip(y, 0.0, 1.0) * 255.0).astype(np.uint8))


upscale(image)
times = []
for _ in range(repeats):
    started = time.perf_counter()
    upscale(image)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({"ms": times}))
