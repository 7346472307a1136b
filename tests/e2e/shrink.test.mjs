// An AI result shown below its own size, in the real webview: a screentone page upscaled 2× and
// fit to the window is drawn shrunk by Lanczos-3 (canvas.shrunk), and a flat screentone area
// stays flat on screen, against the moiré of the browser's own shrinking of the same image; the
// AI tiles are drawn at the box's size, matching the finished page's shrink.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 180_000;
const [WIDTH, HEIGHT] = [800, 1200];
/** The flat screentone area measured, as fractions of the page: inside the panel, clear of the
 *  balloon and the frame. */
const AREA = { left: 0.15, top: 0.55, right: 0.85, bottom: 0.9 };
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-shrink-"));

/** A manga-like page: a panel framed in black, filled with a screentone of 1-px dots every
 *  2 px, and a white speech balloon; plain greyscale PNG. */
function screentonePage(path) {
  const grey = Buffer.alloc(WIDTH * HEIGHT, 255);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inPanel = x >= 40 && x < WIDTH - 40 && y >= 40 && y < HEIGHT - 40;
      if (!inPanel) continue;
      const frame = x < 44 || x >= WIDTH - 44 || y < 44 || y >= HEIGHT - 44;
      const balloon = ((x - 400) / 220) ** 2 + ((y - 280) / 140) ** 2;
      if (frame || Math.abs(balloon - 1) < 0.02) grey[y * WIDTH + x] = 0;
      else if (balloon > 1) grey[y * WIDTH + x] = x % 2 === 0 && y % 2 === 0 ? 0 : 255;
    }
  }
  execFileSync("convert", ["-size", `${WIDTH}x${HEIGHT}`, "-depth", "8", "gray:-", "-strip", `PNG8:${path}`], { input: grey });
}

before(async () => {
  screentonePage(join(dir, "page.png"));
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);

/** RGBA pixels of a PNG (a screenshot). */
function decodePng(base64) {
  const png = Buffer.from(base64, "base64");
  const [width, height] = execFileSync("identify", ["-format", "%w %h", "png:-"], { input: png }).toString().split(" ").map(Number);
  const data = new Uint8Array(execFileSync("convert", ["png:-", "-depth", "8", "rgba:-"], { input: png, maxBuffer: 1 << 26 }));
  return { width, height, data };
}

/** A canvas's pixels, read back in the page; null when it is not drawn. */
async function readCanvas(driver, script, ...args) {
  const read = await js(
    driver,
    `const canvas = (() => { ${script} })();
     if (!canvas || !canvas.width) return null;
     const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
     let text = "";
     for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
     return { width: canvas.width, height: canvas.height, data: btoa(text) };`,
    ...args,
  );
  return read && { width: read.width, height: read.height, data: new Uint8Array(Buffer.from(read.data, "base64")) };
}

/**
 * The grey spread over `rect` (pixels of `image`): the standard deviation of luma, and its range
 * after a 3×3 box blur (what the eye sees as patches).
 */
function spread(image, rect) {
  const luma = (x, y) => {
    const i = (y * image.width + x) * 4;
    return 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2];
  };
  const [x0, y0, x1, y1] = [Math.ceil(rect.left), Math.ceil(rect.top), Math.floor(rect.right), Math.floor(rect.bottom)];
  let [sum, squares, count, low, high] = [0, 0, 0, Infinity, -Infinity];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = luma(x, y);
      sum += v;
      squares += v * v;
      count++;
      if (x > x0 && y > y0 && x < x1 - 1 && y < y1 - 1) {
        let box = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) box += luma(x + dx, y + dy);
        low = Math.min(low, box / 9);
        high = Math.max(high, box / 9);
      }
    }
  }
  const mean = sum / count;
  return { mean: +mean.toFixed(1), std: +Math.sqrt(Math.max(0, squares / count - mean * mean)).toFixed(2), blurredRange: +(high - low).toFixed(1) };
}

/** AREA on something `width` × `height` placed at (left, top). */
const area = (left, top, width, height) => ({
  left: left + AREA.left * width,
  top: top + AREA.top * height,
  right: left + AREA.right * width,
  bottom: top + AREA.bottom * height,
});

