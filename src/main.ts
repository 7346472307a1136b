// SRView's frontend: wires the location, the reading position, the upscaler, the stage and
// the panels to the commands. Each concern lives in its own module; this file connects them.
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open } from "@tauri-apps/plugin-dialog";
import { appConfigDir, join } from "@tauri-apps/api/path";
import { load, type Store } from "@tauri-apps/plugin-store";
import { Channel } from "@tauri-apps/api/core";
import { BOOK_EXTENSIONS, IMAGE_EXTENSIONS, type DeviceMemory, type DeviceReport, type EngineStats, type ErrorPayload, type ModelInfo, type ModelListing, type OpenedLocation } from "./bindings";
import { commands, describeError, unwrap } from "./api";
import { bindKeys } from "./app/keys";
import { Upscaler } from "./app/upscaler";
import { renderBooksPanel } from "./panels/books-panel";
import { ExportPanel } from "./panels/export-panel";
import { CachePanel } from "./panels/cache-panel";
import { renderGpuPanel } from "./panels/gpu-panel";
import { renderSettingsPanel } from "./panels/settings-panel";
import { Library } from "./state/library";
import * as reading from "./state/reading";
import { Latest } from "./state/requests";
import { DEFAULT_SETTINGS, normalizeSettings, settingsKey, toUpscaleOptions, usableModel, withModel, type FitMode, type Settings } from "./state/settings";
import { describeProgress, statusLine } from "./state/status";
import { Thumbnails } from "./viewer/thumbnails";
import { Viewer } from "./viewer/viewer";

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const PANELS = ["settings", "gpu", "cache", "books", "export"] as const;
type PanelName = (typeof PANELS)[number];
const FIT_LABELS: Record<FitMode, string> = { page: "Fit page", width: "Fit width", height: "Fit height" };

class App {
  private location: OpenedLocation | null = null;
  private index = 0;
  private sizes = new Map<number, reading.PageSize>();
  /** Pages that cannot be shown, and why: damaged, or above the limits. */
  private problems = new Map<number, ErrorPayload>();
  private settings: Settings = DEFAULT_SETTINGS;
  private upscaling = false;
  private showingOriginal = false;
  private comparing = false;
  private report: DeviceReport | null = null;
  private memory: DeviceMemory[] | null = null;
  private stats: EngineStats | null = null;
  private engineError: string | null = null;
  private models: ModelInfo[] = [];
  private listing: ModelListing | null = null;
  private store: Store | null = null;
  private library = new Library(null);
  private opening = new Latest();
  /** At the last page, "next" once shows the next book; a second "next" opens it. */
  private offeringNextBook = false;
  private lastWheel = 0;

  private readonly viewer = new Viewer(
    byId("stage"),
    byId("canvas"),
    [
      { box: byId("slot-1"), original: byId<HTMLImageElement>("original"), upscaled: byId<HTMLImageElement>("upscaled") },
      { box: byId("slot-2"), original: byId<HTMLImageElement>("original-2"), upscaled: byId<HTMLImageElement>("upscaled-2") },
    ],
    byId("compare-handle"),
    byId("zoom-level"),
  );
  private readonly thumbnails = new Thumbnails(byId("thumbnails"), (i) => this.show(i));
  private readonly cachePanel = new CachePanel(byId("panel-cache"), () => this.forgetResults());
  private readonly exportPanel = new ExportPanel(byId("panel-export"));
  private readonly upscaler = new Upscaler(
    (i) => this.location?.images[i]?.id,
    (i) => this.onUpscaleChange(i),
    () => this.onScreen(),
  );

  async start(): Promise<void> {
    this.bindControls();
    this.viewer.slots.forEach((slot, n) => slot.original.addEventListener("error", () => this.onOriginalFailed(n)));
    await unwrap(commands.initSrVulkanManager(""));
    await this.loadSettings();
    this.upscaling = this.settings.autoUpscale;
    this.applyReadingSettings();
    this.renderToolbar();
    void this.waitForEngine();
    const initial = await commands.getInitialLocation();
    if (initial) await this.openLocation(initial);
  }

  // ---- engine ----

