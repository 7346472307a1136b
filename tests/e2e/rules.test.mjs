// "Automatic (rules)": a black-and-white page and a colour page get different models, and the
// status line names the rule that chose each; the rules are edited in Settings.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

/** A black-and-white page stored as 24-bit colour (as scans often are), then a colour page;
 *  420 px tall, so 2× fills the 800 px screen under Xvfb. */
function mixedChapter() {
  const folder = join(mkdtempSync(join(tmpdir(), "srview-rules-")), "Chapter 1");
  mkdirSync(folder);
  const lines = Array.from({ length: 12 }, (_, i) => ["-draw", `line 0,${i * 35} 300,${i * 35 + 60}`]).flat();
  execFileSync("convert", ["-size", "300x420", "gradient:white-gray50", "-stroke", "black", "-strokewidth", "3", ...lines, "-type", "TrueColor", `PNG24:${join(folder, "01.png")}`]);
  execFileSync("convert", ["-seed", "7", "-size", "300x420", "plasma:red-blue", join(folder, "02.png")]);
  return folder;
}

const text = (driver, id) => driver.executeScript(`return document.getElementById(arguments[0])?.textContent ?? null`, id);
const press = (driver, key) => driver.executeScript(`window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);

/** Waits for the page on screen to show its upscaled result; returns the status line. */
async function upscaledStatus(driver, counter) {
  await driver.wait(async () => (await text(driver, ID.pageCounter)) === counter, WAIT, `page ${counter} never came`);
  await driver.wait(
    async () => {
      const [source, loaded] = await driver.executeScript(
        `return [document.getElementById('${ID.statusText}').dataset.source, document.getElementById('${ID.upscaled}').naturalWidth]`,
      );
      return !!source && loaded > 0;
    },
    WAIT,
    `page ${counter} was never shown upscaled`,
  );
  return text(driver, ID.statusText);
}

test("rules: a black-and-white page and a colour page get different models, and the status line names the rule", async () => {
  const chapter = mixedChapter();
  const driver = await openApp([chapter]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.findElement(By.id(ID.openSettings)).click();
    const autoOption = () => driver.executeScript(`return document.querySelector('#${ID.settingModel} option[value="auto"]')?.textContent ?? null`);
    await driver.wait(async () => (await autoOption()) !== null, WAIT, "the model picker has no Automatic (rules)");
    assert.equal(await autoOption(), "Automatic (rules)");
    await driver.executeScript(`
      const model = document.getElementById("${ID.settingModel}");
      model.value = "auto";
      model.dispatchEvent(new Event("change"));`);
    await screenshot(driver, "rules-picker.png");
    const rules = await driver.executeScript(
      `return [...document.querySelectorAll("#${ID.settingRules} .rule")].map((rule) => [rule.querySelector(".rule-name").value, rule.querySelector(".rule-summary").textContent])`,
    );
    assert.deepEqual(rules, [
      ["Already large enough", "1. When: at least as tall as the screen"],
      ["Black-and-white pages", "2. When: black-and-white pages"],
      ["Colour pages", "3. When: colour pages"],
    ]);
    // The editor's own controls work: add a rule, move it up, remove it again.
    await driver.findElement(By.id(ID.settingRulesAdd)).click();
    await driver.findElement(By.css(`#${ID.settingRules} .rule[data-index="3"] .rule-up`)).click();
    const names = () => driver.executeScript(`return [...document.querySelectorAll("#${ID.settingRules} .rule-name")].map((n) => n.value)`);
    assert.deepEqual(await names(), ["Already large enough", "Black-and-white pages", "Rule 4", "Colour pages"]);
    await driver.findElement(By.css(`#${ID.settingRules} .rule[data-index="2"] .rule-remove`)).click();
    assert.deepEqual(await names(), ["Already large enough", "Black-and-white pages", "Colour pages"]);
    await driver.executeScript(`document.getElementById("${ID.settingRules}").scrollIntoView()`);
    await screenshot(driver, "rules-settings.png");
    await driver.wait(async () => savedSetting(tauriDriver.home, "settings")?.model === "auto", 10_000, "the model auto was not saved");
    assert.equal(savedSetting(tauriDriver.home, "settings").modelRules.length, 3);
    await press(driver, "Escape");

    await press(driver, "u");
    const mono = await upscaledStatus(driver, "1 / 2");
    assert.match(mono, /waifu2x .* · rule “Black-and-white pages” · /, mono);
    const [ow, uw] = await driver.executeScript(`return [document.getElementById('${ID.original}').naturalWidth, document.getElementById('${ID.upscaled}').naturalWidth]`);
    assert.equal(uw, ow * 2, "2× fills the 800 px screen from 420 px");
    await screenshot(driver, "rules-mono.png");

    await press(driver, "ArrowRight");
    const colour = await upscaledStatus(driver, "2 / 2");
    assert.match(colour, /Real-CUGAN .* · rule “Colour pages” · /, colour);
    await screenshot(driver, "rules-colour.png");
  } finally {
    await driver.quit();
  }
});
