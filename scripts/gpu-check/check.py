"""The GPU check's measurements (`scripts/gpu-check.sh run BUNDLE OUT [--dry]` runs this with
the bundle's own Python). Every figure comes from running the bundle's `srview`; the results go
to OUT/summary.json and OUT/summary.md, each run's stderr to OUT/logs.
"""
import argparse
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
import zlib

BUDGET_S = 450  # the whole check must end within 8 minutes
MODELS = ["WAIFU2X_CUNET_UP2X", "WAIFU2X_ANIME_UP2X", "REALCUGAN_SE_UP2X"]
FULL = {"page": (1600, 1200), "depths": [1, 2, 3, 4], "tiles": [100, 200, 400], "big": (4000, 4000),
        "too_large_tile": 4096, "ctrl_c": (4000, 4000), "ctrl_c_tile": 0, "batch": 20, "run_limit": 150}
DRY = {"page": (256, 192), "depths": [], "tiles": [32], "big": (320, 240),
       "too_large_tile": 4096, "ctrl_c": (640, 480), "ctrl_c_tile": 32, "batch": 3, "run_limit": 60}


# --- Pages: PNGs written with zlib alone (the bundle has no numpy and no imaging library).

def base_tile(size=256):
    """A 256×256 RGB texture with lines, rings and gradients, like line art with screentone."""
    rows = []
    for y in range(size):
        row = bytearray(size * 3)
        for x in range(size):
            ring = ((x - 128) ** 2 + (y - 100) ** 2) // 97 % 16
            line = 0 if (x + 2 * y) % 37 < 3 or (3 * x - y) % 53 < 2 else 255
            dots = 40 if (x % 6 < 3) == (y % 6 < 3) and y > 160 else 0
            v = max(0, min(255, line - ring * 6 - dots))
            row[3 * x:3 * x + 3] = bytes((v, max(0, v - (x & 31)), max(0, v - (y & 63))))
        rows.append(bytes(row))
    return rows


def write_png(path, width, height, seed, tile):
    """A page of tiles of `tile`, each row of tiles shifted by `seed`: distinct pages, quickly."""
    size = len(tile)
    raw = bytearray()
    for y in range(height):
        src = tile[(y + seed * 7) % size]
        shift = ((y // size) * 53 + seed * 31) % size * 3
        line = (src[shift:] + src[:shift]) * (width // size + 2)
        raw += b"\0" + line[: width * 3]
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw), 1)) + chunk(b"IEND", b""))
    return path


# --- Running srview.

