// Export: the open folder or book (a folder's books included), every page upscaled with the
// current settings, to a folder or as .cbz files. The form, then the export's progress (pages,
// rate, time left, the page being written), cancel, and what was written, drawn from the state:
// the export runs on with the panel closed, and its result is here when the panel reopens.
import { DEFAULT_NAMING_PATTERN, type ExportLayout, type ExportRequest, type OpenedLocation } from "../bindings";
import type { ExportApi } from "../api";
import type { ExportState } from "../app/state";
import { describeExportModel, describeProgress, describeSummary } from "../state/export";
import { displayHeight } from "../state/rules";
import { toRequestRules, toUpscaleOptions, type Settings } from "../state/settings";
import { el } from "./dom";
import { ID } from "../ui/ids.js";
import { t } from "../i18n/i18n";
import { describeErrorPayload } from "../i18n/errors";

export interface ExportActions {
  start(request: ExportRequest): void;
  cancel(): void;
}

export class ExportPanel {
  private layout: ExportLayout = "folder";
  private pattern: string = DEFAULT_NAMING_PATTERN;
  private chosen: string | null = null;
  private location: OpenedLocation | null = null;
  private exporting: ExportState | null = null;

  constructor(
    private readonly panel: HTMLElement,
    private readonly api: Pick<ExportApi, "destination" | "chooseFolder">,
    private readonly actions: ExportActions,
  ) {}

  /** Draws the form for `location`, and the export's progress or result under it. */
  async render(location: OpenedLocation | null, settings: Settings): Promise<void> {
    this.location = location;
    if (!location) {
      this.panel.replaceChildren(el("h2", {}, t("export.title")), el("p", { className: "note" }, t("export.openFirst")), el("div", { id: ID.exportStatus }));
      this.redrawStatus();
      return;
    }
    const options = toUpscaleOptions(settings);
    const destination = this.chosen ?? (await this.api.destination(location.path, this.layout, options));
    const layout = el("select", { id: ID.exportLayout });
    for (const [value, label] of [["folder", t("export.imageFiles")], ["cbz", t("export.oneCbz")]] as const) {
      layout.append(el("option", { value, selected: value === this.layout }, label));
    }
    layout.addEventListener("change", () => {
      this.layout = layout.value as ExportLayout;
      void this.render(location, settings);
    });
    const pattern = el("input", { id: ID.exportPattern, value: this.pattern, spellcheck: false });
    pattern.addEventListener("change", () => (this.pattern = pattern.value.trim() || DEFAULT_NAMING_PATTERN));
    const choose = el("button", { id: ID.exportChoose }, t("export.choose"));
    choose.onclick = async () => {
      const folder = await this.api.chooseFolder().catch(() => null);
      if (folder) {
        this.chosen = folder;
        void this.render(location, settings);
      }
    };
    const start = el("button", { id: ID.exportStart }, t("export.start"));
    start.onclick = () =>
      this.actions.start({ source: location.path, destination: this.chosen, layout: this.layout, pattern: this.pattern, options: toUpscaleOptions(settings), modelRules: toRequestRules(settings, displayHeight) });
    const { title } = location;
    const what =
      location.kind === "book" ? t("export.theBook", { title }) : location.books.length ? t("export.theFolderBooks", { title, count: location.books.length }) : t("export.theFolder", { title });
    this.panel.replaceChildren(
      el("h2", {}, t("export.title")),
      el("p", {}, t("export.every", { what })),
      el("label", {}, t("export.write"), layout),
      el("label", {}, t("export.names"), pattern),
      el("p", { className: "note" }, t("export.namesNote")),
      el("label", {}, t("export.to"), el("span", { className: "note", id: ID.exportDestination, title: destination }, destination)),
      el("div", { className: "row" }, choose),
      el("p", { className: "note" }, describeExportModel(settings)),
      el("div", { className: "row" }, start),
      el("div", { id: ID.exportStatus }),
    );
    this.redrawStatus();
  }

  /** Draws the export's progress, or how it ended, under the form (the panel open or not). */
  showStatus(exporting: ExportState): void {
    this.exporting = exporting;
    this.redrawStatus();
  }

  private redrawStatus(): void {
    const exporting = this.exporting;
    if (!exporting) return;
    const status = this.panel.querySelector<HTMLElement>(`#${ID.exportStatus}`);
    if (!status) return;
    const start = this.panel.querySelector<HTMLButtonElement>(`#${ID.exportStart}`);
    if (start) start.disabled = exporting.phase === "running";
    const { progress } = exporting;
    if (exporting.phase === "idle") {
      status.replaceChildren();
      return;
    }
    if (exporting.phase === "failed") {
      status.replaceChildren(el("p", { className: "bad", id: ID.exportError }, exporting.error ?? t("export.failed")));
      return;
    }
    const done = progress?.done ?? 0;
    const total = progress?.total ?? exporting.summary?.total ?? 0;
    const fill = el("div", { id: ID.exportFill });
    fill.style.width = `${(100 * done) / Math.max(1, total)}%`;
    const bar = el("div", { id: ID.exportBar, className: "bar", role: "progressbar", dataset: { done: String(done), total: String(total) } }, fill);
    const line = el("p", { id: ID.exportProgress }, progress ? describeProgress(progress) : t("export.starting"));
    const summary = exporting.summary;
    if (exporting.phase === "done" && summary) {
      const box = el("div", { id: ID.exportSummary }, el("p", {}, describeSummary(summary)));
      if (summary.failures.length > 0) {
        const list = el("ul", { className: "bad" });
        for (const failure of summary.failures) list.append(el("li", {}, t("export.failure", { input: failure.input, error: describeErrorPayload(failure.error.kind, failure.error.message) })));
        box.append(el("p", { className: "bad" }, t("export.failedCount", { count: summary.failures.length })), list);
      }
      if (summary.cancelled && summary.written.length > 0) box.append(el("p", { className: "note" }, t("export.resume")));
      status.replaceChildren(bar, line, box);
      return;
    }
    const current = exporting.current ?? "";
    const image = this.location?.images.find((i) => current.endsWith(i.name));
    const thumb = el("img", { id: ID.exportThumb, alt: "" });
    thumb.hidden = !image;
    if (image) thumb.src = image.thumbnailUrl;
    const cancel = el("button", { id: ID.exportCancel }, t("export.cancel"));
    cancel.onclick = () => this.actions.cancel();
    status.replaceChildren(bar, line, el("div", { className: "row" }, thumb, el("p", { className: "note", id: ID.exportCurrent }, current)), el("div", { className: "row" }, cancel));
  }
}
