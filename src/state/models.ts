// Model names as people read them, grouped by family with what each is good for.
import type { ModelInfo, ModelSpeeds } from "../bindings";
import { AUTO_MODEL } from "./rules";
import { t } from "../i18n/i18n";
import { capitalize } from "./text";

/** What the picker and the status line call the model "auto". */
export const autoLabel = (): string => t("models.auto");

/** The families' names (proper names, not translated). */
export const FAMILY_NAMES: Record<string, string> = {
  waifu2x: "waifu2x",
  realcugan: "Real-CUGAN",
  realesrgan: "Real-ESRGAN",
  realsr: "RealSR",
};

/** What a family is good at, in a line. */
function familyGoodFor(family: string): string {
  return t(`models.family.${family}`, { defaultValue: "" });
}

export const CUSTOM_PREFIX = "custom:";

const VARIANTS: Record<string, string> = {
  CUNET: "CUNet",
  ANIME: "anime (UpConv7)",
  PHOTO: "photo (UpConv7)",
  PRO: "pro",
  SE: "standard",
  DF2K: "DF2K",
  ANIMAVIDEOV3: "anime video v3",
  X4PLUS: "x4plus",
  X4PLUSANIME: "x4plus anime",
};

export interface ModelLabel {
  family: string;
  variant: string;
  scale: number;
  /** "denoise 2", "conservative", or "". */
  noise: string;
}

/** Reads `WAIFU2X_CUNET_UP2X_DENOISE1X` as waifu2x · CUNet · 2× · denoise 1. */
export function describeModel(name: string): ModelLabel {
  const parts = name.replace(/_TTA$/, "").split("_");
  const family = FAMILY_NAMES[parts[0].toLowerCase()] ?? parts[0].toLowerCase();
  const scalePart = parts.find((p) => /^UP\dX$/.test(p));
  const scale = scalePart ? Number(scalePart[2]) : 1;
  const variant = parts.slice(1, parts.indexOf(scalePart ?? "")).map((p) => VARIANTS[p] ?? p.toLowerCase()).join(" ");
  const rest = parts.slice(parts.indexOf(scalePart ?? "") + 1);
  const denoise = rest.find((p) => /^DENOISE\dX$/.test(p));
  const noise = denoise ? `denoise ${denoise[7]}` : rest.includes("CONSERVATIVE") ? "conservative" : "";
  return { family, variant, scale, noise };
}

/** "waifu2x CUNet 2×", or "d2s-2x.onnx (custom)": what the status line calls a model. */
export function modelShortName(name: string): string {
  if (name === AUTO_MODEL) return autoLabel();
  if (name.startsWith(CUSTOM_PREFIX)) return t("models.custom", { name: name.slice(CUSTOM_PREFIX.length) });
  const m = describeModel(name);
  return [m.family, m.variant, `${m.scale}×`].filter(Boolean).join(" ");
}

/** "waifu2x CUNet 1.5×": the model at the scale pages are upscaled to, which may not be its own. */
export function modelWithScale(name: string, scale: number): string {
  const own = modelShortName(name);
  if (name.startsWith(CUSTOM_PREFIX)) return `${own} ${scale}×`;
  const m = describeModel(name);
  return m.scale === scale ? own : [m.family, m.variant, `${scale}×`].filter(Boolean).join(" ");
}

/** The model's own scale: from its name, or for a custom model from what loading it measured. */
export function nativeScale(name: string, models: ModelInfo[] = []): number {
  if (name === AUTO_MODEL) return 2; // the rules choose each page's scale
  if (name.startsWith(CUSTOM_PREFIX)) return models.find((m) => m.name === name)?.nativeScale ?? 2;
  return describeModel(name).scale;
}

export interface ModelGroup {
  family: string;
  label: string;
  // `hint`: the model's name, and how to install it when it is missing (shown on hover).
  models: { name: string; label: string; disabled: boolean; note: string; hint: string }[];
}

/** "d2s-2x.onnx · 2×" or "Nearest neighbour (numpy) · 2×, 3×, 4×". */
function customLabel(model: ModelInfo): string {
  const custom = model.custom;
  const name = custom?.label ?? model.name.slice(CUSTOM_PREFIX.length);
  return `${name} · ${(custom?.scales ?? [model.nativeScale]).map((s) => `${s}×`).join(", ")}`;
}

/** Models grouped by family, TTA twins folded into the TTA checkbox, unusable ones marked.
 *  Broken custom models are left out (the engine panel says why). */
export function groupModels(models: ModelInfo[], cpuMode: boolean): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const model of models) {
    if (model.tta) continue;
    if (model.custom) {
      if (model.custom.problem) continue;
      const group = groups.get("custom") ?? { family: "custom", label: `${t("models.customFamily")} — ${familyGoodFor("custom")}`, models: [] };
      const runs = model.custom.provider ? t("models.runsOn", { name: model.name, provider: model.custom.provider }) : model.name;
      group.models.push({ name: model.name, label: customLabel(model), disabled: false, note: "", hint: runs });
      groups.set("custom", group);
      continue;
    }
    const family = FAMILY_NAMES[model.family] ?? model.family;
    const group = groups.get(model.family) ?? { family: model.family, label: `${family} — ${familyGoodFor(model.family)}`, models: [] };
    const notes: string[] = [];
    if (!model.installed) notes.push(t("models.notInstalled"));
    if (cpuMode && !model.runsOnCpu) notes.push(t("models.needsGpu"));
    const m = describeModel(model.name);
    const label = [`${m.family} ${m.variant}`, `${m.scale}×`, m.noise].filter(Boolean).join(" · ");
    const hint = model.installed ? model.name : `${model.name}: ${model.installHint}`;
    group.models.push({ name: model.name, label, disabled: notes.length > 0, note: notes.join("; "), hint });
    groups.set(model.family, group);
  }
  return [...groups.values()];
}

