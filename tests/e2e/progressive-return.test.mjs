// Progressive pages in the real webview, as the reader moves: a page come back to keeps its AI
// tiles, another model's request shows only its own, and the setting off draws none. (Apart
// from progressive.test.mjs: each file must finish within the suite's time limit.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 180_000;
let tauriDriver;
// Each test its own large page: the tests share one cache.
const back = mkdtempSync(join(tmpdir(), "srview-progressive-back-"));
const model = mkdtempSync(join(tmpdir(), "srview-progressive-model-"));
const off = mkdtempSync(join(tmpdir(), "srview-progressive-off-"));

before(async () => {
  // A large page and a small one to turn to (one unit: no tiles).
  execFileSync("convert", ["-seed", "9", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(back, "1.png")]);
  execFileSync("convert", ["-seed", "10", "-size", "160x120", "plasma:fractal", join(back, "2.png")]);
  execFileSync("convert", ["-seed", "11", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(model, "page.png")]);
  execFileSync("convert", ["-seed", "12", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(off, "page.png")]);
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);
const counter = (driver) => js(driver, `return document.getElementById('${ID.pageCounter}').textContent`);
const TILES = `document.querySelector("#${ID.slot1} canvas.tiles")`;
const tilesDrawn = (driver) => js(driver, `return Number(${TILES}.dataset.tiles ?? 0)`);
const finished = (driver) => js(driver, `const u = document.getElementById("${ID.upscaled}"); return !!u.getAttribute("src") && u.complete && u.naturalWidth > 0`);

/** In the page: records, each frame from now, what the slot's tile canvas shows. */
const RECORD_FRAMES = `
  const tiles = ${TILES};
  const original = document.getElementById("${ID.original}");
  const upscaled = document.getElementById("${ID.upscaled}");
  window.__frames = [];
  window.__recording = true;
  const frame = () => {
    window.__frames.push({
      at: performance.now(),
      original: original.getAttribute("src"),
      tiles: !tiles.hidden && tiles.width > 0 && tiles.style.visibility !== "hidden" ? tiles.width : 0,
      finished: !!upscaled.getAttribute("src") && upscaled.complete && upscaled.naturalWidth > 0,
    });
    if (window.__recording) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);`;

test("a right-to-left page's AI tiles are drawn from the top right before the page is done, and match it", async () => {
  const driver = await openApp([pages]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await js(driver, `return document.getElementById('${ID.pageCounter}').textContent`)) === "1 / 1", WAIT);
    // Record when each tile is drawn and when the finished page loads, and which corner the
    // first tile filled.
    await js(
      driver,
      `const slot = document.getElementById(arguments[0]);
       const tiles = slot.querySelector("canvas.tiles");
       const upscaled = document.getElementById(arguments[1]);
       window.__progressive = { drawn: [], loaded: null, first: null };
       new MutationObserver(() => {
         const seen = window.__progressive;
         seen.drawn.push(performance.now());
         if (!seen.first) {
           const alpha = (x, y) => tiles.getContext("2d").getImageData(x, y, 1, 1).data[3];
           const box = Math.round(slot.getBoundingClientRect().width * devicePixelRatio);
           seen.first = { topLeft: alpha(8, 8), topRight: alpha(tiles.width - 8, 8), width: tiles.width, box, finished: upscaled.complete && upscaled.naturalWidth > 0 };
         }
       }).observe(tiles, { attributes: true, attributeFilter: ["data-tiles"] });
       upscaled.addEventListener("load", () => (window.__progressive.loaded = performance.now()));`,
      ID.slot1,
      ID.upscaled,
    );
    await press(driver, "r");
    await press(driver, "u");
    await driver.wait(async () => (await js(driver, "return window.__progressive.drawn.length")) >= 2, WAIT, "no AI tile was drawn");
    const midway = await js(driver, `return [window.__progressive.loaded, document.getElementById(arguments[0]).textContent]`, ID.status);
    await screenshot(driver, "progressive-tiles.png");
    await driver.wait(async () => js(driver, "return window.__progressive.loaded !== null"), WAIT, "the page never finished");
    const seen = await js(driver, "return window.__progressive");
    console.log(`# ${seen.drawn.length} tiles drawn; the first ${((seen.loaded - seen.drawn[0]) / 1000).toFixed(1)} s before the finished page; status midway: ${midway[1]}`);
    assert.equal(midway[0], null, "tiles were drawn before the finished page loaded");
    assert.ok(seen.drawn[0] < seen.loaded);
    // Shown below the result's size, the tiles are drawn shrunk, at the box's size (viewer/preview/shrink.ts).
    assert.equal(seen.first.width, Math.min(2400, seen.first.box), "the tiles' canvas has the result's resolution, or the box's where smaller");
    assert.ok(seen.first.topRight > 0 && seen.first.topLeft === 0, `the first tile is at the top right: ${JSON.stringify(seen.first)}`);

    // The tiles drawn together against the finished page, pixel by pixel: as the finished page
    // is drawn on screen, shrunk (canvas.shrunk) where the tiles are.
    const psnr = await driver.executeAsyncScript(
      `const [slotId, upscaledId, done] = arguments;
       const tiles = document.getElementById(slotId).querySelector("canvas.tiles");
       const image = new Image();
       image.crossOrigin = "anonymous";
       image.onerror = () => done("the finished page did not load for reading");
       image.onload = () => {
         const canvas = document.createElement("canvas");
         [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
         const shrunk = document.getElementById(slotId).querySelector("canvas.shrunk");
         if (tiles.width < canvas.width && shrunk && !shrunk.hidden) [canvas.width, canvas.height] = [shrunk.width, shrunk.height];
         if (canvas.width !== tiles.width || canvas.height !== tiles.height) return done("sizes differ: " + canvas.width + "×" + canvas.height + " and " + tiles.width + "×" + tiles.height);
         const context = canvas.getContext("2d");
         context.drawImage(canvas.width < image.naturalWidth ? shrunk : image, 0, 0);
         const a = context.getImageData(0, 0, canvas.width, canvas.height).data;
         const b = tiles.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
         let squared = 0, transparent = 0;
         for (let i = 0; i < a.length; i += 4) {
           if (b[i + 3] === 0) transparent++;
           for (let c = 0; c < 3; c++) squared += (a[i + c] - b[i + c]) ** 2;
         }
         const mse = squared / (a.length / 4 * 3);
         done({ db: mse === 0 ? Infinity : 10 * Math.log10(255 ** 2 / mse), transparent });
       };
       image.src = document.getElementById(upscaledId).src;`,
      ID.slot1,
      ID.upscaled,
    );
    assert.equal(typeof psnr, "object", String(psnr));
    console.log(`# tiles against the finished page: ${psnr.db.toFixed(1)} dB, ${psnr.transparent} pixels left uncovered`);
    assert.equal(psnr.transparent, 0, "the tiles cover the page");
    assert.ok(psnr.db >= 35, `the tiles match the finished page (${psnr.db.toFixed(1)} dB)`);
    assert.equal(await js(driver, `return document.querySelector("#${ID.slot1} canvas.tiles").style.visibility`), "hidden", "the finished page covers the tiles");
    await screenshot(driver, "progressive-done.png");
    // The next test starts with upscaling off, as a new reader does.
    await press(driver, "u");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});

