// The built app in its real webview (WebKitGTK through tauri-driver), on real sr_vulkan.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

async function waitForEngine(driver) {
  await driver.wait(until.elementLocated(By.css("body[data-engine]")), WAIT, "the engine never reported");
  return driver.executeScript("return document.body.dataset.engine");
}

async function naturalSize(driver, id) {
  return driver.executeScript(
    `const img = document.getElementById(arguments[0]); return [img.naturalWidth, img.naturalHeight, img.hidden];`,
    id,
  );
}

async function waitForResult(driver, source) {
  const status = await driver.findElement(By.id(ID.statusText));
  await driver.wait(
    async () => {
      const value = await status.getAttribute("data-source");
      return source ? value === source : value === "cache" || value === "computed";
    },
    WAIT,
    `no ${source ?? "upscale"} result reported`,
  );
  await driver.wait(async () => (await naturalSize(driver, ID.upscaled))[0] > 0, WAIT, "the upscaled image never loaded");
  return driver.executeScript(`return document.getElementById('${ID.statusText}').textContent`);
}

/** Reads an element's text by id in one step: panels re-render, so element handles go stale. */
async function textOf(driver, id) {
  return driver.executeScript(`return document.getElementById(arguments[0])?.textContent ?? null`, id);
}

async function press(driver, key) {
  await driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);
}

test("viewer: GPU panel, 2× upscale, cache hit, cache cleanup", async () => {
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(async () => (await textOf(driver, ID.pageCounter)) === "1 / 3", WAIT, "the folder never opened");
    assert.equal(await waitForEngine(driver), "ready");

    await driver.findElement(By.id(ID.openGpu)).click();
    const mode = await textOf(driver, ID.gpuMode);
    const inUse = await textOf(driver, ID.gpuInUse);
    assert.ok(mode === "CPU mode" ? inUse.startsWith("CPU") : inUse.length > 0, `${mode} / ${inUse}`);
    if (mode === "CPU mode") assert.match(await textOf(driver, ID.gpuFallback), /CPU/);
    await screenshot(driver, "gpu-panel.png");
    await driver.findElement(By.id(ID.openGpu)).click();

    await press(driver, "u");
    const computed = await waitForResult(driver);
    const [ow, oh] = await naturalSize(driver, ID.original);
    const [uw, uh, hidden] = await naturalSize(driver, ID.upscaled);
    assert.deepEqual([uw, uh], [ow * 2, oh * 2], computed);
    assert.equal(hidden, false);
    await screenshot(driver, "viewer.png");

    await press(driver, "ArrowRight");
    assert.equal(await textOf(driver, ID.pageCounter), "2 / 3");
    await waitForResult(driver);
    // Let page 3's preload finish before going back, which would cancel it.
    await driver.wait(until.elementLocated(By.css('body[data-pending="0"]')), WAIT, "work still pending");
    await press(driver, "ArrowLeft");
    const hit = await waitForResult(driver, "cache");
    assert.match(hit, /from cache/);

    // Page 1, page 2 (preloaded from page 1) and page 3 (preloaded from page 2).
    await driver.wait(until.elementLocated(By.css('body[data-pending="0"]')), WAIT, "work still pending");
    await driver.findElement(By.id(ID.openCache)).click();
    await driver.wait(async () => (await textOf(driver, ID.cacheEntries)) !== null, WAIT, "no cache panel");
    assert.equal(await textOf(driver, ID.cacheEntries), "3");
    await screenshot(driver, "cache-panel.png");
    await driver.findElement(By.id(ID.cacheClear)).click();
    await driver.findElement(By.id(ID.confirmYes)).click();
    await driver.wait(async () => /Removed/.test((await textOf(driver, ID.cacheResult)) ?? ""), WAIT, "no cleanup result");
    assert.equal(await textOf(driver, ID.cacheEntries), "0");
    assert.match(await textOf(driver, ID.cacheResult), /Removed 3 files/);
    // Upscaling stays as it was left across restarts: the next test starts with it off.
    await press(driver, "u");
    await driver.wait(async () => (await driver.findElement(By.id(ID.toggleUpscale)).getAttribute("aria-pressed")) === "false", WAIT);
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was never saved");
  } finally {
    await driver.quit();
  }
});

test("a non-image file shows a readable error and the app keeps working", async () => {
  const driver = await openApp([join(FIXTURES, "mixed", "notes.png")]);
  try {
    assert.equal(await waitForEngine(driver), "ready");
    const banner = await driver.findElement(By.id(ID.errorBanner));
    await driver.wait(until.elementIsVisible(banner), WAIT);
    assert.match(await banner.getText(), /notes\.png/);
    await press(driver, "u");
    await driver.wait(async () => /not an image/.test(await banner.getText()), WAIT, "no typed error from the engine");
    await screenshot(driver, "error.png");

    await press(driver, "ArrowRight");
    await waitForResult(driver);
    const [ow, oh] = await naturalSize(driver, ID.original);
    assert.deepEqual((await naturalSize(driver, ID.upscaled)).slice(0, 2), [ow * 2, oh * 2]);
    assert.equal(await banner.isDisplayed(), false);
  } finally {
    await driver.quit();
  }
});
