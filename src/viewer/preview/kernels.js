// The preview filters written for the CPU: the reference the WebGL2 shaders (shaders.ts) follow
// step for step, so the unit tests and the end-to-end test can check the GPU's pixels against
// them. One plain ES module, so Vite, Vitest and the Node end-to-end tests all import it.
//
// Images are RGBA, 8 bits a channel, rows top to bottom. Between passes the result is rounded
// to 8 bits, as the shaders' RGBA8 textures are.

/**
 * @typedef {{ width: number, height: number, data: Uint8ClampedArray }} Rgba
 * @typedef {"lanczos" | "edge"} Filter
 */

/** sin(πx)/(πx). @param {number} x */
function sinc(x) {
  if (Math.abs(x) < 1e-5) return 1;
  const a = Math.PI * x;
  return Math.sin(a) / a;
}

/** Lanczos with `lobes` lobes: sinc(x)·sinc(x/lobes) inside ±lobes. @param {number} x @param {number} lobes */
export function lanczos(x, lobes) {
  return Math.abs(x) < lobes ? sinc(x) * sinc(x / lobes) : 0;
}

/**
 * The source pixels (first, count) and weights one output pixel of a Lanczos-3 resampling along
 * one axis takes; as Pillow places them: pixel centres at i + 0.5, the kernel widened by the
 * scale when shrinking, taps outside the image left out and the rest normalised.
 * @param {number} out output index
 * @param {number} inSize
 * @param {number} outSize
 */
export function lanczosTaps(out, inSize, outSize) {
  const scale = inSize / outSize;
  const widen = Math.max(scale, 1);
  const support = 3 * widen;
  const centre = (out + 0.5) * scale;
  const first = Math.max(Math.floor(centre - support + 0.5), 0);
  const last = Math.min(Math.floor(centre + support + 0.5), inSize);
  const weights = [];
  for (let i = first; i < last; i++) weights.push(lanczos((i - centre + 0.5) / widen, 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  return { first, weights: weights.map((w) => (sum === 0 ? 0 : w / sum)) };
}

const to8 = (/** @type {number} */ v) => Math.round(Math.min(1, Math.max(0, v)) * 255);

/**
 * One Lanczos-3 pass along x (horizontal) or y.
 * @param {Rgba} src
 * @param {number} size the new width (horizontal) or height
 * @param {boolean} horizontal
 * @returns {Rgba}
 */
function lanczosPass(src, size, horizontal) {
  const width = horizontal ? size : src.width;
  const height = horizontal ? src.height : size;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let o = 0; o < size; o++) {
    const { first, weights } = lanczosTaps(o, horizontal ? src.width : src.height, size);
    const across = horizontal ? height : width;
    for (let k = 0; k < across; k++) {
      const acc = [0, 0, 0, 0];
      weights.forEach((w, t) => {
        const i = horizontal ? (k * src.width + first + t) * 4 : ((first + t) * src.width + k) * 4;
        for (let c = 0; c < 4; c++) acc[c] += (w * src.data[i + c]) / 255;
      });
      const at = horizontal ? (k * width + o) * 4 : (o * width + k) * 4;
      for (let c = 0; c < 4; c++) data[at + c] = to8(acc[c]);
    }
  }
  return { width, height, data };
}

/**
 * Lanczos-3, separable: horizontally, then vertically.
 * @param {Rgba} src
 * @param {number} width
 * @param {number} height
 * @returns {Rgba}
 */
export function lanczosResize(src, width, height) {
  return lanczosPass(lanczosPass(src, width, true), height, false);
}

/** The edge filter's luma: green counts twice. */
const luma = (/** @type {number[]} */ p) => 0.25 * p[0] + 0.5 * p[1] + 0.25 * p[2];

/**
 * The edge-adaptive upscale (first pass of the "edge" filter). Each output pixel looks at the
 * 4×4 source pixels around it: a structure tensor of the gradients at the four nearest gives
 * the edge's direction and how clear it is; a Lanczos-2 kernel is then stretched along the edge
 * as far as the edge is clear (a plain round kernel in flat or noisy parts), and the result is
 * clamped to the four nearest pixels so that it does not ring. (Narrowing it across the edge as
 * well, or stretching it further, took it further from the AI result: docs/preview.md.)
 * @param {Rgba} src
 * @param {number} width
 * @param {number} height
 * @returns {Rgba}
 */
export function edgeUpscale(src, width, height) {
  const data = new Uint8ClampedArray(width * height * 4);
  /** @param {number} x @param {number} y */
  const texel = (x, y) => {
    const i = (Math.min(src.height - 1, Math.max(0, y)) * src.width + Math.min(src.width - 1, Math.max(0, x))) * 4;
    return [src.data[i] / 255, src.data[i + 1] / 255, src.data[i + 2] / 255, src.data[i + 3] / 255];
  };
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      const px = ((ox + 0.5) * src.width) / width - 0.5;
      const py = ((oy + 0.5) * src.height) / height - 0.5;
      const bx = Math.floor(px);
      const by = Math.floor(py);
      const fx = px - bx;
      const fy = py - by;
      // p[j + 1][i + 1]: the pixel at (bx + i, by + j), i and j from -1 to 2.
      const p = [-1, 0, 1, 2].map((j) => [-1, 0, 1, 2].map((i) => texel(bx + i, by + j)));
      const l = p.map((row) => row.map(luma));
      let sxx = 0;
      let sxy = 0;
      let syy = 0;
      for (let j = 0; j < 2; j++) {
        for (let i = 0; i < 2; i++) {
          const w = (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
          const gx = l[j + 1][i + 2] - l[j + 1][i];
          const gy = l[j + 2][i + 1] - l[j][i + 1];
          sxx += w * gx * gx;
          sxy += w * gx * gy;
          syy += w * gy * gy;
        }
      }
      const { gx, gy, anisotropy } = edgeShape(sxx, sxy, syy);
      const along = 1 / (1 + 0.15 * anisotropy);
      const acc = [0, 0, 0, 0];
      let total = 0;
      for (let j = -1; j <= 2; j++) {
        for (let i = -1; i <= 2; i++) {
          const dx = i - fx;
          const dy = j - fy;
          const u = dx * gx + dy * gy;
          const v = (-dx * gy + dy * gx) * along;
          const w = lanczos(Math.sqrt(u * u + v * v), 2);
          total += w;
          const q = p[j + 1][i + 1];
          for (let c = 0; c < 4; c++) acc[c] += w * q[c];
        }
      }
      const at = (oy * width + ox) * 4;
      for (let c = 0; c < 4; c++) {
        const near = [p[1][1][c], p[1][2][c], p[2][1][c], p[2][2][c]];
        const value = Math.min(Math.max(...near), Math.max(Math.min(...near), acc[c] / total));
        data[at + c] = to8(value);
      }
    }
  }
  return { width, height, data };
}