test("in the strip, the band of the page in view gets its AI tiles first", async () => {
  const driver = await openApp([webtoon]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    // Upscaling is off until the page is in place (a tile computed before would be drawn first).
    const upscaling = () => js(driver, `return document.getElementById(arguments[0]).getAttribute("aria-pressed")`, ID.toggleUpscale);
    assert.equal(await upscaling(), "false");
    await press(driver, "w");
    await driver.wait(until.elementLocated(By.css(`#${ID.strip}.on .strip-page[data-index="0"] img`)), WAIT, "W did not show the strip");
    // Scroll to the page's middle, then upscale.
    const band = await js(
      driver,
      `const strip = document.getElementById(arguments[0]);
       const page = strip.querySelector('.strip-page[data-index="0"]');
       strip.scrollTop = page.offsetHeight / 2 - strip.clientHeight / 2;
       return { top: strip.scrollTop / page.offsetHeight, bottom: (strip.scrollTop + strip.clientHeight) / page.offsetHeight };`,
      ID.strip,
    );
    await driver.wait(async () => (await js(driver, `return document.getElementById(arguments[0]).scrollTop`, ID.strip)) > 0, WAIT);
    await driver.executeAsyncScript("const done = arguments[0]; setTimeout(done, 300);");
    await press(driver, "u");
    assert.equal(await upscaling(), "true");
    await driver.wait(until.elementLocated(By.css(`#${ID.strip} .strip-page[data-index="0"] canvas.tiles[data-tiles]`)), WAIT, "no AI tile was drawn in the strip");
    const first = await js(
      driver,
      `const canvas = document.querySelector('#' + arguments[0] + ' .strip-page[data-index="0"] canvas.tiles');
       const context = canvas.getContext("2d");
       const rows = [];
       for (let y = 4; y < canvas.height; y += canvas.height / 24) {
         const row = context.getImageData(0, Math.floor(y), canvas.width, 1).data;
         rows.push(row.some((value, i) => i % 4 === 3 && value > 0));
       }
       return { rows, height: canvas.height };`,
      ID.strip,
    );
    const filled = first.rows.map((on, i) => (on ? i / first.rows.length : null)).filter((y) => y !== null);
    console.log(`# in view: ${band.top.toFixed(2)}–${band.bottom.toFixed(2)} of the page; the first tile filled ${filled[0]?.toFixed(2)}–${filled.at(-1)?.toFixed(2)}`);
    assert.ok(filled.length > 0 && filled.length < first.rows.length, "one part of the page is drawn first");
    assert.ok(filled.at(-1) >= band.top - 0.05 && filled[0] <= band.bottom, `the first tile is in the band in view: ${JSON.stringify(filled)}`);
    await screenshot(driver, "progressive-strip.png");
  } finally {
    await driver.quit();
  }
});

