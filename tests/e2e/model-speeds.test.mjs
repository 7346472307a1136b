// Each model's speed measured on this device in the background, shown in the picker in words,
// kept for the next start, and the default model that follows it until the user picks one.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver({ SRVIEW_MEASURE_MODELS: "1" });
});

after(() => tauriDriver?.stop());

const js = (driver, code) => driver.executeScript(code);
const text = (driver, id) => js(driver, `return document.getElementById('${id}')?.textContent ?? ""`);
const modelValue = (driver) => js(driver, `return document.getElementById('${ID.settingModel}').value`);

async function setKeepUp(driver, seconds) {
  await js(driver, `
    const field = document.getElementById("${ID.settingKeepUp}");
    field.value = "${seconds}";
    field.dispatchEvent(new Event("change"));`);
}

async function openSettings(driver) {
  await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
  await driver.findElement(By.id(ID.openSettings)).click();
}

test("the picker shows each model's measured time per page, and the default follows the times", async () => {
  const file = join(tauriDriver.home, "data", "srview", "model-speeds.json");
  let driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await openSettings(driver);
    await driver.wait(async () => /^Times are for a 1200×1700 page on this computer's CPU\.$/.test(await text(driver, ID.settingSpeedsNote)), WAIT, "speeds never measured");
    const table = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(table.device, "cpu");
    const seconds = Object.fromEntries(table.speeds.map((s) => [s.model, s.pageSeconds]));
    assert.equal(Object.keys(seconds).length, 36, "every installed model that runs on the CPU");

    const options = await js(driver, `return [...document.querySelectorAll("#${ID.settingModel} option")].map((o) => [o.value, o.textContent, o.title, o.disabled])`);
    for (const [value, label, title, disabled] of options) {
      if (disabled || value === "auto") continue; // "Automatic (rules)": the model of each page's rule
      assert.match(label, /^(waifu2x|Real-CUGAN) .+ — (about \d+(\.5)? s|under 1 s)$/, `${value}: ${label}`);
      assert.doesNotMatch(title, /[A-Z0-9]+_[A-Z0-9_]+/, `tooltip in words: ${title}`);
      assert.match(title, /per page on this device/);
    }
    const label = (name) => options.find(([value]) => value === name)[1];
    assert.match(label("WAIFU2X_ANIME_UP2X"), new RegExp(`— (about ${Math.round(seconds.WAIFU2X_ANIME_UP2X)} s|about \\d+(\\.5)? s)$`));
    assert.ok(seconds.WAIFU2X_CUNET_UP2X > seconds.WAIFU2X_ANIME_UP2X, "CUNet is slower than UpConv7 here");

    // The default: the best that keeps up. A generous limit allows Real-CUGAN pro; 10 s (the default) on 2 CPU cores does not.
    await setKeepUp(driver, 600);
    await driver.wait(async () => (await modelValue(driver)) === "REALCUGAN_PRO_UP2X", WAIT, "the default did not follow a higher limit");
    assert.match(await text(driver, ID.settingModelAbout), /^Real-CUGAN pro 2×: the sharpest lines .* keeps up with reading\. Chosen by SRView/);
    await setKeepUp(driver, 10);
    const keepsUp = ["REALCUGAN_PRO_UP2X", "REALCUGAN_SE_UP2X", "WAIFU2X_CUNET_UP2X", "WAIFU2X_ANIME_UP2X"].find((m) => seconds[m] <= 10);
    const expected = keepsUp ?? "WAIFU2X_ANIME_UP2X";
    await driver.wait(async () => (await modelValue(driver)) === expected, WAIT, `the default is not ${expected}`);

    // Nothing of the chosen name or the picker is clipped, in the default 1200×800 window.
    const [innerWidth, clipped] = await js(driver, `
      const select = document.getElementById("${ID.settingModel}");
      const style = getComputedStyle(select);
      const context = document.createElement("canvas").getContext("2d");
      context.font = style.font;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
      return [window.innerWidth, [...select.options].filter((o) => context.measureText(o.textContent).width > room).map((o) => o.textContent)];`);
    assert.equal(innerWidth, 1200);
    assert.deepEqual(clipped, [], "every model's line fits the picker");
    await screenshot(driver, "model-picker-measured.png");
    await js(driver, `document.getElementById("${ID.settingModel}").size = 16`);
    await screenshot(driver, "model-picker-measured-list.png");
    await js(driver, `document.getElementById("${ID.settingModel}").size = 0`);

    // A model the user picks is kept whatever the limit.
    await js(driver, `
      const model = document.getElementById("${ID.settingModel}");
      model.value = "WAIFU2X_CUNET_UP2X";
      model.dispatchEvent(new Event("change"));`);
    await setKeepUp(driver, 600);
    await driver.wait(async () => /Your choice\.$/.test(await text(driver, ID.settingModelAbout)), WAIT, "the choice is not the user's");
    assert.equal(await modelValue(driver), "WAIFU2X_CUNET_UP2X");
    assert.equal(await text(driver, ID.settingModelAuto), "Use the best that keeps up");
  } finally {
    await driver.quit();
  }

  // The next start reads the speeds from their file: nothing is measured again.
  const written = statSync(file).mtimeMs;
  driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await openSettings(driver);
    await driver.wait(async () => /measured in an earlier run\.$/.test(await text(driver, ID.settingSpeedsNote)), WAIT, "speeds not read from their file");
    assert.equal(statSync(file).mtimeMs, written, "the file was not written again");
    assert.match(await js(driver, `return [...document.querySelectorAll("#${ID.settingModel} option")].find((o) => o.value === "WAIFU2X_ANIME_UP2X").textContent`), /— (about|under)/);
  } finally {
    await driver.quit();
  }
});
