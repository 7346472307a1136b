// The image stage: fit / 1:1 / zoom, drag to pan, the original/upscaled toggle and the
// before/after compare slider.

export type ZoomMode = { kind: "fit" } | { kind: "scale"; value: number };

const ZOOM_STEPS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];

export class Viewer {
  private zoom: ZoomMode = { kind: "fit" };
  private pan = { x: 0, y: 0 };
  private compareAt = 0.5;
  private showUpscaled = true;
  private comparing = false;

  constructor(
    private readonly stage: HTMLElement,
    private readonly canvas: HTMLElement,
    readonly original: HTMLImageElement,
    readonly upscaled: HTMLImageElement,
    private readonly handle: HTMLElement,
    private readonly zoomLabel: HTMLElement,
  ) {
    this.bindPan();
    this.bindCompareHandle();
    new ResizeObserver(() => this.layout()).observe(stage);
    original.addEventListener("load", () => this.layout());
    upscaled.addEventListener("load", () => this.layout());
  }

  /** Shows an original; any upscaled image is cleared until `showResult`. */
  showOriginal(url: string): void {
    this.upscaled.hidden = true;
    this.upscaled.removeAttribute("src");
    this.pan = { x: 0, y: 0 };
    this.original.src = url;
  }

  clear(): void {
    this.original.removeAttribute("src");
    this.upscaled.removeAttribute("src");
    this.upscaled.hidden = true;
  }

  showResult(url: string): void {
    this.upscaled.src = url;
    this.refreshLayers();
  }

  hasResult(): boolean {
    return this.upscaled.hasAttribute("src");
  }

  setShowUpscaled(on: boolean): void {
    this.showUpscaled = on;
    this.refreshLayers();
  }

  setComparing(on: boolean): void {
    this.comparing = on;
    this.refreshLayers();
  }

  fit(): void {
    this.zoom = { kind: "fit" };
    this.pan = { x: 0, y: 0 };
    this.layout();
  }

  /** Screen pixels = pixels of the image on screen (the upscaled one when it is shown). */
  actualSize(): void {
    const ratio = this.visibleUpscaled() && this.original.naturalWidth ? this.upscaled.naturalWidth / this.original.naturalWidth : 1;
    this.zoom = { kind: "scale", value: ratio };
    this.layout();
  }

  zoomBy(direction: 1 | -1): void {
    const current = this.currentScale();
    const next =
      direction > 0 ? ZOOM_STEPS.find((s) => s > current + 1e-6) ?? current : [...ZOOM_STEPS].reverse().find((s) => s < current - 1e-6) ?? current;
    this.zoom = { kind: "scale", value: next };
    this.layout();
  }

  private visibleUpscaled(): boolean {
    return this.hasResult() && (this.showUpscaled || this.comparing);
  }

  private refreshLayers(): void {
    const visible = this.visibleUpscaled();
    this.upscaled.hidden = !visible;
    this.handle.hidden = !(visible && this.comparing);
    this.applyCompare();
    this.layout();
  }

  private currentScale(): number {
    const w = this.original.naturalWidth;
    const h = this.original.naturalHeight;
    if (!w || !h) return 1;
    if (this.zoom.kind === "scale") return this.zoom.value;
    const rect = this.stage.getBoundingClientRect();
    return Math.min(rect.width / w, rect.height / h);
  }

  private layout(): void {
    const w = this.original.naturalWidth;
    const h = this.original.naturalHeight;
    const scale = this.currentScale();
    this.zoomLabel.textContent = this.zoom.kind === "fit" ? `fit ${Math.round(scale * 100)}%` : `${Math.round(scale * 100)}%`;
    if (!w || !h) return;
    const rect = this.stage.getBoundingClientRect();
    const width = w * scale;
    const height = h * scale;
    const x = width <= rect.width ? (rect.width - width) / 2 : clamp(this.pan.x, rect.width - width, 0);
    const y = height <= rect.height ? (rect.height - height) / 2 : clamp(this.pan.y, rect.height - height, 0);
    this.pan = { x, y };
    Object.assign(this.canvas.style, { width: `${width}px`, height: `${height}px`, transform: `translate(${x}px, ${y}px)` });
    // Show pixels as squares only when the visible image is blown up a lot.
    const visibleWidth = this.visibleUpscaled() ? this.upscaled.naturalWidth || w : w;
    this.canvas.classList.toggle("pixelated", (scale * w) / visibleWidth >= 4);
  }

  private applyCompare(): void {
    const percent = `${(this.compareAt * 100).toFixed(2)}%`;
    this.upscaled.style.clipPath = this.comparing ? `inset(0 0 0 ${percent})` : "";
    this.handle.style.left = percent;
  }

  private bindPan(): void {
    let start: { x: number; y: number; panX: number; panY: number } | null = null;
    this.stage.addEventListener("pointerdown", (e) => {
      if (e.target === this.handle || e.button !== 0) return;
      start = { x: e.clientX, y: e.clientY, panX: this.pan.x, panY: this.pan.y };
      this.stage.classList.add("dragging");
      this.stage.setPointerCapture(e.pointerId);
    });
    this.stage.addEventListener("pointermove", (e) => {
      if (!start) return;
      this.pan = { x: start.panX + e.clientX - start.x, y: start.panY + e.clientY - start.y };
      this.layout();
    });
    const end = () => {
      start = null;
      this.stage.classList.remove("dragging");
    };
    this.stage.addEventListener("pointerup", end);
    this.stage.addEventListener("pointercancel", end);
  }

  private bindCompareHandle(): void {
    let dragging = false;
    this.handle.addEventListener("pointerdown", (e) => {
      dragging = true;
      this.handle.setPointerCapture(e.pointerId);
      e.stopPropagation();
    });
    this.handle.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      const rect = this.canvas.getBoundingClientRect();
      this.compareAt = clamp((e.clientX - rect.left) / rect.width, 0, 1);
      this.applyCompare();
    });
    this.handle.addEventListener("pointerup", () => (dragging = false));
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
