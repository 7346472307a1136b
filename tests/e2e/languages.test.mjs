// The interface in Japanese (from LANG) and in Simplified Chinese (from the Settings, live and
// after a restart): labels, an error banner for a known kind, and the toolbar on one row at
// 1000 px in every fit. Screenshots: languages-*.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before } from "node:test";
import { By, Key, until } from "selenium-webdriver";
import { openApp, savedSetting, screenshot, startDriver, test, toolbarLayout } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const WAIT = 120_000;
const dir = mkdtempSync(join(tmpdir(), "srview-languages-"));
const folder = join(dir, "漫画");

before(() => {
  mkdirSync(folder, { recursive: true });
  for (const [i, colour] of ["#4060d0", "#d06040"].entries()) {
    execFileSync("convert", ["-size", "150x210", `gradient:${colour}-black`, join(folder, `p0${i + 1}.png`)]);
  }
  // A PNG cut short: a corrupt_image error on the third page.
  const whole = execFileSync("convert", ["-size", "150x210", "gradient:#40d060-black", "png:-"]);
  writeFileSync(join(folder, "p03.png"), whole.subarray(0, 200));
});

const js = (driver, script, ...args) => driver.executeScript(script, ...args);
const text = (driver, id) => js(driver, "return document.getElementById(arguments[0])?.textContent ?? null", id);
const attribute = (driver, id, name) => js(driver, "return document.getElementById(arguments[0])?.getAttribute(arguments[1]) ?? null", id, name);
const keys = (driver, ...sequence) => driver.actions().sendKeys(...sequence).perform();
const counterIs = (driver, value, why) => driver.wait(async () => (await text(driver, ID.pageCounter)) === value, WAIT, why);

/** The toolbar is one row, nothing clipped, in each of the three fits (F cycles them). */
async function oneRowInEveryFit(driver, fits, language) {
  await driver.manage().window().setRect({ width: 1000, height: 700 });
  await driver.wait(async () => (await js(driver, "return innerWidth")) === 1000, WAIT, "the window did not become 1000 px wide");
  for (const fit of fits) {
    await driver.wait(async () => (await text(driver, ID.zoomFit)) === fit, WAIT, `the fit is not "${fit}"`);
    const layout = await toolbarLayout(driver);
    assert.equal(layout.rows, 1, `${language}: the toolbar wraps at 1000 px in "${fit}": ${JSON.stringify(layout)}`);
    assert.deepEqual(layout.clipped, [], `${language}: clipped labels in "${fit}": ${JSON.stringify(layout)}`);
    assert.ok(layout.right <= layout.window, `${language}: a button is past the window's edge: ${JSON.stringify(layout)}`);
    await keys(driver, "f");
  }
}

/** The damaged third page: the banner says so in the language, naming the file. */
async function damagedPageBanner(driver, pattern) {
  await keys(driver, Key.END);
  await counterIs(driver, "3 / 3", "End did not reach the damaged page");
  await driver.wait(async () => pattern.test((await text(driver, ID.errorBanner)) ?? ""), WAIT, `the banner does not match ${pattern}`);
  const banner = await text(driver, ID.errorBanner);
  assert.match(banner, /p03\.png/, `the banner does not name the file: ${banner}`);
  return banner;
}

