"""Checks what a dry run of the GPU check wrote (scripts/test.sh):

    .venv/bin/python scripts/gpu-check/verify_dry.py OUT BUNDLE

Each summary must be there and say what the check measured; the running srview must have
loaded its Python, Vulkan loader and sr_vulkan from the bundle only.
"""
import json
import os
import sys

out, bundle = sys.argv[1], os.path.realpath(sys.argv[2])
summary = json.load(open(os.path.join(out, "summary.json")))
markdown = open(os.path.join(out, "summary.md")).read()
steps = summary["steps"]
problems = []


def expect(condition, what):
    if not condition:
        problems.append(what)


for name in ("environment", "engine", "vulkanDevice", "pages", "tooLargeTile", "ctrlC", "batch"):
    expect(name in steps and "failed" not in steps[name] and "skipped" not in steps[name], f"step {name}: {steps.get(name)}")
engine = steps.get("engine", {})
doctor = ((engine.get("doctor") or {}).get("report") or {}).get("checks", [])
expect(doctor and all(c["ok"] for c in doctor), f"doctor: {doctor}")
expect(any(c["name"] == "python" and bundle in c["detail"] for c in doctor), f"Python from the bundle: {doctor}")
expect(((engine.get("gpus") or {}).get("report") or {}).get("pipelineDepth"), f"gpus: {engine.get('gpus')}")
cpu_mode = (((engine.get("gpus") or {}).get("report") or {}).get("cpuMode", True))
models = steps.get("pages", {}).get("models", {})
expect(sorted(models) == ["REALCUGAN_SE_UP2X", "WAIFU2X_ANIME_UP2X", "WAIFU2X_CUNET_UP2X"], f"models: {sorted(models)}")
for model, rows in models.items():
    runs = [rows["oneCall"]] + [row for key, row in rows.items() if key.startswith("depth")] + list(rows["tileSizes"].values())
    expect(all(r["exit"] == 0 and r["pages"] == 1 and r["computeMs"] > 0 for r in runs), f"{model}: {runs}")
    if not model.startswith("REALCUGAN"):
        seams = rows.get("seams") or {}
        expect(seams.get("identical") or seams.get("psnrDb", 0) > 30, f"{model} seams: {seams}")
        # In CPU mode the CLI runs a page that fits in memory as one job (no reader waits);
        # on a GPU it is tiled.
        tiles = rows["tileSizes"]["32"]["tiles"]
        if cpu_mode:
            expect(tiles == 0, f"{model} at tile 32 runs whole in CPU mode: {rows['tileSizes']}")
        else:
            expect(tiles > 1, f"{model} at tile 32 is tiled: {rows['tileSizes']}")
vulkan = steps.get("vulkanDevice", {})
expect(vulkan.get("exit") == 0 and vulkan.get("pages") == 1 and vulkan.get("device") not in (None, "cpu"),
       f"a page on Vulkan device 0: {vulkan}")
big = steps.get("tooLargeTile", {})
expect(big.get("exit") == 0 and big.get("what"), f"too large a tile: {big}")
ctrl = steps.get("ctrlC", {})
expect(ctrl.get("exit") == 130 and ctrl.get("secondsToExit", 99) < 30 and ctrl.get("said"), f"Ctrl-C: {ctrl}")
libraries = ctrl.get("libraries") or {}
loaded = libraries.get("loaded") or []
for library in ("libpython3.11.so.1.0", "libvulkan.so.1", "sr_vulkan.so", "libgomp.so.1"):
    expect(any(os.path.basename(p).startswith(library) and p.startswith(bundle + "/") for p in loaded),
           f"{library} loaded from the bundle: {loaded}")
expect(not libraries.get("outsideBundle"), f"loaded from outside the bundle: {libraries.get('outsideBundle')}")
batch = steps.get("batch", {})
expect(batch.get("exit") == 0 and batch.get("pages") == 3 and batch.get("pagesPerMinute", 0) > 0, f"batch: {batch}")
expect(batch.get("peakRssBytes", 0) > 50 << 20, f"batch peak RSS: {batch.get('peakRssBytes')}")
for heading in ("# SRView GPU check (dry run)", "## Device", "page per model", "### Seams", "tile 4096: **finished",
                "## Ctrl-C during a page", "pages per minute", "Loaded from outside the bundle: nothing."):
    expect(heading in markdown, f"summary.md lacks {heading!r}")
if problems:
    sys.exit("gpu-check dry run:\n  " + "\n  ".join(problems))
print(f"gpu-check dry run: summaries complete ({summary['seconds']} s); everything loaded from the bundle")
