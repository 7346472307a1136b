// Moving through a book with the mouse in the real webview: click zones in both reading
// directions, full screen (double-click, F11, Esc), a double-click at the end of a book, and the
// go-to-page field and slider.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-navigation-"));
const book = join(dir, "Six Pages.cbz");
const library = join(dir, "library");

before(async () => {
  const pages = join(dir, "pages");
  mkdirSync(pages, { recursive: true });
  for (let i = 1; i <= 6; i++) {
    const stripes = Array.from({ length: i }, (_, s) => ["-draw", `rectangle 20,${20 + s * 28} 130,${36 + s * 28}`]).flat();
    execFileSync("convert", ["-size", "150x210", "xc:#4060d0", "-fill", "white", ...stripes, join(pages, `p${i}.png`)]);
  }
  execFileSync("zip", ["-qr", book, "."], { cwd: pages });
  // A folder of books: Vol 1 of five pages, then Vol 2.
  mkdirSync(library, { recursive: true });
  for (const [name, count] of [["Vol 1", 5], ["Vol 2", 2]]) {
    const volume = join(dir, `pages-${name}`);
    mkdirSync(volume, { recursive: true });
    for (let i = 1; i <= count; i++) execFileSync("convert", ["-size", "150x210", "xc:#40a060", join(volume, `p${i}.png`)]);
    execFileSync("zip", ["-qr", join(library, `${name}.cbz`), "."], { cwd: volume });
  }
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);
/** Waits out the double-click interval, so the next click is a single one. */
const pause = (driver) => driver.executeAsyncScript("setTimeout(arguments[arguments.length - 1], 700)");
/** Clicks the stage `dx` pixels right of its centre (left of it when negative). */
async function clickStage(driver, dx, double = false) {
  const stage = await driver.findElement(By.id(ID.stage));
  const actions = driver.actions().move({ origin: stage, x: dx, y: 0 });
  await (double ? actions.doubleClick() : actions.click()).perform();
}
const stageWidth = (driver) => js(driver, "return document.getElementById(arguments[0]).getBoundingClientRect().width", ID.stage);
const fullScreen = (driver) =>
  js(
    driver,
    "return { on: document.body.classList.contains('fullscreen'), toolbar: getComputedStyle(document.getElementById(arguments[0])).display, stage: document.getElementById(arguments[1]).getBoundingClientRect().height, window: innerHeight }",
    ID.toolbar,
    ID.stage,
  );

test("a click on the right or left third turns the page, swapped when reading right to left", async () => {
  const driver = await openApp([book]);
  try {
    await counterIs(driver, "1 / 6", "the book did not open");
    const third = (await stageWidth(driver)) / 3;
    await clickStage(driver, third);
    await counterIs(driver, "2 / 6", "a click on the right third did not go on");
    await pause(driver);
    await clickStage(driver, 0);
    await pause(driver);
    assert.equal(await text(driver, ID.pageCounter), "2 / 6", "a click in the middle turned the page");
    await clickStage(driver, -third);
    await counterIs(driver, "1 / 6", "a click on the left third did not go back");

    await driver.actions().sendKeys("r").perform();
    assert.equal(await text(driver, ID.toggleDirection), "R→L");
    await pause(driver);
    await clickStage(driver, -third);
    await counterIs(driver, "2 / 6", "reading right to left, the left third did not go on");
    await pause(driver);
    await clickStage(driver, third);
    await counterIs(driver, "1 / 6", "reading right to left, the right third did not go back");
    await screenshot(driver, "navigation-rtl.png");
  } finally {
    await driver.quit();
  }
});

test("a double-click and F11 toggle full screen; Esc leaves it", async () => {
  const driver = await openApp([book]);
  try {
    await counterIs(driver, "1 / 6", "the book did not open");
    const windowed = await fullScreen(driver);
    assert.equal(windowed.on, false);
    assert.ok(windowed.stage < windowed.window - 40, `the stage fills the window before full screen: ${JSON.stringify(windowed)}`);

    // On a side third: full screen, and the page its first click turned comes back.
    await clickStage(driver, (await stageWidth(driver)) / 3, true);
    await driver.wait(async () => (await fullScreen(driver)).on, WAIT, "a double-click did not go full screen");
    const full = await fullScreen(driver);
    assert.equal(full.toolbar, "none", "the toolbar stays in full screen");
    assert.equal(full.stage, full.window, `the page does not fill the window: ${JSON.stringify(full)}`);
    await counterIs(driver, "1 / 6", "the double-click left the page turned");
    await screenshot(driver, "navigation-fullscreen.png");

    await driver.actions().sendKeys(Key.F11).perform();
    await driver.wait(async () => !(await fullScreen(driver)).on, WAIT, "F11 did not leave full screen");
    await driver.actions().sendKeys(Key.F11).perform();
    await driver.wait(async () => (await fullScreen(driver)).on, WAIT, "F11 did not go full screen");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await driver.wait(async () => !(await fullScreen(driver)).on, WAIT, "Esc did not leave full screen");
    assert.notEqual((await fullScreen(driver)).toolbar, "none");
  } finally {
    await driver.quit();
  }
});

test("at the end of a book a click shows the banner only; a double-click there goes full screen in the same book", async () => {
  const driver = await openApp([join(library, "Vol 1.cbz")]);
  try {
    await counterIs(driver, "1 / 5", "the book did not open");
    await driver.actions().sendKeys(Key.END).perform();
    await counterIs(driver, "5 / 5", "End did not go to the last page");
    // The side that reads on: the right third, or the left when the test above left the reading right to left.
    const rtl = (await text(driver, ID.toggleDirection)) === "R→L";
    const third = ((rtl ? -1 : 1) * (await stageWidth(driver))) / 3;
    await clickStage(driver, third);
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.bookEnd)), WAIT, "no end-of-book banner");
    await driver.executeAsyncScript("setTimeout(arguments[arguments.length - 1], 1000)");
    await clickStage(driver, third, true);
    await driver.wait(async () => (await fullScreen(driver)).on, WAIT, "the double-click did not go full screen");
    // Long enough for a next book to have opened.
    await driver.executeAsyncScript("setTimeout(arguments[arguments.length - 1], 1500)");
    assert.match(await driver.getTitle(), /^Vol 1 ·/, "the double-click opened the next book");
    assert.equal(await text(driver, ID.pageCounter), "5 / 5");
    assert.equal((await fullScreen(driver)).on, true, "full screen did not stay on");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    await pause(driver);
    // A click on the side zone after a pause still only shows the banner; the banner opens the next book.
    await clickStage(driver, third);
    await pause(driver);
    await clickStage(driver, third);
    await pause(driver);
    assert.match(await driver.getTitle(), /^Vol 1 ·/, "a click on the page opened the next book");
    await driver.findElement(By.id(ID.bookEnd)).click();
    await driver.wait(async () => /^Vol 2 ·/.test(await driver.getTitle()), WAIT, "a click on the banner did not open the next book");
  } finally {
    await driver.quit();
  }
});

