// Every call into Tauri, in one place: the commands (through the generated bindings), the
// channels they report on, and the plugins (dialogs, the settings store, the window). A failed
// command throws its {kind, message}. Controllers take the parts they use as interfaces, so
// their tests pass fakes.
import { Channel } from "@tauri-apps/api/core";
import { appConfigDir, join } from "@tauri-apps/api/path";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { open } from "@tauri-apps/plugin-dialog";
import { load } from "@tauri-apps/plugin-store";
import {
  commands,
  type BatchSummary,
  type CacheStats,
  type CleanReport,
  type TileOrder,
  type DeviceMemory,
  type DeviceReport,
  type EngineStats,
  type ErrorPayload,
  type ExportEvent,
  type ExportLayout,
  type ExportRequest,
  type ModelListing,
  type ModelSpeeds,
  type OpenedLocation,
  type PageInfo,
  type ShelfBook,
  type Priority,
  type SkipRules,
  type UpscaledImage,
  type UpscaleOptions,
  type UpscaleProgress,
  type ModelRules_Deserialize,
} from "./bindings";
import { describeErrorPayload } from "./i18n/errors";
import { t } from "./i18n/i18n";
import type { KeyValueStore } from "./state/library";

export class CommandError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorPayload };

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (e) {
    // Framework-level failures (bad arguments, denied permissions) reject with a string.
    throw new CommandError("ipc", String(e));
  }
  if (result.status === "error") throw new CommandError(result.error.kind, result.error.message);
  return result.data;
}

export function describeError(error: unknown): string {
  if (error instanceof CommandError) return describeErrorPayload(error.kind, error.message);
  if (error instanceof Error) return error.message;
  return String(error);
}

function channel<T>(onMessage: (message: T) => void): Channel<T> {
  const c = new Channel<T>();
  c.onmessage = onMessage;
  return c;
}

export interface EngineApi {
  start(): Promise<void>;
  report(): Promise<DeviceReport>;
  listModels(): Promise<ModelListing>;
  /** Resolves once the engine is up, or throws why it is not. */
  available(): Promise<void>;
  /** `null` when the reader cancelled the dialog. */
  chooseModelsFolder(): Promise<ModelListing | null>;
  useDefaultModelsFolder(): Promise<ModelListing>;
  deviceMemory(): Promise<DeviceMemory[]>;
  watchStats(onStats: (stats: EngineStats) => void): void;
  unwatchStats(): void;
}

export interface ModelsApi {
  /** The models' speeds on this device, now and as they are measured. */
  watchSpeeds(onSpeeds: (speeds: ModelSpeeds) => void): void;
  /** `chosen` if it runs here, else the best model that keeps up (core's rule). */
  defaultModel(chosen: string | null, keepUpSeconds: number): Promise<string | null>;
  /** Creates the default models folder if needed; its path. */
  openModelsFolder(): Promise<string>;
}

export interface PagesApi {
  getInitialLocation(): Promise<string | null>;
  open(path: string): Promise<OpenedLocation>;
  /** Sizes, and with `check` why a page cannot be shown. */
  info(ids: number[], check: boolean): Promise<PageInfo[]>;
  /** The size pages are shown at, in device pixels (0: no bound on that side): PDF pages that
   *  are not one image are rendered to fit it. */
  setRenderSize(width: number, height: number): Promise<void>;
  /** Asks where, then saves; the path, or null if cancelled. */
  saveAs(id: number, options: UpscaleOptions): Promise<string | null>;
  /** The pages among `ids` whose results for `options` are in the cache already. */
  cached(ids: number[], options: UpscaleOptions, modelRules: ModelRules_Deserialize | null): Promise<number[]>;
}

export interface UpscaleApi {
  /** `modelRules`: with the model "auto", the rules that choose the page's model and scale. */
  upscale(request: { requestId: string; pageId: number; options: UpscaleOptions; priority: Priority; skip: SkipRules; modelRules: ModelRules_Deserialize | null; tileOrder: TileOrder }, onProgress: (message: UpscaleProgress) => void): Promise<UpscaledImage>;
  cancel(requestIds: string[]): void;
}

export interface CacheApi {
  stats(): Promise<CacheStats>;
  cleanup(maxAgeDays: number): Promise<number>;
  clear(): Promise<CleanReport>;
  /** Sets the lasting size cap (null lifts it); it is applied at once and after every write. */
  setCap(maxMegabytes: number | null): Promise<CleanReport>;
}

