// The page on screen first: on large pages, turning to the last page while the first computes
// starts the last one within a tile, and its progress bar moves and finishes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
let tauriDriver;
const pages = mkdtempSync(join(tmpdir(), "srview-large-"));

before(async () => {
  // Three 1000×800 pages: large enough to be computed in tiles.
  for (const [i, seed] of [[1, 11], [2, 22], [3, 33]]) {
    execFileSync("convert", ["-seed", String(seed), "-size", "1000x800", "plasma:fractal", "-blur", "0x1", join(pages, `page-${i}.png`)]);
  }
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);

test("turning to the last large page shows its progress at once and finishes it", async () => {
  const driver = await openApp([pages]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await js(driver, `return document.getElementById('${ID.pageCounter}').textContent`)) === "1 / 3", WAIT);
    await press(driver, "u");
    // Wait until page 1 really computes, then jump to the end.
    await driver.wait(async () => Number(await js(driver, `return document.getElementById('${ID.progress}').dataset.total`)) > 1, WAIT, "page 1 never computed in tiles");
    await press(driver, "End");
    assert.equal(await js(driver, `return document.getElementById('${ID.pageCounter}').textContent`), "3 / 3");
    const turned = Date.now();
    await driver.wait(
      async () => {
        const bar = await js(driver, `const b = document.getElementById('${ID.progress}'); return [b.hidden, Number(b.dataset.done), Number(b.dataset.total)]`);
        return !bar[0] && bar[1] > 0 && bar[2] > 1;
      },
      30_000,
      "the last page's progress bar did not move",
    );
    const moved = (Date.now() - turned) / 1000;
    const label = await js(driver, `return document.getElementById('${ID.progressLabel}').textContent`);
    assert.match(label, /\d+\/\d+ tiles/);
    await screenshot(driver, "progress.png");
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.upscaled}').naturalWidth === 2000`), WAIT, "the last page never finished");
    assert.equal(await js(driver, `return document.getElementById('${ID.upscaled}').naturalHeight`), 1600);
    assert.equal(await js(driver, `return document.getElementById('${ID.progress}').hidden`), true);
    console.log(`# progress moved ${moved.toFixed(1)} s after turning; ${label}`);
  } finally {
    await driver.quit();
  }
});

