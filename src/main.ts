// SRView's frontend: wires the viewer, the panels and the upscale queue to the commands.
import { Channel } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";
import { load, type Store } from "@tauri-apps/plugin-store";
import type { DeviceMemory, DeviceReport, ImageEntry, ModelInfo, Progress, UpscaledImage, UpscaleProgress } from "./bindings";
import { commands, CommandError, describeError, unwrap } from "./api";
import { CachePanel } from "./panels/cache-panel";
import { formatBytes } from "./panels/dom";
import { renderGpuPanel } from "./panels/gpu-panel";
import { renderSettingsPanel } from "./panels/settings-panel";
import { Latest, RequestTracker } from "./state/requests";
import { DEFAULT_SETTINGS, normalizeSettings, toSkipRules, toUpscaleOptions, usableModel, type Settings } from "./state/settings";
import { Thumbnails } from "./viewer/thumbnails";
import { Viewer } from "./viewer/viewer";

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** "3/12 tiles, about 20 s left" while a tiled page computes. */
function describeTiles(progress: Progress & { since: number }): string {
  if (progress.phase !== "computing" || progress.total < 2) return "";
  const elapsed = (performance.now() - progress.since) / 1000;
  const left = progress.done > 0 ? Math.round((elapsed / progress.done) * (progress.total - progress.done)) : null;
  return ` ${progress.done}/${progress.total} tiles${left !== null ? `, about ${left} s left` : ""}`;
}

const PHASE_TEXT: Record<string, string> = {
  cacheLookup: "looking in the cache",
  checking: "checking the image",
  queued: "queued",
  computing: "upscaling",
  writing: "saving",
  done: "done",
};

type PanelName = "settings" | "gpu" | "cache";

class App {
  private images: ImageEntry[] = [];
  private index = 0;
  private settings: Settings = DEFAULT_SETTINGS;
  private upscaling = false;
  private showingOriginal = false;
  private comparing = false;
  private report: DeviceReport | null = null;
  private memory: DeviceMemory[] | null = null;
  private engineError: string | null = null;
  private models: ModelInfo[] = [];
  private results = new Map<number, UpscaledImage>();
  /** The page whose result was computed while it was on screen; any other result shows as cached. */
  private computedOnScreen: number | null = null;
  private failures = new Map<number, string>();
  private skipped = new Map<number, string>();
  private progress = new Map<number, Progress & { since: number }>();
  private requests = new RequestTracker();
  private opening = new Latest();
  /** Bumped whenever the page list or the settings change, so stale replies are dropped. */
  private generation = 0;
  private store: Store | null = null;
  private lastWheel = 0;

  private readonly viewer = new Viewer(
    byId("stage"),
    byId("canvas"),
    byId<HTMLImageElement>("original"),
    byId<HTMLImageElement>("upscaled"),
    byId("compare-handle"),
    byId("zoom-level"),
  );
  private readonly thumbnails = new Thumbnails(byId("thumbnails"), (i) => this.show(i));
  private readonly cachePanel = new CachePanel(byId("panel-cache"), () => this.forgetResults());

  async start(): Promise<void> {
    this.bindControls();
    this.viewer.original.addEventListener("load", () => this.onOriginalLoaded());
    this.viewer.original.addEventListener("error", () => this.onOriginalFailed());
    await unwrap(commands.initSrVulkanManager(""));
    await this.loadSettings();
    this.upscaling = this.settings.autoUpscale;
    this.renderToolbar();
    void this.waitForEngine();
    const initial = await commands.initialLocation();
    if (initial) await this.openLocation(initial);
  }

  // ---- engine ----

  private async waitForEngine(): Promise<void> {
    try {
      this.report = await unwrap(commands.getEngineReport());
      this.models = (await unwrap(commands.listModels())).models;
      this.settings = { ...this.settings, model: usableModel(this.settings, this.models, this.report.cpuMode) };
      const device = this.report.cpuMode ? "CPU mode" : this.report.deviceName;
      this.setEngineStatus(`Upscaler ready · ${device} · sr_vulkan ${this.report.srVulkanVersion}`, false);
    } catch (e) {
      this.engineError = describeError(e);
      this.setEngineStatus(`Upscaling unavailable: ${this.engineError}`, true);
    }
    this.renderGpuPanel();
    this.renderSettings();
    document.body.dataset.engine = this.engineError ? "unavailable" : "ready";
    this.schedule();
  }