  private async waitForEngine(): Promise<void> {
    try {
      this.report = await unwrap(commands.getEngineReport());
      this.useListing(await unwrap(commands.listModels()));
      await unwrap(commands.checkSrVulkanAvailability());
      const device = this.report.cpuMode ? "CPU mode" : this.report.deviceName;
      this.setEngineStatus(`Upscaler ready · ${device}`, false);
    } catch (e) {
      this.engineError = describeError(e);
      this.setEngineStatus(`Upscaling unavailable: ${this.engineError}`, true);
    }
    this.renderGpuPanel();
    this.renderSettings();
    document.body.dataset.engine = this.engineError ? "unavailable" : "ready";
    this.schedule();
  }

  /** Models as the engine lists them; the chosen one must still be usable. */
  private useListing(listing: ModelListing): void {
    this.listing = listing;
    this.models = listing.models;
    const model = usableModel(this.settings, this.models, this.report?.cpuMode ?? true);
    this.settings = model === this.settings.model ? this.settings : withModel(this.settings, model, this.models);
  }

  /** A new models folder, chosen in SRView's own dialog (or the default one): list what it
   *  holds, then show it in the panels. */
  private async changeModelsDir(useDefault: boolean): Promise<void> {
    if (!this.report) return;
    try {
      const listing = useDefault ? await unwrap(commands.setModelsFolder("")) : await unwrap(commands.chooseModelsFolder());
      if (!listing) return;
      this.useListing(listing);
    } catch (e) {
      this.showError(`Models folder: ${describeError(e)}`);
    }
    this.renderSettings();
    this.renderGpuPanel();
  }

  private setEngineStatus(text: string, bad: boolean): void {
    const node = byId("status-engine");
    node.textContent = text;
    node.title = text;
    node.classList.toggle("bad", bad);
  }

  private renderGpuPanel(): void {
    renderGpuPanel(byId("panel-gpu"), this.report, this.engineError, this.memory, this.stats, this.models, this.listing?.onnxruntime ?? null);
  }

  /** Live figures while the engine panel is open: pushed by the backend as requests finish. */
  private watchStats(): void {
    if (!this.report) return;
    const channel = new Channel<EngineStats>();
    channel.onmessage = (stats) => {
      this.stats = stats;
      if (!byId("panel-gpu").hidden) this.renderGpuPanel();
    };
    void commands.watchEngineStats(channel);
  }

  /** Device memory is read through Vulkan when the panel is first opened. */
  private async loadDeviceMemory(): Promise<void> {
    if (this.memory || !this.report) return;
    try {
      this.memory = await unwrap(commands.getDeviceMemory());
      this.renderGpuPanel();
    } catch (e) {
      console.warn("device memory unavailable", e);
    }
  }

  // ---- opening ----

  private async openLocation(path: string): Promise<void> {
    const ticket = this.opening.next();
    try {
      const opened = await unwrap(commands.openLocation(path));
      // A location opened after this one, while this one was being listed, wins.
      if (!this.opening.isLatest(ticket)) return;
      this.location = opened;
      this.upscaler.reset();
      this.sizes.clear();
      this.problems.clear();
      this.offeringNextBook = false;
      byId("error-banner").hidden = true;
      this.thumbnails.render(opened.images);
      byId("empty-hint").hidden = opened.images.length > 0;
      if (opened.images.length === 0) {
        byId("empty-hint").textContent = opened.books.length > 0 ? `${opened.title} holds ${opened.books.length} books: pick one in Books (B).` : `${opened.title} holds no images or books.`;
        this.viewer.showPages([], this.settings.direction);
        byId("page-counter").textContent = "0 / 0";
        if (opened.books.length > 0) this.openPanel("books");
        this.renderStatus();
        return;
      }
      const resume = opened.kind === "book" ? this.library.lastPage(opened.path, opened.images.length) : null;
      this.show(resume ?? opened.startIndex);
    } catch (e) {
      if (this.opening.isLatest(ticket)) this.showError(describeError(e));
    }
  }

  private async pickAndOpen(directory: boolean): Promise<void> {
    const filters = directory ? undefined : [{ name: "Images and books", extensions: [...IMAGE_EXTENSIONS, ...BOOK_EXTENSIONS] }];
    const picked = await open({ directory, multiple: false, filters });
    if (typeof picked === "string") await this.openLocation(picked);
  }

