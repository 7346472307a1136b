// Books in the real webview: a .cbz opened from the command line, read as right-to-left
// spreads, upscaled, and reopened where it was left.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, screenshot, startDriver, test } from "./driver.mjs";
import { ID, errorIdOf } from "../../src/ui/ids.js";

const WAIT = 90_000;
let tauriDriver;
const dir = mkdtempSync(join(tmpdir(), "srview-books-"));
const book = join(dir, "Test Comic.cbz");

before(async () => {
  const pages = join(dir, "pages");
  mkdirSync(join(pages, "ch1"), { recursive: true });
  const colours = ["#d04040", "#40a040", "#4060d0", "#c0a020", "#a040c0", "#20a0a0"];
  colours.forEach((colour, i) => {
    // Page n carries n white stripes (no fonts are needed).
    const stripes = Array.from({ length: i + 1 }, (_, s) => ["-draw", `rectangle 20,${20 + s * 28} 130,${36 + s * 28}`]).flat();
    execFileSync("convert", ["-size", "150x210", `xc:${colour}`, "-fill", "white", ...stripes, join(pages, "ch1", `p${i + 1}.png`)]);
  });
  writeFileSync(join(pages, "ComicInfo.xml"), "<ComicInfo><Title>Test Comic</Title></ComicInfo>");
  execFileSync("zip", ["-qr", book, "."], { cwd: pages });
  tauriDriver = await startDriver();
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0], bubbles: true }))`, key);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const left = (driver, id) => js(driver, "return document.getElementById(arguments[0]).getBoundingClientRect().left", id);

test("a book read as right-to-left spreads, upscaled, reopens where it was left", async () => {
  let driver = await openApp([book]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1 / 6", WAIT, "the book did not open");
    await press(driver, "d");
    await press(driver, "r");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "1–2 / 6", WAIT, "no spread");
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.original2}').naturalWidth > 0`), WAIT);
    // Right to left: page 2 sits on the left of page 1.
    assert.ok((await left(driver, ID.slot2)) < (await left(driver, ID.slot1)), "page 2 is not on the left");
    assert.equal(await text(driver, ID.toggleDirection), "R→L");
    await screenshot(driver, "spread-rtl.png");

    await press(driver, "u");
    await driver.wait(
      async () => js(driver, `return document.getElementById('${ID.upscaled}').naturalWidth === 300 && document.getElementById('${ID.upscaled2}').naturalWidth === 300`),
      WAIT,
      "both pages of the spread were not upscaled",
    );
    // In right-to-left reading, ← goes forward.
    await press(driver, "ArrowLeft");
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "3–4 / 6", WAIT, "no next spread");
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.upscaled}').naturalWidth === 300`), WAIT);
    await screenshot(driver, "spread-upscaled.png");
  } finally {
    await driver.quit();
  }

  driver = await openApp([book]);
  try {
    await driver.wait(async () => (await text(driver, ID.pageCounter)) === "3–4 / 6", WAIT, "the book did not reopen on its page");
    await press(driver, "b");
    await driver.wait(until.elementLocated(By.css(`#${ID.recentBooks} li`)), WAIT, "no recent books");
    const recent = await text(driver, ID.recentBooks);
    assert.match(recent, /Test Comic/);
    assert.match(recent, /page 3 of 6/);
    await screenshot(driver, "recent-books.png");
  } finally {
    await driver.quit();
  }
});

test("keys typed into a settings field stay there, Escape closes, bad values are marked", async () => {
  const driver = await openApp([book]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT);
    await press(driver, "s");
    const scale = await driver.findElement(By.id(ID.settingScale));
    await scale.clear();
    await scale.sendKeys("3", "\uE007"); // 3, Enter
    await scale.sendKeys("s");
    assert.equal(await js(driver, `return document.getElementById('${ID.panelSettings}').hidden`), false, "S closed the panel while typing");
    await js(driver, `const s = document.getElementById('${ID.settingScale}'); s.value = 'abc'; s.dispatchEvent(new Event('change'))`);
    assert.equal(await scale.getAttribute("aria-invalid"), "true");
    assert.match(await text(driver, errorIdOf(ID.settingScale)), /number from/);
    await screenshot(driver, "settings-invalid.png");
    await driver.actions().sendKeys("\uE00C").perform(); // Escape
    await driver.wait(async () => js(driver, `return document.getElementById('${ID.panelSettings}').hidden`), 5_000, "Escape did not close");
  } finally {
    await driver.quit();
  }
});

test("a missing path and a damaged page are said to be so", async () => {
  let driver = await openApp(["/no/such/path"]);
  try {
    await driver.wait(async () => /was not found/.test((await text(driver, ID.errorBanner)) ?? ""), WAIT, "no not-found message");
  } finally {
    await driver.quit();
  }
  const folder = join(dir, "damaged");
  mkdirSync(folder, { recursive: true });
  execFileSync("convert", ["-size", "300x200", "plasma:", join(folder, "whole.png")]);
  const whole = execFileSync("cat", [join(folder, "whole.png")]);
  writeFileSync(join(folder, "truncated.png"), whole.subarray(0, Math.floor(whole.length / 2)));
  driver = await openApp([join(folder, "truncated.png")]);
  try {
    await driver.wait(async () => /damaged/.test((await text(driver, ID.statusText)) ?? ""), WAIT, "the damaged page was not said to be damaged");
    const said = await text(driver, ID.statusText);
    assert.equal(said.match(/damaged/g).length, 1, `the damage is said once: ${said}`);
    assert.match(said, /^truncated\.png is damaged and cannot be shown: /);
    assert.equal(await js(driver, `return document.getElementById('${ID.errorBanner}').hidden`), false);
    // A plain placeholder, not the broken-image icon, and no zoom of a page that is not there.
    const shown = await js(driver, `const slot = document.getElementById('${ID.slot1}'); return { unreadable: slot.classList.contains('unreadable'), image: getComputedStyle(document.getElementById('${ID.original}')).visibility, width: Math.round(slot.getBoundingClientRect().width), zoom: document.getElementById('${ID.zoomLevel}').textContent }`);
    assert.deepEqual({ ...shown, width: shown.width > 100 }, { unreadable: true, image: "hidden", width: true, zoom: "" });
    await screenshot(driver, "damaged-page.png");
  } finally {
    await driver.quit();
  }
});
