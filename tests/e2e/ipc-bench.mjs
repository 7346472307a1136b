// Bytes to the webview, measured in the webview: a 2 MP WebP through the srimg: protocol,
// through a raw ipc::Response, and as a JSON number array (Vec<u8>).
// Needs the app built with `--features ipc-bench`: `npm run bench:ipc` does both.
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp, startDriver } from "./driver.mjs";
import { ID } from "../../src/ui/ids.js";

const RUNS = 15;
const dir = mkdtempSync(join(tmpdir(), "srview-ipc-"));
const webp = join(dir, "two-mp.webp");
// 1632×1224 (2 MP) of noise-like detail, so the WebP is large like a real upscaled page.
execFileSync("convert", ["-size", "1632x1224", "plasma:fractal", "-quality", "90", webp]);
const size = statSync(webp).size;

const tauriDriver = await startDriver();
const driver = await openApp([webp]);
try {
  await driver.wait(async () => driver.executeScript(`return document.getElementById('${ID.pageCounter}').textContent === '1 / 1'`), 30_000);
  const result = await driver.executeAsyncScript(
    `const [path, runs, done] = arguments;
     const invoke = window.__TAURI_INTERNALS__.invoke;
     (async () => {
       const opened = await invoke("open_location", { path });
       const url = opened.images[0].url;
       const time = async (load) => {
         const samples = [];
         for (let i = 0; i < runs; i++) {
           const t = performance.now();
           const bytes = await load();
           samples.push(performance.now() - t);
           if (bytes.byteLength === 0) throw new Error("no bytes");
         }
         samples.sort((a, b) => a - b);
         return samples[Math.floor(samples.length / 2)];
       };
       const protocol = await time(async () => (await fetch(url)).arrayBuffer());
       const raw = await time(async () => await invoke("bench_bytes_raw", { path }));
       const json = await time(async () => new Uint8Array(await invoke("bench_bytes_json", { path })));
       done({ protocol, raw, json });
     })().catch((e) => done({ error: String(e) }));`,
    webp,
    RUNS,
  );
  if (result.error) throw new Error(result.error);
  const mib = (size / 1048576).toFixed(2);
  console.log(`\n### Bytes to the webview: 1632×1224 WebP, ${mib} MiB, median of ${RUNS}, measured in the webview\n`);
  console.log("| path | median | vs srimg: protocol |");
  console.log("|---|---|---|");
  for (const [name, value] of [["srimg: protocol URL (fetch → ArrayBuffer)", result.protocol], ["ipc::Response → ArrayBuffer", result.raw], ["Vec<u8> → JSON number array", result.json]]) {
    console.log(`| ${name} | ${value.toFixed(1)} ms | ${(value / result.protocol).toFixed(2)}× |`);
  }
} finally {
  await driver.quit();
  tauriDriver.process.kill();
}
