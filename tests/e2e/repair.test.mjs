// Damaged books and the cache's lasting cap, in the real webview: a .cbz cut short opens with
// the pages that can be read and a note that says how many; a size cap set in the cache panel
// is still kept after a restart, and never touches a file of the user's in the cache folder.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { FIXTURES, openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-repair-"));

before(async () => {
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0], bubbles: true }))`, key);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const hidden = (driver, id) => js(driver, "return document.getElementById(arguments[0]).hidden", id);

/** A six-page book, cut 100 bytes into its last page's data: its central directory is gone. */
function truncatedBook() {
  const pages = join(dir, "pages");
  mkdirSync(pages, { recursive: true });
  const names = [];
  ["#d04040", "#40a040", "#4060d0", "#c0a020", "#a040c0", "#20a0a0"].forEach((colour, i) => {
    const name = `p${i + 1}.png`;
    const stripes = Array.from({ length: i + 1 }, (_, s) => ["-draw", `rectangle 20,${20 + s * 28} 130,${36 + s * 28}`]).flat();
    execFileSync("convert", ["-size", "150x210", `xc:${colour}`, "-fill", "white", ...stripes, join(pages, name)]);
    names.push(name);
  });
  const whole = join(dir, "whole.cbz");
  execFileSync("zip", ["-q", "-0", whole, ...names], { cwd: pages });
  const bytes = readFileSync(whole);
  const last = bytes.lastIndexOf(Buffer.from("PK\x03\x04", "latin1"));
  const dataStart = last + 30 + bytes.readUInt16LE(last + 26) + bytes.readUInt16LE(last + 28);
  const book = join(dir, "Damaged Comic.cbz");
  writeFileSync(book, bytes.subarray(0, dataStart + 100));
  return book;
}

test("a truncated .cbz opens with its readable pages and says how many", async () => {
  const driver = await openApp([truncatedBook()]);
  try {
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 5", WAIT, "the damaged book did not open with five pages");
    await driver.wait(async () => !(await hidden(driver, ID.bookDamage)), WAIT, "no damage note");
    assert.equal(await text(driver, ID.bookDamage), "This book is damaged and its end is missing: 5 pages could be read.");
    assert.equal(await hidden(driver, ID.errorBanner), true, "the damage is a note, not an error");
    // The note lets clicks through to the page: a click on the right third turns it.
    assert.equal(await js(driver, `return getComputedStyle(document.getElementById('${ID.bookDamage}')).pointerEvents`), "none");
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.original}').naturalWidth === 150`), WAIT, "page 1 never showed");
    await screenshot(driver, "damaged-book.png");
    await press(driver, "End");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "5 / 5", WAIT, "the last readable page was not reached");
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.original}').naturalWidth === 150`), WAIT, "page 5 never showed");
    assert.equal(await hidden(driver, ID.errorBanner), true, "page 5 reads whole");
    await screenshot(driver, "damaged-book-last-page.png");
  } finally {
    await driver.quit();
  }
});

/** An entry-named file of `bytes` in the app's cache, last used `ageSeconds` ago. */
function fakeEntry(cache, hexDigit, bytes, ageSeconds) {
  const name = hexDigit.repeat(64);
  const shard = join(cache, name.slice(0, 2));
  mkdirSync(shard, { recursive: true });
  const path = join(shard, `${name}.png`);
  writeFileSync(path, Buffer.alloc(bytes, 7));
  const when = Date.now() / 1000 - ageSeconds;
  utimesSync(path, when, when);
  return path;
}

test("the cache's size cap set in the cache panel is still kept after a restart", async () => {
  const cache = join(tauriDriver.home, "upscaled");
  let driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.findElement(By.id(ID.openCache)).click();
    await driver.wait(async () => (await text(driver, ID.cacheCapNow)) !== null, WAIT, "no cache panel");
    assert.match(await text(driver, ID.cacheCapNow), /No size cap/);
    await js(driver, `document.getElementById('${ID.cacheCapMb}').value = '1'`);
    await driver.findElement(By.id(ID.cacheApplyCap)).click();
    await driver.findElement(By.id(ID.confirmYes)).click();
    await driver.wait(async () => /Kept under 1 MB/.test((await text(driver, ID.cacheCapNow)) ?? ""), WAIT, "the cap was not set");
    await screenshot(driver, "cache-cap-set.png");
  } finally {
    await driver.quit();
  }

  // Between runs: three entries of 600 KB (together above the cap) and a file of the user's.
  const oldest = fakeEntry(cache, "a", 600_000, 3000);
  const older = fakeEntry(cache, "b", 600_000, 2000);
  const newest = fakeEntry(cache, "c", 600_000, 1000);
  const notes = join(cache, "my notes.txt");
  writeFileSync(notes, "the user's own file");

  driver = await openApp([join(FIXTURES, "pages")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.findElement(By.id(ID.openCache)).click();
    await driver.wait(async () => (await text(driver, ID.cacheCapNow)) !== null, WAIT, "no cache panel");
    assert.match(await text(driver, ID.cacheCapNow), /Kept under 1 MB/, "the cap did not survive the restart");
    assert.equal(await js(driver, `return document.getElementById('${ID.cacheCapMb}').value`), "1");
    // Kept from the start: the two least recently used entries went, the newest stayed.
    assert.equal(await text(driver, ID.cacheEntries), "1");
    assert.ok(!existsSync(oldest) && !existsSync(older) && existsSync(newest), "not the least recently used first");
    assert.equal(readFileSync(notes, "utf8"), "the user's own file");
    await screenshot(driver, "cache-cap-after-restart.png");
  } finally {
    await driver.quit();
  }
});
