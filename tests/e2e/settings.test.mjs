// Settings changed in the panel apply to the next upscale and survive a restart (store plugin).
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const value = (driver, id) => driver.executeScript(`return document.getElementById(arguments[0])?.value ?? null`, id);

async function ready(driver) {
  await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
}

test("a changed scale is used and remembered across restarts", async () => {
  let driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await ready(driver);
    await driver.findElement(By.id(ID.openSettings)).click();
    await driver.executeScript(`
      const scale = document.getElementById("${ID.settingScale}");
      scale.value = "3";
      scale.dispatchEvent(new Event("change"));`);
    await driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" }))`);
    await driver.wait(async () => driver.executeScript(`return document.getElementById('${ID.upscaled}').naturalWidth > 0`), WAIT);
    const [ow, uw] = await driver.executeScript(
      `return [document.getElementById('${ID.original}').naturalWidth, document.getElementById('${ID.upscaled}').naturalWidth]`,
    );
    assert.equal(uw, ow * 3);
  } finally {
    await driver.quit();
  }
  const saved = JSON.parse(readFileSync(join(tauriDriver.home, "config/dev.srview.app/settings.json"), "utf8"));
  assert.equal(saved.settings.scale, 3, "settings are kept under $XDG_CONFIG_HOME");

  driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await ready(driver);
    assert.equal(await value(driver, ID.settingScale), "3");
  } finally {
    await driver.quit();
  }
});
