// The engine panel after two upscales: the requests counted, the stage table, live.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);

test("the engine panel shows the two requests of this run", async () => {
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: "g" }))`);
    await driver.wait(async () => (await js(driver, `return document.getElementById('${ID.engineRequests}')?.textContent`)) === "0", WAIT, "no figures");
    // The page on screen, then its preload: two requests; the panel follows live.
    await js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" }))`);
    await driver.wait(async () => (await js(driver, `return document.getElementById('${ID.engineRequests}')?.textContent`)) === "2", WAIT, "the panel did not count 2 requests");
    const rows = await js(driver, `return document.querySelectorAll('#${ID.engineStages} tr').length`);
    assert.equal(rows, 7, "a header and six stages");
    assert.match(await js(driver, `return document.getElementById('${ID.engineMemory}').textContent`), /MB/);
    await screenshot(driver, "engine-panel.png");
  } finally {
    await driver.quit();
  }
});
