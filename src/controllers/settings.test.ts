import { describe, expect, it } from "vitest";
import { INITIAL_STATE, type AppState } from "../app/state";
import { Store } from "../app/store";
import type { KeyValueStore } from "../state/library";
import { settle } from "../testing/fakes";
import { SettingsController } from "./settings";

function memoryStore(entries: Record<string, unknown> = {}): KeyValueStore & { entries: Record<string, unknown> } {
  return {
    entries,
    get: async <T>(key: string) => entries[key] as T | undefined,
    set: async (key, value) => void (entries[key] = value),
  };
}

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

  it("starts upscaling whatever was left when Upscale on open is set", async () => {
    const store = await start(memoryStore({ settings: { autoUpscale: true }, upscaling: false }));
    expect(store.state.upscale.on).toBe(true);
  });
});
