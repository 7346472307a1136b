// Upscale and reading settings: defaults, validation of persisted values, and what the engine
// receives.
import { OUTPUT_FORMATS, type ModelInfo, type ModelRules_Deserialize, type OutputFormat_Serialize, type SkipRules, type UpscaleOptions } from "../bindings";
import { nativeScale } from "./models";
import { defaultRules, isAuto, normalizeRules, toModelRules, type ModelRule } from "./rules";
import type { Direction } from "./reading";
import { LANGUAGE_CHOICES, type LanguageChoice } from "../i18n/i18n";

export type AnimatedPolicy = "skip" | "upscale";
export type OutputFormat = OutputFormat_Serialize;
export type FitMode = "page" | "width" | "height";
/** Single pages or spreads, or every page stacked in one continuous vertical strip. */
export type ReadingMode = "pages" | "strip";
/** How a page is enlarged until its upscaled image shows: the browser's own (bilinear), or a
 *  sharp filter drawn on the GPU (viewer/preview). */
export type PreviewFilter = "off" | "lanczos" | "edge";
export const PREVIEW_FILTERS: PreviewFilter[] = ["edge", "lanczos", "off"];

export interface Settings {
  autoUpscale: boolean;
  model: string;
  scale: number;
  /** The user set the scale; otherwise it follows the model's own scale. */
  scaleChosen: boolean;
  tileSize: number;
  tta: boolean;
  format: OutputFormat;
  /** Screens after the one shown to upscale in the background (a spread is one screen). */
  preloadCount: number;
  /** No upscaling above this many megapixels of input. */
  maxInputMegapixels: number;
  animated: AnimatedPolicy;
  spread: boolean;
  direction: Direction;
  /** Pair pages from the second one: for books with a single cover. */
  shift: boolean;
  fit: FitMode;
  /** Fit may blow small images up; off by default. */
  enlargeSmall: boolean;
  /** The wheel always turns pages, rather than scrolling a page taller than the window. */
  wheelTurnsPages: boolean;
  /** The user picked the model; otherwise it is the best one that keeps up on this device. */
  modelChosen: boolean;
  /** A model keeps up with reading when a typical page takes at most this many seconds. */
  keepUpSeconds: number;
  readingMode: ReadingMode;
  /** The strip's pages at most this wide, in CSS pixels (0: the window's width). */
  stripMaxWidth: number;
  /** Pixels between the strip's pages. */
  stripGap: number;
  /** With the model "auto": the rules that choose each page's model and scale, first match wins. */
  modelRules: ModelRule[];
  /** The interface's language; "auto" follows the system locale. */
  language: LanguageChoice;
  previewFilter: PreviewFilter;
  /** Sharpening of the edge preview filter, 0 to 1. */
  previewSharpness: number;
  /** A page computed in tiles shows each AI tile as it finishes (off: the preview until the
   *  finished page). */
  showTiles: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  autoUpscale: false,
  // Fast until this device's speeds are measured; then the best that keeps up (models controller).
  model: "WAIFU2X_ANIME_UP2X",
  scale: 2,
  scaleChosen: false,
  tileSize: 0,
  tta: false,
  format: "webp",
  preloadCount: 1,
  maxInputMegapixels: 8,
  animated: "skip",
  spread: false,
  direction: "ltr",
  shift: false,
  fit: "page",
  enlargeSmall: false,
  wheelTurnsPages: false,
  modelChosen: false,
  keepUpSeconds: 10,
  readingMode: "pages",
  stripMaxWidth: 0,
  stripGap: 0,
  modelRules: defaultRules(),
  language: "auto",
  // Closer to the AI result than Lanczos-3 on every page measured, and a little crisper (docs/preview.md).
  previewFilter: "edge",
  previewSharpness: 0.25,
  showTiles: true,
};

/** The default model before SRView chose by speed: saved as it was, it was never the user's choice. */
const OLD_DEFAULT_MODEL = "WAIFU2X_CUNET_UP2X";

const FITS: FitMode[] = ["page", "width", "height"];

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

const bool = (value: unknown, fallback: boolean) => (typeof value === "boolean" ? value : fallback);

