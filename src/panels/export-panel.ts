// Export: the open folder or book (a folder's books included), every page upscaled with the
// current settings, to a folder or as .cbz files. Real progress (pages, rate, time left, the
// page being written), cancel, and what was written at the end.
import { DEFAULT_NAMING_PATTERN, type BatchSummary, type ExportEvent, type ExportLayout, type OpenedLocation } from "../bindings";
import { describeError, type ExportApi } from "../api";
import { modelShortName } from "../state/models";
import { toUpscaleOptions, type Settings } from "../state/settings";
import { el } from "./dom";
import { ID } from "../ui/ids.js";

const FORMAT_NAMES: Record<string, string> = { webp: "WebP", png: "PNG", jpg: "JPEG" };


export class ExportPanel {
  private running = false;
  private layout: ExportLayout = "folder";
  private pattern: string = DEFAULT_NAMING_PATTERN;
  private chosen: string | null = null;

  constructor(
    private readonly panel: HTMLElement,
    private readonly api: ExportApi,
  ) {}

  /** Draws the form for `location` (not while an export runs: its progress stays). */
  async render(location: OpenedLocation | null, settings: Settings): Promise<void> {
    if (this.running) return;
    if (!location) {
      this.panel.replaceChildren(el("h2", {}, "Export"), el("p", { className: "note" }, "Open a folder or a book first."));
      return;
    }
    const options = toUpscaleOptions(settings);
    const destination = this.chosen ?? (await this.api.destination(location.path, this.layout, options));
    const layout = el("select", { id: ID.exportLayout });
    for (const [value, label] of [["folder", "image files"], ["cbz", "one .cbz per book"]] as const) {
      layout.append(el("option", { value, selected: value === this.layout }, label));
    }
    layout.addEventListener("change", () => {
      this.layout = layout.value as ExportLayout;
      void this.render(location, settings);
    });
    const pattern = el("input", { id: ID.exportPattern, value: this.pattern, spellcheck: false });
    pattern.addEventListener("change", () => (this.pattern = pattern.value.trim() || DEFAULT_NAMING_PATTERN));
    const choose = el("button", { id: ID.exportChoose }, "Choose…");
    choose.onclick = async () => {
      const folder = await this.api.chooseFolder().catch(() => null);
      if (folder) {
        this.chosen = folder;
        void this.render(location, settings);
      }
    };
    const start = el("button", { id: ID.exportStart }, "Start export");
    start.onclick = () => void this.start(location, settings);
    const what = location.kind === "book" ? `the book ${location.title}` : `the folder ${location.title}${location.books.length ? ` and its ${location.books.length} books` : ""}`;
    this.panel.replaceChildren(
      el("h2", {}, "Export"),
      el("p", {}, `Upscale every page of ${what}.`),
      el("label", {}, "Write", layout),
      el("label", {}, "Names", pattern),
      el("p", { className: "note" }, "{name}, {scale}, {model} and {ext} are filled in. Files that exist are left alone."),
      el("label", {}, "To", el("span", { className: "note", id: ID.exportDestination, title: destination }, destination)),
      el("div", { className: "row" }, choose),
      el("p", { className: "note" }, `With ${modelShortName(settings.model)} at ${settings.scale}×, as ${FORMAT_NAMES[settings.format] ?? settings.format} (see Settings).`),
      el("div", { className: "row" }, start),
      el("div", { id: ID.exportStatus }),
    );
  }

  private async start(location: OpenedLocation, settings: Settings): Promise<void> {
    this.running = true;
    const status = this.panel.querySelector<HTMLElement>(`#${ID.exportStatus}`)!;
    const fill = el("div", { id: ID.exportFill });
    const bar = el("div", { id: ID.exportBar, className: "bar", role: "progressbar" }, fill);
    const line = el("p", { id: ID.exportProgress }, "Starting…");
    const thumb = el("img", { id: ID.exportThumb, alt: "" });
    thumb.hidden = true;
    const current = el("p", { className: "note", id: ID.exportCurrent });
    const cancel = el("button", { id: ID.exportCancel }, "Cancel");
    cancel.onclick = () => this.api.cancel();
    status.replaceChildren(bar, line, el("div", { className: "row" }, thumb, current), el("div", { className: "row" }, cancel));
    this.panel.querySelector<HTMLButtonElement>(`#${ID.exportStart}`)!.disabled = true;
    const onEvent = ({ page, progress }: ExportEvent) => {
      const going = progress.done < progress.total;
      const rate = going && progress.pagesPerMinute != null ? ` · ${progress.pagesPerMinute.toFixed(progress.pagesPerMinute < 10 ? 1 : 0)} pages/min` : "";
      const left = going && progress.secondsLeft != null ? ` · about ${formatDuration(progress.secondsLeft)} left` : "";
      line.textContent = `${progress.done} / ${progress.total} pages${rate}${left}`;
      bar.dataset.done = String(progress.done);
      bar.dataset.total = String(progress.total);
      fill.style.width = `${(100 * progress.done) / Math.max(1, progress.total)}%`;
      current.textContent = page.input;
      const image = location.images.find((i) => page.input.endsWith(i.name));
      thumb.hidden = !image;
      if (image) thumb.src = image.thumbnailUrl;
    };
    try {
      const summary = await this.api.start(
        { source: location.path, destination: this.chosen, layout: this.layout, pattern: this.pattern, options: toUpscaleOptions(settings) },
        onEvent,
      );
      status.replaceChildren(bar, line, summaryOf(summary));
    } catch (e) {
      status.replaceChildren(el("p", { className: "bad", id: ID.exportError }, describeError(e)));
    } finally {
      this.running = false;
      const startButton = this.panel.querySelector<HTMLButtonElement>(`#${ID.exportStart}`);
      if (startButton) startButton.disabled = false;
    }
  }
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.round(seconds / 60)} min`;
}

function summaryOf(summary: BatchSummary): HTMLElement {
  const box = el("div", { id: ID.exportSummary });
  const where = summary.written.length > 0 ? ` to ${summary.written[0].replace(/\/[^/]*$/, "")}` : "";
  const head = summary.cancelled ? "Cancelled." : "Done.";
  box.append(
    el(
      "p",
      {},
      `${head} ${summary.written.length} written${where}: ${summary.computed} computed, ${summary.cached} from the cache, ${summary.skipped} already there. ${(summary.seconds ?? 0).toFixed(0)} s.`,
    ),
  );
  if (summary.failures.length > 0) {
    const list = el("ul", { className: "bad" });
    for (const failure of summary.failures) list.append(el("li", {}, `${failure.input}: ${failure.error.message}`));
    box.append(el("p", { className: "bad" }, `${summary.failures.length} failed:`), list);
  }
  if (summary.cancelled) box.append(el("p", { className: "note" }, "Start again to resume: what was written is kept."));
  return box;
}