  /** Saves the page on screen, upscaled with the current settings, where the user picks. */
  private async saveAs(): Promise<void> {
    const image = this.location?.images[this.index];
    if (!image || !this.report) return;
    try {
      const target = await unwrap(commands.savePage(image.id, toUpscaleOptions(this.settings)));
      if (target) byId("status-text").textContent = `Saved ${target}`;
    } catch (e) {
      this.showError(`Could not save: ${describeError(e)}`);
    }
  }

  // ---- reading ----

  private get count(): number {
    return this.location?.images.length ?? 0;
  }

  private mode(): reading.ReadingMode {
    return { spread: this.settings.spread, direction: this.settings.direction, shift: this.settings.shift };
  }

  private onScreen(): number[] {
    return reading.groupAt(this.index, this.count, this.mode(), this.sizes);
  }

  private show(index: number): void {
    if (!this.location || this.count === 0) return;
    this.index = reading.groupAt(index, this.count, this.mode(), this.sizes)[0] ?? 0;
    this.offeringNextBook = false;
    byId("book-end").hidden = true;
    const group = this.onScreen();
    this.upscaler.leftScreen(group);
    const images = this.location.images;
    this.viewer.showPages(group.map((i) => images[i].url), this.settings.direction);
    for (const [slot, index] of group.entries()) {
      const result = this.upscaler.results.get(index);
      if (result && this.upscaling && !this.showingOriginal) this.viewer.showResult(slot, result.url);
    }
    this.thumbnails.select(group);
    const first = group[0] + 1;
    const last = group[group.length - 1] + 1;
    byId("page-counter").textContent = `${first === last ? first : `${first}–${last}`} / ${this.count}`;
    document.title = `${this.location.kind === "book" ? `${this.location.title} · ` : ""}${images[group[0]].name} — SRView`;
    if (this.location.kind === "book") {
      void this.library.remember({ path: this.location.path, title: this.location.title, page: this.index, pages: this.count });
    }
    void this.learnSizes();
    void this.checkPages(group);
    this.schedule();
  }

  /** Page sizes near the position, for spreads; the pairing is redone when they arrive. */
  private async learnSizes(): Promise<void> {
    const location = this.location;
    if (!location) return;
    const needed = reading.sizesNeeded(this.index, this.count, this.sizes);
    if (needed.length === 0) return;
    const ids = needed.map((i) => location.images[i].id);
    const infos = await unwrap(commands.getPageInfo(ids, false)).catch(() => []);
    if (location !== this.location) return;
    const before = this.onScreen().join();
    for (const info of infos) {
      const index = location.images.findIndex((image) => image.id === info.id);
      if (index >= 0 && info.width > 0) this.sizes.set(index, { width: info.width, height: info.height });
    }
    if (this.settings.spread && this.onScreen().join() !== before) this.show(this.index);
  }

  /** Says at once when a page on screen is damaged or too large, rather than showing an empty stage. */
  private async checkPages(group: number[]): Promise<void> {
    const location = this.location;
    if (!location) return;
    const unchecked = group.filter((i) => !this.problems.has(i));
    const infos = await unwrap(commands.getPageInfo(unchecked.map((i) => location.images[i].id), true)).catch(() => []);
    if (location !== this.location) return;
    for (const info of infos) {
      const index = location.images.findIndex((image) => image.id === info.id);
      if (index >= 0 && info.problem) this.problems.set(index, info.problem);
    }
    this.renderStatus();
  }

  private onOriginalFailed(slot: number): void {
    const index = this.onScreen()[slot];
    if (index === undefined || !this.viewer.slots[slot].original.getAttribute("src")) return;
    if (!this.problems.has(index)) this.problems.set(index, { kind: "not_an_image", message: "it is not an image that can be shown" });
    this.renderStatus();
  }

  private step(direction: 1 | -1): void {
    if (this.count === 0) return;
    const target =
      direction > 0 ? reading.nextGroup(this.index, this.count, this.mode(), this.sizes) : reading.previousGroup(this.index, this.count, this.mode(), this.sizes);
    if (target !== null) {
      this.show(target);
      return;
    }
    const next = direction > 0 ? this.location?.nextBook : null;
    if (!next) return;
    if (this.offeringNextBook) {
      void this.openLocation(next.path);
      return;
    }
    this.offeringNextBook = true;
    const banner = byId("book-end");
    banner.textContent = `End of ${this.location?.title}. Next book: ${next.name} — go on to open it.`;
    banner.hidden = false;
  }

