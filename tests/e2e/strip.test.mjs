// The vertical strip (W) in the real webview: a 300-page book of pages of several sizes,
// scrolled by keys and by the scroll bar to its middle, upscaled there (CPU mode) with no
// layout shift, with a bounded number of decoded page images in the DOM, and reopened at the
// same place after a restart.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
const PAGES = 300;
/** The sizes the pages cycle through: portrait, short, tall and one landscape page. */
const SIZES = [
  [160, 240],
  [160, 200],
  [160, 320],
  [240, 160],
  [160, 260],
  [160, 230],
];
const COLOURS = ["#d04040", "#40a040", "#4060d0", "#c0a030", "#a040c0", "#30a0a0"];
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-strip-"));
const book = join(dir, "Long.cbz");
const damagedBook = join(dir, "Damaged.cbz");

before(async () => {
  // Six drawn pages, copied to 300 (a convert per page would take most of a minute on 2 cores).
  const bases = join(dir, "bases");
  const pages = join(dir, "pages");
  mkdirSync(bases);
  mkdirSync(pages);
  SIZES.forEach(([w, h], n) => {
    const stripes = Array.from({ length: n + 1 }, (_, s) => ["-draw", `rectangle 12,${12 + s * 18} ${w - 12},${22 + s * 18}`]).flat();
    execFileSync("convert", ["-size", `${w}x${h}`, `gradient:${COLOURS[n]}-black`, "-fill", "white", ...stripes, join(bases, `${n}.png`)]);
  });
  for (let i = 0; i < PAGES; i++) copyFileSync(join(bases, `${i % SIZES.length}.png`), join(pages, `p${String(i + 1).padStart(3, "0")}.png`));
  execFileSync("zip", ["-q0r", book, "."], { cwd: pages });
  // Three pages, the second not an image at all.
  const damaged = join(dir, "damaged");
  mkdirSync(damaged);
  copyFileSync(join(bases, "0.png"), join(damaged, "p1.png"));
  writeFileSync(join(damaged, "p2.png"), "not a picture");
  copyFileSync(join(bases, "1.png"), join(damaged, "p3.png"));
  // And a JPEG cut in half: the webview shows what it has without an error.
  execFileSync("convert", [join(bases, "2.png"), join(dir, "whole.jpg")]);
  const whole = readFileSync(join(dir, "whole.jpg"));
  writeFileSync(join(damaged, "p4.jpg"), whole.subarray(0, Math.floor(whole.length / 2)));
  execFileSync("zip", ["-q0r", damagedBook, "."], { cwd: damaged });
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);
/** Page images holding decoded pixels in the DOM: the strip's, and the page canvas's. */
const DECODED = `document.querySelectorAll("#${ID.strip} img[src], #${ID.canvas} img[src]").length`;
/** A strip page's box on screen, in the strip's coordinates (null when it is not in the DOM). */
const box = (driver, index) =>
  js(
    driver,
    `const strip = document.getElementById(arguments[0]);
     const page = strip.querySelector('.strip-page[data-index="' + arguments[1] + '"]');
     if (!page) return null;
     const r = page.getBoundingClientRect(), s = strip.getBoundingClientRect();
     const img = page.querySelector("img");
     return { top: r.top - s.top, height: r.height, width: r.width, natural: img ? img.naturalWidth : 0, loaded: !!img && img.complete && img.naturalWidth > 0 };`,
    ID.strip,
    index,
  );
/** The virtual thumbnail strip: its buttons (page indices), the current ones and whether they are in view, its full width. */
const thumbnailBar = (driver) =>
  js(
    driver,
    `const bar = document.getElementById(arguments[0]);
     const view = bar.getBoundingClientRect();
     const buttons = [...bar.querySelectorAll("button")];
     const inView = (b) => { const r = b.getBoundingClientRect(); return r.left >= view.left && r.right <= view.right; };
     return {
       indices: buttons.map((b) => Number(b.dataset.index)),
       current: buttons.filter((b) => b.classList.contains("current")).map((b) => ({ index: Number(b.dataset.index), inView: inView(b) })),
       scrollWidth: bar.scrollWidth,
     };`,
    ID.thumbnails,
  );

/** Waits until the thumbnail bar marks page `index` first, in view, among a few contiguous buttons as wide as all the pages. */
async function thumbnailsShow(driver, index) {
  let bar;
  await driver.wait(
    async () => {
      bar = await thumbnailBar(driver);
      return bar.current[0]?.index === index && bar.current[0].inView;
    },
    WAIT,
    () => `the thumbnail of page ${index + 1} is not marked in view: ${JSON.stringify(bar)}`,
  );
  assert.ok(bar.indices.length <= 60, `${bar.indices.length} thumbnail buttons exist for ${PAGES} pages`);
  assert.ok(bar.indices.every((n, i) => i === 0 || n === bar.indices[i - 1] + 1), "the thumbnail buttons are not in page order");
  // 10 px padding each side, 48 px buttons with 6 px gaps: the spacers stand for the rest exactly.
  assert.equal(bar.scrollWidth, 2 * 10 + PAGES * 54 - 6, "the thumbnail strip is not as wide as all its pages");
  return bar;
}

const scrollTop = (driver) => js(driver, "return document.getElementById(arguments[0]).scrollTop", ID.strip);

test("W reads a 300-page book as a strip: keys scroll it, the middle upscales in place, few images stay decoded, and it reopens where it was", async () => {
  let driver = await openApp([book]);
  let position;
  try {
    await counterIs(driver, `1 / ${PAGES}`, "the book did not open");
    await keys(driver, "w");
    await driver.wait(until.elementLocated(By.css(`#${ID.strip}.on .strip-page[data-index="0"] img`)), WAIT, "W did not show the strip");
    await driver.wait(async () => (await box(driver, 0))?.loaded, WAIT, "the first page did not load");
    const view = await js(driver, "const s = document.getElementById(arguments[0]); return { width: s.clientWidth, height: s.clientHeight };", ID.strip);
    // Page 1 (160×240) at the window's width, its box from its size; page 2 (160×200) right under it.
    const first = await box(driver, 0);
    const second = await box(driver, 1);
    assert.equal(first.width, view.width);
    assert.ok(Math.abs(first.height - Math.round((view.width * 240) / 160)) <= 1, `page 1's box is not its shape: ${JSON.stringify(first)}`);
    assert.equal(second.top, first.top + first.height, "the pages are not stacked without a gap");
    assert.equal(await js(driver, `return document.getElementById(arguments[0]).hidden || getComputedStyle(document.getElementById(arguments[0])).display`, ID.canvas), "none", "the page canvas shows under the strip");
    await screenshot(driver, "strip-top.png");

    // Space and Page Down scroll one screenful; Shift+Space and Page Up back; End and Home to the ends.
    // (The window's height is read at each press: the thumbnail strip may settle meanwhile.)
    const screenful = async () => (await js(driver, "return document.getElementById(arguments[0]).clientHeight", ID.strip)) * 0.9;
    const scrollsBy = async (sign, press, why) => {
      const [from, by] = [await scrollTop(driver), sign * (await screenful())];
      await press();
      const to = await scrollTop(driver);
      assert.ok(Math.abs(to - from - by) <= 1, `${why}: from ${from} to ${to}, a screenful being ${by}`);
    };
    await scrollsBy(1, () => keys(driver, Key.SPACE), "Space did not scroll a screenful");
    await scrollsBy(1, () => keys(driver, Key.PAGE_DOWN), "Page Down did not scroll a screenful");
    await scrollsBy(-1, () => driver.actions().keyDown(Key.SHIFT).sendKeys(Key.SPACE).keyUp(Key.SHIFT).perform(), "Shift+Space did not scroll back a screenful");
    await keys(driver, Key.PAGE_UP);
    assert.equal(await scrollTop(driver), 0, "Page Up did not scroll back to the top");
    await keys(driver, Key.ARROW_DOWN);
    assert.ok((await scrollTop(driver)) > 0, "↓ did not scroll");
    await keys(driver, Key.END);
    await counterIs(driver, `${PAGES} / ${PAGES}`, "End did not reach the last page");
    assert.ok(await driver.wait(async () => (await box(driver, PAGES - 1))?.loaded, WAIT, "the last page did not load"));
    await keys(driver, Key.HOME);
    await counterIs(driver, `1 / ${PAGES}`, "Home did not go back to the first page");

    // Scrolled to the middle as a fling would, a screen a frame: the decoded images in the DOM
    // are counted at every step.
    await driver.manage().setTimeouts({ script: WAIT });
    const most = await driver.executeAsyncScript(
      `const [id, target, done] = arguments;
       const strip = document.getElementById(id);
       let most = 0;
       const step = () => {
         most = Math.max(most, ${DECODED});
         const page = strip.querySelector('.strip-page[data-index="' + target + '"]');
         if (page && page.getBoundingClientRect().top <= strip.getBoundingClientRect().top) return done(most);
         strip.scrollTop += strip.clientHeight;
         requestAnimationFrame(step);
       };
       step();`,
      ID.strip,
      PAGES / 2 - 1,
    );
    assert.ok(most <= 12, `${most} page images were decoded at once while scrolling`);
    // A click on a thumbnail in the virtual strip goes to its page.
    const near = await thumbnailBar(driver);
    const target = near.current[0].index + 5;
    await driver.findElement(By.css(`#${ID.thumbnails} button[data-index="${target}"]`)).click();
    await counterIs(driver, `${target + 1} / ${PAGES}`, "a click on a thumbnail did not go to its page");
    await thumbnailsShow(driver, target);
    // The page at the top of the window names the place: go to page 150 exactly.
    await keys(driver, "p");
    await keys(driver, "150", Key.ENTER);
    await counterIs(driver, `150 / ${PAGES}`, "the counter does not name the page at the top");
    await driver.wait(async () => (await box(driver, 149))?.loaded && (await box(driver, 149)).top === 0, WAIT, "page 150 is not at the top");
    assert.match(await text(driver, ID.statusText), /^Long, page 150 of 300 · /, "the status line does not name the page at the top");
    await thumbnailsShow(driver, 149);
    await screenshot(driver, "strip-thumbnails.png");

    // Upscaling: page 150's 2× image takes its place; the page under it does not move by a pixel.
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    const before = { page: await box(driver, 149), next: await box(driver, 150), scrollTop: await scrollTop(driver) };
    const originalWidth = before.page.natural;
    await keys(driver, "u");
    await driver.wait(async () => (await box(driver, 149)).natural === originalWidth * 2, WAIT, "page 150 was never upscaled");
    const after = { page: await box(driver, 149), next: await box(driver, 150) };
    assert.equal(after.next.top, before.next.top, "the next page moved when the upscaled page arrived");
    assert.deepEqual([after.page.top, after.page.height, after.page.width], [before.page.top, before.page.height, before.page.width], "the upscaled page's box changed");
    assert.equal(await scrollTop(driver), before.scrollTop, "the strip scrolled when the upscaled page arrived");
    assert.ok((await js(driver, `return ${DECODED}`)) <= 12, "too many decoded images after upscaling");
    await screenshot(driver, "strip-upscaled.png");

    // A place within page 150, remembered with the book.
    await js(driver, "document.getElementById(arguments[0]).scrollTop += arguments[1]", ID.strip, Math.round(before.page.height / 3));
    await driver.wait(
      async () => {
        const memory = (savedSetting(tauriDriver.home, "books") ?? []).find((b) => b.path.endsWith("Long.cbz"));
        return memory?.page === 149 && memory.offset > 0.3 && memory.offset < 0.36;
      },
      WAIT,
      "the place in page 150 was not saved",
    );
    position = { top: await scrollTop(driver), page: await box(driver, 149) };
  } finally {
    await driver.quit();
  }

  driver = await openApp([book]);
  try {
    await driver.wait(until.elementLocated(By.css(`#${ID.strip}.on .strip-page[data-index="149"] img`)), WAIT, "the book did not reopen as a strip at page 150");
    await counterIs(driver, `150 / ${PAGES}`, "the book did not reopen at page 150");
    const page = await box(driver, 149);
    // The same place within the page, to the rounding of the saved offset (a thousandth of the page).
    assert.ok(Math.abs(page.top - position.page.top) <= Math.ceil(page.height / 1000), `page 150 reopened at ${page.top}, left at ${position.page.top}`);
    await screenshot(driver, "strip-restored.png");
    // W again: pages, at the page that was at the top.
    await keys(driver, "w");
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).classList.contains('on')", ID.strip)), WAIT, "W did not leave the strip");
    await counterIs(driver, `150 / ${PAGES}`, "pages did not open at the page at the strip's top");
    assert.ok((await js(driver, `return document.querySelectorAll("#${ID.strip} img[src]").length`)) === 0, "the strip kept its images");
    await driver.wait(async () => js(driver, "return document.getElementById(arguments[0]).naturalWidth > 0", ID.original), WAIT, "the page did not show");
  } finally {
    await driver.quit();
  }
});

