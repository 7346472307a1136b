// Progressive pages in the real webview, as the reader moves: a page come back to keeps its AI
// tiles, and another model's request shows only its own. (Apart from progressive.test.mjs:
// each file must finish within the suite's time limit.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";
import { counter, finished, js, press, RECORD_FRAMES, TILES, tilesDrawn } from "./tile-canvas.mjs";

const WAIT = 180_000;
let tauriDriver;
// Each test its own large page: the tests share one cache.
const back = mkdtempSync(join(tmpdir(), "srview-progressive-back-"));
const model = mkdtempSync(join(tmpdir(), "srview-progressive-model-"));

before(async () => {
  // A large page and a small one to turn to (one unit: no tiles).
  execFileSync("convert", ["-seed", "9", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(back, "1.png")]);
  execFileSync("convert", ["-seed", "10", "-size", "160x120", "plasma:fractal", join(back, "2.png")]);
  execFileSync("convert", ["-seed", "11", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(model, "page.png")]);
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());


/** In the page: each tile image the slot's canvas draws (its load handler adds it to the
 *  canvas's count), by the id in its URL, in `window.__drawn`. */
const RECORD_DRAWN = `
  const tiles = ${TILES};
  window.__drawn = [];
  const onload = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "onload");
  Object.defineProperty(HTMLImageElement.prototype, "onload", {
    configurable: true,
    get() { return onload.get.call(this); },
    set(handler) {
      const image = this;
      onload.set.call(this, handler && function (event) {
        const before = Number(tiles.dataset.tiles ?? 0);
        const result = handler.call(this, event);
        if (image.src.includes("/tile/") && Number(tiles.dataset.tiles ?? 0) > before) window.__drawn.push({ id: Number(image.src.split("/").pop()), at: performance.now() });
        return result;
      });
    },
  });`;

test("a page left and come back to while it computes keeps its tiles on screen, each drawn once", async () => {
  const driver = await openApp([back]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await counter(driver)) === "1 / 2", WAIT);
    await js(driver, RECORD_DRAWN);
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
    const draws = await js(driver, "return window.__drawn.length");
    console.log(`# ${before} of ${total} tiles drawn before leaving; back: ${back.length} frames before the finished page, ${empty} without tiles; ${draws} tile images drawn in all`);
    assert.ok(back.length > 0, "frames were seen before the finished page");
    assert.equal(empty, 0, "the tiles drawn before stay on screen when the page comes back");
    assert.ok(draws >= before && draws <= total, `each tile is drawn once (${draws} draws, ${total} tiles)`);
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
    // Every tile image drawn on the slot's canvas, by its id (the app numbers them in turn).
    await js(driver, RECORD_DRAWN);
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