  private arrow(key: "ArrowLeft" | "ArrowRight"): void {
    this.step(reading.arrowStep(key, this.settings.direction));
  }

  private applyReadingSettings(): void {
    this.viewer.setFitMode(this.settings.fit, this.settings.enlargeSmall);
    byId("zoom-fit").textContent = FIT_LABELS[this.settings.fit];
    const rtl = this.settings.direction === "rtl";
    byId("toggle-direction").textContent = rtl ? "R→L" : "L→R";
    byId("toggle-direction").title = `Reading ${rtl ? "right to left (manga)" : "left to right"}: click or press R to change`;
    byId("toggle-spread").setAttribute("aria-pressed", String(this.settings.spread));
  }

  /** Applies new settings. The settings panel is redrawn only for changes made elsewhere
   *  (keys, toolbar), never under the reader's cursor. */
  private updateSettings(next: Settings, fromPanel = false): void {
    const resultsChange = settingsKey(next) !== settingsKey(this.settings);
    this.settings = normalizeSettings(next);
    void this.store?.set("settings", this.settings);
    if (resultsChange) this.forgetResults();
    this.applyReadingSettings();
    if (!fromPanel) this.renderSettings();
    if (this.count > 0) this.show(this.index);
  }

  // ---- upscaling ----

  private schedule(): void {
    document.body.dataset.pending = String(this.upscaler.pending);
    if (!this.upscaling || this.count === 0 || this.engineError || !this.report) {
      this.renderStatus();
      return;
    }
    const group = this.onScreen().filter((i) => !this.problems.has(i));
    this.upscaler.schedule(group, reading.ahead(this.onScreen(), this.count, this.settings.preloadCount), this.settings);
    document.body.dataset.pending = String(this.upscaler.pending);
    this.renderStatus();
  }

  private onUpscaleChange(index: number): void {
    const group = this.onScreen();
    const slot = group.indexOf(index);
    const result = this.upscaler.results.get(index);
    if (slot >= 0 && result && this.upscaling && !this.showingOriginal) this.viewer.showResult(slot, result.url);
    // Once the pages on screen are done, their preloads may start.
    if (slot >= 0) this.schedule();
    document.body.dataset.pending = String(this.upscaler.pending);
    if (slot >= 0) this.renderStatus();
  }

  /** After a cache cleanup or a settings change, results must be asked for again. */
  private forgetResults(): void {
    this.upscaler.reset();
    if (this.count > 0) this.show(this.index);
  }

  private toggleUpscaling(): void {
    if (this.engineError) {
      this.showError(`Upscaling is unavailable: ${this.engineError}`);
      return;
    }
    this.upscaling = !this.upscaling;
    if (!this.upscaling) {
      this.upscaler.stop();
      if (this.count > 0) this.show(this.index);
    }
    this.renderToolbar();
    this.schedule();
  }

  // ---- status ----

  private renderProgress(): void {
    const bar = byId("progress");
    const index = this.onScreen().find((i) => this.upscaler.progress.get(i)?.phase === "computing");
    const progress = index !== undefined && this.upscaling ? this.upscaler.progress.get(index) : undefined;
    const tiled = !!progress && progress.total > 1;
    bar.hidden = !tiled;
    if (!progress || !tiled) return;
    bar.dataset.done = String(progress.done);
    bar.dataset.total = String(progress.total);
    byId("progress-fill").style.width = `${(100 * progress.done) / progress.total}%`;
    const label = describeProgress({ ...progress, secondsLeft: this.secondsLeft(progress) });
    byId("progress-label").textContent = label.charAt(0).toUpperCase() + label.slice(1);
  }

  private secondsLeft(progress: { done: number; total: number; since: number }): number | null {
    if (progress.done === 0) return null;
    const elapsed = (performance.now() - progress.since) / 1000;
    return (elapsed / progress.done) * (progress.total - progress.done);
  }

