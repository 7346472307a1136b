// Model names as people read them, grouped by family with what each is good for.
import type { ModelInfo } from "../bindings";

export const FAMILY_NAMES: Record<string, { name: string; goodFor: string }> = {
  waifu2x: { name: "waifu2x", goodFor: "anime, manga and line art" },
  realcugan: { name: "Real-CUGAN", goodFor: "anime and manga, sharper lines" },
  realesrgan: { name: "Real-ESRGAN", goodFor: "photos and general images" },
  realsr: { name: "RealSR", goodFor: "photos and old scans" },
  custom: { name: "Custom", goodFor: "your own ONNX models and plugins" },
};

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
  const family = FAMILY_NAMES[parts[0].toLowerCase()]?.name ?? parts[0].toLowerCase();
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
  if (name.startsWith(CUSTOM_PREFIX)) return `${name.slice(CUSTOM_PREFIX.length)} (custom)`;
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
      const group = groups.get("custom") ?? { family: "custom", label: `Custom — ${FAMILY_NAMES.custom.goodFor}`, models: [] };
      const runs = model.custom.provider ? `${model.name} on ${model.custom.provider}` : model.name;
      group.models.push({ name: model.name, label: customLabel(model), disabled: false, note: "", hint: runs });
      groups.set("custom", group);
      continue;
    }
    const family = FAMILY_NAMES[model.family] ?? { name: model.family, goodFor: "" };
    const group = groups.get(model.family) ?? { family: model.family, label: `${family.name} — ${family.goodFor}`, models: [] };
    const notes: string[] = [];
    if (!model.installed) notes.push("not installed");
    if (cpuMode && !model.runsOnCpu) notes.push("needs a GPU");
    const m = describeModel(model.name);
    const label = [`${m.family} ${m.variant}`, `${m.scale}×`, m.noise].filter(Boolean).join(" · ");
    const hint = model.installed ? model.name : `${model.name}: ${model.installHint}`;
    group.models.push({ name: model.name, label, disabled: notes.length > 0, note: notes.join("; "), hint });
    groups.set(model.family, group);
  }
  return [...groups.values()];
}