/**
 * The gradient's direction (a unit vector) and how much the kernel bends to it, 0 to 1: the
 * structure tensor's coherence, damped where the gradients are faint.
 * @param {number} sxx @param {number} sxy @param {number} syy
 */
export function edgeShape(sxx, sxy, syy) {
  const trace = sxx + syy;
  const spread = Math.sqrt((sxx - syy) * (sxx - syy) + 4 * sxy * sxy);
  const coherence = trace > 1e-8 ? spread / trace : 0;
  const anisotropy = coherence * Math.min(1, Math.sqrt(trace) * 8);
  let vx = sxx - syy + spread;
  let vy = 2 * sxy;
  const length = Math.sqrt(vx * vx + vy * vy);
  if (length < 1e-10) return { gx: 0, gy: 1, anisotropy };
  return { gx: vx / length, gy: vy / length, anisotropy };
}

/**
 * Sharpening (second pass of the "edge" filter), in the spirit of RCAS: each pixel moves away
 * from the mean of its four neighbours by `amount`, but never past the brightest or darkest of
 * them and itself, so edges get crisper without halos.
 * @param {Rgba} src
 * @param {number} amount 0 to 1
 * @returns {Rgba}
 */
export function sharpen(src, amount) {
  const { width, height } = src;
  const data = new Uint8ClampedArray(width * height * 4);
  const at = (/** @type {number} */ x, /** @type {number} */ y) => (Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const around = [at(x, y - 1), at(x - 1, y), at(x + 1, y), at(x, y + 1)];
      const i = at(x, y);
      for (let c = 0; c < 4; c++) {
        const centre = src.data[i + c] / 255;
        const near = around.map((n) => src.data[n + c] / 255);
        const mean = (near[0] + near[1] + near[2] + near[3]) / 4;
        const low = Math.min(centre, ...near);
        const high = Math.max(centre, ...near);
        data[i + c] = to8(Math.min(high, Math.max(low, centre + amount * (centre - mean))));
      }
    }
  }
  return { width, height, data };
}

/** The filter that runs at this size: the edge filter only enlarges; shrinking in either
 *  direction takes Lanczos.
 * @param {Filter} filter @param {{ width: number, height: number }} src @param {number} width @param {number} height
 * @returns {Filter} */
export function effectiveFilter(filter, src, width, height) {
  return filter === "edge" && (width < src.width || height < src.height) ? "lanczos" : filter;
}

/**
 * The preview as the GPU draws it.
 * @param {Rgba} src
 * @param {number} width
 * @param {number} height
 * @param {Filter} filter
 * @param {number} sharpness 0 to 1, for the edge filter
 * @returns {Rgba}
 */
export function preview(src, width, height, filter, sharpness) {
  if (effectiveFilter(filter, src, width, height) === "lanczos") return lanczosResize(src, width, height);
  return sharpen(edgeUpscale(src, width, height), sharpness);
}

/**
 * Bilinear, as a browser blurs an image it enlarges: the baseline the preview is measured against.
 * @param {Rgba} src
 * @param {number} width
 * @param {number} height
 * @returns {Rgba}
 */
export function bilinearResize(src, width, height) {
  const data = new Uint8ClampedArray(width * height * 4);
  const at = (/** @type {number} */ x, /** @type {number} */ y) => (Math.min(src.height - 1, Math.max(0, y)) * src.width + Math.min(src.width - 1, Math.max(0, x))) * 4;
  for (let oy = 0; oy < height; oy++) {
    const py = ((oy + 0.5) * src.height) / height - 0.5;
    const by = Math.floor(py);
    const fy = py - by;
    for (let ox = 0; ox < width; ox++) {
      const px = ((ox + 0.5) * src.width) / width - 0.5;
      const bx = Math.floor(px);
      const fx = px - bx;
      const [a, b, c, d] = [at(bx, by), at(bx + 1, by), at(bx, by + 1), at(bx + 1, by + 1)];
      for (let k = 0; k < 4; k++) {
        const top = src.data[a + k] * (1 - fx) + src.data[b + k] * fx;
        const bottom = src.data[c + k] * (1 - fx) + src.data[d + k] * fx;
        data[(oy * width + ox) * 4 + k] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width, height, data };
}

/**
 * Peak signal-to-noise ratio of `a` against `b` over RGB, in dB.
 * @param {Rgba} a
 * @param {Rgba} b
 */
export function psnr(a, b) {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += (a.data[i + c] - b.data[i + c]) ** 2;
  }
  const mse = sum / ((a.data.length / 4) * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
