// The thumbnail strip under the stage.
import type { ImageEntry } from "../bindings";

export class Thumbnails {
  private buttons: HTMLButtonElement[] = [];

  constructor(
    private readonly strip: HTMLElement,
    private readonly onPick: (index: number) => void,
  ) {}

  render(images: ImageEntry[]): void {
    this.strip.replaceChildren();
    this.buttons = images.map((image, index) => {
      const button = document.createElement("button");
      button.title = image.name;
      const img = document.createElement("img");
      img.loading = "lazy";
      img.alt = image.name;
      img.src = image.url;
      button.append(img);
      button.addEventListener("click", () => this.onPick(index));
      this.strip.append(button);
      return button;
    });
  }

  select(index: number): void {
    this.buttons.forEach((b, i) => b.classList.toggle("current", i === index));
    this.buttons[index]?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  toggle(): void {
    this.strip.hidden = !this.strip.hidden;
  }
}
