// The shelf in the real webview: an export goes to the library's sibling folder and runs on in
// the status line with its panel closed, keeps its result for the panel, and is never offered as
// the next book, nor is one that SRView's CLI wrote into the library; the Books panel lists the
// folder of images beside the archives (and a folder whose images lie a level down), with
// covers, marks the current book and says "read"; a folder of images reads as a book.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { APP, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-shelf-"));
const library = join(dir, "Library");
const vol1 = join(library, "Manga Vol 1.cbz");
const CLI = process.env.SRVIEW_CLI ?? join(dirname(APP), "srview");
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function book(name, pages, size) {
  const folder = join(dir, `pages-${name}`);
  mkdirSync(folder, { recursive: true });
  for (let i = 1; i <= pages; i++) {
    execFileSync("convert", ["-seed", String(i), "-size", size, "plasma:fractal", "-blur", "0x1", join(folder, `p${i}.png`)]);
  }
  execFileSync("zip", ["-qr", join(library, `${name}.cbz`), "."], { cwd: folder });
}

before(async () => {
  mkdirSync(join(library, "Photo Folder"), { recursive: true });
  // Pages large enough for the export to be seen running.
  book("Manga Vol 1", 6, "400x300");
  book("Manga Vol 2", 2, "150x210");
  for (const i of [1, 2]) execFileSync("convert", ["-size", "160x120", `xc:${i === 1 ? "#c04080" : "#40c080"}`, join(library, "Photo Folder", `photo-${i}.png`)]);
  // A series whose only volume is a folder of images one level down.
  mkdirSync(join(library, "Series", "Sub Vol"), { recursive: true });
  for (const i of [1, 2]) execFileSync("convert", ["-size", "160x120", "xc:#8080c0", join(library, "Series", "Sub Vol", `p${i}.png`)]);
  // SRView's CLI exports Vol 1 into the library itself: `Manga Vol 1_x2.cbz`, between Vol 1 and Vol 2.
  execFileSync(CLI, ["upscale", vol1, "-o", join(library, "Manga Vol 1_x2.cbz"), "--gpu", "cpu", "--cache", join(dir, "cli-cache"), "--model", "WAIFU2X_ANIME_UP2X"], {
    env: { ...process.env, SRVIEW_VENV: process.env.SRVIEW_VENV ?? join(root, ".venv") },
    stdio: "ignore",
  });
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const hidden = (driver, id) => js(driver, "return document.getElementById(arguments[0]).hidden", id);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();

test("an export goes beside the library, runs on in the status line, keeps its result, and is never the next book", async () => {
  const libraryBefore = readdirSync(library).sort();
  assert.deepEqual(libraryBefore, ["Manga Vol 1.cbz", "Manga Vol 1_x2.cbz", "Manga Vol 2.cbz", "Photo Folder", "Series"]);
  const driver = await openApp([vol1]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 6", WAIT, "the book did not open");
    await keys(driver, "e");
    await driver.wait(until.elementLocated(By.id(ID.exportStart)), WAIT);
    await js(driver, `const s = document.getElementById('${ID.exportLayout}'); s.value = 'cbz'; s.dispatchEvent(new Event('change'))`);
    const target = join(dir, "Library (upscaled)", "Manga Vol 1_x2.cbz");
    await driver.wait(async () => (await text(driver, ID.exportDestination)) === target, WAIT, "the destination is not the library's sibling");
    // Every count the status line shows, in order: each page is reported as it finishes.
    // (Each change's old value, then the last value: counts set within one task are kept too.)
    await js(
      driver,
      `const indicator = document.getElementById('${ID.exportIndicator}'); const counts = (window.__exportCounts = []);
       const add = (d) => counts.at(-1) !== d && counts.push(d);
       new MutationObserver((records) => { for (const r of records) add(Number(r.oldValue ?? 0)); add(Number(indicator.dataset.done)); })
         .observe(indicator, { attributes: true, attributeFilter: ["data-done"], attributeOldValue: true })`,
    );
    await driver.findElement(By.id(ID.exportStart)).click();
    await keys(driver, Key.ESCAPE);
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.panelExport}').hidden`), 5_000, "Escape did not close the panel");

    // Its progress in the status line, with the panel closed.
    await driver.wait(async () => !(await hidden(driver, ID.exportIndicator)), WAIT, "no export in the status line");
    const indicator = () => js(driver, `const i = document.getElementById('${ID.exportIndicator}'); return { phase: i.dataset.phase, done: Number(i.dataset.done), text: i.textContent }`);
    let running;
    await driver.wait(async () => ((running = await indicator()), running.phase !== "running" || running.done >= 1), WAIT, "no progress in the status line");
    assert.equal(running.phase, "running", "the export was not seen running");
    assert.match(running.text, /^Exporting [1-5] \/ 6/);
    await screenshot(driver, "shelf-export-running.png");
    await driver.wait(async () => /^Export done · 1 written$/.test((await text(driver, ID.exportIndicator)) ?? ""), WAIT, "the status line did not say the export was done");
    await screenshot(driver, "shelf-export-done.png");
    const counts = (await js(driver, "return window.__exportCounts")).filter((d) => d > 0);
    assert.ok(counts.every((d, i) => i === 0 || d > counts[i - 1]) && counts.at(-1) === 6, `counts out of order: ${counts}`);
    assert.ok(counts.filter((d) => d < 6).length >= 2, `the progress came in jumps: ${counts}`);
    assert.ok(existsSync(target), "no .cbz in the sibling folder");
    assert.deepEqual(readdirSync(library).sort(), libraryBefore, "the export wrote into the library");

    // Reopened, the panel keeps the result; the status line lets it go.
    await keys(driver, "e");
    await driver.wait(until.elementLocated(By.id(ID.exportSummary)), 5_000, "the result was not kept");
    assert.match(await text(driver, ID.exportSummary), /^Done\. 1 written to .*Library \(upscaled\)/);
    assert.equal(await js(driver, `return document.getElementById('${ID.exportBar}').dataset.done`), "6");
    assert.equal(await hidden(driver, ID.exportIndicator), true);
    await screenshot(driver, "shelf-export-reopened.png");
    await keys(driver, Key.ESCAPE);

    // The end of Vol 1 offers Vol 2, not an export.
    await keys(driver, Key.END, Key.ARROW_RIGHT);
    await driver.wait(async () => !(await hidden(driver, ID.bookEnd)), WAIT, "no end-of-book banner");
    assert.match(await text(driver, ID.bookEnd), /End of Manga Vol 1\. Next book: Manga Vol 2 /);
    await screenshot(driver, "shelf-book-end.png");

    // Books, listed afresh (a book added since Vol 1 opened is there): the folder of images
    // beside the archives, covers, the current book, "read".
    copyFileSync(join(library, "Manga Vol 2.cbz"), join(library, "Manga Vol 3.cbz"));
    await keys(driver, "b");
    await driver.wait(until.elementLocated(By.css(`#${ID.booksHere} li`)), WAIT, "no books listed");
    const listed = await js(driver, `return [...document.querySelectorAll('#${ID.booksHere} li')].map((li) => ({ name: li.querySelector('.name').textContent, where: li.querySelector('.where').textContent, current: li.classList.contains('current') }))`);
    assert.deepEqual(listed, [
      { name: "Manga Vol 1", where: "read", current: true },
      { name: "Manga Vol 2", where: "", current: false },
      { name: "Manga Vol 3", where: "", current: false },
      { name: "Photo Folder", where: "", current: false },
      { name: "Series", where: "", current: false },
    ]);
    await driver.wait(
      async () => js(driver, `return [...document.querySelectorAll('#${ID.booksHere} img.cover')].every((img) => img.complete && img.naturalWidth > 0)`),
      WAIT,
      "the covers did not load",
    );
    const covers = await js(driver, `return [...document.querySelectorAll('#${ID.booksHere} img.cover')].map((img) => [img.naturalWidth, img.naturalHeight])`);
    assert.deepEqual(covers, [[120, 90], [120, 168], [120, 168], [120, 90], [120, 90]], "covers are small thumbnails of each book's first page");
    assert.match(await text(driver, ID.recentBooks), /Manga Vol 1read/);
    await screenshot(driver, "shelf-books.png");

    // A folder of images opens as a book.
    await driver.findElement(By.css(`#${ID.booksHere} li:nth-child(4) button`)).click();
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 2", WAIT, "the folder of images did not open");

    // Read as a book: beside its siblings, current, recent, and its end offers the next book.
    if (await hidden(driver, ID.panelBooks)) await keys(driver, "b");
    await driver.wait(
      async () => js(driver, `return document.querySelector('#${ID.booksHere} li.current .name')?.textContent === "Photo Folder"`),
      WAIT,
      "the folder of images is not listed as the current book beside its siblings",
    );
    const siblings = await js(driver, `return [...document.querySelectorAll('#${ID.booksHere} li .name')].map((n) => n.textContent)`);
    assert.deepEqual(siblings, ["Manga Vol 1", "Manga Vol 2", "Manga Vol 3", "Photo Folder", "Series"]);
    assert.match(await text(driver, ID.recentBooks), /Photo Folder/, "the folder of images is not among the recent books");
    await screenshot(driver, "shelf-folder-book.png");
    await keys(driver, Key.ESCAPE);
    await keys(driver, Key.END, Key.ARROW_RIGHT);
    await driver.wait(async () => !(await hidden(driver, ID.bookEnd)), WAIT, "no end-of-book banner for the folder of images");
    // Series holds only a folder of pages: a shelf, not the next book.
    assert.equal(await text(driver, ID.bookEnd), "End of Photo Folder. It is the last book in this folder.");
    await screenshot(driver, "shelf-folder-book-end.png");
  } finally {
    await driver.quit();
  }
});