/** In the page: where the slot's box is, the stage it shows in, and its canvases' sizes. */
const GEOMETRY = `
  const slot = document.getElementById(arguments[0]);
  const box = slot.getBoundingClientRect();
  const stage = document.getElementById(arguments[1]).getBoundingClientRect();
  const shrunk = slot.querySelector("canvas.shrunk");
  const tiles = slot.querySelector("canvas.tiles");
  return { box: { left: box.left, top: box.top, width: box.width, height: box.height }, ratio: devicePixelRatio,
           stage: { left: stage.left, top: stage.top, right: stage.right, bottom: stage.bottom },
           shrunk: [shrunk.width, shrunk.height], tiles: [tiles.width, tiles.height], tileCount: Number(tiles.dataset.tiles ?? 0) };`;

test("a screentone page upscaled and fit to the window stays flat where the browser's shrink shows moiré", async (t) => {
  const driver = await openApp([join(dir, "page.png")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(() => js(driver, "return document.getElementById(arguments[0]).querySelector('img.original').naturalWidth === arguments[1]", ID.slot1, WIDTH), WAIT);
    await press(driver, "u");
    const shrunkShown = `const c = document.getElementById(arguments[0]).querySelector("canvas.shrunk"); return !!c && !c.hidden && c.width > 0`;
    await driver.wait(() => js(driver, `const u = document.getElementById(arguments[1]); return !u.hidden && u.naturalWidth === arguments[2]`, ID.slot1, ID.upscaled, WIDTH * 2), WAIT, "the page was not upscaled");
    await driver.wait(() => js(driver, shrunkShown, ID.slot1), WAIT, "the upscaled page was not drawn shrunk");

    const geometry = await js(driver, GEOMETRY, ID.slot1, ID.stage);
    t.diagnostic(`box ${JSON.stringify(geometry)}`);
    assert.ok(geometry.shrunk[0] < WIDTH && geometry.shrunk[0] === Math.round(geometry.box.width * geometry.ratio), "the page is shown below the result's size, drawn at the box's device size");

    // On screen, with the filter and without it (the browser shrinks the <img> itself).
    const onScreen = area(geometry.box.left, geometry.box.top, geometry.box.width, geometry.box.height);
    await screenshot(driver, "shrink-fit.png");
    const filtered = spread(decodePng(await driver.takeScreenshot()), onScreen);
    await js(driver, `document.getElementById(arguments[0]).querySelector("canvas.shrunk").style.visibility = "hidden"`, ID.slot1);
    await screenshot(driver, "shrink-off.png");
    const browser = spread(decodePng(await driver.takeScreenshot()), onScreen);
    await js(driver, `document.getElementById(arguments[0]).querySelector("canvas.shrunk").style.visibility = ""`, ID.slot1);

    // The 2D canvas's own "high quality" shrink of the same image, measured, not assumed.
    const high = await readCanvas(
      driver,
      `const image = document.getElementById(arguments[0]);
       const canvas = document.createElement("canvas");
       [canvas.width, canvas.height] = arguments[1];
       const context = canvas.getContext("2d");
       context.imageSmoothingEnabled = true;
       context.imageSmoothingQuality = "high";
       context.drawImage(image, 0, 0, canvas.width, canvas.height);
       return canvas;`,
      ID.upscaled,
      geometry.shrunk,
    );
    const highSpread = spread(high, area(0, 0, high.width, high.height));
    console.log(`# flat screentone, grey spread on screen: Lanczos-3 ${JSON.stringify(filtered)}; browser's <img> shrink ${JSON.stringify(browser)}; 2D canvas imageSmoothingQuality high ${JSON.stringify(highSpread)}`);
    console.log(`# standard deviation, browser / Lanczos-3: ${(browser.std / filtered.std).toFixed(1)}×; blurred range: ${(browser.blurredRange / filtered.blurredRange).toFixed(1)}×`);
    assert.ok(filtered.std <= 3, `the screentone is flat with the filter: ${JSON.stringify(filtered)}`);
    assert.ok(browser.std >= 3 * filtered.std, `the filter is much flatter than the browser's shrink: ${JSON.stringify({ filtered, browser })}`);
    // The mean grey is the screentone's either way: the filter does not darken or lighten it.
    assert.ok(Math.abs(filtered.mean - browser.mean) < 12, `same mean grey: ${filtered.mean} and ${browser.mean}`);

    // The AI tiles were drawn at the box's size, and together they match the finished page's
    // shrink: no seam, no shift.
    assert.ok(geometry.tileCount > 1, `the page was computed in tiles (${geometry.tileCount})`);
    assert.deepEqual(geometry.tiles, geometry.shrunk, "the tiles' canvas has the box's device size, not the result's");
    const tiles = await readCanvas(driver, `return document.getElementById(arguments[0]).querySelector("canvas.tiles")`, ID.slot1);
    const final = await readCanvas(driver, `return document.getElementById(arguments[0]).querySelector("canvas.shrunk")`, ID.slot1);
    let [squared, max, transparent] = [0, 0, 0];
    for (let i = 0; i < final.data.length; i += 4) {
      if (tiles.data[i + 3] === 0) transparent++;
      for (let c = 0; c < 3; c++) {
        const d = tiles.data[i + c] - final.data[i + c];
        squared += d * d;
        max = Math.max(max, Math.abs(d));
      }
    }
    const db = 10 * Math.log10((255 * 255) / (squared / ((final.data.length / 4) * 3)));
    const tileSpread = spread(tiles, area(0, 0, tiles.width, tiles.height));
    console.log(`# ${geometry.tileCount} tiles, drawn shrunk, against the finished page's shrink: ${db.toFixed(1)} dB, largest difference ${max}, ${transparent} pixels uncovered; tiles' screentone ${JSON.stringify(tileSpread)}`);
    assert.equal(transparent, 0, "the tiles cover the page");
    assert.ok(db >= 35, `the tiles match the finished page (${db.toFixed(1)} dB)`);
    assert.ok(tileSpread.std <= 3, `the tiles' screentone is flat: ${JSON.stringify(tileSpread)}`);

    // Zoomed in a step, still below the result's size: the box stays on whole device pixels, so
    // the canvas is shown one to one (not resampled again), and the screentone stays flat.
    await press(driver, "+");
    const zoomed = await driver.wait(async () => {
      const now = await js(driver, GEOMETRY, ID.slot1, ID.stage);
      return now.box.width > geometry.box.width && now.shrunk[0] === Math.round(now.box.width * now.ratio) ? now : null;
    }, WAIT, "the zoomed page was not drawn shrunk at its new size");
    const whole = (value) => Math.abs(value * zoomed.ratio - Math.round(value * zoomed.ratio)) < 0.01;
    const { box: zb, stage } = zoomed;
    assert.ok([zb.left, zb.top, zb.width, zb.height].every(whole), `the page's box lies on whole device pixels: ${JSON.stringify(zb)}`);
    const seen = area(zb.left, zb.top, zb.width, zb.height);
    const visible = { left: Math.max(seen.left, stage.left), top: Math.max(seen.top, stage.top), right: Math.min(seen.right, stage.right), bottom: Math.min(seen.bottom, stage.bottom) };
    const zoomedSpread = spread(decodePng(await driver.takeScreenshot()), visible);
    await screenshot(driver, "shrink-zoomed.png");
    console.log(`# zoomed in a step: box ${JSON.stringify(zb)}; screentone on screen ${JSON.stringify(zoomedSpread)}`);
    assert.ok(zoomedSpread.std <= 3, `the screentone stays flat zoomed in: ${JSON.stringify(zoomedSpread)}`);

    // Zoomed to the result's own size (200 % of the page) it is shown as it is: no shrunk canvas.
    for (const key of ["1", "+", "+", "+"]) await press(driver, key);
    await driver.wait(async () => !(await js(driver, shrunkShown, ID.slot1)), WAIT, "the shrunk canvas stayed at the result's own size");
  } finally {
    await driver.quit();
  }
});
