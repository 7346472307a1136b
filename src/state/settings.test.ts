import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../bindings";
import {
  DEFAULT_SETTINGS,
  withModel,
  normalizeSettings,
  settingsKey,
  toSkipRules,
  toUpscaleOptions,
  usableModel,
} from "./settings";

function model(name: string, family: ModelInfo["family"], extra: Partial<ModelInfo> = {}): ModelInfo {
  return {
    name,
    index: 0,
    family,
    nativeScale: 2,
    tta: name.endsWith("_TTA"),
    variantOf: null,
    package: `sr-vulkan-model-${family}`,
    installed: true,
    runsOnCpu: family !== "realesrgan",
    ...extra,
  } as ModelInfo;
}

describe("settings", () => {
  it("falls back to defaults for missing or nonsense stored values", () => {
    expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(normalizeSettings("garbage")).toEqual(DEFAULT_SETTINGS);
    const odd = normalizeSettings({ scale: -3, tileSize: 7, format: "bmp", preloadCount: 99, model: "", animated: 1 });
    expect(odd.scale).toBe(DEFAULT_SETTINGS.scale);
    expect(odd.tileSize).toBe(DEFAULT_SETTINGS.tileSize);
    expect(odd.format).toBe("webp");
    expect(odd.preloadCount).toBe(DEFAULT_SETTINGS.preloadCount);
    expect(odd.model).toBe(DEFAULT_SETTINGS.model);
    expect(odd.animated).toBe("skip");
  });

  it("keeps valid stored values", () => {
    const kept = normalizeSettings({ scale: 3, tileSize: 200, format: "png", preloadCount: 4, tta: true, autoUpscale: true });
    expect(kept).toMatchObject({ scale: 3, tileSize: 200, format: "png", preloadCount: 4, tta: true, autoUpscale: true });
  });

  it("keeps the preview filter and its sharpening, and refuses others", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ previewFilter: "edge", previewSharpness: 0.25 });
    const saved = { ...DEFAULT_SETTINGS, previewFilter: "lanczos", previewSharpness: 0.8 };
    expect(normalizeSettings(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    expect(normalizeSettings({ previewFilter: "off" }).previewFilter).toBe("off");
    const odd = normalizeSettings({ previewFilter: "nearest", previewSharpness: 3 });
    expect(odd).toMatchObject({ previewFilter: DEFAULT_SETTINGS.previewFilter, previewSharpness: DEFAULT_SETTINGS.previewSharpness });
  });

  it("shows AI tiles as they finish by default, and keeps the choice across a save and load", () => {
    expect(DEFAULT_SETTINGS.showTiles).toBe(true);
    const saved = { ...DEFAULT_SETTINGS, showTiles: false };
    expect(normalizeSettings(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    expect(normalizeSettings({ showTiles: "no" }).showTiles).toBe(true);
    // Not part of what a result is: turning it off asks for nothing again.
    expect(settingsKey(saved)).toBe(settingsKey(DEFAULT_SETTINGS));
  });

  it("builds engine options and a key that follows them", () => {
    const options = toUpscaleOptions({ ...DEFAULT_SETTINGS, scale: 1.5, format: "png" });
    expect(options.size).toEqual({ mode: "scale", factor: 1.5 });
    expect(options.format).toBe("png");
    expect(settingsKey(DEFAULT_SETTINGS)).not.toBe(settingsKey({ ...DEFAULT_SETTINGS, tta: true }));
    expect(settingsKey(DEFAULT_SETTINGS)).toBe(settingsKey({ ...DEFAULT_SETTINGS, preloadCount: 5 }));
  });

  it("turns the skip settings into rules the engine applies to every page", () => {
    expect(toSkipRules(DEFAULT_SETTINGS)).toEqual({ maxPixels: 8_000_000, animated: true });
    expect(toSkipRules({ ...DEFAULT_SETTINGS, animated: "upscale", maxInputMegapixels: 0.5 })).toEqual({
      maxPixels: 500_000,
      animated: false,
    });
  });

  it("replaces a saved model that cannot run here", () => {
    const models = [model("REALESRGAN_X4PLUS_UP4X", "realesrgan"), model("WAIFU2X_CUNET_UP2X", "waifu2x")];
    expect(usableModel({ ...DEFAULT_SETTINGS, model: "REALESRGAN_X4PLUS_UP4X" }, models, true)).toBe("WAIFU2X_CUNET_UP2X");
    expect(usableModel({ ...DEFAULT_SETTINGS, model: "REALESRGAN_X4PLUS_UP4X" }, models, false)).toBe("REALESRGAN_X4PLUS_UP4X");
  });

  it("lets the scale follow the model until the user picks one", () => {
    const following = withModel(DEFAULT_SETTINGS, "REALCUGAN_SE_UP4X");
    expect(following.scale).toBe(4);
    const chosen = withModel({ ...DEFAULT_SETTINGS, scale: 1.5, scaleChosen: true }, "REALCUGAN_SE_UP4X");
    expect(chosen.scale).toBe(1.5);
    expect(normalizeSettings({ model: "REALCUGAN_SE_UP3X" }).scale).toBe(3);
  });

  it("keeps the reading settings", () => {
    const reading = normalizeSettings({ spread: true, direction: "rtl", shift: true, fit: "width", enlargeSmall: true, readingMode: "strip" });
    expect(reading).toMatchObject({ spread: true, direction: "rtl", shift: true, fit: "width", enlargeSmall: true, readingMode: "strip" });
    expect(normalizeSettings({ direction: "up", fit: "stretch", readingMode: "scroll" })).toMatchObject({ direction: "ltr", fit: "page", readingMode: "pages" });
    expect(normalizeSettings({ stripMaxWidth: 900.4, stripGap: 8 })).toMatchObject({ stripMaxWidth: 900, stripGap: 8 });
    expect(normalizeSettings({ stripMaxWidth: -5, stripGap: "wide" })).toMatchObject({ stripMaxWidth: 0, stripGap: 0 });
  });
});
