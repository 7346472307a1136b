// The sharp preview's cost and worth, printed (run by hand, not in CI):
//   1. a page turn to the first frame that shows a 2 MP page (1000×2000 JPEG, fit to the width
//      with small pages enlarged: 1.2× in the 1200 px wide window), p50 and p95 over PREVIEW_BENCH_TURNS turns: with the filter off
//      (the original's own decode and display), and with the edge and Lanczos previews, whose
//      first frame shows the preview over the original (drawn in the original's load event);
//   2. on a few real-looking pages, PSNR against the AI result (the `srview` CLI, waifu2x
//      UpConv7 anime 2×, CPU mode) of the preview (its CPU reference, kernels.js, which the e2e
//      test matches to the GPU's pixels) and of bilinear (the browser's blur), at 2×, per page.
// Run: flock /tmp/e2e.lock xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/preview-bench.mjs
// PREVIEW_BENCH_PSNR_ONLY=1 runs part 2 alone (no webview).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { By } from "selenium-webdriver";
import { openApp, startDriver } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";
import { bilinearResize, lanczosResize, preview, psnr } from "../../src/viewer/preview/kernels.js";

const TURNS = Number(process.env.PREVIEW_BENCH_TURNS ?? 20);
const WAIT = 120_000;
const root = "/tmp/srview-preview-bench";
const turnPages = join(root, "turn");
const CLI = resolve("src-tauri/target/release/srview");

/** TURNS + 1 different 1000×2000 JPEGs: one plasma page, rolled. */
function makeTurnPages() {
  mkdirSync(turnPages, { recursive: true });
  const base = join(root, "base.png");
  if (!existsSync(base)) execFileSync("convert", ["-seed", "3", "-size", "1000x2000", "plasma:#c04040-#203060", "-blur", "0x1", base]);
  for (let i = 0; i <= TURNS; i++) {
    const page = join(turnPages, `p${String(i + 1).padStart(3, "0")}.jpg`);
    if (!existsSync(page)) execFileSync("convert", [base, "-roll", `+${i * 37}+${i * 53}`, "-quality", "88", page]);
  }
}

/** In the webview: from the → key to the first frame showing the next page's original, and to
 *  the first frame showing its preview (null with the filter off). */
function turn(driver) {
  return driver.executeAsyncScript(
    `const done = arguments[0];
     const slot = document.getElementById("${ID.slot1}");
     const image = slot.querySelector("img.original");
     const canvas = slot.querySelector("canvas.preview");
     const before = image.getAttribute("src");
     let start = null, original = null, preview = null, frames = 0;
     addEventListener("keydown", () => (start ??= performance.now()), { capture: true, once: true });
     const tick = () => {
       const now = performance.now();
       if (start !== null && image.getAttribute("src") !== before && image.complete && image.naturalWidth > 0) {
         original ??= now - start;
         if (!canvas.hidden && canvas.width > 0) preview ??= now - start;
         frames++;
       }
       if (frames < 10) requestAnimationFrame(tick);
       else done({ original, preview });
     };
     requestAnimationFrame(tick);
     setTimeout(() => document.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true })), 0);`,
  );
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

async function pageTurns() {
  makeTurnPages();
  const tauriDriver = await startDriver();
  const config = join(tauriDriver.home, "config", "dev.srview.app");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "settings.json"), JSON.stringify({ settings: { fit: "width", enlargeSmall: true, previewFilter: "off" }, upscaling: false }));
  const results = {};
  try {
    const driver = await openApp([join(turnPages, "p001.jpg")]);
    try {
      await driver.manage().setTimeouts({ script: 120_000 });
      await driver.wait(() => driver.executeScript(`return document.getElementById("${ID.original}").naturalWidth > 0`), WAIT);
      const device = await driver.executeScript("const gl = document.createElement('canvas').getContext('webgl2'); const i = gl && gl.getExtension('WEBGL_debug_renderer_info'); return gl ? gl.getParameter(i ? i.UNMASKED_RENDERER_WEBGL : gl.RENDERER) : 'none'");
      const size = await driver.executeScript(`const s = document.getElementById("${ID.slot1}"); return [s.offsetWidth, s.offsetHeight, devicePixelRatio]`);
      results.where = { device, size };
      for (const filter of ["off", "edge", "lanczos"]) {
        await driver.findElement(By.id(ID.openSettings)).click();
        await driver.executeScript("const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }))", ID.settingPreviewFilter, filter);
        await driver.actions().sendKeys("\uE00C").perform(); // Esc
        await driver.actions().sendKeys("\uE011").perform(); // Home
        await driver.wait(() => driver.executeScript(`return document.getElementById("${ID.pageCounter}").textContent.startsWith("1 /")`), WAIT);
        const turns = [];
        for (let i = 0; i < TURNS; i++) turns.push(await turn(driver));
        results[filter] = turns;
      }
    } finally {
      await driver.quit();
    }
  } finally {
    await tauriDriver.stop();
  }
  const { where } = results;
  console.log(`\n### Page turn to the first frame of a 1000×2000 JPEG page (${TURNS} turns each; box ${where.size[0]}×${where.size[1]} CSS px at ${where.size[2]}×; WebGL: ${where.device})\n`);
  console.log("| filter | first frame with the original, p50 / p95 | first frame with the preview, p50 / p95 |");
  console.log("|---|---|---|");
  for (const filter of ["off", "edge", "lanczos"]) {
    const originals = results[filter].map((r) => r.original);
    const previews = results[filter].map((r) => r.preview).filter((v) => v !== null);
    const cell = (values) => (values.length ? `${percentile(values, 50).toFixed(0)} / ${percentile(values, 95).toFixed(0)} ms` : "none");
    console.log(`| ${filter} | ${cell(originals)} | ${cell(previews)}${previews.length && previews.length < TURNS ? ` (${previews.length} of ${TURNS})` : ""} |`);
  }
}

