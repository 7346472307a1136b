// The sharp preview in the real webview: WebGL2 is there; a small page enlarged to the window is
// drawn by the preview from its first frame, with the GPU's pixels matching the CPU reference
// (kernels.js) and not the browser's bilinear; the status says "preview" until the upscaled
// image covers the page; with the filter off there is no canvas; the strip draws it too.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";
import { bilinearResize, lanczosResize, preview } from "../../src/viewer/preview/kernels.js";

const WAIT = 120_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-preview-"));
const pages = join(dir, "pages");
/** The pages' own pixels (RGBA), as the CPU reference reads them. */
const sources = {};

/** A 320×240 page (enlarged less than 4×, where the viewer would show square pixels): a
 *  gradient, dark strokes and a disc; plain PNG (no gamma or colour chunks). */
function card(name, colour, tilt) {
  const path = join(pages, name);
  execFileSync("convert", [
    "-size", "320x240", `gradient:${colour}-white`,
    "-stroke", "black", "-strokewidth", "3", "-fill", "none",
    "-draw", `line 20,${20 + tilt} 300,${220 - tilt}`, "-draw", "circle 230,80 230,30",
    "-fill", "#202020", "-stroke", "none", "-draw", "rectangle 40,160 120,180",
    "-strip", "-define", "png:exclude-chunks=gAMA,cHRM,sRGB,bKGD,date,tIME", `PNG32:${path}`,
  ]);
  const data = new Uint8ClampedArray(execFileSync("convert", [path, "-depth", "8", "rgba:-"], { maxBuffer: 1 << 24 }));
  sources[name] = { width: 320, height: 240, data };
}

before(async () => {
  mkdirSync(pages, { recursive: true });
  card("p1.png", "#d06040", 0);
  card("p2.png", "#4060d0", 40);
  tauriDriver = await startDriver();
});

/** Small pages enlarged to the window, where the preview matters; the edge filter; upscaling off. */
function settings() {
  const config = join(tauriDriver.home, "config", "dev.srview.app");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "settings.json"), JSON.stringify({ settings: { enlargeSmall: true, previewFilter: "edge", previewSharpness: 0.5 }, upscaling: false }));
}

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
const statusText = (driver) => js(driver, "return document.getElementById(arguments[0]).textContent", ID.statusText);

/** The preview canvas of `selector`'s first match, read back: null when there is none shown. */
async function readPreview(driver, selector) {
  const read = await js(
    driver,
    `const canvas = document.querySelector(arguments[0]);
     if (!canvas || canvas.hidden || !canvas.width) return null;
     const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
     let text = "";
     for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
     return { width: canvas.width, height: canvas.height, data: btoa(text) };`,
    selector,
  );
  return read && { width: read.width, height: read.height, data: new Uint8ClampedArray(Buffer.from(read.data, "base64")) };
}

/** Mean and largest difference over RGB, and the share of values more than 2 levels apart. */
function difference(a, b) {
  let sum = 0;
  let max = 0;
  let far = 0;
  let count = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d;
      max = Math.max(max, d);
      if (d > 2) far++;
      count++;
    }
  }
  return { mean: sum / count, max, far: far / count };
}

const SLOT_CANVAS = `#${ID.slot1} canvas.preview`;
const waitForPreview = (driver, selector, why) =>
  driver.wait(() => js(driver, "const c = document.querySelector(arguments[0]); return !!c && !c.hidden && c.width > 0", selector), WAIT, why);

/** Sets a select in the Settings panel (open) as a person would. */
const choose = (driver, id, value) =>
  js(driver, "const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }))", id, value);

