// The first AI tile on screen, in the real app (run by hand, not in CI), CPU mode, upscaling
// on, the default model (waifu2x UpConv7 anime 2×), no preloading:
//   - a page turn (→) to a noise-like 1600×1200 page: from the key press to the first frame in
//     which a tile is drawn (TileLayer's canvas.dataset.tiles, read in requestAnimationFrame),
//     and to the first frame showing the finished page;
//   - one tile alone, measured in the same run between the large pages: a 416×416 page (one
//     tile's padded size for the default tiling), as the engine's compute time (the status
//     line's "computed in") and as the time from the key press to its result on screen.
// Medians over FIRST_TILE_BENCH_PAGES (3) of each, interleaved. Prints a Markdown table.
// Run: flock /tmp/e2e.lock xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/first-tile-bench.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { openApp, startDriver } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const PAGES = Number(process.env.FIRST_TILE_BENCH_PAGES ?? 3);
const WAIT = 300_000;
const dir = mkdtempSync(join(tmpdir(), "srview-first-tile-"));

// A small first page, then a large page and a one-tile page, in turn.
execFileSync("convert", ["-seed", "1", "-size", "64x48", "plasma:fractal", join(dir, "000.png")]);
for (let i = 1; i <= PAGES; i++) {
  execFileSync("convert", ["-seed", String(100 + i), "-size", "1600x1200", "plasma:fractal", "-blur", "0x1", join(dir, `${String(i).padStart(2, "0")}a-large.png`)]);
  execFileSync("convert", ["-seed", String(200 + i), "-size", "416x416", "plasma:fractal", "-blur", "0x1", join(dir, `${String(i).padStart(2, "0")}b-tile.png`)]);
}

/** → to the next page; from the key press to the first frame with a tile drawn (null if
 *  none) and to the first frame with the finished page. */
function turn(driver) {
  return driver.executeAsyncScript(
    `const done = arguments[0];
     const tiles = document.querySelector("#${ID.slot1} canvas.tiles");
     const original = document.getElementById("${ID.original}");
     const upscaled = document.getElementById("${ID.upscaled}");
     const before = original.getAttribute("src");
     let start = null, tile = null;
     const tick = () => {
       const now = performance.now();
       const turned = original.getAttribute("src") !== before;
       if (turned && tile === null && !tiles.hidden && tiles.dataset.tiles) tile = now - start;
       if (turned && upscaled.getAttribute("src") && upscaled.complete && upscaled.naturalWidth > 0) return done({ tile, finished: now - start });
       requestAnimationFrame(tick);
     };
     requestAnimationFrame(tick);
     start = performance.now();
     window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));`,
  );
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};

const tauriDriver = await startDriver();
const config = join(tauriDriver.home, "config", "dev.srview.app");
mkdirSync(config, { recursive: true });
writeFileSync(join(config, "settings.json"), JSON.stringify({ settings: { preloadCount: 0 }, upscaling: true }));
const runs = { tile: [], finished: [], oneTileCompute: [], oneTileResult: [] };
try {
  const driver = await openApp([join(dir, "000.png")]);
  try {
    await driver.manage().setTimeouts({ script: WAIT });
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    const upscaledShown = () => driver.executeScript(`const u = document.getElementById("${ID.upscaled}"); return !!u.getAttribute("src") && u.complete && u.naturalWidth > 0`);
    await driver.wait(upscaledShown, WAIT, "the first page was not upscaled");
    const status = () => driver.findElement(By.id(ID.status)).getText();
    for (let i = 0; i < PAGES; i++) {
      const large = await turn(driver);
      runs.tile.push(large.tile);
      runs.finished.push(large.finished);
      const one = await turn(driver);
      runs.oneTileResult.push(one.finished);
      const line = await status();
      const [, value, unit] = line.match(/computed in ([\d.]+) (ms|s)/) ?? [];
      if (value === undefined) console.error(`no compute time in the status line: ${line}`);
      runs.oneTileCompute.push(value === undefined ? null : Number(value) * (unit === "s" ? 1000 : 1));
      console.error(`page ${i + 1}: first tile ${large.tile?.toFixed(0)} ms, finished ${large.finished.toFixed(0)} ms; one tile: computed in ${runs.oneTileCompute.at(-1)} ms, on screen ${one.finished.toFixed(0)} ms`);
    }
  } finally {
    await driver.quit();
  }
} finally {
  await tauriDriver.stop();
}

const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
const s = (ms) => (ms === null ? "–" : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a, b) => (a === null || b === null ? "–" : `${(a / b).toFixed(2)}×`);
console.log(`First AI tile on screen, CPU mode, WAIFU2X_ANIME_UP2X, 1600×1200 noise-like pages, p50 of ${PAGES}\n`);
console.log("| measure | p50 | / one tile computed |");
console.log("|---|---|---|");
console.log(`| one tile computed (416×416 page, engine compute time) | ${s(m.oneTileCompute)} | 1.00× |`);
console.log(`| one tile page: key press → its result on screen | ${s(m.oneTileResult)} | ${ratio(m.oneTileResult, m.oneTileCompute)} |`);
console.log(`| 1600×1200 page: key press → first tile on screen | ${s(m.tile)} | ${ratio(m.tile, m.oneTileCompute)} |`);
console.log(`| 1600×1200 page: key press → finished page on screen | ${s(m.finished)} | ${ratio(m.finished, m.oneTileCompute)} |`);
console.log(`\nfirst tile / one tile's result on screen: ${ratio(m.tile, m.oneTileResult)}`);
console.log(`runs (ms): ${JSON.stringify(runs)}`);
