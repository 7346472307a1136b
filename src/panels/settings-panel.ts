// Upscale settings: model picker by family, scale, tile, TTA, format, preload and skip rules.
import type { ModelInfo } from "../bindings";
import { groupModels, type Settings } from "../state/settings";
import { el } from "./dom";

function select(id: string, options: [string, string][], value: string): HTMLSelectElement {
  const node = el("select", { id });
  for (const [v, label] of options) node.append(el("option", { value: v, selected: v === value }, label));
  return node;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return el("label", {}, text, control);
}

export function renderSettingsPanel(
  panel: HTMLElement,
  settings: Settings,
  models: ModelInfo[],
  cpuMode: boolean,
  onChange: (next: Settings) => void,
): void {
  const model = el("select", { id: "setting-model" });
  for (const group of groupModels(models, cpuMode)) {
    const optgroup = el("optgroup", { label: group.family });
    for (const m of group.models) {
      const text = m.note ? `${m.label} — ${m.note}` : m.label;
      optgroup.append(el("option", { value: m.name, disabled: m.disabled, selected: m.name === settings.model }, text));
    }
    model.append(optgroup);
  }
  const scale = el("input", { id: "setting-scale", type: "number", min: "0.5", max: "16", step: "0.5", value: String(settings.scale) });
  const tile = select(
    "setting-tile",
    [["0", "auto (fastest for the device)"], ["64", "64"], ["100", "100"], ["200", "200"], ["400", "400"]],
    String(settings.tileSize),
  );
  const tta = el("input", { id: "setting-tta", type: "checkbox", checked: settings.tta });
  const format = select("setting-format", [["webp", "WebP"], ["png", "PNG"], ["jpg", "JPEG"]], settings.format);
  const auto = el("input", { id: "setting-auto", type: "checkbox", checked: settings.autoUpscale });
  const preload = el("input", { id: "setting-preload", type: "number", min: "0", max: "10", value: String(settings.preloadCount) });
  const maxMp = el("input", { id: "setting-max-mp", type: "number", min: "0.1", step: "0.5", value: String(settings.maxInputMegapixels) });
  const animated = select("setting-animated", [["skip", "show as they are"], ["upscale", "upscale (first frame kept in PNG/JPEG)"]], settings.animated);

  const read = (): Settings => ({
    autoUpscale: auto.checked,
    model: model.value,
    scale: Number(scale.value),
    tileSize: Number(tile.value),
    tta: tta.checked,
    format: format.value as Settings["format"],
    preloadCount: Number(preload.value),
    maxInputMegapixels: Number(maxMp.value),
    animated: animated.value as Settings["animated"],
  });
  for (const control of [model, scale, tile, tta, format, auto, preload, maxMp, animated]) {
    control.addEventListener("change", () => onChange(read()));
  }
  panel.replaceChildren(
    el("h2", {}, "Settings"),
    labelled("Upscale on open", auto),
    labelled("Model", model),
    labelled("Scale", scale),
    labelled("Tile size", tile),
    labelled("TTA (slower, finer)", tta),
    labelled("Format", format),
    labelled("Preload next", preload),
    labelled("Skip above (MP)", maxMp),
    labelled("Animated images", animated),
    el("p", { className: "note" }, "Changes apply to the next upscale; earlier results stay in the cache."),
  );
}
