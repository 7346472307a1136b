// The preview filters' CPU reference (the shaders follow it; the e2e test checks the GPU against
// it) against Pillow's Lanczos, and the edge filter's behaviour on small images.
import { describe, expect, inject, it } from "vitest";
import { bilinearResize, edgeUpscale, lanczosResize, preview, psnr, sharpen, type Rgba } from "./kernels.js";

declare module "vitest" {
  interface ProvidedContext {
    /** tests/unit/pillow-setup.mjs: a test card and Pillow's Lanczos resizes of it. */
    pillowLanczos: { source: { width: number; height: number; data: number[] }; resized: { width: number; height: number; data: number[] }[] } | null;
  }
}

/** A small test card: a gradient, a dark diagonal line, a disc and some pseudo-random noise. */
function card(width: number, height: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 40;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const line = Math.abs(x - 1.3 * y) < 1.5;
      const disc = (x - width * 0.7) ** 2 + (y - height * 0.3) ** 2 < (height * 0.2) ** 2;
      data[i] = line ? 10 : disc ? 230 : (x * 255) / width;
      data[i + 1] = line ? 20 : disc ? 40 : (y * 255) / height + noise();
      data[i + 2] = line ? 30 : 128 + noise();
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe("Lanczos-3 reference", () => {
  const pillow = inject("pillowLanczos");
  it.skipIf(!pillow)("matches Pillow's Image.resize(LANCZOS) within one level, enlarging and shrinking", () => {
    const { source, resized } = pillow!;
    const src: Rgba = { ...source, data: new Uint8ClampedArray(source.data) };
    for (const { width, height, data } of resized) {
      const ours = lanczosResize(src, width, height);
      expect(ours.data.length).toBe(width * height * 4);
      expect(maxDifference(ours.data, data), `${width}×${height}`).toBeLessThanOrEqual(1);
    }
  });

  it("keeps an image at its own size as it is", () => {
    const src = card(9, 7);
    expect(maxDifference(lanczosResize(src, 9, 7).data, src.data)).toBe(0);
  });
});

describe("edge filter reference", () => {
  it("keeps flat colour flat and never leaves the four nearest pixels' range", () => {
    const flat: Rgba = { width: 4, height: 4, data: new Uint8ClampedArray(64).fill(90) };
    expect(new Set(edgeUpscale(flat, 13, 11).data)).toEqual(new Set([90]));
    // A hard black/white step: no ringing below black or above white, none in between.
    const step: Rgba = { width: 8, height: 8, data: new Uint8ClampedArray(256) };
    for (let i = 0; i < 64; i++) step.data.fill(i % 8 < 4 ? 0 : 255, i * 4, i * 4 + 4);
    const up = edgeUpscale(step, 24, 24);
    for (let y = 0; y < 24; y++) {
      expect(up.data[(y * 24 + 2) * 4]).toBe(0);
      expect(up.data[(y * 24 + 21) * 4]).toBe(255);
    }
  });

  it("sharpening 0 changes nothing, and sharpening never overshoots the neighbours", () => {
    const src = card(20, 14);
    expect(maxDifference(sharpen(src, 0).data, src.data)).toBe(0);
    const sharp = sharpen(src, 1);
    expect(maxDifference(sharp.data, src.data)).toBeGreaterThan(0);
    for (const i of [0, 77, 200, 279]) {
      const x = i % 20;
      const y = Math.floor(i / 20);
      const around = [src.data[i * 4], ...[[0, -1], [-1, 0], [1, 0], [0, 1]].map(([dx, dy]) => src.data[(Math.min(13, Math.max(0, y + dy)) * 20 + Math.min(19, Math.max(0, x + dx))) * 4])];
      expect(sharp.data[i * 4]).toBeGreaterThanOrEqual(Math.min(...around));
      expect(sharp.data[i * 4]).toBeLessThanOrEqual(Math.max(...around));
    }
  });

  it("brings a shrunk line drawing back closer than bilinear does", () => {
    // Thin dark strokes on white at 96×96, shrunk to 48×48 with Lanczos, enlarged back.
    const size = 96;
    const data = new Uint8ClampedArray(size * size * 4).fill(255);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = Math.hypot(x - 48, y - 48);
        if (Math.abs(r - 30) < 1.2 || Math.abs(x - 0.6 * y - 10) < 1 || Math.abs(y - 70 + 0.2 * x) < 1.5) data.fill(0, (y * size + x) * 4, (y * size + x) * 4 + 3);
      }
    }
    const truth: Rgba = { width: size, height: size, data };
    const small = lanczosResize(truth, 48, 48);
    const blurry = psnr(bilinearResize(small, size, size), truth);
    const edge = psnr(preview(small, size, size, "edge", 0.5), truth);
    const lanczos = psnr(preview(small, size, size, "lanczos", 0), truth);
    expect(edge).toBeGreaterThan(blurry);
    expect(lanczos).toBeGreaterThan(blurry);
  });

  it("shrinks with Lanczos, whatever the filter", () => {
    const src = card(20, 14);
    expect(preview(src, 10, 7, "edge", 1)).toEqual(lanczosResize(src, 10, 7));
  });
});
