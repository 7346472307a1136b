// The reader in the real webview: a spread preloaded as one screen, the toolbar at 1000 px,
// the thumbnail strip, rotation and the first frame of a book opened from the command line.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, SCREENSHOTS, startDriver, test, toolbarLayout } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-reader-"));
const library = join(dir, "library");

/** A page of `w`×`h` in `colour`, carrying `n` white stripes at its top (no fonts needed). */
function page(path, w, h, colour, n) {
  const stripes = Array.from({ length: n }, (_, s) => ["-draw", `rectangle 12,${12 + s * 18} ${w - 12},${22 + s * 18}`]).flat();
  execFileSync("convert", ["-size", `${w}x${h}`, `gradient:${colour}-black`, "-fill", "white", ...stripes, path]);
}

function book(name, pages, w = 150, h = 210) {
  const folder = join(dir, `pages-${name}`);
  mkdirSync(folder, { recursive: true });
  for (let i = 1; i <= pages; i++) page(join(folder, `p${String(i).padStart(2, "0")}.png`), w, h, i % 2 ? "#4060d0" : "#d06040", i);
  execFileSync("zip", ["-qr", join(library, `${name}.cbz`), "."], { cwd: folder });
  return join(library, `${name}.cbz`);
}

let manga;
before(async () => {
  mkdirSync(library, { recursive: true });
  manga = book("Manga", 6);
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
const counterIs = async (driver, value, why) => {
  let last;
  await driver.wait(async () => (last = await text(driver, ID.pageCounter)) === value, WAIT).catch(() => assert.fail(`${why ?? "wrong page"}: the counter says ${JSON.stringify(last)}, not ${value}`));
};
const pending = (driver) => driver.wait(until.elementLocated(By.css('body[data-pending="0"]')), WAIT, "work still pending");

/** Records, from now on, every change to the two upscaled layers and to the status line. */
const watchScreen = (driver) =>
  js(
    driver,
    `const [a, b, status] = [arguments[0], arguments[1], arguments[2]].map((id) => document.getElementById(id));
     window.__seen = { layers: [], status: [] };
     new MutationObserver(() => window.__seen.layers.push([a.hasAttribute("src"), b.hasAttribute("src"), document.getElementById(arguments[3]).hidden]))
       .observe(a, { attributes: true, attributeFilter: ["src"] });
     new MutationObserver(() => window.__seen.layers.push([a.hasAttribute("src"), b.hasAttribute("src"), document.getElementById(arguments[3]).hidden]))
       .observe(b, { attributes: true, attributeFilter: ["src"] });
     new MutationObserver(() => window.__seen.status.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });`,
    ID.upscaled,
    ID.upscaled2,
    ID.statusText,
    ID.slot2,
  );

test("a spread preloads as one screen: both pages are done before either shows as upscaled", async () => {
  const driver = await openApp([manga]);
  try {
    await counterIs(driver, "1 / 6", "the book did not open");
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await keys(driver, "d");
    await counterIs(driver, "1–2 / 6", "D did not show a spread");
    await watchScreen(driver);
    await keys(driver, "u");
    const bothUpscaled = () => js(driver, "return [arguments[0], arguments[1]].every((id) => document.getElementById(id).naturalWidth === 300)", ID.upscaled, ID.upscaled2);
    await driver.wait(bothUpscaled, WAIT, "the first spread was not upscaled");
    // The next spread's two pages are preloaded together.
    await pending(driver);
    await keys(driver, Key.ARROW_RIGHT);
    await counterIs(driver, "3–4 / 6", "→ did not turn the spread");
    await driver.wait(bothUpscaled, WAIT, "the preloaded spread did not show upscaled");
    const status = await text(driver, ID.statusText);
    assert.match(status, /^Manga, pages 3–4 of 6 · .* · preloaded, computed in /, "the next spread was not preloaded whole");
    await screenshot(driver, "reader-spread-preloaded.png");

    // Turning on at once (its preload may still be running): the spread still arrives as one.
    await keys(driver, Key.ARROW_RIGHT);
    await counterIs(driver, "5–6 / 6");
    await driver.wait(bothUpscaled, WAIT, "the last spread was not upscaled");
    await pending(driver);
    const seen = await js(driver, "return window.__seen");
    const half = seen.layers.filter(([a, b, single]) => !single && a !== b);
    assert.deepEqual(half, [], `a spread showed one page upscaled beside one not: ${JSON.stringify(seen.layers)}`);
    const cached = seen.status.filter((line) => /from cache/.test(line));
    assert.deepEqual(cached, [], "the status said 'from cache' for pages computed in this run");
    // Each of the six pages computed once.
    await keys(driver, "k");
    await driver.wait(async () => (await text(driver, ID.cacheEntries)) === "6", WAIT, "the cache does not hold the six pages");
    // The next tests start as a reader would: one page, upscaling off.
    await keys(driver, Key.ESCAPE, "u", "d");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});

test("the toolbar is one row at 1000 px, whatever the counter and fit say, and the page does not move", async () => {
  const long = book("Long", 24, 60, 84);
  const driver = await openApp([long]);
  try {
    await driver.manage().window().setRect({ width: 1000, height: 700 });
    await driver.wait(async () => (await js(driver, "return innerWidth")) === 1000, WAIT, "the window did not become 1000 px wide");
    await counterIs(driver, "1 / 24", "the book did not open");
    const first = await toolbarLayout(driver);
    assert.equal(first.rows, 1, `the toolbar wraps at 1000 px: ${JSON.stringify(first)}`);
    await keys(driver, "d", ...Array(7).fill(Key.ARROW_RIGHT));
    await counterIs(driver, "15–16 / 24", "→ did not reach pages 15–16");
    for (const fit of ["Fit width", "Fit height"]) {
      await keys(driver, "f");
      assert.equal(await text(driver, ID.zoomFit), fit);
      const now = await toolbarLayout(driver);
      assert.equal(now.rows, 1, `the toolbar wraps in ${fit} at "15–16 / 24": ${JSON.stringify(now)}`);
      assert.ok(now.toolbar < now.button * 2, `the toolbar is taller than one row of buttons: ${JSON.stringify(now)}`);
      assert.deepEqual(now.clipped, [], `clipped labels: ${JSON.stringify(now)}`);
      assert.ok(now.right <= now.window, `a button is past the window's edge: ${JSON.stringify(now)}`);
      assert.deepEqual([now.toolbar, now.stageTop], [first.toolbar, first.stageTop], `the page moved: ${JSON.stringify({ first, now })}`);
    }
    await screenshot(driver, "reader-toolbar-1000.png");
    await keys(driver, "f", "d");
    assert.equal(await text(driver, ID.zoomFit), "Fit page");
    await driver.wait(() => savedSetting(tauriDriver.home, "bookSettings")?.[long]?.spread === false, WAIT, "spread off was not saved for the book");
  } finally {
    await driver.quit();
  }
});

test("a page shown again is counted by the engine as served from its cache, as the status line says", async () => {
  const again = book("Again", 3);
  const driver = await openApp([again]);
  try {
    await counterIs(driver, "1 / 3", "the book did not open");
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    const source = () => js(driver, "return document.getElementById(arguments[0]).dataset.source ?? null", ID.statusText);
    await keys(driver, "u");
    await driver.wait(async () => (await source()) === "computed", WAIT, "page 1 was not upscaled");
    await keys(driver, Key.ARROW_RIGHT);
    await counterIs(driver, "2 / 3");
    await pending(driver);
    await keys(driver, Key.ARROW_LEFT);
    await counterIs(driver, "1 / 3");
    await driver.wait(async () => (await source()) === "cache", WAIT, "page 1 did not come back from the cache");
    assert.match(await text(driver, ID.statusText), /from cache/);
    await pending(driver);
    await keys(driver, "g");
    await driver.wait(async () => /^1 \(/.test((await text(driver, ID.engineHits)) ?? ""), WAIT, "the engine panel does not count the page served from the cache");
    await screenshot(driver, "reader-engine-hits.png");
    await keys(driver, Key.ESCAPE, "u");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
});

/** The thumbnails' places in the strip, left to right on screen, and which are marked upscaled. */
const strip = (driver) =>
  js(
    driver,
    `const strip = document.getElementById(arguments[0]);
     const buttons = [...strip.querySelectorAll("button")];
     return {
       dir: strip.dir,
       lefts: buttons.map((b) => Math.round(b.getBoundingClientRect().left)),
       upscaled: buttons.flatMap((b, i) => (b.classList.contains("upscaled") ? [i + 1] : [])),
     };`,
    ID.thumbnails,
  );

test("the thumbnail strip runs right to left with the book and marks the pages already upscaled", async () => {
  const marks = book("Marks", 4);
  let driver = await openApp([marks]);
  try {
    await counterIs(driver, "1 / 4", "the book did not open");
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    assert.deepEqual((await strip(driver)).upscaled, [], "pages marked before any was upscaled");
    // Page 1 on screen, then page 2 preloaded.
    await keys(driver, "u");
    await pending(driver);
    await driver.wait(async () => (await strip(driver)).upscaled.length === 2, WAIT, "the upscaled pages were not marked");
    assert.deepEqual((await strip(driver)).upscaled, [1, 2]);
    await keys(driver, "u");
    await driver.wait(() => savedSetting(tauriDriver.home, "upscaling") === false, WAIT, "upscaling off was not saved");
  } finally {
    await driver.quit();
  }
  // Another run: the marks come from the cache; reading right to left turns the strip round.
  driver = await openApp([marks]);
  try {
    await counterIs(driver, "1 / 4", "the book did not open again");
    await driver.wait(async () => (await strip(driver)).upscaled.length === 2, WAIT, "the cached pages were not marked after a restart");
    assert.deepEqual((await strip(driver)).upscaled, [1, 2]);
    const ltr = await strip(driver);
    assert.ok(ltr.lefts[0] < ltr.lefts[1], `the strip does not run left to right: ${JSON.stringify(ltr)}`);
    await keys(driver, "r");
    const rtl = await strip(driver);
    assert.equal(rtl.dir, "rtl");
    assert.ok(rtl.lefts[0] > rtl.lefts[1] && rtl.lefts[1] > rtl.lefts[3], `the strip does not run right to left: ${JSON.stringify(rtl)}`);
    await screenshot(driver, "reader-thumbnails-rtl.png");
    await keys(driver, "r");
    await driver.wait(() => savedSetting(tauriDriver.home, "bookSettings")?.[marks]?.direction === "ltr", WAIT, "left to right was not saved for the book");
  } finally {
    await driver.quit();
  }
});

/** The pages' box on screen (turned), and the stage's centre. */
const pagesBox = (driver) =>
  js(
    driver,
    `const box = document.getElementById(arguments[0]).getBoundingClientRect();
     const stage = document.getElementById(arguments[1]).getBoundingClientRect();
     // Centred to the device pixel: the pages sit on whole pixels, so half a pixel off is centred.
     const off = (d) => (Math.abs(d) <= 0.5 ? 0 : Math.round(d));
     return { width: Math.round(box.width), height: Math.round(box.height), dx: off(box.left + box.width / 2 - (stage.left + stage.width / 2)), dy: off(box.top + box.height / 2 - (stage.top + stage.height / 2)) };`,
    ID.canvas,
    ID.stage,
  );

test("Q turns the pages a quarter at a time, the layout follows, and the book reopens turned", async () => {
  const turn = book("Turn", 2, 150, 210);
  let driver = await openApp([turn]);
  try {
    await counterIs(driver, "1 / 2", "the book did not open");
    await driver.wait(async () => js(driver, "return document.getElementById(arguments[0]).naturalWidth === 150", ID.original), WAIT);
    assert.deepEqual(await pagesBox(driver), { width: 150, height: 210, dx: 0, dy: 0 });
    await keys(driver, "q");
    assert.deepEqual(await pagesBox(driver), { width: 210, height: 150, dx: 0, dy: 0 }, "a quarter turn did not lay the page on its side, centred");
    await driver.findElement(By.id(ID.rotate)).click();
    assert.deepEqual(await pagesBox(driver), { width: 150, height: 210, dx: 0, dy: 0 }, "the toolbar's turn button did not turn it again");
    await keys(driver, "q");
    await keys(driver, Key.ARROW_RIGHT);
    await counterIs(driver, "2 / 2");
    await driver.wait(async () => (await pagesBox(driver)).width === 210, WAIT, "the next page of the book was not turned");
    // The turn is shown on its button, and the thumbnails turn with the pages, inside their frames.
    const shown = await js(driver, `const img = document.querySelector('#${ID.thumbnails} button img'); const r = img.getBoundingClientRect(), b = img.parentElement.getBoundingClientRect();
      return { badge: getComputedStyle(document.getElementById('${ID.rotate}'), '::after').content, turned: getComputedStyle(img).transform !== 'none',
        inside: r.left >= b.left - 0.5 && r.right <= b.right + 0.5 && r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5 }`);
    assert.deepEqual(shown, { badge: '"270°"', turned: true, inside: true });
    await screenshot(driver, "reader-rotated.png");
    await driver.wait(() => savedSetting(tauriDriver.home, "rotations")?.[turn] === 270, WAIT, "the turn was not saved for the book");
  } finally {
    await driver.quit();
  }
  driver = await openApp([turn]);
  try {
    await counterIs(driver, "2 / 2", "the book did not reopen at its page");
    await driver.wait(async () => js(driver, "return document.getElementById(arguments[0]).naturalWidth === 150", ID.original), WAIT);
    assert.deepEqual(await pagesBox(driver), { width: 210, height: 150, dx: 0, dy: 0 }, "the book did not reopen turned");
    // A quarter more is a full turn: nothing is kept for the book.
    await keys(driver, "q");
    await driver.wait(() => savedSetting(tauriDriver.home, "rotations")?.[turn] === undefined, WAIT, "a full turn was not saved");
    assert.equal(await js(driver, `return getComputedStyle(document.getElementById('${ID.rotate}'), '::after').content`), "none", "an unturned book shows no turn");
  } finally {
    await driver.quit();
  }
});

test("with a book on the command line, the window says what it is opening from its first frame", async () => {
  const driver = await openApp([manga]);
  try {
    // The earliest moment WebDriver can look (the book may already be open).
    const early = await driver.takeScreenshot();
    const first = await js(
      driver,
      `const hint = document.getElementById(arguments[0]);
       window.__hints = [];
       new MutationObserver(() => window.__hints.push(hint.hidden ? "" : hint.textContent)).observe(hint, { attributes: true, childList: true, characterData: true, subtree: true });
       return { name: window.__SRVIEW_OPENING__ ?? null, hint: hint.hidden ? "" : hint.textContent, pages: document.getElementById(arguments[1]).textContent };`,
      ID.emptyHint,
      ID.pageCounter,
    );
    assert.equal(first.name, "Manga.cbz", "the desktop side did not name the book before the page loaded");
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, "reader-opening.png"), early, "base64");
    assert.ok(first.hint === "Opening Manga.cbz…" || (first.hint === "" && first.pages !== "0 / 0"), `the first frame did not say what is opening: ${JSON.stringify(first)}`);
    // The book resumes where the first test left it.
    await counterIs(driver, "5 / 6", "the book did not open");
    const hints = await js(driver, "return window.__hints");
    assert.ok(hints.every((h) => h === "" || h === "Opening Manga.cbz…"), `the empty screen showed while the book opened: ${JSON.stringify(hints)}`);
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.emptyHint), true);
  } finally {
    await driver.quit();
  }
  // Without a path, the empty screen says how to start.
  const empty = await openApp([]);
  try {
    await empty.wait(async () => /^Open an image/.test((await text(empty, ID.emptyHint)) ?? ""), WAIT, "no hint on an empty window");
    assert.equal(await js(empty, "return window.__SRVIEW_OPENING__ ?? null"), null);
  } finally {
    await empty.quit();
  }
});
