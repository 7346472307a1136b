// The first run's Settings: the default models folder does not exist yet, which is no error;
// "Open models folder" creates it, and nothing else.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
let tauriDriver;

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, code) => driver.executeScript(code);

/** Every file and folder under `root`, with its size and modification time. */
function snapshot(root) {
  const found = new Map();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const stat = statSync(path);
      found.set(relative(root, path), entry.isDirectory() ? "dir" : `${stat.size}@${stat.mtimeMs}`);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

test("first-run Settings shows no error; Open models folder creates the folder and touches nothing else", async () => {
  const data = join(tauriDriver.home, "data");
  const models = join(data, "srview", "models");
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    assert.equal(existsSync(models), false, "a first run has no models folder");
    await driver.findElement(By.id(ID.openSettings)).click();
    await driver.wait(async () => /custom models? in .*srview\/models/.test(await js(driver, `return document.getElementById('${ID.settingModelsDirNote}').textContent`)), WAIT, "no folder note");
    const note = await js(driver, `const n = document.getElementById('${ID.settingModelsDirNote}'); return [n.className, n.textContent]`);
    assert.deepEqual(note, ["note", "0 custom models in " + models + ". Put .onnx models and .py plugins there."]);
    assert.equal(await js(driver, `return document.querySelectorAll('#${ID.panelSettings} .field-error:not([hidden])').length`), 0, "no red error");
    assert.equal(await js(driver, `return document.getElementById('${ID.errorBanner}').hidden`), true);
    await screenshot(driver, "models-first-run-settings.png");

    const before = snapshot(data);
    await driver.findElement(By.id(ID.settingModelsDirOpen)).click();
    const field = await driver.wait(until.elementLocated(By.id(ID.settingModelsDirPath)), WAIT, "the folder's path is not shown");
    assert.equal(await field.getAttribute("value"), models);
    assert.equal(await js(driver, `return document.getElementById('${ID.settingModelsDirPath}').readOnly`), true);
    assert.ok(statSync(models).isDirectory(), "the folder was created");
    assert.deepEqual(readdirSync(models), [], "and left empty");
    const afterOpening = snapshot(data);
    const added = [...afterOpening.keys()].filter((p) => !before.has(p)).sort();
    assert.deepEqual(added.filter((p) => !p.startsWith("dev.srview.app")), before.has("srview") ? ["srview/models"] : ["srview", "srview/models"]);
    for (const [path, state] of before) assert.equal(afterOpening.get(path), state, `${path} was not touched`);
    await screenshot(driver, "models-folder-opened.png");

    // Opening it again changes nothing.
    await driver.findElement(By.id(ID.settingModelsDirOpen)).click();
    assert.deepEqual(snapshot(data), afterOpening);
  } finally {
    await driver.quit();
  }
});
