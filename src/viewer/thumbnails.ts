// The thumbnail strip under the stage: small thumbnails made in Rust, loaded as they scroll into
// view, in reading order (right to left for manga), the pages already upscaled marked. It is
// virtual (state/thumbnails.ts): only the buttons near its scroll position exist, between two
// spacers as wide as the buttons they stand for, so a 2,000-page book makes as few as a 20-page one.
import type { ImageEntry } from "../bindings";
import { t } from "../i18n/i18n";
import { scrolledFromStart, scrollLeftFor, scrollToShow, spacerWidth, thumbnailRange, type Direction, type ThumbnailRange } from "../state/thumbnails";

export class Thumbnails {
  private images: ImageEntry[] = [];
  /** The buttons that exist, by page index, in page order between the spacers. */
  private buttons = new Map<number, HTMLButtonElement>();
  private range: ThumbnailRange = { first: 0, last: 0 };
  private readonly before = spacer();
  private readonly after = spacer();
  private direction: Direction = "ltr";
  /** The pages marked as on screen: only they change when the reader moves (a strip scrolls often). */
  private current: number[] = [];
  private upscaled = new Set<number>();

  constructor(
    private readonly strip: HTMLElement,
    private readonly onPick: (index: number) => void,
  ) {
    strip.addEventListener("scroll", () => this.update(), { passive: true });
    new ResizeObserver(() => this.update()).observe(strip);
  }

  render(images: ImageEntry[]): void {
    this.images = images;
    this.buttons.clear();
    this.range = { first: 0, last: 0 };
    this.current = [];
    this.upscaled = new Set();
    this.strip.replaceChildren(this.before, this.after);
    this.strip.scrollLeft = 0;
    this.update();
  }

  /** Marks the pages on screen and keeps the first of them in view. */
  select(indices: number[]): void {
    for (const i of this.current) this.buttons.get(i)?.classList.remove("current");
    for (const i of indices) this.buttons.get(i)?.classList.add("current");
    this.current = indices;
    if (indices.length === 0 || this.strip.hidden) return;
    const scrolled = scrolledFromStart(this.strip.scrollLeft, this.direction);
    const wanted = scrollToShow(indices[0], scrolled, this.strip.clientWidth);
    if (wanted !== scrolled) this.strip.scrollLeft = scrollLeftFor(wanted, this.direction);
    this.update();
  }

  /** Marks the pages already upscaled (by index). */
  markUpscaled(indices: number[]): void {
    this.upscaled = new Set(indices);
    for (const [i, button] of this.buttons) this.mark(button, i);
  }

  /** The strip runs right to left when the book does. */
  setDirection(direction: Direction): void {
    if (direction === this.direction) return;
    this.direction = direction;
    this.strip.dir = direction;
    this.update();
  }

  toggle(): void {
    this.strip.hidden = !this.strip.hidden;
    this.update();
  }

  /** Makes the buttons near the scroll position and drops the others (a focused one included). */
  private update(): void {
    const count = this.images.length;
    const width = this.strip.hidden ? 0 : this.strip.clientWidth;
    const next = thumbnailRange(count, this.strip.scrollLeft, width, this.direction);
    const { first, last } = this.range;
    if (next.first === first && next.last === last) return;
    for (const [i, button] of this.buttons) {
      if (i >= next.first && i < next.last) continue;
      button.remove();
      this.buttons.delete(i);
    }
    const kept = Math.max(first, next.first) < Math.min(last, next.last);
    // New buttons go before the kept ones and after them; the kept ones stay put (and focused).
    const head = kept ? this.buttons.get(Math.max(first, next.first))! : this.after;
    for (let i = next.first; i < next.last; i++) {
      if (this.buttons.has(i)) continue;
      const button = this.make(i);
      this.buttons.set(i, button);
      if (kept && i > Math.max(first, next.first)) this.after.before(button);
      else head.before(button);
    }
    this.range = next;
    this.setSpacer(this.before, next.first);
    this.setSpacer(this.after, count - next.last);
  }

  private setSpacer(element: HTMLElement, buttons: number): void {
    element.hidden = buttons === 0;
    element.style.width = `${spacerWidth(buttons)}px`;
  }

  private make(index: number): HTMLButtonElement {
    const image = this.images[index];
    const button = document.createElement("button");
    button.dataset.index = String(index);
    button.dataset.name = image.name;
    const img = document.createElement("img");
    img.loading = "lazy";
    img.decoding = "async";
    img.alt = image.name;
    img.src = image.thumbnailUrl;
    // A page SRView will not show (damaged, or above the limits) gets a mark, not a broken image.
    img.addEventListener("error", () => img.replaceWith(Object.assign(document.createElement("span"), { className: "unavailable", textContent: "×" })));
    button.append(img);
    button.addEventListener("click", () => this.onPick(index));
    this.mark(button, index);
    if (this.current.includes(index)) button.classList.add("current");
    return button;
  }

  private mark(button: HTMLButtonElement, index: number): void {
    const upscaled = this.upscaled.has(index);
    button.classList.toggle("upscaled", upscaled);
    button.title = t(upscaled ? "stage.thumbnailUpscaled" : "stage.thumbnail", { page: index + 1, name: button.dataset.name });
  }
}

function spacer(): HTMLDivElement {
  const element = document.createElement("div");
  element.className = "spacer";
  element.setAttribute("aria-hidden", "true");
  return element;
}