test("a damaged page in the strip shows the placeholder page mode shows", async () => {
  const driver = await openApp([damagedBook]);
  try {
    await counterIs(driver, "1 / 4", "the book did not open");
    await keys(driver, "w");
    let shown;
    await driver.wait(
      async () => {
        shown = await js(
          driver,
          `const page = document.querySelector('#${ID.strip}.on .strip-page[data-index="1"]');
           return page && { unreadable: page.classList.contains("unreadable"), text: getComputedStyle(page, "::after").content, height: page.getBoundingClientRect().height };`,
        );
        return shown?.unreadable;
      },
      WAIT,
      () => `the damaged page shows no placeholder: ${JSON.stringify(shown)}`,
    );
    assert.equal(shown.text, '"This page could not be read"');
    assert.ok(shown.height > 100, `the placeholder is ${shown.height} px tall`);
    await js(driver, `document.querySelector('#${ID.strip} .strip-page[data-index="1"]').scrollIntoView({ block: "center" })`);
    await screenshot(driver, "strip-damaged.png");
    // The cut JPEG: found by the desktop side's check when it comes on screen, and said so.
    await keys(driver, Key.END);
    await driver.wait(
      async () => js(driver, `return document.querySelector('#${ID.strip}.on .strip-page[data-index="3"]')?.classList.contains("unreadable")`),
      WAIT,
      "the cut JPEG shows no placeholder",
    );
    await driver.wait(async () => /p4\.jpg is damaged|page 4 of 4 is damaged/.test((await text(driver, ID.statusText)) ?? ""), WAIT, "the status line does not say the page is damaged");
    // At the strip's end, a wheel scroll further down says the book has ended, as Space does.
    const bookEndShown = () => js(driver, `return !document.getElementById('${ID.bookEnd}').hidden`);
    assert.equal(await bookEndShown(), false);
    await js(driver, `document.getElementById('${ID.strip}').dispatchEvent(new WheelEvent("wheel", { deltaY: 120, bubbles: true, cancelable: true }))`);
    await driver.wait(bookEndShown, WAIT, "no end-of-book banner after a wheel scroll at the strip's end");
    await keys(driver, Key.SPACE);
    await driver.wait(bookEndShown, WAIT, "no end-of-book banner at the strip's end");
    assert.match(await text(driver, ID.bookEnd), /^End of Damaged\./);
    const apart = await js(driver, `const a = document.getElementById('${ID.bookEnd}').getBoundingClientRect(), b = document.getElementById('${ID.errorBanner}').getBoundingClientRect(); return b.bottom <= a.top || b.height === 0`);
    assert.ok(apart, "the page's error covers the end-of-book banner");
    await screenshot(driver, "strip-book-end.png");
  } finally {
    await driver.quit();
  }
});