test("a page left and come back to while it computes keeps its tiles on screen, each drawn once", async () => {
  const driver = await openApp([back]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await counter(driver)) === "1 / 2", WAIT);
    // Every tile image drawn on the slot's canvas is counted.
    await js(
      driver,
      `const tiles = ${TILES};
       window.__draws = 0;
       const draw = CanvasRenderingContext2D.prototype.drawImage;
       CanvasRenderingContext2D.prototype.drawImage = function (image, ...rest) {
         if (this.canvas === tiles && image instanceof HTMLImageElement) window.__draws++;
         return draw.call(this, image, ...rest);
       };`,
    );
    const large = await js(driver, `return document.getElementById("${ID.original}").getAttribute("src")`);
    await press(driver, "u");
    await driver.wait(async () => (await tilesDrawn(driver)) >= 2, WAIT, "no AI tile was drawn");
    const total = Number(await js(driver, `return document.getElementById("${ID.progress}").dataset.total`));
    const before = await tilesDrawn(driver);
    assert.equal(await finished(driver), false, "the page is still computing when the reader leaves");
    // Away to the small page until its result shows, then back.
    await press(driver, "ArrowRight");
    await driver.wait(async () => (await counter(driver)) === "2 / 2" && (await finished(driver)), WAIT, "the small page was not upscaled");
    await js(driver, `${RECORD_FRAMES}; window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft" }));`);
    await driver.wait(async () => (await counter(driver)) === "1 / 2", WAIT);
    await screenshot(driver, "progressive-back.png");
    await driver.wait(() => finished(driver), WAIT, "the page never finished");
    const frames = await js(driver, "window.__recording = false; return window.__frames");
    const back = frames.filter((f) => f.original === large && !f.finished);
    const empty = back.filter((f) => f.tiles === 0).length;
    const draws = await js(driver, "return window.__draws");
    console.log(`# ${before} of ${total} tiles drawn before leaving; back: ${back.length} frames before the finished page, ${empty} without tiles; ${draws} tile images drawn in all`);
    assert.ok(back.length > 0, "frames were seen before the finished page");
    assert.equal(empty, 0, "the tiles drawn before stay on screen when the page comes back");
    assert.ok(draws <= total, `each tile is drawn once (${draws} draws, ${total} tiles)`);
    await press(driver, "u");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});

