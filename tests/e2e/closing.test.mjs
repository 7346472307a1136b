// Leaving: closing the window mid-page on a Vulkan device (llvmpipe) waits for the running tile
// only, then stops sr_vulkan and exits cleanly (the trace, written last, is there).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { By, until } from "selenium-webdriver";
import { openApp, startDriver, test } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
const work = mkdtempSync(join(tmpdir(), "srview-closing-"));
const trace = join(work, "trace.json");
let tauriDriver;

before(async () => {
  execFileSync("convert", ["-seed", "5", "-size", "640x480", "plasma:fractal", "-blur", "0x1", join(work, "page.png")]);
  tauriDriver = await startDriver({ SRVIEW_TRACE: trace });
});

after(() => tauriDriver?.stop());

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);
const running = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("closing the window mid-page on a Vulkan device leaves within one tile", async () => {
  const driver = await openApp(["--gpu", "0", work]);
  try {
    await driver.wait(until.elementLocated(By.css('body[data-engine="ready"]')), WAIT, "engine not ready");
    const pid = Number(execFileSync("pgrep", ["-n", "-g", String(tauriDriver.process.pid), "-f", "srview-app"]).toString().trim());
    // Small tiles of a fast model, so that a tile takes seconds on llvmpipe.
    await js(driver, `
      for (const [id, value] of [["${ID.settingModel}", "WAIFU2X_ANIME_UP2X"], ["${ID.settingTile}", "64"]]) {
        const field = document.getElementById(id);
        field.value = value;
        field.dispatchEvent(new Event("change"));
      }`);
    const pressed = Date.now();
    await press(driver, "u");
    const done = () => js(driver, `return Number(document.getElementById('${ID.progress}').dataset.done || 0)`);
    // Tiles run two at a time, so they finish in pairs: the first pair's time is one tile's.
    await driver.wait(async () => (await done()) >= 2, WAIT, "no tiles finished on llvmpipe");
    const tileSeconds = (Date.now() - pressed) / 1000;
    const closed = Date.now();
    // Ctrl+Q shortly after the script returns. The window may still close before WebDriver's
    // reply, which then fails: whether the app leaves is what the test checks.
    await js(driver, `setTimeout(() => window.dispatchEvent(new KeyboardEvent("keydown", { key: "q", ctrlKey: true })), 100)`).catch(() => {});
    // Bounded wait for the process to end (test harness only).
    while (running(pid) && Date.now() - closed < 120_000) await new Promise((r) => setTimeout(r, 50));
    const leftSeconds = (Date.now() - closed) / 1000;
    assert.ok(!running(pid), "the app still runs two minutes after its window closed");
    console.log(`# window closed mid-page on llvmpipe: the app left in ${leftSeconds.toFixed(1)} s; a tile took ${tileSeconds.toFixed(1)} s`);
    assert.ok(leftSeconds < tileSeconds * 1.5 + 5, `left after ${leftSeconds.toFixed(1)} s; a tile takes ${tileSeconds.toFixed(1)} s`);
    assert.ok(existsSync(trace), "the app exited through its own shutdown (the trace is written last)");
    const events = readFileSync(trace, "utf8");
    assert.match(events, /load_wait/, "the trace holds the loader's waits");
  } finally {
    await driver.quit().catch(() => {});
  }
});
