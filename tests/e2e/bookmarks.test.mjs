// Bookmarks and per-book settings in the real webview: pages bookmarked (M and the toolbar's
// button) are marked in the status line, listed in the Books panel with their thumbnails after a
// restart, and jump; a book's own direction and spread come back after a restart while another
// book opens with the defaults, which Settings shows.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-bookmarks-"));
const library = join(dir, "library");

/** A book of `count` pages of 150×210, page n carrying n white stripes (no fonts needed). */
function book(name, count, colour) {
  const folder = join(dir, `pages-${name}`);
  mkdirSync(folder, { recursive: true });
  for (let i = 1; i <= count; i++) {
    const stripes = Array.from({ length: i }, (_, s) => ["-draw", `rectangle 20,${12 + s * 22} 130,${24 + s * 22}`]).flat();
    execFileSync("convert", ["-size", "150x210", `xc:${colour}`, "-fill", "white", ...stripes, join(folder, `p${i}.png`)]);
  }
  execFileSync("zip", ["-qr", join(library, `${name}.cbz`), "."], { cwd: folder });
  return join(library, `${name}.cbz`);
}

let saga;
let other;
before(async () => {
  mkdirSync(library, { recursive: true });
  saga = book("Saga", 8, "#4060d0");
  other = book("Other", 4, "#40a060");
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const hidden = (driver, id) => js(driver, "return document.getElementById(arguments[0]).hidden", id);
const pressed = (driver, id) => js(driver, "return document.getElementById(arguments[0]).getAttribute('aria-pressed')", id);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);
const saved = (key) => savedSetting(tauriDriver.home, key);
/** The bookmarks the Books panel lists: page number, label, and whether the thumbnail loaded. */
const listed = (driver) =>
  js(
    driver,
    `const list = document.getElementById(arguments[0]);
     return list ? [...list.querySelectorAll("li")].map((li) => ({ page: li.dataset.page, label: li.querySelector(".name").textContent, thumbnail: li.querySelector("img").naturalWidth })) : [];`,
    ID.bookmarksList,
  );

test("pages bookmarked in a book are marked, survive a restart, are listed with thumbnails and jump", async () => {
  let driver = await openApp([saga]);
  try {
    await counterIs(driver, "1 / 8", "the book did not open");
    assert.equal(await hidden(driver, ID.statusBookmark), true, "a page never bookmarked is marked");
    await keys(driver, Key.ARROW_RIGHT, Key.ARROW_RIGHT);
    await counterIs(driver, "3 / 8");
    await keys(driver, "m");
    assert.equal(await hidden(driver, ID.statusBookmark), false, "M did not mark the page in the status line");
    assert.equal(await pressed(driver, ID.toggleBookmark), "true", "the toolbar's bookmark button is not pressed on a bookmarked page");
    await screenshot(driver, "bookmarks-status.png");
    await keys(driver, Key.ARROW_RIGHT);
    await counterIs(driver, "4 / 8");
    assert.equal(await hidden(driver, ID.statusBookmark), true, "the next page shows the mark");
    await keys(driver, Key.ARROW_RIGHT, Key.ARROW_RIGHT);
    await counterIs(driver, "6 / 8");
    await driver.findElement(By.id(ID.toggleBookmark)).click();
    assert.equal(await hidden(driver, ID.statusBookmark), false, "the toolbar's button did not bookmark the page");
    // M on a bookmarked page removes the bookmark.
    await keys(driver, Key.ARROW_RIGHT, "m");
    await counterIs(driver, "7 / 8");
    assert.equal(await hidden(driver, ID.statusBookmark), false);
    await keys(driver, "m");
    assert.equal(await hidden(driver, ID.statusBookmark), true, "M did not remove the bookmark");
    assert.equal(await pressed(driver, ID.toggleBookmark), "false");
    await driver.wait(() => saved("bookmarks")?.[saga]?.length === 2, WAIT, "the bookmarks were not saved");
    assert.deepEqual(saved("bookmarks")[saga].map((b) => b.page), [2, 5]);
  } finally {
    await driver.quit();
  }

  driver = await openApp([saga]);
  try {
    await counterIs(driver, "7 / 8", "the book did not reopen at its page");
    await keys(driver, "b");
    await driver.wait(until.elementLocated(By.css(`#${ID.bookmarksList} li`)), WAIT, "the Books panel lists no bookmarks");
    await driver.wait(async () => (await listed(driver)).every((b) => b.thumbnail > 0), WAIT, "a bookmark's thumbnail did not load");
    const marks = await listed(driver);
    assert.deepEqual(marks.map((b) => [b.page, b.label]), [["3", "Page 3"], ["6", "Page 6"]]);
    await screenshot(driver, "bookmarks-panel.png");
    // A click jumps to its page and closes the panel.
    await driver.findElement(By.css(`#${ID.bookmarksList} li[data-page="6"] button`)).click();
    await counterIs(driver, "6 / 8", "the bookmark did not jump to page 6");
    assert.equal(await hidden(driver, ID.panelBooks), true, "the panel stayed over the page");
    assert.equal(await hidden(driver, ID.statusBookmark), false, "the page jumped to is not marked");
    // Its remove button removes it, from the list and from what is saved.
    await keys(driver, "b");
    await driver.findElement(By.css(`#${ID.bookmarksList} li[data-page="6"] .remove`)).click();
    await driver.wait(async () => (await listed(driver)).length === 1, WAIT, "the removed bookmark is still listed");
    assert.equal(await hidden(driver, ID.statusBookmark), true, "the page shown is still marked after its bookmark was removed");
    await driver.wait(() => saved("bookmarks")?.[saga]?.length === 1, WAIT, "the removal was not saved");
    await driver.findElement(By.css(`#${ID.bookmarksList} li[data-page="3"] button`)).click();
    await counterIs(driver, "3 / 8", "the bookmark did not jump to page 3");
  } finally {
    await driver.quit();
  }
});

test("a book's own direction and spread come back after a restart; another book opens with the defaults Settings shows", async () => {
  let driver = await openApp([saga]);
  try {
    await driver.wait(async () => / \/ 8$/.test((await text(driver, ID.pageCounter)) ?? ""), WAIT, "the book did not open");
    await keys(driver, Key.HOME, "d", "r");
    await counterIs(driver, "1–2 / 8", "D did not show a spread");
    assert.equal(await text(driver, ID.toggleDirection), "R→L");
    await driver.wait(() => saved("bookSettings")?.[saga]?.direction === "rtl" && saved("bookSettings")?.[saga]?.spread === true, WAIT, "the book's own settings were not saved");
    // The defaults are untouched, and Settings shows them, saying what this book keeps.
    await keys(driver, "s");
    await driver.wait(async () => !(await hidden(driver, ID.panelSettings)), WAIT, "S did not open Settings");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).value", ID.settingDirection), "ltr");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).checked", ID.settingSpread), false);
    assert.match(await text(driver, ID.settingBookOwn), /^Saga keeps its own: two-page spread, right to left\./);
    await js(driver, "document.getElementById(arguments[0]).scrollIntoView({ block: 'center' })", ID.settingBookOwn);
    await screenshot(driver, "bookmarks-settings-defaults.png");
    await keys(driver, Key.ESCAPE);
  } finally {
    await driver.quit();
  }

  driver = await openApp([saga]);
  try {
    await counterIs(driver, "1–2 / 8", "the book did not reopen as a spread");
    assert.equal(await text(driver, ID.toggleDirection), "R→L", "the book did not reopen right to left");
    assert.equal(await pressed(driver, ID.toggleSpread), "true");
    // Right to left: page 2 sits on the left of page 1.
    await driver.wait(async () => js(driver, "return document.getElementById(arguments[0]).naturalWidth > 0", ID.original2), WAIT);
    const lefts = await js(driver, "return [arguments[0], arguments[1]].map((id) => document.getElementById(id).getBoundingClientRect().left)", ID.slot1, ID.slot2);
    assert.ok(lefts[1] < lefts[0], `page 2 is not on the left of page 1: ${lefts}`);
    await screenshot(driver, "bookmarks-book-settings-restored.png");

    // The book beside it, opened from the Books panel: the defaults.
    await keys(driver, "b");
    await driver.wait(until.elementLocated(By.css(`#${ID.booksHere} li`)), WAIT, "the Books panel lists no books here");
    await driver.findElement(By.css(`#${ID.booksHere} button[title="${other}"]`)).click();
    await counterIs(driver, "1 / 4", "the other book did not open on a single page");
    assert.equal(await text(driver, ID.toggleDirection), "L→R", "the other book did not open left to right");
    assert.equal(await pressed(driver, ID.toggleSpread), "false");
    assert.equal(saved("bookSettings")?.[other], undefined, "the other book was given settings of its own");
  } finally {
    await driver.quit();
  }
});
