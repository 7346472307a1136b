// Test helpers: locations, a store in a given state, saved settings, and promises settled by the test.
import type { DeviceReport, ImageEntry, OpenedLocation, UpscaledImage } from "../bindings";
import type { KeyValueStore } from "../state/library";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";

export function location(ids: number[], extra: Partial<OpenedLocation> = {}): OpenedLocation {
  const images: ImageEntry[] = ids.map((id) => ({ id, name: `p${id}.png`, url: `page://${id}`, thumbnailUrl: `thumb://${id}`, animated: false }));
  return { kind: "folder", title: "pages", path: "/pages", images, startIndex: 0, books: [], previousBook: null, nextBook: null, ...extra };
}

/** Saved settings kept in memory; `entries` shows what was written. */
export function memoryStore(entries: Record<string, unknown> = {}): KeyValueStore & { entries: Record<string, unknown> } {
  return {
    entries,
    get: async <T>(key: string) => entries[key] as T | undefined,
    set: async (key: string, value: unknown) => void (entries[key] = value),
  };
}

/** A store with the engine ready (and upscaling on, unless said otherwise). */
export function readyStore(change: Partial<AppState> = {}): Store<AppState> {
  const report = { cpuMode: true, deviceName: "CPU" } as DeviceReport;
  return new Store<AppState>({
    ...INITIAL_STATE,
    engine: { ...INITIAL_STATE.engine, phase: "ready", report },
    upscale: { ...INITIAL_STATE.upscale, on: true },
    ...change,
  });
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((done) => setTimeout(done, 0));

export function result(page: number, fromCache = false): UpscaledImage {
  return {
    url: `upscaled://${page}`,
    width: 200,
    height: 200,
    sourceWidth: 100,
    sourceHeight: 100,
    bytes: 1000,
    format: "webp",
    model: "WAIFU2X_CUNET_UP2X",
    fromCache,
    tiles: 1,
    timings: {},
  } as UpscaledImage;
}