class Check:
    def __init__(self, bundle, out, dry, device):
        self.bundle, self.out, self.dry = bundle, out, dry
        self.device = ["--gpu", device] if device else []
        self.plan = DRY if dry else FULL
        self.srview = os.path.join(bundle, "bin", "srview")
        self.work = tempfile.mkdtemp(prefix="srview-gpu-check-")
        self.logs = os.path.join(out, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.started = time.monotonic()
        self.runs = 0
        self.results = {"dry": dry, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "steps": {}}
        self.tile = base_tile()

    def left(self):
        return BUDGET_S - (time.monotonic() - self.started)

    def srview_run(self, name, args, env=None, limit=None):
        """Runs srview with `args`; returns (exit code, stdout lines as JSON where they are, seconds,
        stderr text, peak RSS in bytes from wait4). The exit code is None for a run skipped for
        want of time, and "timeout" for one stopped at its limit."""
        self.runs += 1
        if self.left() < 5:
            return None, [], 0.0, "skipped: the check keeps to 8 minutes", 0
        limit = min(limit or self.plan["run_limit"], self.left())
        log = os.path.join(self.logs, f"{self.runs:02d}-{name}.txt")
        environment = dict(os.environ, **(env or {}))
        started = time.monotonic()
        with open(log, "wb") as err:
            child = subprocess.Popen([self.srview] + self.device + args, stdout=subprocess.PIPE, stderr=err, env=environment)
            killed = threading.Event()
            timer = threading.Timer(limit, lambda: (killed.set(), child.kill()))
            timer.daemon = True
            timer.start()
            try:
                stdout = child.stdout.read()
                _, status, usage = os.wait4(child.pid, 0)
            finally:
                timer.cancel()
            child.returncode = "timeout" if killed.is_set() else os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        with open(log, "rb") as err:
            stderr = err.read().decode("utf-8", "replace")
        lines = []
        text = stdout.decode("utf-8", "replace")
        try:
            lines = [json.loads(text)] if text.lstrip().startswith("{") and "\n{" not in text.strip() else []
        except ValueError:
            pass
        if not lines:
            for line in text.splitlines():
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
        return child.returncode, lines, seconds, stderr, usage.ru_maxrss * 1024

    def upscale(self, name, inputs, model, extra=(), env=None, limit=None, out_dir=None):
        out_dir = out_dir or os.path.join(self.work, name)
        args = ["--json", "upscale", "--no-cache", "--stats", "--model", model, "--format", "png", "--overwrite",
                "--out-dir", out_dir, *extra, *inputs]
        code, lines, seconds, stderr, peak = self.srview_run(name, args, env, limit)
        pages = [line for line in lines if "index" in line]
        summary = next((line for line in lines if "summary" in line), {})
        row = {"exit": code, "seconds": round(seconds, 2), "peakRssBytes": peak, "pages": len(pages)}
        if pages:
            page = pages[0]
            row.update(tiles=page.get("tiles"), error=page.get("error"),
                       computeMs=(page.get("timings") or {}).get("computeMs"), output=page.get("output"))
        if summary:
            row["summary"] = summary.get("summary")
            row["stats"] = summary.get("stats")
            row["deviceMemory"] = summary.get("deviceMemory")
        row["retries"] = [line.strip() for line in stderr.splitlines() if "retrying with a smaller tile" in line]
        if code != 0:
            row["stderrTail"] = stderr[-1500:]
        return row

    def step(self, name, function):
        if self.left() < 10:
            self.results["steps"][name] = {"skipped": "out of time (the check keeps to 8 minutes)"}
            return
        began = time.monotonic()
        try:
            result = function()
        except Exception as err:  # a step that breaks is reported; the others still run
            result = {"failed": f"{type(err).__name__}: {err}"}
        result["stepSeconds"] = round(time.monotonic() - began, 1)
        self.results["steps"][name] = result
        print(f"gpu-check: {name} done in {result['stepSeconds']} s", flush=True)

    # --- The steps.

    def environment(self):
        info = {"uname": " ".join(os.uname()), "cpus": os.cpu_count(), "bundle": self.bundle}
        smi = shutil.which("nvidia-smi")
        if smi:
            query = [smi, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"]
            info["nvidiaSmi"] = subprocess.run(query, capture_output=True, text=True).stdout.strip()
        info["vulkanIcds"] = sorted(
            os.path.join(folder, name) for folder in ("/etc/vulkan/icd.d", "/usr/share/vulkan/icd.d")
            if os.path.isdir(folder) for name in os.listdir(folder))
        info["addedIcd"] = os.environ.get("VK_ADD_DRIVER_FILES")
        return info

    def engine(self):
        result = {}
        for name, args in (("doctor", ["--json", "doctor"]), ("gpus", ["--json", "gpus"]), ("stats", ["--json", "stats"])):
            code, lines, seconds, stderr, _ = self.srview_run(name, args, limit=60)
            result[name] = {"exit": code, "seconds": round(seconds, 2), "report": lines[0] if lines else None}
            if code != 0:
                result[name]["stderrTail"] = stderr[-1500:]
        gpus = result["gpus"]["report"] or {}
        self.depth = gpus.get("pipelineDepth")
        self.cpu_mode = gpus.get("cpuMode", True)
        result["device"] = gpus.get("deviceName")
        return result

    def vulkan_device(self):
        """Dry run only: one tiny page on Vulkan device 0 (llvmpipe here), through the bundle's
        loader, since the other runs use the device srview picks (CPU mode, here)."""
        page = write_png(os.path.join(self.work, "tiny.png"), 64, 48, 4, self.tile)
        row = self.upscale("vulkan-device-0", [page], "WAIFU2X_ANIME_UP2X", ["--gpu", "0"], limit=60)
        code, lines, _, _, _ = self.srview_run("vulkan-device-0-gpus", ["--gpu", "0", "--json", "gpus"], limit=30)
        row["device"] = (lines[0] if code == 0 and lines else {}).get("deviceName")
        return row

    def pages(self):
        width, height = self.plan["page"]
        page = write_png(os.path.join(self.work, "page.png"), width, height, 1, self.tile)
        result = {"page": f"{width}×{height}", "pipelineDepth": self.depth, "models": {}}
        for model in MODELS:
            rows = {"oneCall": self.upscale(f"{model}-one-call", [page], model, ["--no-tiling"])}
            depths = self.plan["depths"] or [self.depth]
            if model.startswith("REALCUGAN"):
                rows["note"] = "Real-CUGAN runs whole in SRView (its blocks pool over the page): no tiles, no depths"
            else:
                for depth in depths:
                    rows[f"depth{depth}"] = self.upscale(f"{model}-depth{depth}", [page], model,
                                                         env={"SRVIEW_PIPELINE_DEPTH": str(depth)})
                tiled, whole = rows.get(f"depth{self.depth}"), rows["oneCall"]
                if tiled and tiled.get("output") and whole.get("output"):
                    code, lines, _, stderr, _ = self.srview_run(f"{model}-seams", ["--json", "compare", tiled["output"], whole["output"]])
                    rows["seams"] = lines[0] if code == 0 and lines else {"exit": code, "stderrTail": stderr[-800:]}
            rows["tileSizes"] = {"auto": rows.get(f"depth{self.depth}", rows["oneCall"])}
            for tile in self.plan["tiles"]:
                rows["tileSizes"][str(tile)] = self.upscale(f"{model}-tile{tile}", [page], model, ["--tile", str(tile)])
            result["models"][model] = rows
        return result

    def too_large_tile(self):
        if self.cpu_mode and not self.dry:
            return {"skipped": "CPU mode: there is no device memory to run out of, and a tile this large would fill the RAM"}
        width, height = self.plan["big"]
        page = write_png(os.path.join(self.work, "big.png"), width, height, 2, self.tile)
        tile = self.plan["too_large_tile"]
        row = self.upscale("too-large-tile", [page], "WAIFU2X_CUNET_UP2X", ["--tile", str(tile)],
                           env={"SRVIEW_LOG": "srview_core=warn"}, limit=200)
        retries = row["retries"]
        row["page"], row["tile"] = f"{width}×{height}", tile
        if row["exit"] is None or row["exit"] == "timeout":
            row["what"] = f"not finished: {'timed out' if row['exit'] else 'skipped for want of time'}"
        elif row["exit"] == 0 and not retries:
            row["what"] = f"finished at tile {tile} with no retry: the device had room for it"
        elif row["exit"] == 0:
            row["what"] = f"out of memory detected and retried {len(retries)} time(s); the page finished"
        elif row["exit"] < 0:
            row["what"] = f"srview died of signal {-row['exit']}: the out-of-memory failure was not caught"
        else:
            row["what"] = f"the page failed (exit {row['exit']}): {row.get('error')}"
        return row

    def ctrl_c(self):
        width, height = self.plan["ctrl_c"]
        page = write_png(os.path.join(self.work, "ctrl-c.png"), width, height, 3, self.tile)
        args = ["upscale", "--no-cache", "--model", "WAIFU2X_CUNET_UP2X", "--format", "png", "--tile",
                str(self.plan["ctrl_c_tile"]), "-o", os.path.join(self.work, "ctrl-c-out.png"), page]
        environment = dict(os.environ, SRVIEW_LOG="srview_core=debug")
        child = subprocess.Popen([self.srview] + self.device + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
        timer = threading.Timer(min(120, self.left()), child.kill)
        timer.daemon = True
        timer.start()
        seen = []
        for raw in child.stderr:
            seen.append(raw.decode("utf-8", "replace"))
            if "handed to sr_vulkan" in seen[-1]:
                break
        maps = self.libraries(child.pid)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        seen += [raw.decode("utf-8", "replace") for raw in child.stderr]
        code = child.wait()
        timer.cancel()
        with open(os.path.join(self.logs, "ctrl-c.txt"), "w") as log:
            log.writelines(seen)
        return {"page": f"{width}×{height}", "exit": code, "secondsToExit": round(time.monotonic() - sent, 2),
                "said": next((line.strip() for line in seen if "srview: interrupted" in line), None),
                "libraries": maps}

    def libraries(self, pid):
        """Where the running srview's Python, Vulkan loader and sr_vulkan were loaded from."""
        try:
            with open(f"/proc/{pid}/maps") as maps:
                paths = sorted({line.split(None, 5)[5].strip() for line in maps if len(line.split(None, 5)) == 6})
        except OSError as err:
            return {"error": str(err)}
        wanted = ("libpython", "libvulkan.so", "libgomp", "sr_vulkan", "lib-dynload", "python3")
        found = [p for p in paths if any(w in os.path.basename(p) or w in p.split("/") for w in wanted)]
        drivers = [p for p in paths if os.path.basename(p).startswith(("libvulkan_", "libGLX_nvidia", "libnvidia"))]
        return {"loaded": found, "outsideBundle": [p for p in found if not p.startswith(self.bundle + "/")],
                "vulkanDrivers": drivers}

    def batch(self):
        count = self.plan["batch"]
        width, height = self.plan["page"]
        folder = os.path.join(self.work, "batch")
        os.makedirs(folder)
        pages = [write_png(os.path.join(folder, f"page{i:02d}.png"), width, height, 10 + i, self.tile) for i in range(count)]
        sampler = DeviceSampler()
        sampler.start()
        row = self.upscale("batch", pages, "WAIFU2X_CUNET_UP2X", limit=240)
        row["nvidiaSmiPeakMiB"], row["nvidiaSmiBeforeMiB"] = sampler.stop(), sampler.before
        row["pagesPerMinute"] = round(60 * row["pages"] / row["seconds"], 1) if row["seconds"] else None
        row["page"] = f"{width}×{height}"
        return row

    def run(self):
        self.depth, self.cpu_mode = None, True
        self.step("environment", self.environment)
        self.step("engine", self.engine)
        if self.dry:
            self.step("vulkanDevice", self.vulkan_device)
        self.step("pages", self.pages)
        self.step("tooLargeTile", self.too_large_tile)
        self.step("ctrlC", self.ctrl_c)
        self.step("batch", self.batch)
        self.results["seconds"] = round(time.monotonic() - self.started, 1)
        shutil.rmtree(self.work, ignore_errors=True)
        with open(os.path.join(self.out, "summary.json"), "w") as f:
            json.dump(self.results, f, indent=2)
        with open(os.path.join(self.out, "summary.md"), "w") as f:
            f.write(markdown(self.results))
        print(f"gpu-check: {self.out}/summary.md and summary.json written in {self.results['seconds']} s")


class DeviceSampler:
    """The GPU's used memory, all processes together, from nvidia-smi every half second (when
    there is one; in a container the per-process list is often empty)."""

    def __init__(self):
        self.smi, self.peak, self.before, self.done = shutil.which("nvidia-smi"), None, None, threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def start(self):
        if self.smi:
            self.before = self.used()
            self.thread.start()

    def used(self):
        query = [self.smi, "--query-gpu=memory.used", "--format=csv,noheader,nounits"]
        text = subprocess.run(query, capture_output=True, text=True).stdout
        return sum(int(v) for v in text.split() if v.isdigit())

    def sample(self):
        while not self.done.wait(0.5):
            self.peak = max(self.peak or 0, self.used())

    def stop(self):
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()
        return self.peak


# --- The Markdown summary.

def mib(value):
    return "–" if value is None else f"{value / 1048576:.0f} MiB"


def markdown(results):
    steps = results["steps"]
    md = ["# SRView GPU check" + (" (dry run)" if results["dry"] else ""), "",
          f"Run {results['started']}, {results['seconds']} s in all.", ""]
    env = steps.get("environment", {})
    md += [f"- machine: {env.get('uname')}, {env.get('cpus')} CPUs",
           f"- nvidia-smi: {env.get('nvidiaSmi') or 'none'}",
           f"- Vulkan drivers: {', '.join(env.get('vulkanIcds') or []) or 'none'}"
           + (f"; added {env['addedIcd']}" if env.get("addedIcd") else ""), ""]
    engine = steps.get("engine", {})
    md += ["## Device", ""]
    gpus = (engine.get("gpus") or {}).get("report") or {}
    if gpus.get("cpuMode", True) and not results["dry"]:
        md += ["**No GPU was used: these are CPU-mode figures.**", ""]
    md += [f"- in use: **{gpus.get('deviceName')}** (CPU mode: {gpus.get('cpuMode')}); why: {gpus.get('fallbackReason') or 'chosen'}",
           f"- devices: {', '.join(g.get('name', '?') for g in gpus.get('gpus', [])) or 'none'}",
           f"- memory a job may use: {gpus.get('gpuMemoryMb')} MB; pipeline depth {gpus.get('pipelineDepth')}"]
    stats = (engine.get("stats") or {}).get("report") or {}
    for device in stats.get("deviceMemory") or []:
        for heap in device.get("heaps", []):
            if heap.get("deviceLocal"):
                md.append(f"- {device.get('name')}: heap {mib(heap.get('sizeBytes'))}, budget {mib(heap.get('budgetBytes'))},"
                          f" used {mib(heap.get('usageBytes'))}")
    doctor = (engine.get("doctor") or {}).get("report") or {}
    md += ["", "| check | ok | detail |", "|---|---|---|"]
    md += [f"| {c['name']} | {'yes' if c['ok'] else 'NO'} | {c['detail']} |" for c in doctor.get("checks", [])]
    pages = steps.get("pages", {})
    md += ["", f"## A {pages.get('page')} page per model", "",
           "| model | run | exit | wall s | compute ms | tiles |", "|---|---|---|---|---|---|"]
    for model, rows in (pages.get("models") or {}).items():
        for key, row in rows.items():
            if key in ("seams", "note", "tileSizes"):
                continue
            label = "one call" if key == "oneCall" else f"tiles, depth {key[5:]}" + (" (SRView's)" if key == f"depth{pages.get('pipelineDepth')}" else "")
            md.append(f"| {model} | {label} | {row['exit']} | {row['seconds']} | {row.get('computeMs')} | {row.get('tiles')} |")
        for tile, row in rows.get("tileSizes", {}).items():
            md.append(f"| {model} | tile {tile} | {row['exit']} | {row['seconds']} | {row.get('computeMs')} | {row.get('tiles')} |")
    md += ["", "### Seams: tiles against one call", "", "| model | PSNR | worst 64×64 block |", "|---|---|---|"]
    for model, rows in (pages.get("models") or {}).items():
        seams = rows.get("seams")
        if seams is None:
            md.append(f"| {model} | {rows.get('note', 'not compared')} | |")
        elif seams.get("identical"):
            md.append(f"| {model} | identical | identical |")
        else:
            md.append(f"| {model} | {seams.get('psnrDb')} dB | {seams.get('worstBlockDb')} dB at {seams.get('worstBlockAt')} |")
    big = steps.get("tooLargeTile", {})
    md += ["", "## A page with a tile far too large for the device", ""]
    if "exit" in big:
        md += [f"{big.get('page')} page, tile {big.get('tile')}: **{big.get('what')}** (exit {big['exit']}, {big.get('seconds')} s).", ""]
        md += [f"- {r}" for r in big.get("retries") or []]
    else:
        md.append(f"**{big.get('skipped') or big.get('failed')}**")
    if "vulkanDevice" in steps:
        vk = steps["vulkanDevice"]
        md += ["", "## Vulkan device 0", "", f"A 64×48 page on {vk.get('device')}: exit {vk.get('exit')}, {vk.get('seconds')} s."]
    ctrl = steps.get("ctrlC", {})
    md += ["", "## Ctrl-C during a page", "",
           f"Exit {ctrl.get('exit')} {ctrl.get('secondsToExit')} s after SIGINT ({ctrl.get('page')} page): {ctrl.get('said')}", ""]
    libs = ctrl.get("libraries") or {}
    md += [f"Loaded from outside the bundle: {', '.join(libs.get('outsideBundle') or []) or 'nothing'}."]
    batch = steps.get("batch", {})
    stats = batch.get("stats") or {}
    used = [h.get("usageBytes") for d in batch.get("deviceMemory") or [] for h in d.get("heaps", []) if h.get("deviceLocal")]
    md += ["", f"## {batch.get('pages')} pages ({batch.get('page')}) as a batch", "",
           f"- {batch.get('pagesPerMinute')} pages per minute ({batch.get('seconds')} s, exit {batch.get('exit')})",
           f"- peak RSS {mib(batch.get('peakRssBytes'))} (wait4); the engine's own figure {mib((stats.get('memory') or {}).get('peakResidentBytes'))}",
           f"- device memory used after the batch: {', '.join(mib(u) for u in used if u is not None) or 'not reported'};"
           f" the GPU's used memory (nvidia-smi) at the peak {batch.get('nvidiaSmiPeakMiB') or '–'} MiB,"
           f" before the batch {batch.get('nvidiaSmiBeforeMiB') or '–'} MiB", ""]
    for name, step in steps.items():
        if "failed" in step or "skipped" in step:
            md.append(f"- step {name}: {step.get('failed') or step.get('skipped')}")
    return "\n".join(md) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bundle")
    parser.add_argument("out")
    parser.add_argument("--dry", action="store_true", help="one small page and a reduced set")
    parser.add_argument("--gpu", help="srview's --gpu for every run (default: the device srview picks)")
    args = parser.parse_args()
    Check(os.path.abspath(args.bundle), os.path.abspath(args.out), args.dry, args.gpu).run()


if __name__ == "__main__":
    main()
