// The reader's feel, with real keys and wheel in the real webview: scrolling a tall page and
// turning at its edge, the end-of-book guard, upscaling that stays on after a restart, and a
// page that keeps its place when its upscaled image arrives.
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
const dir = mkdtempSync(join(tmpdir(), "srview-feel-"));
const tall = join(dir, "tall");
const library = join(dir, "library");

/** A page of `w`×`h` in `colour`, carrying `n` white stripes at its top (no fonts needed). */
function page(path, w, h, colour, n) {
  const stripes = Array.from({ length: n }, (_, s) => ["-draw", `rectangle 20,${20 + s * 28} ${w - 20},${36 + s * 28}`]).flat();
  execFileSync("convert", ["-size", `${w}x${h}`, `gradient:${colour}-black`, "-fill", "white", ...stripes, path]);
}

function book(name, pages) {
  const folder = join(dir, `pages-${name}`);
  mkdirSync(folder, { recursive: true });
  for (let i = 1; i <= pages; i++) page(join(folder, `p${i}.png`), 150, 210, "#4060d0", i);
  execFileSync("zip", ["-qr", join(library, `${name}.cbz`), "."], { cwd: folder });
}

before(async () => {
  mkdirSync(tall, { recursive: true });
  mkdirSync(library, { recursive: true });
  page(join(tall, "01.png"), 400, 1800, "#d04040", 1);
  page(join(tall, "02.png"), 400, 1800, "#40a040", 2);
  page(join(tall, "03.png"), 400, 300, "#4060d0", 3);
  for (const name of ["Vol 1", "Vol 2", "Vol 3"]) book(name, 3);
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const hidden = (driver, id) => js(driver, "return document.getElementById(arguments[0]).hidden", id);
/** The page's top and bottom edges in the stage, in screen pixels. */
const pageEdges = (driver) =>
  js(
    driver,
    `const stage = document.getElementById(arguments[0]).getBoundingClientRect();
     const box = document.getElementById(arguments[1]).getBoundingClientRect();
     return { top: Math.round(box.top - stage.top), bottom: Math.round(box.bottom - stage.top), stage: Math.round(stage.height), width: Math.round(box.width) };`,
    ID.stage,
    ID.slot1,
  );
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
/** One wheel notch down (120) or up (-120) over the page (in pixels, or lines or pages by `deltaMode`). A synthetic event: WebKitWebDriver's
 *  wheel actions reached this page only now and then (none with an element origin, and a stray
 *  opposite notch with a viewport one), so they cannot be counted on. */
const wheel = (driver, deltaY, deltaMode = 0) =>
  js(
    driver,
    "document.getElementById(arguments[0]).dispatchEvent(new WheelEvent('wheel', { deltaY: arguments[1], deltaMode: arguments[2], bubbles: true, cancelable: true }))",
    ID.original,
    deltaY,
    deltaMode,
  );
/** The reader stops for a moment (longer than a wheel gesture's or the end-of-book pause). */
const pause = (driver, ms) => driver.executeAsyncScript(`setTimeout(arguments[arguments.length - 1], ${ms})`);
/** Presses F until the fit is `fit` (settings persist between the tests of this file). */
async function fitTo(driver, fit) {
  for (let i = 0; i < 3 && (await text(driver, ID.zoomFit)) !== fit; i++) await keys(driver, "f");
  assert.equal(await text(driver, ID.zoomFit), fit);
}
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);
/** Opens the folder of tall pages at its first page: a folder of images is a book, and reopens
 *  where the test before left it. */
const openTallAtStart = async () => {
  const driver = await openApp([tall]);
  try {
    await driver.wait(async () => /^\d+ \/ 3$/.test((await text(driver, ID.pageCounter)) ?? ""), WAIT, "the folder did not open");
    await keys(driver, Key.HOME);
    await counterIs(driver, "1 / 3", "Home did not go to the first page");
    return driver;
  } catch (e) {
    await driver.quit();
    throw e;
  }
};

test("the wheel, ↓/↑ and Space scroll a tall page in Fit width, and turn only at its edge", async () => {
  const driver = await openApp([tall]);
  try {
    await counterIs(driver, "1 / 3", "the folder did not open");
    await keys(driver, "f"); // Fit width
    assert.equal(await text(driver, ID.zoomFit), "Fit width");
    await driver.wait(async () => js(driver, `return document.getElementById(arguments[0]).naturalHeight === 1800`, ID.original), WAIT);
    const start = await pageEdges(driver);
    assert.equal(start.top, 0, "the page does not start at its top");
    assert.ok(start.bottom > start.stage * 2, `the page is not taller than the window: ${JSON.stringify(start)}`);

    await wheel(driver, 120);
    const scrolled = await pageEdges(driver);
    assert.ok(scrolled.top < 0, `the wheel did not scroll: ${JSON.stringify(scrolled)}`);
    assert.equal(await text(driver, ID.pageCounter), "1 / 3", "one wheel notch turned the page");
    await screenshot(driver, "feel-scrolled.png");

    await keys(driver, Key.ARROW_UP);
    assert.equal((await pageEdges(driver)).top, 0, "↑ did not scroll back to the top");
    await keys(driver, Key.ARROW_DOWN);
    assert.ok((await pageEdges(driver)).top < 0, "↓ did not scroll");

    // Space pages down to the bottom edge, then turns.
    let edges = await pageEdges(driver);
    for (let i = 0; i < 10 && edges.bottom > edges.stage; i++) {
      await keys(driver, Key.SPACE);
      assert.equal(await text(driver, ID.pageCounter), "1 / 3", `Space turned the page before its bottom: ${JSON.stringify(edges)}`);
      edges = await pageEdges(driver);
    }
    assert.equal(edges.bottom, edges.stage, "Space did not reach the bottom");
    await keys(driver, Key.SPACE);
    await counterIs(driver, "2 / 3", "Space at the bottom did not turn the page");
    await driver.wait(async () => js(driver, `return document.getElementById(arguments[0]).naturalHeight === 1800`, ID.original), WAIT);
    assert.equal((await pageEdges(driver)).top, 0, "the next page does not start at its top");

    // Shift+Space at the top goes back into page 1 at its end.
    await driver.actions().keyDown(Key.SHIFT).sendKeys(Key.SPACE).keyUp(Key.SHIFT).perform();
    await counterIs(driver, "1 / 3", "Shift+Space at the top did not go back");
    edges = await pageEdges(driver);
    assert.equal(edges.bottom, edges.stage, `page 1 was not entered at its end: ${JSON.stringify(edges)}`);

    // A wheel gesture that reaches the bottom stops there; a notch after a pause turns.
    await wheel(driver, -120);
    await wheel(driver, 120);
    edges = await pageEdges(driver);
    assert.equal(edges.bottom, edges.stage, `the wheel did not scroll back to the bottom: ${JSON.stringify(edges)}`);
    await wheel(driver, 120);
    assert.equal(await text(driver, ID.pageCounter), "1 / 3", "the wheel turned in the gesture that reached the edge");
    await pause(driver, 400);
    await wheel(driver, 120);
    await counterIs(driver, "2 / 3", "a wheel notch at the bottom, after a pause, did not turn");

    // The setting: the wheel always turns pages.
    await keys(driver, "s");
    const wheelTurns = await driver.findElement(By.id(ID.settingWheelTurns));
    await js(driver, "arguments[0].scrollIntoView({ block: 'center' })", wheelTurns);
    await wheelTurns.click();
    await keys(driver, Key.ESCAPE);
    await pause(driver, 400);
    await wheel(driver, 120);
    await counterIs(driver, "3 / 3", "with the setting on, the wheel did not turn the tall page");
  } finally {
    await driver.quit();
  }
});

/** The toolbar's groups: how many rows they take, and the toolbar's and stage's heights. */
const toolbarRows = (driver) =>
  js(
    driver,
    `const toolbar = document.getElementById(arguments[0]);
     const tops = new Set([...toolbar.children].map((g) => Math.round(g.getBoundingClientRect().top)));
     const widths = [...toolbar.children].map((g) => Math.round(g.getBoundingClientRect().width));
     return { rows: tops.size, toolbar: Math.round(toolbar.getBoundingClientRect().height), stage: Math.round(document.getElementById(arguments[1]).getBoundingClientRect().height), window: innerWidth, widths };`,
    ID.toolbar,
    ID.stage,
  );

test("the toolbar keeps one row in the default window in every fit, so the page does not move as F cycles", async () => {
  const driver = await openTallAtStart();
  try {
    await fitTo(driver, "Fit page");
    const first = await toolbarRows(driver);
    for (const fit of ["Fit width", "Fit height", "Fit page"]) {
      await keys(driver, "f");
      assert.equal(await text(driver, ID.zoomFit), fit);
      const now = await toolbarRows(driver);
      assert.equal(now.rows, 1, `the toolbar wrapped in ${fit}: ${JSON.stringify(now)}`);
      assert.deepEqual([now.toolbar, now.stage], [first.toolbar, first.stage], `the stage moved in ${fit}: ${JSON.stringify({ first, now })}`);
      if (fit === "Fit height") await screenshot(driver, "feel-toolbar-fit-height.png");
    }
  } finally {
    await driver.quit();
  }
});

test("a wheel event scrolls by its own delta: a touchpad's small events, lines and pages", async () => {
  const driver = await openTallAtStart();
  try {
    await fitTo(driver, "Fit width");
    // The test above turned "Wheel turns pages" on: off again, so the wheel scrolls.
    await keys(driver, "s");
    const wheelTurns = await driver.findElement(By.id(ID.settingWheelTurns));
    await js(driver, "arguments[0].scrollIntoView({ block: 'center' })", wheelTurns);
    if (await wheelTurns.isSelected()) await wheelTurns.click();
    await keys(driver, Key.ESCAPE);
    await driver.wait(async () => js(driver, `return document.getElementById(arguments[0]).naturalHeight === 1800`, ID.original), WAIT);
    // A smooth touchpad: twelve events of 2.5 pixels move the page 30 pixels.
    for (let i = 0; i < 12; i++) await wheel(driver, 2.5);
    assert.equal((await pageEdges(driver)).top, -30, "small wheel events did not scroll by their delta");
    await wheel(driver, -1, 1); // one line back up
    assert.equal((await pageEdges(driver)).top, 0, "a wheel line did not scroll back 40 pixels (to the top)");
    await wheel(driver, 1, 2); // one page down
    const paged = await pageEdges(driver);
    assert.ok(Math.abs(paged.top + Math.round(paged.stage * 0.9)) <= 1, `a wheel page did not scroll 0.9 of the window: ${JSON.stringify(paged)}`);
    assert.equal(await text(driver, ID.pageCounter), "1 / 3", "the wheel turned the page");
  } finally {
    await driver.quit();
  }
});

test("fast presses stop at the end of a book; a click or a press after a pause opens the next at its start", async () => {
  const driver = await openApp([join(library, "Vol 1.cbz")]);
  try {
    await counterIs(driver, "1 / 3", "the book did not open");
    await keys(driver, Key.END);
    await counterIs(driver, "3 / 3", "End did not go to the last page");
    // A reader hammering →: many presses in a row.
    await keys(driver, ...Array(8).fill(Key.ARROW_RIGHT));
    await driver.wait(async () => !(await hidden(driver, ID.bookEnd)), WAIT, "no end-of-book banner");
    assert.match(await text(driver, ID.bookEnd), /End of Vol 1\. Next book: Vol 2/);
    assert.match(await driver.getTitle(), /^Vol 1 ·/, "fast presses ran into the next book");
    assert.equal(await text(driver, ID.pageCounter), "3 / 3");
    assert.match(await text(driver, ID.statusText), /^Vol 1, page 3 of 3 · /, "the status line does not name the book and page");
    await screenshot(driver, "feel-book-end.png");

    await driver.findElement(By.id(ID.bookEnd)).click();
    await driver.wait(async () => /^Vol 2 ·/.test(await driver.getTitle()), WAIT, "a click on the banner did not open the next book");
    await counterIs(driver, "1 / 3", "the next book did not start at its beginning");

    await keys(driver, Key.END, Key.ARROW_RIGHT, Key.ARROW_RIGHT, Key.ARROW_RIGHT);
    await driver.wait(async () => !(await hidden(driver, ID.bookEnd)), WAIT, "no banner at the end of Vol 2");
    assert.match(await driver.getTitle(), /^Vol 2 ·/);
    await pause(driver, 900);
    await keys(driver, Key.ARROW_RIGHT);
    await driver.wait(async () => /^Vol 3 ·/.test(await driver.getTitle()), WAIT, "a press after a pause did not open the next book");
    await counterIs(driver, "1 / 3", "Vol 3 did not start at its beginning");

    // The last book: its end says so, and a later press opens nothing.
    await keys(driver, Key.END, Key.ARROW_RIGHT);
    await driver.wait(async () => !(await hidden(driver, ID.bookEnd)), WAIT, "no banner at the end of the last book");
    assert.equal(await text(driver, ID.bookEnd), "End of Vol 3. It is the last book in this folder.");
    await pause(driver, 900);
    await keys(driver, Key.ARROW_RIGHT);
    assert.match(await driver.getTitle(), /^Vol 3 ·/);
    assert.equal(await text(driver, ID.pageCounter), "3 / 3");
  } finally {
    await driver.quit();
  }
});

test("upscaling (U) stays on after a restart", async () => {
  const saved = () => savedSetting(tauriDriver.home, "upscaling");
  let driver = await openApp([join(tall, "03.png")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    assert.equal(await driver.findElement(By.id(ID.toggleUpscale)).getAttribute("aria-pressed"), "false");
    await keys(driver, "u");
    await driver.wait(async () => saved() === true, WAIT, "the U state was not saved");
  } finally {
    await driver.quit();
  }
  driver = await openApp([join(tall, "03.png")]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    assert.equal(await driver.findElement(By.id(ID.toggleUpscale)).getAttribute("aria-pressed"), "true", "upscaling was off after a restart");
    await driver.wait(async () => js(driver, `return document.getElementById(arguments[0]).naturalWidth === 800`, ID.upscaled), WAIT, "no upscaled page after the restart");
    await screenshot(driver, "feel-upscaling-kept.png");
    await keys(driver, "u");
    await driver.wait(async () => saved() === false, WAIT, "U off was not saved");
  } finally {
    await driver.quit();
  }
});

test("the page keeps its box and its zoom label when U is pressed and when the upscaled image arrives", async () => {
  // Upscaling is off again (the test above left it off); Fit page, small images not enlarged.
  const driver = await openApp([join(tall, "03.png")]);
  const measure = `const box = document.getElementById(arguments[0]).getBoundingClientRect();
     return { box: [box.left, box.top, box.width, box.height].map(Math.round), label: document.getElementById(arguments[1]).textContent };`;
  // Presses U and measures in the same turn of the event loop: before any result can arrive.
  const pressU = () => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: "u" })); ${measure}`, ID.slot1, ID.zoomLevel);
  const upscaledShown = () =>
    driver.wait(async () => js(driver, `const u = document.getElementById(arguments[0]); return u.naturalWidth === 800 && !u.hidden`, ID.upscaled), WAIT, "the upscaled image never arrived");
  const fit = async (label) => {
    for (let i = 0; i < 3 && (await text(driver, ID.zoomFit)) !== label; i++) await keys(driver, "f");
    assert.equal(await text(driver, ID.zoomFit), label);
  };
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await driver.wait(async () => js(driver, `return document.getElementById(arguments[0]).naturalWidth === 400`, ID.original), WAIT);
    await fit("Fit page");
    const plain = await js(driver, measure, ID.slot1, ID.zoomLevel);
    // The 400×300 page fits the window: it keeps its own size, and the label says so.
    assert.equal(plain.label, "fit 100%");
    assert.deepEqual(plain.box.slice(2), [400, 300], `the page was not laid out at its own size: ${JSON.stringify(plain)}`);
    assert.deepEqual(await pressU(), plain, "the page moved when U was pressed in Fit page");
    await upscaledShown();
    assert.deepEqual(await js(driver, measure, ID.slot1, ID.zoomLevel), plain, "the page moved when its upscaled image arrived");
    await screenshot(driver, "feel-no-jump.png");

    // Fit width, small images not enlarged: U neither widens the page nor changes its label.
    await fit("Fit width");
    const wide = await js(driver, measure, ID.slot1, ID.zoomLevel);
    assert.deepEqual([wide.label, ...wide.box.slice(2)], ["fit 100%", 400, 300], `Fit width widened the upscaled page: ${JSON.stringify(wide)}`);
    assert.deepEqual(await pressU(), wide, "the page moved when U was turned off in Fit width");
    assert.deepEqual(await pressU(), wide, "the page moved when U was turned on in Fit width");
    await upscaledShown();
    assert.deepEqual(await js(driver, measure, ID.slot1, ID.zoomLevel), wide, "the page moved when its upscaled image came back");
    await screenshot(driver, "feel-no-jump-width.png");
    await pressU();
    await fit("Fit page");
  } finally {
    await driver.quit();
  }
});