  private renderStatus(): void {
    this.renderProgress();
    const status = byId("status-text");
    const banner = byId("error-banner");
    const index = this.onScreen()[0];
    const image = index !== undefined ? this.location?.images[index] : undefined;
    if (!image) {
      status.textContent = "";
      return;
    }
    const result = this.upscaler.results.get(index);
    const progress = this.upscaler.progress.get(index);
    const line = statusLine({
      name: image.name,
      upscaling: this.upscaling,
      model: result?.model ?? this.settings.model,
      problem: this.problems.get(index),
      failure: this.upscaler.failures.get(index),
      skipped: this.upscaler.skipped.get(index),
      progress: progress ? { ...progress, secondsLeft: this.secondsLeft(progress) } : undefined,
      result: result && {
        computedNow: this.upscaler.computedOnScreen.has(index),
        sourceWidth: result.sourceWidth,
        sourceHeight: result.sourceHeight,
        width: result.width,
        height: result.height,
        format: result.format,
        bytes: result.bytes,
        computeMs: result.timings.computeMs ?? 0,
      },
      waitingForEngine: !this.report,
    });
    status.textContent = line.text;
    status.title = line.text;
    status.classList.toggle("bad", line.bad);
    if (line.source) status.dataset.source = line.source;
    else delete status.dataset.source;
    const problem = this.problems.get(index) ?? this.upscaler.failures.get(index);
    banner.hidden = !problem;
    banner.textContent = problem ? line.text : "";
  }

  private showError(message: string): void {
    const banner = byId("error-banner");
    banner.textContent = message;
    banner.hidden = false;
  }

  private renderToolbar(): void {
    byId("toggle-upscale").setAttribute("aria-pressed", String(this.upscaling));
    byId("toggle-original").setAttribute("aria-pressed", String(this.showingOriginal));
    byId("toggle-compare").setAttribute("aria-pressed", String(this.comparing));
  }

  // ---- settings and panels ----

  private async loadSettings(): Promise<void> {
    try {
      // Settings live where the desktop keeps them: $XDG_CONFIG_HOME/dev.srview.app.
      this.store = await load(await join(await appConfigDir(), "settings.json"), { autoSave: 200, defaults: {} });
      this.settings = normalizeSettings(await this.store.get("settings"));
      this.library = new Library(this.store);
      await this.library.load();
    } catch (e) {
      console.warn("settings store unavailable", e);
    }
  }

  private renderSettings(): void {
    const folder = {
      dir: this.listing?.modelsDir ?? null,
      problem: this.listing?.modelsDirProblem?.message ?? null,
      choose: () => void this.changeModelsDir(false),
      useDefault: () => void this.changeModelsDir(true),
    };
    renderSettingsPanel(byId("panel-settings"), this.settings, this.models, this.report?.cpuMode ?? true, folder, (next) => this.updateSettings(next, true));
  }

  private renderBooks(): void {
    const here = this.location && this.location.books.length > 0 ? { title: this.location.kind === "book" ? "this folder" : this.location.title, books: this.location.books } : null;
    renderBooksPanel(byId("panel-books"), here, this.library.recent(), (path) => {
      this.closePanels();
      void this.openLocation(path);
    });
  }

  private openPanel(name: PanelName): void {
    if (byId(`panel-${name}`).hidden) this.togglePanel(name);
  }

  private togglePanel(name: PanelName): void {
    const engineWasOpen = !byId("panel-gpu").hidden;
    for (const other of PANELS) {
      const panel = byId(`panel-${other}`);
      panel.hidden = other === name ? !panel.hidden : true;
    }
    if (engineWasOpen && byId("panel-gpu").hidden) void commands.unwatchEngineStats();
    if (byId(`panel-${name}`).hidden) return;
    if (name === "cache") void this.cachePanel.refresh();
    if (name === "gpu") {
      void this.loadDeviceMemory();
      this.watchStats();
    }
    if (name === "books") this.renderBooks();
    if (name === "export") void this.exportPanel.render(this.location, this.settings);
  }

  private closePanels(): void {
    if (!byId("panel-gpu").hidden) void commands.unwatchEngineStats();
    for (const name of PANELS) byId(`panel-${name}`).hidden = true;
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  }

  // ---- input ----

