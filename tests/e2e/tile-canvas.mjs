// What the progressive tests read in the page: the slot's tile canvas, the page counter, the
// finished page, and a frame-by-frame record of what shows.
import { ID } from "../../src/ui/ids.js";

export const js = (driver, script, ...args) => driver.executeScript(script, ...args);
export const press = (driver, key) => js(driver, `window.dispatchEvent(new KeyboardEvent("keydown", { key: arguments[0] }))`, key);
export const counter = (driver) => js(driver, `return document.getElementById('${ID.pageCounter}').textContent`);
export const TILES = `document.querySelector("#${ID.slot1} canvas.tiles")`;
export const tilesDrawn = (driver) => js(driver, `return Number(${TILES}.dataset.tiles ?? 0)`);
export const finished = (driver) => js(driver, `const u = document.getElementById("${ID.upscaled}"); return !!u.getAttribute("src") && u.complete && u.naturalWidth > 0`);

/** In the page: records, each frame from now, what the slot's tile canvas shows. */
export const RECORD_FRAMES = `
  const tiles = ${TILES};
  const original = document.getElementById("${ID.original}");
  const upscaled = document.getElementById("${ID.upscaled}");
  window.__frames = [];
  window.__recording = true;
  const frame = () => {
    window.__frames.push({
      at: performance.now(),
      original: original.getAttribute("src"),
      tiles: !tiles.hidden && tiles.width > 0 && tiles.style.visibility !== "hidden" ? tiles.width : 0,
      finished: !!upscaled.getAttribute("src") && upscaled.complete && upscaled.naturalWidth > 0,
    });
    if (window.__recording) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);`;
