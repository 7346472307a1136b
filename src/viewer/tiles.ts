// AI tiles drawn as they finish: a canvas in a page's box, over the original (and its preview)
// and under the upscaled image. The canvas has the tiles' own resolution and fills the box, as
// the upscaled image does, so the finished page replaces the tiles with no shift. It is cleared
// only when another page (or another request for it) comes, never when the result arrives:
// the result covers it once it has loaded.
import type { TileImage } from "../bindings";

export class TileLayer {
  readonly canvas: HTMLCanvasElement;
  private key = "";
  private drawn = new Set<string>();
  /** Tiles whose images have been drawn, for tests and the status line. */
  count = 0;

  constructor(box: HTMLElement, below: HTMLElement | null) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "tiles";
    this.canvas.hidden = true;
    box.insertBefore(this.canvas, below);
  }

  /** Draws the finished tiles of one request (`key`); those drawn already are skipped. */
  draw(key: string, tiles: readonly TileImage[]): void {
    if (key !== this.key) this.clear(key);
    for (const tile of tiles) {
      if (this.drawn.has(tile.url)) continue;
      this.drawn.add(tile.url);
      this.load(key, tile);
    }
  }

  clear(key = ""): void {
    this.key = key;
    this.drawn.clear();
    this.count = 0;
    this.canvas.hidden = true;
    this.canvas.width = 0;
    this.canvas.height = 0;
  }

  private load(key: string, tile: TileImage): void {
    const image = new Image();
    image.decoding = "async";
    image.crossOrigin = "anonymous";
    image.onload = () => {
      if (key !== this.key) return;
      const width = tile.pageWidth * tile.scale;
      const height = tile.pageHeight * tile.scale;
      if (this.canvas.width !== width || this.canvas.height !== height) {
        this.canvas.width = width;
        this.canvas.height = height;
      }
      const [w, h] = [tile.width * tile.scale, tile.height * tile.scale];
      this.canvas.getContext("2d")?.drawImage(image, tile.imageX, tile.imageY, w, h, tile.x * tile.scale, tile.y * tile.scale, w, h);
      this.canvas.hidden = false;
      this.count += 1;
      this.canvas.dataset.tiles = String(this.count);
    };
    image.src = tile.url;
  }
}
