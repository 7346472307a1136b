// Model names as people read them, grouped by family with what each is good for.
import type { ModelInfo } from "../bindings";

export const FAMILY_NAMES: Record<string, { name: string; goodFor: string }> = {
  waifu2x: { name: "waifu2x", goodFor: "anime, manga and line art" },
  realcugan: { name: "Real-CUGAN", goodFor: "anime and manga, sharper lines" },
  realesrgan: { name: "Real-ESRGAN", goodFor: "photos and general images" },
  realsr: { name: "RealSR", goodFor: "photos and old scans" },
};

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

/** "waifu2x CUNet 2×": what the status line calls a model. */
export function modelShortName(name: string): string {
  const m = describeModel(name);
  return [m.family, m.variant, `${m.scale}×`].filter(Boolean).join(" ");
}

/** The model's own scale, from its name. */
export function nativeScale(name: string): number {
  return describeModel(name).scale;
}

export interface ModelGroup {
  family: string;
  label: string;
  // `hint`: the model's name, and how to install it when it is missing (shown on hover).
  models: { name: string; label: string; disabled: boolean; note: string; hint: string }[];
}

/** Models grouped by family, TTA twins folded into the TTA checkbox, unusable ones marked. */
export function groupModels(models: ModelInfo[], cpuMode: boolean): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const model of models) {
    if (model.tta) continue;
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
