// Settings: the model picker by family (each model in words, with what it is good at and its
// speed on this device), scale, tile, TTA, format, preload and skip rules, and how pages are read. A value that is not valid is marked as such and not applied; it is never
// silently put back.
import { OUTPUT_FORMATS, type ModelInfo, type ModelSpeeds } from "../bindings";
import { AUTO_LABEL, modelGoodFor, modelHumanName, pageSeconds, pickerGroups, speedNote, speedText } from "../state/models";
import { AUTO_MODEL, isAuto } from "../state/rules";
import { renderRulesEditor } from "./rules-editor";
import { withModel, type Settings } from "../state/settings";
import { el } from "./dom";
import { ID, errorIdOf } from "../ui/ids.js";
import type { DomId } from "../ui/dom";

const FORMAT_LABELS: Record<Settings["format"], string> = { webp: "WebP", png: "PNG", jpg: "JPEG" };

function select(id: DomId, options: [string, string][], value: string): HTMLSelectElement {
  const node = el("select", { id });
  for (const [v, label] of options) node.append(el("option", { value: v, selected: v === value }, label));
  return node;
}

function field(text: string, control: HTMLElement, error?: HTMLElement): HTMLElement[] {
  const label = el("label", {}, text, control);
  return error ? [label, error] : [label];
}

/** A number field that is applied only when valid; otherwise it says why. */
function numberField(id: DomId, value: number, min: number, max: number, step: string, apply: (v: number) => void) {
  const input = el("input", { id, type: "number", min: String(min), max: String(max), step, value: String(value) });
  const error = el("div", { className: "field-error", id: errorIdOf(id) });
  error.hidden = true;
  input.addEventListener("change", () => {
    const v = Number(input.value);
    const valid = input.value.trim() !== "" && Number.isFinite(v) && v >= min && v <= max;
    input.setAttribute("aria-invalid", String(!valid));
    error.hidden = valid;
    error.textContent = valid ? "" : `Enter a number from ${min} to ${max}.`;
    if (valid) apply(v);
  });
  return { input, error };
}

/** Where custom models are read from, why the folder cannot be read if it cannot, and how to
 *  change it: a folder is chosen in a native dialog that SRView opens, never typed in. */
export interface ModelsFolder {
  dir: string | null;
  problem: string | null;
  choose: () => void;
  useDefault: () => void;
  /** Creates the default folder if needed and shows its path. */
  open: () => void;
  /** The path shown to copy once opened. */
  opened: string | null;
}

/** Where measuring stands, in a line. */
function speedsLine(speeds: ModelSpeeds | null, cpuMode: boolean): string {
  const device = cpuMode ? "this computer's CPU" : "this GPU";
  const page = speeds ? `a ${speeds.pageWidth}×${speeds.pageHeight} page` : "a page";
  switch (speeds?.state) {
    case "waiting":
    case "measuring":
      return `Measuring each model on ${device}${speeds.total ? ` (${speeds.done} of ${speeds.total})` : ""}…`;
    case "measured":
      return `Times are for ${page} on ${device}${speeds.fromFile ? ", measured in an earlier run" : ""}.`;
    case "failed":
      return `Speeds could not be measured: ${speeds.problem ?? "unknown reason"}.`;
    default:
      return "Speeds are not measured in this run.";
  }
}

/** What the chosen model is good at, and whether it keeps up with reading here. */
function aboutLine(settings: Settings, models: ModelInfo[], speeds: ModelSpeeds | null): string {
  const seconds = pageSeconds(settings.model, speeds);
  const pace =
    seconds === null
      ? `Speed: ${speedNote(settings.model, speeds)}.`
      : `${speedText(seconds)[0].toUpperCase()}${speedText(seconds).slice(1)} here: ${seconds <= settings.keepUpSeconds ? "keeps up with reading" : `slower than the ${settings.keepUpSeconds} s that keeps up`}.`;
  const measured = speeds?.state === "measured";
  const keepsUp = seconds !== null && seconds <= settings.keepUpSeconds;
  const who = settings.modelChosen
    ? "Your choice."
    : !measured
      ? "Chosen by SRView: a fast model until this device's speeds are measured."
      : keepsUp
        ? "Chosen by SRView: the best model that keeps up on this device."
        : "Chosen by SRView: no model keeps up here, so the fastest.";
  return `${modelHumanName(settings.model, models)}: ${modelGoodFor(settings.model, models)}. ${pace} ${who}`;
}

