// Vitest global set-up: Pillow's Lanczos resizes of a small test card, the independent
// reference for the preview's Lanczos-3 (src/viewer/preview/kernels.test.ts). Run here, in
// Node, through the project's Python; null where that Python or Pillow is missing.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const PYTHON = ".venv/bin/python";
export const SIZES = [
  [61, 45],
  [40, 17],
  [11, 8],
  [50, 30],
];

/** A 23×17 test card: a gradient, a dark diagonal line, a disc and pseudo-random noise. */
function card(width = 23, height = 17) {
  const data = [];
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 40;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const line = Math.abs(x - 1.3 * y) < 1.5;
      const disc = (x - width * 0.7) ** 2 + (y - height * 0.3) ** 2 < (height * 0.2) ** 2;
      data.push(line ? 10 : disc ? 230 : Math.floor((x * 255) / width), Math.min(255, Math.floor(line ? 20 : disc ? 40 : (y * 255) / height + noise())), Math.floor(line ? 30 : 128 + noise()), 255);
    }
  }
  return { width, height, data };
}

function pillowLanczos(src, width, height) {
  const script = [
    "import sys; from PIL import Image",
    "w, h, W, H = map(int, sys.argv[1:5])",
    "img = Image.frombytes('RGBA', (w, h), sys.stdin.buffer.read())",
    "sys.stdout.buffer.write(img.resize((W, H), Image.LANCZOS).tobytes())",
  ].join("\n");
  const out = execFileSync(PYTHON, ["-c", script, ...[src.width, src.height, width, height].map(String)], { input: Buffer.from(src.data) });
  return [...out];
}

export default function setup({ provide }) {
  let reference = null;
  try {
    if (existsSync(PYTHON)) {
      const source = card();
      reference = { source, resized: SIZES.map(([width, height]) => ({ width, height, data: pillowLanczos(source, width, height) })) };
    }
  } catch (error) {
    console.warn(`Pillow's reference is not available: ${error.message}`);
  }
  provide("pillowLanczos", reference);
}
