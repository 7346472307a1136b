// AI tiles drawn as they finish: a canvas in a page's box, over the original (and its preview)
// and under the upscaled image. The canvas has the tiles' own resolution and fills the box, as
// the upscaled image does, so the finished page replaces the tiles with no shift. It is cleared
// only when another page (or another request for it) comes, never when the result arrives:
// the result covers it once it has loaded. Shown below the result's size (and with WebGL2), the
// canvas has the box's size in device pixels instead, each tile drawn shrunk by Lanczos-3 as the
// finished page's ShrinkLayer draws it, and all are redrawn when the box changes size.
import type { TileImage } from "../bindings";
import { boxDeviceSize } from "./preview/layer";
import { drawTileShrunk, shrinkSupported, shrunkSize } from "./preview/shrink";

export class TileLayer {
  readonly canvas: HTMLCanvasElement;
  private key = "";
  private drawn = new Set<string>();
  /** Tiles whose images have been drawn, for tests and the status line. */
  count = 0;
  /** The tiles drawn, to draw again at another size. */
  private loaded: { image: HTMLImageElement; tile: TileImage }[] = [];

  constructor(
    private readonly box: HTMLElement,
    below: HTMLElement | null,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "tiles";
    this.canvas.hidden = true;
    box.insertBefore(this.canvas, below);
    // Covered by the finished page (hidden), the tiles keep the size they have.
    new ResizeObserver(() => this.canvas.style.visibility !== "hidden" && this.redraw()).observe(box);
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
    this.loaded = [];
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
      this.loaded.push({ image, tile });
      if (!this.redraw()) this.paint(image, tile);
      this.canvas.hidden = false;
      this.count += 1;
      this.canvas.dataset.tiles = String(this.count);
    };
    image.src = tile.url;
  }

  /** The canvas's size: the result's, or the box's in device pixels when that is smaller. */
  private size(tile: TileImage): { width: number; height: number; shrunk: boolean } {
    const full = { width: tile.pageWidth * tile.scale, height: tile.pageHeight * tile.scale };
    const device = shrinkSupported() ? shrunkSize(full, boxDeviceSize(this.box)) : null;
    return device ? { ...device, shrunk: true } : { ...full, shrunk: false };
  }

  /** Sizes the canvas and draws every tile again if its size has changed; false if not. */
  private redraw(): boolean {
    if (this.loaded.length === 0) return false;
    const size = this.size(this.loaded[0].tile);
    if (this.canvas.width === size.width && this.canvas.height === size.height) return false;
    this.canvas.width = size.width;
    this.canvas.height = size.height;
    for (const { image, tile } of this.loaded) this.paint(image, tile);
    return true;
  }

  private paint(image: HTMLImageElement, tile: TileImage): void {
    const context = this.canvas.getContext("2d");
    if (!context) return;
    if (this.canvas.width !== tile.pageWidth * tile.scale || this.canvas.height !== tile.pageHeight * tile.scale) {
      return drawTileShrunk(context, image, tile, this.canvas);
    }
    const [w, h] = [tile.width * tile.scale, tile.height * tile.scale];
    context.drawImage(image, tile.imageX, tile.imageY, w, h, tile.x * tile.scale, tile.y * tile.scale, w, h);
  }
}
