// Progressive pages in the real webview: with "Show AI tiles as they finish" off, no tile is
// drawn and the finished page still comes. (A file of its own: each file must finish within
// the suite's time limit.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";
import { counter, finished, js, press, RECORD_FRAMES, tilesDrawn } from "./tile-canvas.mjs";

const WAIT = 180_000;
let tauriDriver;
const off = mkdtempSync(join(tmpdir(), "srview-progressive-off-"));

before(async () => {
  execFileSync("convert", ["-seed", "12", "-size", "1200x900", "plasma:fractal", "-blur", "0x1", join(off, "page.png")]);
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());



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