  private renderGpuPanel(): void {
    renderGpuPanel(byId("panel-gpu"), this.report, this.engineError, this.memory);
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

  private setEngineStatus(text: string, bad: boolean): void {
    const node = byId("status-engine");
    node.textContent = text;
    node.classList.toggle("bad", bad);
  }

  // ---- opening ----

  private async openLocation(path: string): Promise<void> {
    const ticket = this.opening.next();
    try {
      const opened = await unwrap(commands.openLocation(path));
      // A location opened after this one, while this one was being listed, wins.
      if (!this.opening.isLatest(ticket)) return;
      this.cancel(this.requests.forget());
      this.generation++;
      this.results.clear();
      this.failures.clear();
      this.skipped.clear();
      this.progress.clear();
      this.images = opened.images;
      this.thumbnails.render(this.images);
      byId("empty-hint").hidden = this.images.length > 0;
      this.show(opened.startIndex);
    } catch (e) {
      if (this.opening.isLatest(ticket)) this.showError(describeError(e));
    }
  }

  private async pickAndOpen(directory: boolean): Promise<void> {
    const picked = await open({ directory, multiple: false });
    if (typeof picked === "string") await this.openLocation(picked);
  }

  /** Saves the current page, upscaled with the current settings, to a file the user picks. */
  private async saveAs(): Promise<void> {
    const image = this.images[this.index];
    if (!image || !this.report) return;
    try {
      const target = await unwrap(commands.savePageAs(image.id, toUpscaleOptions(this.settings)));
      if (target) byId("status-text").textContent = `Saved ${target}`;
    } catch (e) {
      this.showError(`Could not save: ${describeError(e)}`);
    }
  }

  // ---- navigation ----

  private show(index: number): void {
    if (this.images.length === 0) return;
    this.index = Math.max(0, Math.min(this.images.length - 1, index));
    if (this.computedOnScreen !== this.index) this.computedOnScreen = null;
    const image = this.images[this.index];
    this.viewer.showOriginal(image.url);
    this.thumbnails.select(this.index);
    byId("page-counter").textContent = `${this.index + 1} / ${this.images.length}`;
    document.title = `${image.name} — SRView`;
    this.renderStatus();
  }

  private onOriginalLoaded(): void {
    this.failures.delete(this.index);
    this.schedule();
  }

  private onOriginalFailed(): void {
    const image = this.images[this.index];
    if (!image) return;
    if (!this.failures.has(this.index)) this.failures.set(this.index, `${image.name} cannot be shown: it is not a readable image.`);
    this.renderStatus();
    this.schedule();
  }

  // ---- upscaling ----

  private schedule(): void {
    this.updatePending();
    if (!this.upscaling || this.images.length === 0 || this.engineError || !this.report) {
      this.renderStatus();
      return;
    }
    // Preloads wait until the page on screen is done, so they never compete with it.
    const ahead: number[] = [];
    const onScreenDone = this.results.has(this.index) || this.skipped.has(this.index) || this.failures.has(this.index);
    for (let i = this.index + 1; onScreenDone && i < this.images.length && ahead.length < this.settings.preloadCount; i++) ahead.push(i);
    const plan = this.requests.plan([this.index], ahead.filter((i) => !this.skipped.has(i)));
    this.cancel(plan.cancel);
    for (const request of plan.start) void this.upscale(request.index, request.requestId, request.priority);
    const known = this.results.get(this.index);
    if (known && !this.showingOriginal) this.viewer.showResult(known.url);
    this.updatePending();
    this.renderStatus();
  }

  private async upscale(index: number, requestId: string, priority: "interactive" | "background"): Promise<void> {
    const generation = this.generation;
    const live = () => generation === this.generation && this.requests.isCurrent(index, requestId);
    const channel = new Channel<UpscaleProgress>();
    channel.onmessage = (message) => {
      if (!live()) return;
      const previous = this.progress.get(index);
      const since = message.progress.phase === "computing" && previous?.phase === "computing" ? previous.since : performance.now();
      this.progress.set(index, { ...message.progress, since });
      if (index === this.index) this.renderStatus();
    };
    let succeeded = false;
    try {
      const result = await unwrap(
        commands.upscaleToUrl(requestId, this.images[index].id, toUpscaleOptions(this.settings), priority, toSkipRules(this.settings), channel),
      );
      if (!live()) return;
      succeeded = true;
      this.results.set(index, result);
      if (index === this.index && !result.fromCache) this.computedOnScreen = index;
      this.failures.delete(index);
      if (index === this.index && this.upscaling) this.viewer.showResult(result.url);
    } catch (e) {
      if (!live() || (e instanceof CommandError && e.kind === "cancelled")) return;
      if (e instanceof CommandError && e.kind === "skipped") this.skipped.set(index, e.message.replace(/^not upscaled: /, ""));
      else this.failures.set(index, `${this.images[index].name}: ${describeError(e)}`);
    } finally {
      if (generation === this.generation && this.requests.finished(index, requestId, succeeded)) {
        this.progress.delete(index);
        this.updatePending();
        // The page on screen is done: its preloads may start now.
        if (index === this.index) this.schedule();
      }
    }
  }

  private cancel(ids: string[]): void {
    if (ids.length > 0) void commands.cancelUpscale(ids);
  }

  /** After a cache cleanup or a settings change, results must be asked for again. */
  private forgetResults(): void {
    this.cancel(this.requests.forget());
    this.generation++;
    this.results.clear();
    this.skipped.clear();
    this.progress.clear();
    this.updatePending();
    if (this.upscaling) this.viewer.showOriginal(this.images[this.index]?.url ?? "");
  }

  private toggleUpscaling(): void {
    if (this.engineError) {
      this.showError(`Upscaling is unavailable: ${this.engineError}`);
      return;
    }
    this.upscaling = !this.upscaling;
    if (!this.upscaling) {
      this.cancel(this.requests.forget());
      this.generation++;
      this.progress.clear();
      if (this.images.length) this.viewer.showOriginal(this.images[this.index].url);
    }
    this.renderToolbar();
    this.schedule();
  }

  private updatePending(): void {
    document.body.dataset.pending = String(this.requests.pending);
  }

  // ---- status ----

  /** The bar over the stage while the page on screen computes in tiles. */
  private renderProgress(): void {
    const bar = byId("progress");
    const progress = this.upscaling ? this.progress.get(this.index) : undefined;
    const tiled = progress && progress.total > 1 && !this.results.has(this.index);
    bar.hidden = !tiled;
    if (!progress || !tiled) return;
    bar.dataset.done = String(progress.done);
    bar.dataset.total = String(progress.total);
    byId("progress-fill").style.width = `${(100 * progress.done) / progress.total}%`;
    byId("progress-label").textContent = `Upscaling ${describeTiles(progress).trim()}`;
  }

  private renderStatus(): void {
    this.renderProgress();
    const status = byId("status-text");
    const banner = byId("error-banner");
    status.classList.remove("bad");
    delete status.dataset.source;
    const failure = this.failures.get(this.index);
    banner.hidden = !failure;
    banner.textContent = failure ?? "";
    const image = this.images[this.index];
    if (!image) {
      status.textContent = "";
      return;
    }
    if (failure) {
      status.textContent = failure;
      status.classList.add("bad");
      return;
    }
    if (!this.upscaling) {
      status.textContent = `${image.name} · original · press U to upscale`;
      return;
    }
    const skip = this.skipped.get(this.index);
    const result = this.results.get(this.index);
    const progress = this.progress.get(this.index);
    if (progress && !result) {
      status.textContent = `${image.name} · ${PHASE_TEXT[progress.phase] ?? progress.phase}${describeTiles(progress)}…`;
    } else if (result) {
      const t = result.timings;
      const ms = (v: number | null) => `${Math.round(v ?? 0)} ms`;
      const computed = !result.fromCache && this.computedOnScreen === this.index;
      const source = computed ? "computed" : "from cache";
      status.dataset.source = computed ? "computed" : "cache";
      status.textContent =
        `${image.name} · ${source} · ${result.sourceWidth}×${result.sourceHeight} → ${result.width}×${result.height} ${result.format} ${formatBytes(result.bytes)}` +
        (!computed
          ? ""
          : ` · queue ${ms(t.queueWaitMs)} · compute ${ms(t.computeMs)} · write ${ms(t.writeMs)} · total ${ms(t.totalMs)}`);
    } else if (skip) {
      status.textContent = `${image.name} · not upscaled: ${skip}`;
    } else {
      status.textContent = `${image.name} · waiting for the upscaler…`;
    }
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

  // ---- settings ----

  private async loadSettings(): Promise<void> {
    try {
      this.store = await load("settings.json", { autoSave: 200, defaults: {} });
      this.settings = normalizeSettings(await this.store.get("settings"));
    } catch (e) {
      console.warn("settings store unavailable", e);
    }
  }

  private renderSettings(): void {
    renderSettingsPanel(byId("panel-settings"), this.settings, this.models, this.report?.cpuMode ?? true, (next) => {
      const normalized = normalizeSettings(next);
      this.settings = normalized;
      void this.store?.set("settings", normalized);
      this.forgetResults();
      this.schedule();
    });
  }

  // ---- panels and input ----

  private togglePanel(name: PanelName): void {
    for (const other of ["settings", "gpu", "cache"] as PanelName[]) {
      const panel = byId(`panel-${other}`);
      panel.hidden = other === name ? !panel.hidden : true;
    }
    if (name === "cache" && !byId("panel-cache").hidden) void this.cachePanel.refresh();
    if (name === "gpu" && !byId("panel-gpu").hidden) void this.loadDeviceMemory();
  }

  private bindControls(): void {
    const click = (id: string, action: () => void) => byId(id).addEventListener("click", action);
    click("open-file", () => void this.pickAndOpen(false));
    click("open-folder", () => void this.pickAndOpen(true));
    click("save-upscaled", () => void this.saveAs());
    click("prev", () => this.show(this.index - 1));
    click("next", () => this.show(this.index + 1));
    click("toggle-upscale", () => this.toggleUpscaling());
    click("toggle-original", () => this.toggleOriginal());
    click("toggle-compare", () => this.toggleCompare());
    click("zoom-fit", () => this.viewer.fit());
    click("zoom-actual", () => this.viewer.actualSize());
    click("zoom-in", () => this.viewer.zoomBy(1));
    click("zoom-out", () => this.viewer.zoomBy(-1));
    click("open-settings", () => this.togglePanel("settings"));
    click("open-gpu", () => this.togglePanel("gpu"));
    click("open-cache", () => this.togglePanel("cache"));

    window.addEventListener("keydown", (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const keys: Record<string, () => void> = {
        ArrowLeft: () => this.show(this.index - 1),
        ArrowRight: () => this.show(this.index + 1),
        Home: () => this.show(0),
        End: () => this.show(this.images.length - 1),
        u: () => this.toggleUpscaling(),
        o: () => this.toggleOriginal(),
        c: () => this.toggleCompare(),
        f: () => this.viewer.fit(),
        "1": () => this.viewer.actualSize(),
        "+": () => this.viewer.zoomBy(1),
        "=": () => this.viewer.zoomBy(1),
        "-": () => this.viewer.zoomBy(-1),
        t: () => this.thumbnails.toggle(),
        s: () => this.togglePanel("settings"),
        g: () => this.togglePanel("gpu"),
        k: () => this.togglePanel("cache"),
        Escape: () => ["settings", "gpu", "cache"].forEach((p) => (byId(`panel-${p}`).hidden = true)),
      };
      if (e.ctrlKey && (e.key === "o" || e.key === "s")) {
        e.preventDefault();
        void (e.key === "o" ? this.pickAndOpen(false) : this.saveAs());
        return;
      }
      const action = keys[e.key.length === 1 ? e.key.toLowerCase() : e.key];
      if (action && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        action();
      }
    });

    byId("stage").addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        if (e.ctrlKey) {
          this.viewer.zoomBy(e.deltaY < 0 ? 1 : -1);
          return;
        }
        const now = performance.now();
        if (now - this.lastWheel < 250 || Math.abs(e.deltaY) < 4) return;
        this.lastWheel = now;
        this.show(this.index + (e.deltaY > 0 ? 1 : -1));
      },
      { passive: false },
    );

    void getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop" && event.payload.paths.length > 0) void this.openLocation(event.payload.paths[0]);
    });
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
