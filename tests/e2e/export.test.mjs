// Exporting the open folder from the Export panel: progress to the end, then the files.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-export-"));
const folder = join(dir, "Chapter 1");

before(async () => {
  cpSync(join(FIXTURES, "pages"), folder, { recursive: true });
  // Three larger pages keep the batch running long enough to be seen mid-way.
  for (const i of [4, 5, 6]) {
    execFileSync("convert", ["-seed", String(i), "-size", "480x360", "plasma:fractal", "-blur", "0x1", join(folder, `page-0${i}.png`)]);
  }
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);

test("the open folder exports beside its library, in \"<library> (upscaled)\", with progress to the end", async () => {
  const driver = await openApp([folder]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 6", WAIT);
    await driver.findElement(By.id(ID.openExport)).click();
    await driver.wait(until.elementLocated(By.id(ID.exportStart)), WAIT);
    const target = join(`${dir} (upscaled)`, "Chapter 1");
    assert.equal(await text(driver, ID.exportDestination), target);
    await driver.findElement(By.id(ID.exportStart)).click();
    await driver.wait(async () => Number(await js(driver, `return document.getElementById('${ID.exportBar}')?.dataset.done ?? 0`)) >= 1, WAIT, "no progress");
    assert.ok(Number(await js(driver, `return document.getElementById('${ID.exportBar}').dataset.done`)) < 6, "seen mid-batch");
    await screenshot(driver, "export-running.png");
    await driver.wait(until.elementLocated(By.id(ID.exportSummary)), WAIT, "the export did not finish");
    assert.equal(await js(driver, `return document.getElementById('${ID.exportBar}').dataset.done`), "6");
    assert.match(await text(driver, ID.exportSummary), /Done\. 6 written/);
    await screenshot(driver, "export-done.png");
    assert.ok(existsSync(join(target, ".srview-export")), "the folder is marked as SRView's");
    const written = readdirSync(target).filter((name) => !name.startsWith(".")).sort();
    assert.deepEqual(written, ["page-01_x2.webp", "page-02_x2.webp", "page-03_x2.webp", "page-04_x2.webp", "page-05_x2.webp", "page-06_x2.webp"]);
    assert.ok(existsSync(join(folder, "page-01.png")), "the source is untouched");
  } finally {
    await driver.quit();
  }
});
