// The app as installed from the .deb (scripts/test-package.sh sets SRVIEW_INSTALLED=1 and
// SRVIEW_APP=/usr/bin/srview-app); skipped in the normal suite, which runs the built binary.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { after, before } from "node:test";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { APP, FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
const installed = process.env.SRVIEW_INSTALLED === "1";
let tauriDriver;

before(async () => {
  // The default cache, as a user gets it: no SRVIEW_CACHE_DIR.
  if (installed) tauriDriver = await startDriver({ SRVIEW_CACHE_DIR: "" });
});

after(() => tauriDriver?.stop());

const size = (driver, id) =>
  driver.executeScript(`const img = document.getElementById(arguments[0]); return [img.naturalWidth, img.naturalHeight];`, id);

test("the installed app opens a page, upscales it with the engine from /usr/lib/srview", { skip: !installed }, async () => {
  assert.equal(APP, "/usr/bin/srview-app");
  const launched = performance.now();
  const driver = await openApp([join(FIXTURES, "pages", "page-01.png")]);
  try {
    await driver.wait(async () => (await size(driver, ID.original))[0] > 0, WAIT, "the page never showed");
    const firstImage = performance.now() - launched;
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "the engine never became ready");
    const ready = performance.now() - launched;
    console.log(`cold start of the installed app: first image ${firstImage.toFixed(0)} ms, "Upscaler ready" ${ready.toFixed(0)} ms`);

    await driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" }))`);
    await driver.wait(async () => (await size(driver, ID.upscaled))[0] > 0, WAIT, "the upscaled page never loaded");
    const [ow, oh] = await size(driver, ID.original);
    assert.deepEqual(await size(driver, ID.upscaled), [ow * 2, oh * 2]);

    await driver.findElement(By.id(ID.openGpu)).click();
    const panel = await driver.executeScript(`return document.getElementById('${ID.panelGpu}').textContent`);
    assert.match(panel, /\/usr\/lib\/srview\/engine/, "the engine comes from the package");
    await screenshot(driver, "installed-engine.png");
  } finally {
    await driver.quit();
  }
  const cache = join(tauriDriver.home, "cache", "dev.srview.app", "upscaled");
  assert.ok(existsSync(join(cache, "CACHEDIR.TAG")), `the cache is under $XDG_CACHE_HOME (${cache})`);
  const entries = readdirSync(cache, { recursive: true }).filter((name) => String(name).endsWith(".webp"));
  assert.equal(entries.length >= 1, true, "the upscaled page is in that cache");
});