test("another model mid-compute leaves only the new settings' tiles on the canvas", async () => {
  const driver = await openApp([model]);
  const chooseModel = (name, before = "") =>
    js(driver, `${before}; const field = document.getElementById("${ID.settingModel}"); field.value = arguments[0]; field.dispatchEvent(new Event("change"));`, name);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await counter(driver)) === "1 / 1", WAIT);
    // Every tile image drawn on the slot's canvas, by its id (the app numbers them in turn),
    // and the frame-by-frame count of tiles on screen.
    await js(
      driver,
      `const tiles = ${TILES};
       window.__drawn = [];
       const draw = CanvasRenderingContext2D.prototype.drawImage;
       CanvasRenderingContext2D.prototype.drawImage = function (image, ...rest) {
         if (this.canvas === tiles && image instanceof HTMLImageElement) window.__drawn.push({ id: Number(image.src.split("/").pop()), at: performance.now() });
         return draw.call(this, image, ...rest);
       };`,
    );
    await press(driver, "u");
    await driver.wait(async () => (await tilesDrawn(driver)) >= 2, WAIT, "no AI tile was drawn");
    // A 1× model: the page is asked for again, and only its tiles may show from the next frame.
    await chooseModel("WAIFU2X_CUNET_UP1X_DENOISE0X", `${RECORD_FRAMES}; window.__changed = { at: performance.now(), drawn: window.__drawn.length }`);
    await driver.wait(async () => (await js(driver, "return window.__drawn.length - window.__changed.drawn")) >= 2, WAIT, "no tile of the new model was drawn");
    await screenshot(driver, "progressive-model.png");
    const seen = await js(driver, "window.__recording = false; return { frames: window.__frames, drawn: window.__drawn, changed: window.__changed }");
    const old = seen.drawn.slice(0, seen.changed.drawn);
    const after = seen.drawn.slice(seen.changed.drawn);
    const newest = Math.max(...old.map((d) => d.id));
    const firstNew = after[0].at;
    const stale = seen.frames.filter((f) => f.at < firstNew && f.tiles > 0).length;
    console.log(`# before the change ${old.length} tiles drawn (ids up to ${newest}); after it ${after.length} (ids ${after.map((d) => d.id).join(", ")}); ${stale} frames showed tiles before the first new one`);
    assert.ok(after.every((d) => d.id > newest), "no tile of the old model is drawn after the change");
    assert.equal(stale, 0, "the old model's tiles leave the screen with the change");
    await press(driver, "u");
    await chooseModel("WAIFU2X_ANIME_UP2X");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});

test("with Show AI tiles as they finish off, no tile is drawn and the finished page still comes", async () => {
  const driver = await openApp([off]);
  const showTiles = () => js(driver, `return document.getElementById("${ID.settingShowTiles}").checked`);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await counter(driver)) === "1 / 1", WAIT);
    await driver.findElement(By.id(ID.openSettings)).click();
    assert.equal(await showTiles(), true, "on by default");
    await driver.findElement(By.id(ID.settingShowTiles)).click();
    await driver.wait(() => savedSetting(tauriDriver.home, "settings")?.showTiles === false, WAIT, "the setting was not saved");
    await screenshot(driver, "progressive-setting.png");
    await driver.findElement(By.id(ID.openSettings)).click();
    await js(driver, RECORD_FRAMES);
    await press(driver, "u");
    // Computed in tiles: the progress counts them.
    await driver.wait(async () => Number(await js(driver, `return document.getElementById("${ID.progress}").dataset.done || 0`)) >= 2, WAIT, "no tile was computed");
    const total = Number(await js(driver, `return document.getElementById("${ID.progress}").dataset.total`));
    await driver.wait(() => finished(driver), WAIT, "the page never finished");
    const frames = await js(driver, "window.__recording = false; return window.__frames");
    const shown = frames.filter((f) => f.tiles > 0).length;
    console.log(`# ${total} tiles computed; ${frames.length} frames, ${shown} with the tile canvas showing`);
    assert.ok(total > 1, "the page was computed in tiles");
    assert.equal(shown, 0, "no tile canvas shows");
    assert.equal(await tilesDrawn(driver), 0);
    await screenshot(driver, "progressive-setting-done.png");
    // Back on for the tests after.
    await driver.findElement(By.id(ID.openSettings)).click();
    await driver.findElement(By.id(ID.settingShowTiles)).click();
    await driver.wait(() => savedSetting(tauriDriver.home, "settings")?.showTiles === true, WAIT, "the setting was not saved");
    await press(driver, "u");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});
