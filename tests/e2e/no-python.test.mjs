// Without a usable Python venv the app is still a working image viewer that says why
// upscaling is unavailable and how to fix it.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver({ SRVIEW_VENV: "/nonexistent/srview-venv" });
});

after(() => tauriDriver?.stop());

const text = (driver, id) => driver.executeScript(`return document.getElementById(arguments[0])?.textContent ?? null`, id);

test("no Python: plain viewer with the reason and the fix", async () => {
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css("body[data-engine]")), WAIT);
    assert.equal(await driver.executeScript("return document.body.dataset.engine"), "unavailable");
    assert.match(await text(driver, ID.statusEngine), /Upscaling unavailable: .*SRVIEW_VENV/);

    // The viewer still shows and navigates images.
    await driver.wait(async () => driver.executeScript(`return document.getElementById('${ID.original}').naturalWidth > 0`), WAIT);
    await driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }))`);
    assert.equal(await text(driver, ID.pageCounter), "2 / 3");

    await driver.findElement(By.id(ID.openGpu)).click();
    assert.match(await text(driver, ID.gpuError), /scripts\/setup\.sh/);
    await driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" }))`);
    const banner = await driver.findElement(By.id(ID.errorBanner));
    await driver.wait(until.elementIsVisible(banner), WAIT);
    assert.match(await banner.getText(), /Upscaling is unavailable/);
    await screenshot(driver, "no-python.png");
  } finally {
    await driver.quit();
  }
});
