// A PDF book in the real webview: three scanned pages (one JPEG each, made by Pillow) and a
// vector page, read and upscaled. The vector page is rendered as high as the screen, and in the
// strip as wide as the strip.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(join(tmpdir(), "srview-pdf-"));
const library = join(dir, "library");
const book = join(library, "Mixed.pdf");
let tauriDriver;

before(async () => {
  execFileSync(join(root, ".venv/bin/python"), [join(root, "src-tauri/crates/core/tests/python/make_pdfs.py"), dir]);
  mkdirSync(library);
  copyFileSync(join(dir, "mixed.pdf"), book);
  copyFileSync(join(dir, "images.pdf"), join(library, "Scans.pdf"));
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0], bubbles: true }))`, key);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const natural = (driver, id) =>
  js(driver, "const i = document.getElementById(arguments[0]); return i && i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0]", id);

test("a PDF of scanned pages and a vector page is read and upscaled", async () => {
  const driver = await openApp([book]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 4", WAIT, "the PDF did not open");
    await driver.wait(async () => (await natural(driver, ID.original))[0] === 240, WAIT, "page 1 is not its 240×340 JPEG");
    assert.deepEqual(await natural(driver, ID.original), [240, 340]);

    await press(driver, "u");
    await driver.wait(async () => (await natural(driver, ID.upscaled))[0] === 480, WAIT, "page 1 was not upscaled");
    await screenshot(driver, "pdf-scanned-page-upscaled.png");

    await press(driver, "End");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "4 / 4", WAIT, "no last page");
    // The vector page (200 × 300 pt) is rendered as high as the screen, in device pixels.
    const screenHeight = await js(driver, "return Math.round(screen.height * devicePixelRatio)");
    await driver.wait(async () => (await natural(driver, ID.original))[1] === screenHeight, WAIT, `page 4 is not ${screenHeight} px high`);
    const [width, height] = await natural(driver, ID.original);
    assert.equal(width, Math.floor((200 * Math.floor((72 * height) / 300)) / 72), "the page keeps its proportions");
    await driver.wait(async () => (await natural(driver, ID.upscaled))[0] === width * 2, WAIT, "the vector page was not upscaled");
    assert.equal(await js(driver, `return document.getElementById('${ID.errorBanner}').hidden`), true, "an error is shown");
    await screenshot(driver, "pdf-vector-page-upscaled.png");

    // In the strip, which shows pages at its width, the vector page is rendered at that width
    // (the screen's, in device pixels), not stretched from the screen's height. Upscaling off:
    // the strip shows the page itself.
    await press(driver, "u");
    await press(driver, "w");
    const stripWidth = await js(driver, "return Math.round(screen.width * devicePixelRatio)");
    // 200 pt wide at the whole DPI that fits the strip's width.
    const fitted = Math.floor((200 * Math.floor((72 * stripWidth) / 200)) / 72);
    const stripPage = () =>
      js(driver, `const i = document.querySelector('#${ID.strip} .strip-page[data-index="3"] img'); return i && i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0]`);
    await driver.wait(async () => (await stripPage())[0] === fitted, WAIT, `the strip's vector page is not ${fitted} px wide`);
    const [, stripHeight] = await stripPage();
    assert.ok(stripHeight > screenHeight, `rendered for the strip: ${stripWidth}×${stripHeight}`);
    await screenshot(driver, "pdf-vector-page-strip.png");
    await press(driver, "w");

    // The Books panel lists the PDFs of the folder with their covers, and opens one.
    await press(driver, "b");
    await driver.wait(until.elementLocated(By.css(`#${ID.booksHere} li`)), WAIT, "no books listed");
    const names = await js(driver, `return [...document.querySelectorAll('#${ID.booksHere} li .name')].map((n) => n.textContent)`);
    assert.deepEqual(names, ["Mixed", "Scans"]);
    await driver.wait(
      async () => js(driver, `return [...document.querySelectorAll('#${ID.booksHere} img.cover')].every((img) => img.complete && img.naturalWidth > 0)`),
      WAIT,
      "the covers did not load",
    );
    await screenshot(driver, "pdf-books-panel.png");
    await driver.findElement(By.css(`#${ID.booksHere} li:nth-child(2) button`)).click();
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 3", WAIT, "Scans.pdf did not open");
  } finally {
    await driver.quit();
  }
});

test("a PDF book exports from the Export panel, page for page", async () => {
  const driver = await openApp([book]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    // It reopens where the first test left it.
    await driver.wait(async () => / \/ 4$/.test((await text(driver, ID.pageCounter)) ?? ""), WAIT, "the PDF did not open");
    await driver.findElement(By.id(ID.openExport)).click();
    await driver.wait(until.elementLocated(By.id(ID.exportStart)), WAIT);
    await driver.findElement(By.id(ID.exportStart)).click();
    await driver.wait(until.elementLocated(By.id(ID.exportSummary)), WAIT, "the export did not finish");
    assert.match(await text(driver, ID.exportSummary), /Done\. 4 written/);
    await screenshot(driver, "pdf-export-done.png");
    const written = readdirSync(join(dir, "library (upscaled)"), { recursive: true }).filter((f) => f.endsWith(".webp"));
    assert.deepEqual(written.map((f) => f.split("/").pop()).sort(), ["page-001_x2.webp", "page-002_x2.webp", "page-003_x2.webp", "page-004_x2.webp"]);
  } finally {
    await driver.quit();
  }
});

test("a PDF that needs a password is said to be so", async () => {
  const driver = await openApp([join(dir, "encrypted.pdf")]);
  try {
    await driver.wait(async () => /password-protected/.test((await text(driver, ID.errorBanner)) ?? ""), WAIT, "no password message");
    await screenshot(driver, "pdf-encrypted.png");
  } finally {
    await driver.quit();
  }
});