export interface ExportApi {
  destination(source: string, layout: ExportLayout, options: UpscaleOptions): Promise<string>;
  chooseFolder(): Promise<string | null>;
  start(request: ExportRequest, onEvent: (event: ExportEvent) => void): Promise<BatchSummary>;
  cancel(): void;
}

export interface ShelfApi {
  /** The books beside an opened location, as they are now, with their covers. */
  books(location: string): Promise<ShelfBook[]>;
}

export interface DesktopApi {
  /** A file or folder from the native dialog, or null. */
  pick(directory: boolean, extensions: string[]): Promise<string | null>;
  /** Where settings live: $XDG_CONFIG_HOME/dev.srview.app/settings.json. */
  settingsStore(): Promise<KeyValueStore>;
  closeWindow(): void;
  setFullscreen(on: boolean): Promise<void>;
  onDrop(open: (path: string) => void): void;
}

export const engineApi: EngineApi = {
  start: async () => void (await unwrap(commands.initSrVulkanManager(""))),
  report: () => unwrap(commands.getEngineReport()),
  listModels: () => unwrap(commands.listModels()),
  available: async () => void (await unwrap(commands.checkSrVulkanAvailability())),
  chooseModelsFolder: () => unwrap(commands.chooseModelsFolder()),
  useDefaultModelsFolder: () => unwrap(commands.setModelsFolder("")),
  deviceMemory: () => unwrap(commands.getDeviceMemory()),
  watchStats: (onStats) => void commands.watchEngineStats(channel(onStats)),
  unwatchStats: () => void commands.unwatchEngineStats(),
};

export const modelsApi: ModelsApi = {
  watchSpeeds: (onSpeeds) => void commands.watchModelSpeeds(channel(onSpeeds)),
  defaultModel: (chosen, keepUpSeconds) => unwrap(commands.chooseDefaultModel(chosen, keepUpSeconds)),
  openModelsFolder: () => unwrap(commands.openModelsFolder()),
};

export const pagesApi: PagesApi = {
  getInitialLocation: () => commands.getInitialLocation(),
  open: (path) => unwrap(commands.openLocation(path)),
  info: (ids, check) => unwrap(commands.getPageInfo(ids, check)),
  setRenderSize: (width, height) => unwrap(commands.setRenderSize(width, height)).then(() => {}),
  saveAs: (id, options) => unwrap(commands.savePage(id, options)),
  cached: (ids, options, modelRules) => unwrap(commands.getCachedPages(ids, options, modelRules)),
};

export const upscaleApi: UpscaleApi = {
  upscale: (r, onProgress) => unwrap(commands.upscalePage(r.requestId, r.pageId, r.options, r.priority, r.skip, r.modelRules, r.tileOrder, channel(onProgress))),
  cancel: (requestIds) => void commands.cancelUpscales(requestIds),
};

export const cacheApi: CacheApi = {
  stats: () => unwrap(commands.getSrVulkanCacheStats()),
  cleanup: (days) => unwrap(commands.cleanupSrVulkanCache(days)),
  clear: () => unwrap(commands.clearCache()),
  setCap: (megabytes) => unwrap(commands.setCacheCap(megabytes)),
};

export const exportApi: ExportApi = {
  destination: (source, layout, options) => unwrap(commands.getExportDestination(source, layout, options)),
  chooseFolder: () => unwrap(commands.chooseExportFolder()),
  start: (request, onEvent) => unwrap(commands.startExport(request, channel(onEvent))),
  cancel: () => void commands.cancelExport(),
};

export const shelfApi: ShelfApi = {
  books: (location) => unwrap(commands.listShelf(location)),
};

export const desktopApi: DesktopApi = {
  pick: async (directory, extensions) => {
    const filters = directory ? undefined : [{ name: t("dialog.imagesAndBooks"), extensions }];
    const picked = await open({ directory, multiple: false, filters });
    return typeof picked === "string" ? picked : null;
  },
  settingsStore: async () => load(await join(await appConfigDir(), "settings.json"), { autoSave: 200, defaults: {} }),
  closeWindow: () => void getCurrentWindow().close(),
  setFullscreen: (on) => getCurrentWindow().setFullscreen(on),
  onDrop: (openPath) =>
    void getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop" && event.payload.paths.length > 0) openPath(event.payload.paths[0]);
    }),
};