  private bindControls(): void {
    // Panels open just below the toolbar, however many rows it wraps to.
    const toolbar = byId("toolbar");
    new ResizeObserver(() => document.documentElement.style.setProperty("--toolbar-bottom", `${toolbar.getBoundingClientRect().bottom}px`)).observe(toolbar);
    const click = (id: string, action: () => void) => byId(id).addEventListener("click", action);
    click("open-file", () => void this.pickAndOpen(false));
    click("open-folder", () => void this.pickAndOpen(true));
    click("open-books", () => this.togglePanel("books"));
    click("save-upscaled", () => void this.saveAs());
    click("open-export", () => this.togglePanel("export"));
    click("prev", () => this.step(-1));
    click("next", () => this.step(1));
    click("toggle-upscale", () => this.toggleUpscaling());
    click("toggle-original", () => this.toggleOriginal());
    click("toggle-compare", () => this.toggleCompare());
    click("toggle-spread", () => this.updateSettings({ ...this.settings, spread: !this.settings.spread }));
    click("toggle-direction", () => this.updateSettings({ ...this.settings, direction: this.settings.direction === "rtl" ? "ltr" : "rtl" }));
    click("zoom-fit", () => this.cycleFit());
    click("zoom-actual", () => this.viewer.actualSize());
    click("zoom-in", () => this.viewer.zoomBy(1));
    click("zoom-out", () => this.viewer.zoomBy(-1));
    click("open-settings", () => this.togglePanel("settings"));
    click("open-gpu", () => this.togglePanel("gpu"));
    click("open-cache", () => this.togglePanel("cache"));
    click("book-end", () => this.step(1));

    bindKeys(window, {
      ArrowLeft: () => this.arrow("ArrowLeft"),
      ArrowRight: () => this.arrow("ArrowRight"),
      Home: () => this.show(0),
      End: () => this.show(reading.lastGroup(this.count, this.mode(), this.sizes)),
      u: () => this.toggleUpscaling(),
      o: () => this.toggleOriginal(),
      c: () => this.toggleCompare(),
      f: () => this.cycleFit(),
      d: () => this.updateSettings({ ...this.settings, spread: !this.settings.spread }),
      r: () => this.updateSettings({ ...this.settings, direction: this.settings.direction === "rtl" ? "ltr" : "rtl" }),
      "1": () => this.viewer.actualSize(),
      "+": () => this.viewer.zoomBy(1),
      "=": () => this.viewer.zoomBy(1),
      "-": () => this.viewer.zoomBy(-1),
      t: () => this.thumbnails.toggle(),
      s: () => this.togglePanel("settings"),
      g: () => this.togglePanel("gpu"),
      k: () => this.togglePanel("cache"),
      b: () => this.togglePanel("books"),
      e: () => this.togglePanel("export"),
      Escape: () => this.closePanels(),
      "Ctrl+o": () => void this.pickAndOpen(false),
      "Ctrl+s": () => void this.saveAs(),
      // The same way out as the window's close button: the running tile finishes, then SRView leaves.
      "Ctrl+q": () => void getCurrentWindow().close(),
    });

    byId("stage").addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        if (e.ctrlKey) {
          const rect = byId("stage").getBoundingClientRect();
          this.viewer.zoomBy(e.deltaY < 0 ? 1 : -1, { x: e.clientX - rect.left, y: e.clientY - rect.top });
          return;
        }
        const now = performance.now();
        if (now - this.lastWheel < 250 || Math.abs(e.deltaY) < 4) return;
        this.lastWheel = now;
        this.step(e.deltaY > 0 ? 1 : -1);
      },
      { passive: false },
    );

    void getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop" && event.payload.paths.length > 0) void this.openLocation(event.payload.paths[0]);
    });
  }

  private cycleFit(): void {
    const order: FitMode[] = ["page", "width", "height"];
    const next = order[(order.indexOf(this.settings.fit) + 1) % order.length];
    this.updateSettings({ ...this.settings, fit: next });
  }

  private toggleOriginal(): void {
    this.showingOriginal = !this.showingOriginal;
    this.viewer.setShowUpscaled(!this.showingOriginal);
    this.renderToolbar();
  }

  private toggleCompare(): void {
    this.comparing = !this.comparing;
    this.viewer.setComparing(this.comparing);
    this.renderToolbar();
  }
}

void new App().start().catch((e) => {
  const banner = byId("error-banner");
  banner.textContent = `SRView could not start: ${describeError(e)}`;
  banner.hidden = false;
});
