// Custom models: an ONNX model in the models folder shows up in the picker, upscales the page on
// screen, and the status line names it; a broken plugin is listed in the engine panel with why.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 60_000;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let tauriDriver;
let made;

before(async () => {
  // Real ONNX graphs, built with the `onnx` package by the core tests' generator.
  made = mkdtempSync(join(tmpdir(), "srview-models-"));
  writeFileSync(join(made, "input.rgb"), Buffer.alloc(4 * 4 * 3));
  execFileSync(join(root, ".venv/bin/python"), [
    join(root, "src-tauri/crates/core/tests/python/make_models.py"), made, join(made, "input.rgb"), "4", "4",
  ]);
  tauriDriver = await startDriver();
  const models = join(tauriDriver.home, "data/srview/models");
  mkdirSync(models, { recursive: true });
  copyFileSync(join(made, "models/d2s-2x.onnx"), join(models, "d2s-2x.onnx"));
  writeFileSync(join(models, "unfinished.py"), "SCALES = [2]\ndef upscale(image, scale)\n    return image\n");
});

after(() => tauriDriver?.stop());

const script = (driver, code, ...args) => driver.executeScript(code, ...args);

test("an ONNX model in the models folder is picked, upscales the page and is named", async () => {
  const driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.findElement(By.id(ID.openSettings)).click();
    const offered = await script(driver, `return [...document.querySelectorAll("#${ID.settingModel} option")].map((o) => o.value)`);
    assert.ok(offered.includes("custom:d2s-2x.onnx"), `picker offers the model: ${offered.filter((v) => v.startsWith("custom:"))}`);
    assert.ok(!offered.includes("custom:unfinished.py"), "a plugin with a syntax error is not offered");
    const note = await driver.findElement(By.id(ID.settingModelsDirNote)).getText();
    assert.match(note, /1 custom model in .*srview\/models; 1 cannot be used/);
    await script(driver, `
      const model = document.getElementById("${ID.settingModel}");
      model.value = "custom:d2s-2x.onnx";
      model.dispatchEvent(new Event("change"));`);
    await screenshot(driver, "custom-model-settings.png");
    await driver.findElement(By.id(ID.openSettings)).click();

    await script(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" }))`);
    await driver.wait(async () => script(driver, `return document.getElementById('${ID.upscaled}').naturalWidth > 0`), WAIT, "no upscaled page");
    const [ow, oh, uw, uh] = await script(driver, `
      const o = document.getElementById("${ID.original}"), u = document.getElementById("${ID.upscaled}");
      return [o.naturalWidth, o.naturalHeight, u.naturalWidth, u.naturalHeight];`);
    assert.deepEqual([uw, uh], [ow * 2, oh * 2]);
    const status = () => script(driver, `return document.getElementById('${ID.statusText}').textContent`);
    await driver.wait(async () => (await status()).includes("d2s-2x.onnx (custom)"), 10_000).catch(async () => assert.fail(`status: ${await status()}`));
    await screenshot(driver, "custom-model-upscaled.png");

    await driver.findElement(By.id(ID.openGpu)).click();
    // The panel re-renders as live figures arrive, so it is read in one script.
    await driver.wait(until.elementLocated(By.id(ID.customModels)), WAIT);
    const listed = await script(driver, `return document.getElementById('${ID.customModels}').innerText`);
    assert.match(listed, /custom:d2s-2x\.onnx: 2× on CPUExecutionProvider/);
    assert.match(listed, /custom:unfinished\.py: cannot be used: SyntaxError/);
    await screenshot(driver, "custom-models-engine-panel.png");
  } finally {
    await driver.quit();
  }
});
