// The vertical strip's cost against a book's length, printed (run by hand, not in CI):
//   1. opening a 2,000-page book as a strip until its first screen shows, against a 20-page one;
//   2. the peak resident memory of srview-app and its WebKit processes after scrolling through
//      500 pages of the strip, against after 20;
//   3. what the backend spends on the 2,000 pages' sizes (their headers), which the strip asks
//      for after its first screen, and on which of them the cache holds (asked at every opening).
// Pages are 1200×1700 JPEGs (about 2 MP), made once into /tmp/srview-strip-bench.
// STRIP_BENCH_OPEN_ONLY=1 measures the openings alone.
// Run: flock /tmp/e2e.lock xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/strip-bench.mjs
import { execFileSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { By, until } from "selenium-webdriver";
import { openApp, startDriver } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

/** Openings of each book timed (STRIP_BENCH_RUNS, 5 by default); the median is reported. */
const RUNS = Number(process.env.STRIP_BENCH_RUNS ?? 5);
const WAIT = 120_000;
const root = "/tmp/srview-strip-bench";
const library = join(root, "library");
const bookOf = (pages) => join(library, `Strip ${pages}.cbz`);

/** Four different 1200×1700 JPEG pages, linked into the books' folders and stored (not deflated) in the books. */
function makeBooks() {
  if ([20, 2000].every((n) => existsSync(bookOf(n)))) return;
  const bases = join(root, "bases");
  mkdirSync(bases, { recursive: true });
  mkdirSync(library, { recursive: true });
  const colours = ["#c04040", "#40a040", "#4060d0", "#c0a030"];
  colours.forEach((colour, n) =>
    execFileSync("convert", ["-size", "1200x1700", `plasma:${colour}-black`, "-blur", "0x1", "-quality", "88", join(bases, `${n}.jpg`)]),
  );
  for (const pages of [20, 2000]) {
    const folder = join(root, `pages-${pages}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < pages; i++) {
      const target = join(folder, `p${String(i + 1).padStart(4, "0")}.jpg`);
      if (!existsSync(target)) linkSync(join(bases, `${i % colours.length}.jpg`), target);
    }
    execFileSync("zip", ["-q0r", bookOf(pages), "."], { cwd: folder });
  }
}

/** Settings that open every book as a strip. */
function stripByDefault(home) {
  const config = join(home, "config", "dev.srview.app");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "settings.json"), JSON.stringify({ settings: { readingMode: "strip" } }));
}

/** In the webview: until the strip of `title` shows and every page in its viewport has loaded. */
const FIRST_SCREEN = `
  const firstScreen = (title) => {
    const strip = document.getElementById("${ID.strip}");
    if (!strip.classList.contains("on") || !document.title.startsWith(title + " ·")) return false;
    const view = strip.getBoundingClientRect();
    const pages = [...strip.querySelectorAll(".strip-page")].filter((p) => {
      const r = p.getBoundingClientRect();
      return r.bottom > view.top && r.top < view.bottom;
    });
    return pages.length > 0 && pages.every((p) => { const img = p.querySelector("img"); return img && img.complete && img.naturalWidth > 0; });
  };`;

/** Milliseconds from a click on the book in the Books panel to its first screen, measured in the webview. */
async function openTime(driver, pages) {
  await driver.actions().sendKeys("b").perform();
  await driver.wait(until.elementLocated(By.css(`#${ID.booksHere} button[title="${bookOf(pages)}"]`)), WAIT);
  return driver.executeAsyncScript(
    `${FIRST_SCREEN}
     const [path, title, done] = arguments;
     const button = document.querySelector('#${ID.booksHere} button[title="' + path + '"]');
     // The listing arrived when the thumbnail strip is made anew for it.
     let listed = null;
     const thumbnails = new MutationObserver(() => (listed ??= performance.now() - start));
     thumbnails.observe(document.getElementById("${ID.thumbnails}"), { childList: true });
     const start = performance.now();
     let shown = null;
     button.click();
     const strip = document.getElementById("${ID.strip}");
     const poll = () => {
       if (shown === null && strip.classList.contains("on") && document.title.startsWith(title + " ·")) shown = performance.now() - start;
       if (!firstScreen(title)) return requestAnimationFrame(poll);
       thumbnails.disconnect();
       done({ total: performance.now() - start, shown, listed });
     };
     poll();`,
    bookOf(pages),
    `Strip ${pages}`,
  );
}

/** Scrolls through `pages` pages, a screenful at a time, each screen shown before the next. */
function scrollThrough(driver, pages) {
  return driver.executeAsyncScript(
    `${FIRST_SCREEN}
     const [pages, done] = arguments;
     const strip = document.getElementById("${ID.strip}");
     const step = () => {
       const top = strip.querySelector('.strip-page[data-index="' + pages + '"]');
       if (top && top.getBoundingClientRect().top <= strip.getBoundingClientRect().top) return done(true);
       if (!firstScreen(document.title.split(" ·")[0])) return requestAnimationFrame(step);
       strip.scrollTop += strip.clientHeight * 0.9;
       requestAnimationFrame(step);
     };
     step();`,
    pages,
  );
}

/** The peak and current resident memory of the app and its WebKit processes, in MiB. */
function memory(group) {
  const listing = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(group)], { encoding: "utf8" });
  const wanted = listing
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && /^(srview-app|WebKitWebProces|WebKitNetworkPr)/.test(comm ?? ""));
  let peak = 0;
  let now = 0;
  for (const [pid] of wanted) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    peak += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    now += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { peak: peak / 1024, now: now / 1024, processes: wanted.map(([, comm]) => comm) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

makeBooks();
const tauriDriver = await startDriver();
stripByDefault(tauriDriver.home);
const results = {};
try {
  // 1. Open times, alternating the books in one session (the first opening of each warms its listing).
  let driver = await openApp([bookOf(20)]);
  try {
    await driver.manage().setTimeouts({ script: 600_000 });
    await driver.wait(async () => driver.executeScript(`${FIRST_SCREEN} return firstScreen("Strip 20");`), WAIT);
    // STRIP_BENCH_NO_THUMBNAILS=1: the thumbnail strip hidden (T), to see what it costs.
    if (process.env.STRIP_BENCH_NO_THUMBNAILS) await driver.actions().sendKeys("t").perform();
    const times = { 20: [], 2000: [] };
    const shown = { 20: [], 2000: [] };
    const listed = { 20: [], 2000: [] };
    for (let run = 0; run <= RUNS; run++) {
      for (const pages of [2000, 20]) {
        const ms = await openTime(driver, pages);
        if (run > 0) times[pages].push(ms.total);
        if (run > 0) shown[pages].push(ms.shown);
        if (run > 0) listed[pages].push(ms.listed);
      }
    }
    results.open = { 20: median(times[20]), 2000: median(times[2000]) };
    results.shown = { 20: median(shown[20]), 2000: median(shown[2000]) };
    results.listed = { 20: median(listed[20]), 2000: median(listed[2000]) };

    // 3. The backend's side: listing the book, and all its pages' sizes from their headers.
    results.backend = await driver.executeAsyncScript(
      `const [path, done] = arguments;
       const invoke = window.__TAURI_INTERNALS__.invoke;
       (async () => {
         let t = performance.now();
         const opened = await invoke("open_location", { path });
         const open = performance.now() - t;
         const ids = opened.images.map((image) => image.id);
         t = performance.now();
         const infos = await invoke("get_page_info", { pageIds: ids, check: false });
         const sizes = performance.now() - t;
         // What every opening also asks (the thumbnail strip's marks): which pages the cache holds.
         const options = { model: "WAIFU2X_ANIME_UP2X", size: { mode: "scale", factor: 2 }, tileSize: 0, tta: false, gpuId: null, format: "webp", webpQuality: 90 };
         t = performance.now();
         await invoke("get_cached_pages", { pageIds: ids, options, modelRules: null });
         done({ open, sizes, cached: performance.now() - t, pages: infos.length });
       })().catch((e) => done({ error: String(e) }));`,
      bookOf(2000),
    );
  } finally {
    await driver.quit();
  }

  // 2. Memory: a fresh app for each, scrolled through 20 pages, then one through 500.
  for (const pages of process.env.STRIP_BENCH_OPEN_ONLY ? [] : [20, 500]) {
    driver = await openApp([bookOf(2000)]);
    try {
      await driver.manage().setTimeouts({ script: 600_000 });
      await driver.wait(async () => driver.executeScript(`${FIRST_SCREEN} return firstScreen("Strip 2000");`), WAIT);
      await driver.actions().sendKeys("\uE011").perform(); // Home: the first page, if it reopened elsewhere
      await scrollThrough(driver, pages);
      results[`memory${pages}`] = memory(tauriDriver.process.pid);
      results[`decoded${pages}`] = await driver.executeScript(`return document.querySelectorAll("#${ID.strip} img[src]").length`);
    } finally {
      await driver.quit();
    }
  }
} finally {
  await tauriDriver.stop();
}

const { open, backend, memory20, memory500 } = results;
console.log(`\n### The strip against the book's length (1200×1700 JPEG pages, median of ${RUNS} openings)\n`);
console.log("| measure | 20 pages | 2,000 pages | ratio |");
console.log("|---|---|---|---|");
console.log(`| open to first screen | ${open[20].toFixed(0)} ms | ${open[2000].toFixed(0)} ms | ${(open[2000] / open[20]).toFixed(2)}× |`);
const { shown } = results;
const { listed } = results;
console.log(`| of which: until the listing arrived (open_location, the thumbnail strip made) | ${listed[20].toFixed(0)} ms | ${listed[2000].toFixed(0)} ms | ${(listed[2000] / listed[20]).toFixed(2)}× |`);
console.log(`| of which: until the strip is laid out (listing, first sizes) | ${shown[20].toFixed(0)} ms | ${shown[2000].toFixed(0)} ms | ${(shown[2000] / shown[20]).toFixed(2)}× |`);
if (memory500) {
  console.log("\n| measure | after 20 pages | after 500 pages | ratio |");
  console.log("|---|---|---|---|");
  console.log(`| peak RSS, app + WebKit (${memory500.processes.join(", ")}) | ${memory20.peak.toFixed(0)} MiB | ${memory500.peak.toFixed(0)} MiB | ${(memory500.peak / memory20.peak).toFixed(2)}× |`);
  console.log(`| RSS at the end | ${memory20.now.toFixed(0)} MiB | ${memory500.now.toFixed(0)} MiB | ${(memory500.now / memory20.now).toFixed(2)}× |`);
  console.log(`| decoded page images in the DOM at the end | ${results.decoded20} | ${results.decoded500} | |`);
}
if (backend.error) console.log(`\nbackend: ${backend.error}`);
else console.log(`\nBackend, 2,000-page book: open_location ${backend.open.toFixed(0)} ms; get_page_info for all ${backend.pages} pages (headers) ${backend.sizes.toFixed(0)} ms; get_cached_pages for all ${backend.cached.toFixed(0)} ms.`);