// ---- The model picker: human names, what each is good at, and its speed on this device ----

/** What each network is good at, in a line (quality order: Real-CUGAN > waifu2x CUNet >
 *  waifu2x UpConv7, as in `models::speed` in core). */
const ABOUT: Record<string, string> = {
  "waifu2x CUNet": "models.about.cunet",
  "waifu2x anime (UpConv7)": "models.about.anime",
  "waifu2x photo (UpConv7)": "models.about.photo",
  "Real-CUGAN pro": "models.about.pro",
  "Real-CUGAN standard": "models.about.standard",
  "Real-ESRGAN anime video v3": "models.about.animeVideo",
  "Real-ESRGAN x4plus": "models.about.x4plus",
  "Real-ESRGAN x4plus anime": "models.about.x4plusAnime",
  "RealSR DF2K": "models.about.df2k",
};

/** "about 19 s per page", "under 1 s per page". */
export function speedText(seconds: number): string {
  if (seconds < 1) return t("models.underOneSecond");
  return t("models.aboutSeconds", { seconds: seconds < 10 ? Math.round(seconds * 2) / 2 : Math.round(seconds) });
}

/** The seconds a typical page takes with `name` on this device, if measured. */
export function pageSeconds(name: string, speeds: ModelSpeeds | null): number | null {
  return speeds?.speeds.find((s) => s.model === name)?.pageSeconds ?? null;
}

/** "waifu2x CUNet 2× · noise reduction 1", in words a reader knows; `compact` for the picker's
 *  own line ("waifu2x CUNet 2× · noise 1"). */
export function modelHumanName(name: string, models: ModelInfo[] = [], compact = false): string {
  if (name === AUTO_MODEL) return autoLabel();
  if (name.startsWith(CUSTOM_PREFIX)) {
    const model = models.find((m) => m.name === name);
    return model ? customLabel(model) : modelShortName(name);
  }
  const m = describeModel(name);
  const scale = m.scale === 1 ? t(compact ? "models.noiseOnlyCompact" : "models.noiseOnly") : `${m.scale}×`;
  const level = m.noise.startsWith("denoise") ? m.noise.slice(8) : null;
  const noise = level !== null ? t(compact ? "models.noiseCompact" : "models.noise", { level }) : m.noise === "conservative" ? t(compact ? "models.conservativeCompact" : "models.conservative") : "";
  return [`${m.family} ${m.variant} ${scale}`, noise].filter(Boolean).join(" · ");
}

/** What the model is good at, in a line. */
export function modelGoodFor(name: string, models: ModelInfo[] = []): string {
  if (name === AUTO_MODEL) return t("models.autoGoodFor");
  if (name.startsWith(CUSTOM_PREFIX)) return familyGoodFor("custom");
  const m = describeModel(name);
  const family = models.find((x) => x.name === name)?.family ?? name.split("_")[0].toLowerCase();
  const about = ABOUT[`${m.family} ${m.variant}`];
  return about ? t(about) : familyGoodFor(family);
}

/** How fast it is here: measured, being measured, or not. */
export function speedNote(name: string, speeds: ModelSpeeds | null): string {
  if (name === AUTO_MODEL) return t("models.autoSpeed");
  if (name.startsWith(CUSTOM_PREFIX)) return t("models.customSpeed");
  const seconds = pageSeconds(name, speeds);
  if (seconds !== null) return speedText(seconds);
  return t(speeds?.state === "measuring" || speeds?.state === "waiting" ? "models.measuring" : "models.notMeasuredYet");
}

export interface PickerEntry {
  name: string;
  /** The option's text: its human name and its speed. */
  text: string;
  /** The tooltip, in words. */
  title: string;
  disabled: boolean;
}

export interface PickerGroup {
  label: string;
  entries: PickerEntry[];
}

/** The model picker: `groupModels`' families, each model named in words with its speed here. */
export function pickerGroups(models: ModelInfo[], cpuMode: boolean, speeds: ModelSpeeds | null): PickerGroup[] {
  return groupModels(models, cpuMode).map((group) => ({
    label: group.label,
    entries: group.models.map((m) => {
      const human = modelHumanName(m.name, models);
      const speed = m.disabled ? m.note : speedNote(m.name, speeds);
      const install = models.find((x) => x.name === m.name && !x.installed)?.installHint;
      const title = [
        t("models.pickerTitle", { human, goodFor: modelGoodFor(m.name, models) }),
        m.disabled ? t("models.cannotUse", { note: m.note }) : t("models.onThisDevice", { speed: capitalize(speed) }),
        install ? t("models.addWith", { hint: install }) : "",
      ]
        .filter(Boolean)
        .join(" ");
      // The option's line stays short: a model that needs a GPU says only that (its tooltip says all).
      const perPage = t("models.perPage");
      const short =
        m.disabled && m.note.includes(t("models.needsGpu")) ? t("models.needsGpu") : m.name.startsWith(CUSTOM_PREFIX) ? t("models.notMeasured") : perPage && speed.endsWith(perPage) ? speed.slice(0, -perPage.length) : speed;
      return { name: m.name, text: `${modelHumanName(m.name, models, true)} — ${short}`, title, disabled: m.disabled };
    }),
  }));
}