export function renderSettingsPanel(
  panel: HTMLElement,
  settings: Settings,
  models: ModelInfo[],
  cpuMode: boolean,
  folder: ModelsFolder,
  onChange: (next: Settings) => void,
  speeds: ModelSpeeds | null = null,
  /** What the open book keeps of its own per-book settings, if anything. */
  bookNote: string | null = null,
): void {
  let current = settings;
  // The panel is not redrawn for its own changes: the guidance under the picker follows them here.
  const about = el("div", { className: "note", id: ID.settingModelAbout }, aboutLine(settings, models, speeds));
  const automatic = el("button", { id: ID.settingModelAuto, type: "button" }, "Use the best that keeps up");
  const automaticRow = el("div", { className: "row", hidden: !settings.modelChosen }, automatic);
  const change = (next: Settings) => {
    current = next;
    onChange(next);
    about.textContent = aboutLine(next, models, speeds);
    model.title = about.textContent;
    automaticRow.hidden = !next.modelChosen;
  };
  const model = el("select", { id: ID.settingModel });
  const groups = pickerGroups(models, cpuMode, speeds);
  model.append(el("option", { value: AUTO_MODEL, selected: isAuto(settings.model), title: "Each page gets the model of the first rule that matches it (see the rules below)" }, AUTO_LABEL));
  for (const group of groups) {
    const optgroup = el("optgroup", { label: group.label });
    for (const m of group.entries) {
      optgroup.append(el("option", { value: m.name, disabled: m.disabled, selected: m.name === settings.model, title: m.title }, m.text));
    }
    model.append(optgroup);
  }
  model.title = aboutLine(settings, models, speeds);
  const scale = numberField(ID.settingScale, settings.scale, 0.5, 16, "0.5", (v) => change({ ...current, scale: v, scaleChosen: true }));
  const rulesHost = el("div");
  renderRulesEditor(rulesHost, settings.modelRules, groups, (modelRules) => change({ ...current, modelRules }));
  const rules = el("details", { className: "rules-section", open: isAuto(settings.model) }, el("summary", {}, `Rules for “${AUTO_LABEL}”`), rulesHost);
  model.addEventListener("change", () => {
    const next = { ...withModel(current, model.value, models), modelChosen: true };
    scale.input.value = String(next.scale);
    if (isAuto(next.model)) rules.open = true;
    change(next);
  });
  const tile = select(
    ID.settingTile,
    [["0", "auto (fastest here)"], ["64", "64"], ["100", "100"], ["200", "200"], ["400", "400"]],
    String(settings.tileSize),
  );
  tile.addEventListener("change", () => change({ ...current, tileSize: Number(tile.value) }));
  const checkbox = (id: DomId, checked: boolean, apply: (on: boolean) => Settings) => {
    const box = el("input", { id, type: "checkbox", checked });
    box.addEventListener("change", () => change(apply(box.checked)));
    return box;
  };
  const format = select(ID.settingFormat, OUTPUT_FORMATS.map((f): [string, string] => [f, FORMAT_LABELS[f]]), settings.format);
  format.addEventListener("change", () => change({ ...current, format: format.value as Settings["format"] }));
  const preload = numberField(ID.settingPreload, settings.preloadCount, 0, 10, "1", (v) => change({ ...current, preloadCount: Math.round(v) }));
  preload.input.title = "Screens after this one upscaled in the background; a two-page spread is one screen";
  const maxMp = numberField(ID.settingMaxMp, settings.maxInputMegapixels, 0.1, 500, "0.5", (v) => change({ ...current, maxInputMegapixels: v }));
  const animated = select(ID.settingAnimated, [["skip", "show as they are"], ["upscale", "upscale (PNG/JPEG keep frame 1)"]], settings.animated);
  animated.addEventListener("change", () => change({ ...current, animated: animated.value as Settings["animated"] }));
  const keepUp = numberField(ID.settingKeepUp, settings.keepUpSeconds, 1, 600, "1", (v) => change({ ...current, keepUpSeconds: v }));
  automatic.addEventListener("click", () => change({ ...current, modelChosen: false }));
  const openDir = el("button", { id: ID.settingModelsDirOpen, type: "button" }, "Open models folder");
  openDir.addEventListener("click", folder.open);
  const chooseDir = el("button", { id: ID.settingModelsDirChoose, type: "button" }, "Choose…");
  chooseDir.addEventListener("click", folder.choose);
  const defaultDir = el("button", { id: ID.settingModelsDirDefault, type: "button" }, "Default");
  defaultDir.addEventListener("click", folder.useDefault);
  const modelsDir = el(
    "div",
    {},
    el("div", { id: ID.settingModelsDir, className: "path", title: folder.dir ?? "" }, folder.dir ?? "no folder"),
    el("div", { className: "row" }, openDir, chooseDir, defaultDir),
  );
  if (folder.opened !== null) {
    // No file manager opener in this build: the path is shown to copy.
    const path = el("input", { id: ID.settingModelsDirPath, type: "text", readOnly: true, value: folder.opened, title: "Copy this path into your file manager" });
    path.addEventListener("focus", () => path.select());
    modelsDir.append(el("div", { className: "note" }, "The folder is ready; copy its path:"), path);
  }
  const custom = models.filter((m) => m.custom);
  const usable = custom.filter((m) => !m.custom?.problem).length;
  const folderNote = folder.problem
    ? el("div", { className: "field-error", id: ID.settingModelsDirNote }, folder.problem)
    : el(
        "div",
        { className: "note", id: ID.settingModelsDirNote },
        `${usable} custom model${usable === 1 ? "" : "s"} in ${folder.dir ?? "no folder"}` +
          (custom.length > usable ? `; ${custom.length - usable} cannot be used (see Engine)` : "") +
          ". Put .onnx models and .py plugins there.",
      );
  const fit = select(ID.settingFit, [["page", "the page"], ["width", "the width"], ["height", "the height"]], settings.fit);
  fit.addEventListener("change", () => change({ ...current, fit: fit.value as Settings["fit"] }));
  const readingMode = select(ID.settingReadingMode, [["pages", "page by page"], ["strip", "vertical strip"]], settings.readingMode);
  readingMode.addEventListener("change", () => change({ ...current, readingMode: readingMode.value as Settings["readingMode"] }));
  const stripMaxWidth = numberField(ID.settingStripMaxWidth, settings.stripMaxWidth, 0, 20000, "50", (v) => change({ ...current, stripMaxWidth: Math.round(v) }));
  stripMaxWidth.input.title = "The strip's pages at most this wide; 0 fills the window's width";
  const stripGap = numberField(ID.settingStripGap, settings.stripGap, 0, 500, "1", (v) => change({ ...current, stripGap: Math.round(v) }));
  const direction = select(ID.settingDirection, [["ltr", "left to right"], ["rtl", "right to left (manga)"]], settings.direction);
  direction.addEventListener("change", () => change({ ...current, direction: direction.value as Settings["direction"] }));

  panel.replaceChildren(
    el("h2", {}, "Settings"),
    el("h3", {}, "Upscaling"),
    ...field("Upscale on open", checkbox(ID.settingAuto, settings.autoUpscale, (on) => ({ ...current, autoUpscale: on }))),
    el("label", { className: "wide" }, "Model", model),
    about,
    automaticRow,
    ...field("Keeps up at (s/page)", keepUp.input, keepUp.error),
    el("div", { className: "note", id: ID.settingSpeedsNote }, speedsLine(speeds, cpuMode)),
    rules,
    ...field("Scale", scale.input, scale.error),
    ...field("Tile size", tile),
    ...field("TTA (slower, finer)", checkbox(ID.settingTta, settings.tta, (on) => ({ ...current, tta: on }))),
    ...field("Format", format),
    ...field("Preload screens", preload.input, preload.error),
    ...field("Skip above (MP)", maxMp.input, maxMp.error),
    ...field("Animated images", animated),
    el("div", { className: "field" }, "Models folder", modelsDir),
    folderNote,
    el("h3", {}, "Books open with"),
    el("p", { className: "note" }, "D, R and the toolbar change only the book that is open, and it keeps the change. These are for every other book."),
    ...field("Two-page spread", checkbox(ID.settingSpread, settings.spread, (on) => ({ ...current, spread: on }))),
    ...field("Cover alone", checkbox(ID.settingShift, settings.shift, (on) => ({ ...current, shift: on }))),
    ...field("Direction", direction),
    ...field("Reading mode", readingMode),
    ...(bookNote ? [el("p", { className: "note", id: ID.settingBookOwn }, bookNote)] : []),
    el("h3", {}, "Reading"),
    ...field("Fit to", fit),
    ...field("Enlarge small images", checkbox(ID.settingEnlarge, settings.enlargeSmall, (on) => ({ ...current, enlargeSmall: on }))),
    ...field("Wheel turns pages", checkbox(ID.settingWheelTurns, settings.wheelTurnsPages, (on) => ({ ...current, wheelTurnsPages: on }))),
    ...field("Strip max width (px)", stripMaxWidth.input, stripMaxWidth.error),
    ...field("Strip gap (px)", stripGap.input, stripGap.error),
    el("p", { className: "note" }, "Changes apply at once; earlier results stay in the cache. Esc closes this panel."),
  );
}