/** Pages that look like what people read: line art, a manga-like page, clip art, a photo. */
function makePsnrPages() {
  const dir = join(root, "psnr");
  mkdirSync(dir, { recursive: true });
  const pages = {
    "wizard (line-art illustration, ImageMagick's wizard:)": ["wizard:", "-resize", "50%"],
    "manga-like page (ink strokes, screentone, speech balloon)": [
      "-size", "300x420", "xc:white",
      "(", "-size", "300x420", "pattern:gray25", "-fill", "white", "-draw", "rectangle 0,0 300,200", ")", "-compose", "multiply", "-composite",
      "-stroke", "black", "-strokewidth", "2", "-fill", "none",
      "-draw", "rectangle 8,8 292,200", "-draw", "rectangle 8,210 140,412", "-draw", "rectangle 150,210 292,412",
      "-draw", "bezier 30,180 80,40 160,160 260,60", "-draw", "circle 80,300 80,250", "-draw", "line 160,240 280,400",
      "-fill", "white", "-draw", "ellipse 220,300 55,35 0,360", "-stroke", "none", "-fill", "black",
      "-draw", "rectangle 190,290 250,294", "-draw", "rectangle 185,302 255,306",
      "-gaussian-blur", "0x0.6",
    ],
    "clip art (ImageMagick's logo:)": ["logo:", "-resize", "50%"],
    "photo-like (fractal plasma, blurred, with grain)": ["-seed", "11", "-size", "320x240", "plasma:#d0a060-#304070", "-blur", "0x1.5", "-attenuate", "0.3", "+noise", "Gaussian"],
  };
  return Object.entries(pages).map(([name, args], n) => {
    const path = join(dir, `page-${n + 1}.png`);
    if (!existsSync(path)) execFileSync("convert", [...args, "-strip", `PNG24:${path}`]);
    return { name, path };
  });
}

function rgba(path) {
  const [width, height] = execFileSync("identify", ["-format", "%w %h", path], { encoding: "utf8" }).split(" ").map(Number);
  return { width, height, data: new Uint8ClampedArray(execFileSync("convert", [path, "-depth", "8", "rgba:-"], { maxBuffer: 1 << 28 })) };
}

function psnrTable() {
  const pages = makePsnrPages();
  const cache = join(root, "cli-cache");
  console.log("\n### PSNR against the AI result (waifu2x UpConv7 anime 2×, `srview --gpu cpu`), at 2×; dB, higher is closer\n");
  console.log("| page | size | bilinear | Lanczos-3 | edge, sharpening 0 | edge 0.25 | edge 0.5 | edge 1 |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const page of pages) {
    const ai = page.path.replace(/\.png$/, "-ai.png");
    if (!existsSync(ai)) execFileSync(CLI, ["--gpu", "cpu", "--cache", cache, "upscale", page.path, "--model", "WAIFU2X_ANIME_UP2X", "--scale", "2", "--format", "png", "-o", ai], { stdio: "ignore" });
    const source = rgba(page.path);
    const truth = rgba(ai);
    const { width, height } = truth;
    const cells = [
      psnr(bilinearResize(source, width, height), truth),
      psnr(lanczosResize(source, width, height), truth),
      ...[0, 0.25, 0.5, 1].map((sharpness) => psnr(preview(source, width, height, "edge", sharpness), truth)),
    ];
    console.log(`| ${page.name} | ${source.width}×${source.height} → ${width}×${height} | ${cells.map((v) => v.toFixed(2)).join(" | ")} |`);
  }
}

if (!process.env.PREVIEW_BENCH_PSNR_ONLY) await pageTurns();
psnrTable();