/** Accepts whatever the store held and returns valid settings, keeping what was valid. */
export function normalizeSettings(raw: unknown): Settings {
  const input = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  const model = typeof input.model === "string" && input.model.trim() !== "" ? input.model : d.model;
  const scaleChosen = bool(input.scaleChosen, typeof input.scale === "number" && input.scale !== nativeScale(model));
  return {
    autoUpscale: bool(input.autoUpscale, d.autoUpscale),
    model,
    scale: scaleChosen ? numberIn(input.scale, 0.1, 16, d.scale) : nativeScale(model),
    scaleChosen,
    tileSize: input.tileSize === 0 ? 0 : numberIn(input.tileSize, 32, 4096, d.tileSize),
    tta: bool(input.tta, d.tta),
    format: (OUTPUT_FORMATS as readonly string[]).includes(input.format as string) ? (input.format as OutputFormat) : d.format,
    preloadCount: Math.round(numberIn(input.preloadCount, 0, 10, d.preloadCount)),
    maxInputMegapixels: numberIn(input.maxInputMegapixels, 0.1, 500, d.maxInputMegapixels),
    animated: input.animated === "upscale" ? "upscale" : "skip",
    spread: bool(input.spread, d.spread),
    direction: input.direction === "rtl" ? "rtl" : "ltr",
    shift: bool(input.shift, d.shift),
    fit: FITS.includes(input.fit as FitMode) ? (input.fit as FitMode) : d.fit,
    enlargeSmall: bool(input.enlargeSmall, d.enlargeSmall),
    wheelTurnsPages: bool(input.wheelTurnsPages, d.wheelTurnsPages),
    modelChosen: bool(input.modelChosen, model !== d.model && model !== OLD_DEFAULT_MODEL),
    keepUpSeconds: numberIn(input.keepUpSeconds, 1, 600, d.keepUpSeconds),
    readingMode: input.readingMode === "strip" ? "strip" : "pages",
    stripMaxWidth: Math.round(numberIn(input.stripMaxWidth, 0, 20000, d.stripMaxWidth)),
    stripGap: Math.round(numberIn(input.stripGap, 0, 500, d.stripGap)),
    modelRules: normalizeRules(input.modelRules),
    language: LANGUAGE_CHOICES.includes(input.language as LanguageChoice) ? (input.language as LanguageChoice) : d.language,
    previewFilter: PREVIEW_FILTERS.includes(input.previewFilter as PreviewFilter) ? (input.previewFilter as PreviewFilter) : d.previewFilter,
    previewSharpness: numberIn(input.previewSharpness, 0, 1, d.previewSharpness),
    showTiles: bool(input.showTiles, d.showTiles),
  };
}

/** Picks a usable model when the saved one is missing or cannot run here. */
export function usableModel(settings: Settings, models: ModelInfo[], cpuMode: boolean): string {
  const runs = (m: ModelInfo) => m.installed && (!cpuMode || m.runsOnCpu) && !m.tta;
  if (isAuto(settings.model)) return settings.model;
  if (models.some((m) => m.name === settings.model && runs(m))) return settings.model;
  return models.find(runs)?.name ?? settings.model;
}

/** A new model: the scale follows it unless the user chose one. */
export function withModel(settings: Settings, model: string, models: ModelInfo[] = []): Settings {
  return { ...settings, model, scale: settings.scaleChosen ? settings.scale : nativeScale(model, models) };
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

/** With the model "auto": the rules and the height they upscale towards; otherwise none. */
export function toRequestRules(settings: Settings, targetHeight: () => number): ModelRules_Deserialize | null {
  return isAuto(settings.model) ? toModelRules(settings.modelRules, targetHeight()) : null;
}

/** The rules under which a page is not upscaled; the engine applies them to every page. */
export function toSkipRules(settings: Settings): SkipRules {
  return { maxPixels: Math.round(settings.maxInputMegapixels * 1e6), animated: settings.animated === "skip" };
}

/** A key that changes whenever the upscaled result would. */
export function settingsKey(settings: Settings): string {
  const rules = isAuto(settings.model) ? JSON.stringify(settings.modelRules) : "";
  return [settings.model, settings.scale, settings.tileSize, settings.tta, settings.format, settings.maxInputMegapixels, settings.animated, rules].join("|");
}
