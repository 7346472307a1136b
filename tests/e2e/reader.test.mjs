// The reader in the real webview: a spread preloaded as one screen, the toolbar at 1000 px,
// the thumbnail strip, rotation and the first frame of a book opened from the command line.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test } from "./driver.mjs";
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
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);
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
