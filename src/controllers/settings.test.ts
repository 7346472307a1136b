import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import { Library, type KeyValueStore } from "../state/library";
import { location, memoryStore, settle } from "../testing/fakes";
import { ReadingController } from "./reading";
import { SettingsController } from "./settings";

async function start(saved: KeyValueStore) {
  const store = new Store<AppState>(INITIAL_STATE);
  await new SettingsController(store, saved).load();
  return store;
}

describe("SettingsController", () => {
  it("keeps upscaling (U) on or off across restarts", async () => {
    const saved = memoryStore();
    let store = await start(saved);
    expect(store.state.upscale.on).toBe(false);
    store.update((s) => ({ upscale: { ...s.upscale, on: true } }));
    await settle();
    expect(saved.entries.upscaling).toBe(true);

    store = await start(saved);
    expect(store.state.upscale.on).toBe(true);
    store.update((s) => ({ upscale: { ...s.upscale, on: false } }));
    await settle();
    store = await start(saved);
    expect(store.state.upscale.on).toBe(false);
  });

  it("saves Show AI tiles as they finish with the other settings", async () => {
    const saved = memoryStore();
    let store = await start(saved);
    expect(store.state.settings.showTiles).toBe(true);
    new SettingsController(store, saved).changeDefaults({ ...store.state.settings, showTiles: false });
    store = await start(saved);
    expect(store.state.settings.showTiles).toBe(false);
  });

  it("starts upscaling whatever was left when Upscale on open is set", async () => {
    const store = await start(memoryStore({ settings: { autoUpscale: true }, upscaling: false }));
    expect(store.state.upscale.on).toBe(true);
  });
});

describe("per-book settings", () => {
  const book = (path: string, ids = [1, 2, 3, 4, 5, 6]) => location(ids, { path, kind: "book", title: path });

  /** The settings controller beside a reader, as the app wires them. */
  async function reader(saved: KeyValueStore, library = new Library(saved)) {
    const store = new Store<AppState>(INITIAL_STATE);
    const settings = new SettingsController(store, saved);
    await settings.load();
    await library.load();
    const reading = new ReadingController(store, { info: async () => [] }, library, () => {});
    return { store, settings, reading };
  }

  it("the toolbar and keys change the open book's own values, kept for it; another book opens with the defaults", async () => {
    const saved = memoryStore({ settings: { direction: "ltr", spread: false } });
    const { store, settings, reading } = await reader(saved);
    reading.open(book("/a.cbz"));
    settings.toggleSpread();
    settings.toggleDirection();
    settings.cycleFit();
    expect(store.state.settings).toMatchObject({ spread: true, direction: "rtl", fit: "width" });
    expect(store.state.reading.onScreen).toEqual([1, 2]);
    await settle();
    expect(saved.entries.bookSettings).toEqual({ "/a.cbz": { spread: true, direction: "rtl" } });
    // The defaults are not changed by a book; what is not per book (fit) is.
    expect(saved.entries.settings).toMatchObject({ spread: false, direction: "ltr", fit: "width" });

    reading.open(book("/b.cbz"));
    expect(store.state.settings).toMatchObject({ spread: false, direction: "ltr", fit: "width" });
    expect(store.state.book.own).toEqual({});
    reading.open(book("/a.cbz"));
    expect(store.state.settings).toMatchObject({ spread: true, direction: "rtl" });
  });

  it("a book reopens after a restart with its own values, on the page it was left at", async () => {
    const saved = memoryStore();
    const first = await reader(saved);
    first.reading.open(book("/a.cbz"));
    first.settings.toggleSpread();
    first.reading.showIndex(4);
    expect(first.store.state.reading.onScreen).toEqual([5, 6]);
    await settle();

    const again = await reader(saved);
    again.reading.open(book("/a.cbz"));
    expect(again.store.state.settings.spread).toBe(true);
    // Opening with its own spread did not first show (and remember) page 1.
    expect(again.store.state.reading.onScreen).toEqual([5, 6]);
    again.reading.open(book("/b.cbz"));
    expect(again.store.state.settings.spread).toBe(false);
  });

  it("Settings edits the defaults: books without their own follow them, a book's own values stay", async () => {
    const saved = memoryStore({ bookSettings: { "/a.cbz": { direction: "rtl" } } });
    const { store, settings, reading } = await reader(saved);
    reading.open(book("/a.cbz"));
    expect(store.state.settings.direction).toBe("rtl");
    settings.changeDefaults({ ...store.state.settings, direction: "ltr", spread: true });
    expect(store.state.settings).toMatchObject({ direction: "rtl", spread: true });
    expect(store.state.book.defaults).toMatchObject({ direction: "ltr", spread: true });
    await settle();
    expect(saved.entries.settings).toMatchObject({ direction: "ltr", spread: true });
    expect(saved.entries.bookSettings).toEqual({ "/a.cbz": { direction: "rtl" } });
    reading.open(book("/b.cbz"));
    expect(store.state.settings).toMatchObject({ direction: "ltr", spread: true });
  });

  it("with nothing open, the keys change the defaults", async () => {
    const saved = memoryStore();
    const { store, settings } = await reader(saved);
    settings.toggleDirection();
    expect(store.state.book.defaults.direction).toBe("rtl");
    await settle();
    expect(saved.entries.settings).toMatchObject({ direction: "rtl" });
    expect(saved.entries.bookSettings).toBeUndefined();
  });

  it("a stored book's bad values are dropped and follow the defaults", async () => {
    const saved = memoryStore({ settings: { direction: "rtl" }, bookSettings: { "/a.cbz": { direction: "up", spread: true, readingMode: 4 }, "/b.cbz": "strip" } });
    const { store, reading } = await reader(saved);
    reading.open(book("/a.cbz"));
    expect(store.state.book.own).toEqual({ spread: true });
    expect(store.state.settings).toMatchObject({ direction: "rtl", spread: true, readingMode: "pages" });
    reading.open(book("/b.cbz"));
    expect(store.state.book.own).toEqual({});
  });
});
