// One set of limits in the real webview: a folder holding a decompression bomb (a 2.6 MB PNG whose
// pixels would be 30000×30000) opens, the bomb is said to be too large with its size and the
// limit, the app stays small, and the next page upscales.
import assert from "node:assert/strict";
import { once } from "node:events";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import zlib from "node:zlib";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
let folder;

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of side×side black pixels, deflated row by row (2.7 GB of pixels in 2.6 MB). */
async function writeBomb(path, side) {
  const deflate = zlib.createDeflate({ level: 9 });
  const parts = [];
  deflate.on("data", (data) => parts.push(data));
  const ended = once(deflate, "end");
  const row = Buffer.alloc(1 + side * 3);
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await once(deflate, "drain");
  deflate.end();
  await ended;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const png = [Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), chunk("IHDR", header), chunk("IDAT", Buffer.concat(parts)), chunk("IEND", Buffer.alloc(0))];
  writeFileSync(path, Buffer.concat(png));
}

/** Peak resident memory (VmHWM) of the app processes started by this suite, in MiB, by name. */
function peaks(pgid) {
  const found = {};
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (group !== pgid || !/^(srview-app|WebKitWebProces)/.test(name)) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
      if (hwm) found[name] = Math.max(found[name] ?? 0, Math.round(Number(hwm[1]) / 1024));
    } catch {
      // The process ended while it was read.
    }
  }
  return found;
}

before(async () => {
  tauriDriver = await startDriver();
  mkdirSync(join(tauriDriver.home, "data/srview/models"), { recursive: true });
  folder = join(tauriDriver.home, "bomb folder");
  mkdirSync(folder);
  await writeBomb(join(folder, "01-bomb.png"), 30_000);
  copyFileSync(join(FIXTURES, "pages", "page-01.png"), join(folder, "02-page.png"));
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0], bubbles: true }))`, key);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const size = (driver, id) => js(driver, "const i = document.getElementById(arguments[0]); return [i.naturalWidth, i.naturalHeight];", id);

test("a folder with a decompression bomb opens; the bomb is too large to show and the next page upscales", async () => {
  const driver = await openApp([folder]);
  try {
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 2", WAIT, "the folder never opened");
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "the engine never became ready");
    const expected = "Too large to show: 01-bomb.png is 30000×30000 pixels (900 MP), above the limit of 64 MP";
    await driver.wait(async () => (await text(driver, ID.statusText)) === expected, WAIT, "the bomb was not said to be too large").catch(async (e) => {
      assert.fail(`${e.message}: ${await text(driver, ID.statusText)}`);
    });
    assert.equal(await text(driver, ID.errorBanner), expected);
    assert.equal(await js(driver, `return document.getElementById('${ID.errorBanner}').hidden`), false);
    assert.deepEqual(await size(driver, ID.original), [0, 0], "the bomb's pixels never reach the webview");
    await screenshot(driver, "limits-bomb-too-large.png");

    await press(driver, "u");
    await press(driver, "ArrowRight");
    assert.equal(await text(driver, ID.pageCounter), "2 / 2");
    const status = await driver.findElement(By.id(ID.statusText));
    await driver.wait(async () => ["computed", "cache"].includes(await status.getAttribute("data-source")), WAIT, "the next page was not upscaled");
    await driver.wait(async () => (await size(driver, ID.upscaled))[0] > 0, WAIT, "the upscaled page never loaded");
    const [ow, oh] = await size(driver, ID.original);
    assert.ok(ow > 0, "the next page is shown");
    assert.deepEqual(await size(driver, ID.upscaled), [ow * 2, oh * 2]);
    assert.equal(await js(driver, `return document.getElementById('${ID.errorBanner}').hidden`), true);
    await screenshot(driver, "limits-next-page-upscaled.png");

    const peak = peaks(tauriDriver.process.pid);
    console.log("peak resident memory (MiB):", peak);
    assert.ok(peak["srview-app"] > 0, `the app process was found: ${JSON.stringify(peak)}`);
    for (const [name, mib] of Object.entries(peak)) assert.ok(mib < 1024, `${name} peaked at ${mib} MiB`);
  } finally {
    await driver.quit();
  }
});

test("the models folder is chosen in SRView's dialog, not typed in", async () => {
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "the engine never became ready");
    await driver.findElement(By.id(ID.openSettings)).click();
    assert.equal(await js(driver, `return document.getElementById('${ID.settingModelsDir}').tagName`), "DIV");
    assert.match(await text(driver, ID.settingModelsDir), /srview\/models$/);
    assert.equal(await text(driver, ID.settingModelsDirChoose), "Choose…");
    // A folder typed into the page's own call is refused, with a typed error.
    const refused = await js(driver, `return window.__TAURI_INTERNALS__.invoke("set_models_folder", { path: "/tmp" }).then(() => "accepted", (e) => e.kind)`);
    assert.equal(refused, "models_dir_not_chosen");
    await driver.findElement(By.id(ID.settingModelsDirDefault)).click();
    await driver.wait(async () => /custom models? in .*srview\/models/.test((await text(driver, ID.settingModelsDirNote)) ?? ""), WAIT, "no folder note");
    await screenshot(driver, "limits-settings-models-folder.png");
  } finally {
    await driver.quit();
  }
});
