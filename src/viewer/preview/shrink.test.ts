// Where an AI tile goes on a shrunk tile canvas: the tiles meet exactly, and a tile shrunk from
// its own image (with its context) gives the pixels the whole result's shrink gives there.
import { describe, expect, it } from "vitest";
import type { TileReady } from "../../bindings";
import { lanczos } from "./kernels.js";
import { shrunkSize, tilePlacement } from "./shrink";

/** One Lanczos-3 pass as the shader runs it: output pixel o centred on (o + 0.5)·step + start. */
function shrink1d(src: number[], outSize: number, step: number, start: number): number[] {
  const widen = Math.max(step, 1);
  return Array.from({ length: outSize }, (_, o) => {
    const centre = (o + 0.5) * step + start;
    const first = Math.max(Math.floor(centre - 3 * widen + 0.5), 0);
    const last = Math.min(Math.floor(centre + 3 * widen + 0.5), src.length);
    let [acc, total] = [0, 0];
    for (let i = first; i < last; i++) {
      const w = lanczos((i - centre + 0.5) / widen, 3);
      acc += w * src[i];
      total += w;
    }
    return acc / total;
  });
}

/** A 1-px line screen with a slow ramp: the worst case for moiré. */
const signal = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 30 : 220) + (i * 7) % 13);

/** Tiles of a page `pageWidth` wide (one row), cores of `core` pixels with `pad` of context. */
function tiles(pageWidth: number, core: number, pad: number, scale: number): TileReady[] {
  const out: TileReady[] = [];
  for (let x = 0; x < pageWidth; x += core) {
    const left = Math.max(0, x - pad);
    out.push({ x, y: 0, width: Math.min(core, pageWidth - x), height: 10, pageWidth, pageHeight: 10, imageX: (x - left) * scale, imageY: 0, scale });
  }
  return out;
}

describe("shrunk tiles", () => {
  it("draws only below the result's own size", () => {
    expect(shrunkSize({ width: 3200, height: 4800 }, { width: 540, height: 810 })).toEqual({ width: 540, height: 810 });
    expect(shrunkSize({ width: 3200, height: 4800 }, { width: 3200, height: 4800 })).toBeNull();
    expect(shrunkSize({ width: 3200, height: 4800 }, { width: 6400, height: 9600 })).toBeNull();
    expect(shrunkSize({ width: 3200, height: 4800 }, { width: 0, height: 0 })).toBeNull();
  });

  for (const device of [541, 733, 1000]) {
    it(`meet exactly and match the whole result's shrink (1600 px at 2× to ${device})`, () => {
      const [pageWidth, scale, pad] = [1600, 2, 18];
      const whole = signal(pageWidth * scale);
      const expected = shrink1d(whole, device, whole.length / device, 0);
      const got: number[] = new Array(device).fill(NaN);
      for (const tile of tiles(pageWidth, 300, pad, scale)) {
        const place = tilePlacement(tile, { width: device, height: 7 });
        // The tile's image: its core and the context on each side, from the whole result.
        const left = tile.x * scale - tile.imageX;
        const right = Math.min(pageWidth, tile.x + tile.width + pad) * scale;
        const image = whole.slice(left, right);
        const part = shrink1d(image, place.width, place.map.stepX, place.map.startX);
        part.forEach((v, i) => {
          expect(Number.isNaN(got[place.x + i]), `pixel ${place.x + i} drawn twice`).toBe(true);
          got[place.x + i] = v;
        });
      }
      expect(got.filter(Number.isNaN)).toHaveLength(0);
      const worst = Math.max(...got.map((v, i) => Math.abs(v - expected[i])));
      expect(worst).toBeLessThan(1e-6);
      // And the screen is flat: the 1-px lines are filtered out, not aliased.
      const inner = expected.slice(5, -5);
      expect(Math.max(...inner) - Math.min(...inner)).toBeLessThan(16);
    });
  }
});
