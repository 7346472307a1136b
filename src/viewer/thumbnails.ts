// The thumbnail strip under the stage: small thumbnails made in Rust, loaded as they scroll into
// view, in reading order (right to left for manga), the pages already upscaled marked.
import type { ImageEntry } from "../bindings";
import { t } from "../i18n/i18n";

export class Thumbnails {
  private buttons: HTMLButtonElement[] = [];
  /** The pages marked as on screen: only they change when the reader moves (a strip scrolls often). */
  private current: number[] = [];

  constructor(
    private readonly strip: HTMLElement,
    private readonly onPick: (index: number) => void,
  ) {}

  render(images: ImageEntry[]): void {
    const buttons = images.map((image, index) => {
      const button = document.createElement("button");
      button.title = t("stage.thumbnail", { page: index + 1, name: image.name });
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
      return button;
    });
    this.strip.replaceChildren(...buttons);
    this.buttons = buttons;
    this.current = [];
  }

  /** Marks the pages on screen and keeps the first of them in view. */
  select(indices: number[]): void {
    for (const i of this.current) this.buttons[i]?.classList.remove("current");
    for (const i of indices) this.buttons[i]?.classList.add("current");
    this.current = indices;
    this.buttons[indices[0]]?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  /** Marks the pages already upscaled (by index). */
  markUpscaled(indices: number[]): void {
    const upscaled = new Set(indices);
    this.buttons.forEach((b, i) => {
      b.classList.toggle("upscaled", upscaled.has(i));
      b.title = t(upscaled.has(i) ? "stage.thumbnailUpscaled" : "stage.thumbnail", { page: i + 1, name: b.dataset.name });
    });
  }

  /** The strip runs right to left when the book does. */
  setDirection(direction: "ltr" | "rtl"): void {
    this.strip.dir = direction;
  }

  toggle(): void {
    this.strip.hidden = !this.strip.hidden;
  }
}