test("the go-to-page field says which pages a book has when the number is outside it", async () => {
  const driver = await openApp([book]);
  try {
    await counterIs(driver, "1 / 6", "the book did not open");
    await driver.actions().sendKeys("p").perform();
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto)), WAIT, "P did not open the field");
    await driver.actions().sendKeys("9", Key.ENTER).perform();
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.gotoPageError)), WAIT, "no message for page 9 of 6");
    assert.equal(await text(driver, ID.gotoPageError), "This book has pages 1–6");
    assert.equal(await driver.findElement(By.id(ID.gotoPage)).getAttribute("aria-invalid"), "true", "the field is not marked");
    const look = await js(
      driver,
      "const e = getComputedStyle(document.getElementById(arguments[0])); const f = getComputedStyle(document.getElementById(arguments[1])); return { message: e.color, height: document.getElementById(arguments[0]).getBoundingClientRect().height, field: f.borderTopColor };",
      ID.gotoPageError,
      ID.gotoPage,
    );
    assert.ok(look.height >= 12, `the message is not readable: ${JSON.stringify(look)}`);
    assert.equal(look.field, look.message, `the field's border is not the message's colour: ${JSON.stringify(look)}`);
    assert.equal(await text(driver, ID.pageCounter), "1 / 6");
    await screenshot(driver, "navigation-goto-invalid.png");
    // The wrong number is selected: typing a right one replaces it.
    await driver.actions().sendKeys("3", Key.ENTER).perform();
    await counterIs(driver, "3 / 6", "Enter on page 3 did not go there");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto), true, "the field stayed open");
  } finally {
    await driver.quit();
  }
});

test("P opens the go-to-page field: a number and Enter, or the slider, jump there", async () => {
  const driver = await openApp([book]);
  try {
    // The book reopens where the test above left it: start from its first page.
    await driver.wait(async () => /^\d+ \/ 6$/.test((await text(driver, ID.pageCounter)) ?? ""), WAIT, "the book did not open");
    await driver.actions().sendKeys(Key.HOME).perform();
    await counterIs(driver, "1 / 6", "Home did not go to the first page");
    await driver.actions().sendKeys("p").perform();
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto)), WAIT, "P did not open the field");
    assert.equal(await js(driver, "return document.activeElement.id", ID.gotoPage), ID.gotoPage, "the field has no focus");
    assert.equal(await text(driver, ID.gotoCount), "6");
    await driver.actions().sendKeys("4", Key.ENTER).perform();
    await counterIs(driver, "4 / 6", "Enter did not go to page 4");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto), true, "the field stayed open");

    // The page counter opens it too; the slider jumps as it moves.
    await driver.findElement(By.id(ID.pageCounter)).click();
    await driver.wait(async () => !(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto)), WAIT, "the counter did not open the field");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).value", ID.gotoSlider), "4");
    await js(driver, "const s = document.getElementById(arguments[0]); s.value = '6'; s.dispatchEvent(new Event('input'))", ID.gotoSlider);
    await counterIs(driver, "6 / 6", "the slider did not jump");
    await screenshot(driver, "navigation-goto.png");
    await driver.actions().sendKeys(Key.ESCAPE).perform();
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).hidden", ID.goto), true, "Esc did not close the field");
  } finally {
    await driver.quit();
  }
});