test("the preview draws a small page sharply from its first frame, as the CPU reference does, until AI pixels cover it", async (t) => {
  settings();
  const driver = await openApp([join(pages, "p1.png")]);
  try {
    const gl = await js(driver, "const gl = document.createElement('canvas').getContext('webgl2'); return gl ? gl.getParameter(gl.VERSION) : null");
    t.diagnostic(`WebGL2 in this webview: ${gl}`);
    assert.ok(gl, "WebKitGTK offers no WebGL2 here");
    await waitForPreview(driver, SLOT_CANVAS, "the first page got no preview");
    assert.match(await statusText(driver), /preview/);

    // The next page: every frame that shows its original has its preview drawn over it.
    await js(
      driver,
      `const slot = document.getElementById(arguments[0]);
       const image = slot.querySelector("img.original");
       const canvas = slot.querySelector("canvas.preview");
       const before = image.getAttribute("src");
       window.__frames = [];
       const tick = () => {
         if (image.getAttribute("src") !== before && image.complete && image.naturalWidth > 0) window.__frames.push(!canvas.hidden && canvas.width > 0);
         if (window.__frames.length < 20) requestAnimationFrame(tick);
       };
       requestAnimationFrame(tick);`,
      ID.slot1,
    );
    await keys(driver, Key.ARROW_RIGHT);
    await driver.wait(() => js(driver, "return window.__frames.length >= 20"), WAIT, "the second page did not show");
    const frames = await js(driver, "return window.__frames");
    assert.deepEqual(frames, frames.map(() => true), `frames showing the original without its preview: ${JSON.stringify(frames)}`);

    // The GPU's pixels against the CPU reference, and against bilinear.
    const shown = await readPreview(driver, SLOT_CANVAS);
    assert.ok(shown.width > 400, `the page is enlarged to the window (${shown.width}×${shown.height})`);
    const source = sources["p2.png"];
    const reference = preview(source, shown.width, shown.height, "edge", 0.5);
    const bilinear = bilinearResize(source, shown.width, shown.height);
    const againstReference = difference(shown, reference);
    const againstBilinear = difference(shown, bilinear);
    t.diagnostic(`edge ${shown.width}×${shown.height}: against the CPU reference ${JSON.stringify(againstReference)}; against bilinear ${JSON.stringify(againstBilinear)}`);
    assert.ok(againstReference.max <= 3 && againstReference.far < 0.001, `the GPU's edge filter strays from the CPU reference: ${JSON.stringify(againstReference)}`);
    // The page is mostly a smooth gradient, where any filter agrees; its strokes and edges differ.
    assert.ok(againstBilinear.max > 40 && againstBilinear.far > 0.01, `the preview looks like bilinear: ${JSON.stringify(againstBilinear)}`);
    assert.match(await statusText(driver), /preview/);
    await screenshot(driver, "preview-edge.png");

    // Lanczos, chosen in Settings: redrawn at once, as the CPU's Lanczos-3.
    await driver.findElement(By.id(ID.openSettings)).click();
    await choose(driver, ID.settingPreviewFilter, "lanczos");
    await keys(driver, Key.ESCAPE);
    await driver.wait(async () => (await readPreview(driver, SLOT_CANVAS))?.data.some((v, i) => v !== shown.data[i]), WAIT, "the preview did not redraw with Lanczos");
    const lanczos = await readPreview(driver, SLOT_CANVAS);
    const lanczosReference = difference(lanczos, lanczosResize(source, lanczos.width, lanczos.height));
    t.diagnostic(`lanczos ${lanczos.width}×${lanczos.height}: against the CPU reference ${JSON.stringify(lanczosReference)}`);
    assert.ok(lanczosReference.max <= 3 && lanczosReference.far < 0.001, `the GPU's Lanczos strays from the CPU reference: ${JSON.stringify(lanczosReference)}`);

    // Off: the browser's own; no canvas, and the status says nothing of a preview.
    await driver.findElement(By.id(ID.openSettings)).click();
    await choose(driver, ID.settingPreviewFilter, "off");
    await keys(driver, Key.ESCAPE);
    await driver.wait(async () => (await readPreview(driver, SLOT_CANVAS)) === null, WAIT, "the preview stayed with the filter off");
    assert.doesNotMatch(await statusText(driver), /preview/);
    await screenshot(driver, "preview-off.png");

    // Edge again, then upscaling: once the AI result covers the page the preview goes.
    await driver.findElement(By.id(ID.openSettings)).click();
    await choose(driver, ID.settingPreviewFilter, "edge");
    await keys(driver, Key.ESCAPE);
    await waitForPreview(driver, SLOT_CANVAS, "the preview did not come back");
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await keys(driver, "u");
    await driver.wait(() => js(driver, "const u = document.getElementById(arguments[0]); return !u.hidden && u.naturalWidth === 640", ID.upscaled), WAIT, "the page was not upscaled");
    await driver.wait(async () => (await readPreview(driver, SLOT_CANVAS)) === null, WAIT, "the preview stayed over the upscaled page");
    await driver.wait(async () => !/preview/.test(await statusText(driver)), WAIT, "the status still says preview over AI pixels");
  } finally {
    await driver.quit();
  }
});

test("the strip draws each page's preview, and drops it with the page", async () => {
  settings();
  const driver = await openApp([join(pages, "p1.png")]);
  try {
    await waitForPreview(driver, SLOT_CANVAS, "no preview in page mode");
    await keys(driver, "w");
    await waitForPreview(driver, ".strip-page canvas.preview", "the strip's pages got no preview");
    const canvases = await js(driver, "return [...document.querySelectorAll('.strip-page canvas.preview')].map((c) => !c.hidden && c.width > 0)");
    assert.ok(canvases.length >= 1 && canvases.every(Boolean), `strip previews: ${JSON.stringify(canvases)}`);
    assert.equal(await js(driver, "return document.querySelectorAll(arguments[0]).length", SLOT_CANVAS + ":not([hidden])"), 0, "page mode's preview stayed under the strip");
    await screenshot(driver, "preview-strip.png");
    await keys(driver, "w");
    await driver.wait(() => js(driver, "return document.querySelectorAll('.strip-page canvas').length === 0"), WAIT, "the strip's canvases stayed after it closed");
  } finally {
    await driver.quit();
  }
});