test("LANG=ja_JP.UTF-8: the labels, the status line and an error banner are in Japanese, the toolbar on one row", async () => {
  const tauriDriver = await startDriver({ LANG: "ja_JP.UTF-8" });
  const driver = await openApp([join(folder, "p01.png")]);
  try {
    await counterIs(driver, "1 / 3", "the folder did not open");
    assert.equal(await js(driver, "return document.documentElement.lang"), "ja");
    assert.equal(await text(driver, ID.toggleUpscale), "高画質化");
    assert.equal(await text(driver, ID.toggleCompare), "比較");
    assert.equal(await attribute(driver, ID.openSettings, "title"), "設定 (S)");
    assert.equal(await attribute(driver, ID.openSettings, "aria-label"), "設定");
    await driver.wait(until.elementLocated(By.css("body[data-engine]")), WAIT, "the engine did not answer");
    await driver.wait(async () => /^(高画質化の準備完了|高画質化は使えません)/.test(await text(driver, ID.statusEngine)), WAIT, "the engine's status is not in Japanese");
    assert.match(await text(driver, ID.statusText), /^p01\.png · 元画像 · U キーで高画質化$/);
    await oneRowInEveryFit(driver, ["全体表示", "幅合わせ", "高さ合わせ"], "ja");
    await screenshot(driver, "languages-ja-toolbar-1000.png");
    const banner = await damagedPageBanner(driver, /壊れているか、途中で切れています/);
    // The detail is what the decoder said, never the English copy of the sentence.
    assert.match(banner, /（詳細：[^）]+）$/, banner);
    assert.doesNotMatch(banner, /is damaged|truncated/, banner);
    await screenshot(driver, "languages-ja-error.png");
    await keys(driver, "s");
    await driver.wait(async () => (await js(driver, "return document.querySelector('#' + arguments[0] + ' h2')?.textContent", ID.panelSettings)) === "設定", WAIT, "the Settings panel is not in Japanese");
    assert.equal(await js(driver, "return document.getElementById(arguments[0]).value", ID.settingLanguage), "auto");
    await screenshot(driver, "languages-ja-settings.png");
    // The rules of "自動（ルール）": the default ones named in Japanese, and the height fields
    // wide enough for their placeholder "指定なし".
    await js(driver, `const model = document.getElementById("${ID.settingModel}"); model.value = "auto"; model.dispatchEvent(new Event("change"));`);
    await driver.wait(until.elementLocated(By.css(`#${ID.settingRules} .rule`)), WAIT, "no rules editor");
    const rules = await js(driver, `return [...document.querySelectorAll("#${ID.settingRules} .rule-name")].map((n) => n.value)`);
    assert.deepEqual(rules, ["すでに十分な大きさ", "白黒のページ", "カラーのページ"]);
    const room = await js(
      driver,
      `const input = document.querySelector("#${ID.settingRules} .rule-min");
       const style = getComputedStyle(input);
       const context = document.createElement("canvas").getContext("2d");
       context.font = style.font;
       const text = context.measureText(input.placeholder).width;
       const inside = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
       return { placeholder: input.placeholder, text, inside };`,
    );
    assert.equal(room.placeholder, "指定なし");
    // The number field's arrows take about 16 px of what is inside.
    assert.ok(room.inside - 16 >= room.text, `"指定なし" is cramped: ${JSON.stringify(room)}`);
    await js(driver, `document.querySelector("#${ID.settingRules} .rule-min").scrollIntoView({ block: "center" })`);
    await screenshot(driver, "languages-ja-rules.png");
  } finally {
    await driver.quit();
    await tauriDriver.stop();
  }
});

test("the setting 简体中文 changes the interface at once and is kept across a restart", async () => {
  const tauriDriver = await startDriver({ LANG: "C.UTF-8" });
  let driver = await openApp([join(folder, "p01.png")]);
  try {
    await counterIs(driver, "1 / 3", "the folder did not open");
    assert.equal(await text(driver, ID.toggleUpscale), "Upscale");
    await driver.wait(until.elementLocated(By.css("body[data-engine]")), WAIT, "the engine did not answer");
    await keys(driver, "s");
    await driver.wait(until.elementLocated(By.id(ID.settingLanguage)), WAIT, "no language in Settings");
    await js(
      driver,
      `const select = document.getElementById(arguments[0]);
       select.value = "zh-CN";
       select.dispatchEvent(new Event("change"));`,
      ID.settingLanguage,
    );
    // Live: the toolbar, the status line and the panel itself, without a restart.
    await driver.wait(async () => (await text(driver, ID.toggleUpscale)) === "AI 放大", WAIT, "the toolbar did not change language");
    await driver.wait(async () => (await js(driver, "return document.querySelector('#' + arguments[0] + ' h2')?.textContent", ID.panelSettings)) === "设置", WAIT, "the panel did not change language");
    assert.match(await text(driver, ID.statusText), /^p01\.png · 原图 · 按 U 放大$/);
    assert.equal(await js(driver, "return document.documentElement.lang"), "zh-CN");
    await driver.wait(() => savedSetting(tauriDriver.home, "settings")?.language === "zh-CN", WAIT, "the language was not saved");
    await screenshot(driver, "languages-zh-settings.png");
    await driver.quit();

    driver = await openApp([join(folder, "p01.png")]);
    await counterIs(driver, "1 / 3", "the folder did not open again");
    await driver.wait(async () => (await text(driver, ID.toggleUpscale)) === "AI 放大", WAIT, "the language was not kept across a restart");
    assert.equal(await text(driver, ID.toggleOriginal), "原图");
    await oneRowInEveryFit(driver, ["适合页面", "适合宽度", "适合高度"], "zh-CN");
    await screenshot(driver, "languages-zh-toolbar-1000.png");
    await damagedPageBanner(driver, /已损坏或不完整/);
    await screenshot(driver, "languages-zh-error.png");
  } finally {
    await driver.quit();
    await tauriDriver.stop();
  }
});
