// Settings: the model picker by family (each model in words, with what it is good at and its
// speed on this device), scale, tile, TTA, format, preload and skip rules, and how pages are read. A value that is not valid is marked as such and not applied; it is never
// silently put back.
import { OUTPUT_FORMATS, type ModelInfo, type ModelSpeeds } from "../bindings";
import { autoLabel, modelGoodFor, modelHumanName, pageSeconds, pickerGroups, speedNote, speedText } from "../state/models";
import { AUTO_MODEL, isAuto } from "../state/rules";
import { renderRulesEditor } from "./rules-editor";
import { PREVIEW_FILTERS, withModel, type Settings } from "../state/settings";
import { el } from "./dom";
import { ID, errorIdOf } from "../ui/ids.js";
import type { DomId } from "../ui/dom";
import { LANGUAGE_CHOICES, LANGUAGE_NAMES, t } from "../i18n/i18n";
import { capitalize } from "../state/text";

const LANGUAGE_OPTIONS = (): [string, string][] => LANGUAGE_CHOICES.map((choice) => [choice, choice === "auto" ? t("language.auto") : LANGUAGE_NAMES[choice]]);

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
    error.textContent = valid ? "" : t("settings.numberRange", { min, max });
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
  const device = t(cpuMode ? "settings.thisCpu" : "settings.thisGpu");
  const page = speeds ? t("settings.aSizedPage", { width: speeds.pageWidth, height: speeds.pageHeight }) : t("settings.aPage");
  switch (speeds?.state) {
    case "waiting":
    case "measuring":
      return speeds.total ? t("settings.measuringCount", { device, done: speeds.done, total: speeds.total }) : t("settings.measuring", { device });
    case "measured":
      return t(speeds.fromFile ? "settings.measuredEarlier" : "settings.measured", { page, device });
    case "failed":
      return t("settings.measureFailed", { problem: speeds.problem ?? t("settings.unknownReason") });
    default:
      return t("settings.notMeasuredRun");
  }
}

/** What the chosen model is good at, and whether it keeps up with reading here. */
function aboutLine(settings: Settings, models: ModelInfo[], speeds: ModelSpeeds | null): string {
  const seconds = pageSeconds(settings.model, speeds);
  const speed = seconds === null ? "" : capitalize(speedText(seconds));
  const pace =
    seconds === null
      ? t("settings.speed", { note: speedNote(settings.model, speeds) })
      : seconds <= settings.keepUpSeconds
        ? t("settings.keepsUp", { speed })
        : t("settings.slower", { speed, seconds: settings.keepUpSeconds });
  const measured = speeds?.state === "measured";
  const keepsUp = seconds !== null && seconds <= settings.keepUpSeconds;
  const who = t(settings.modelChosen ? "settings.yourChoice" : !measured ? "settings.chosenFast" : keepsUp ? "settings.chosenBest" : "settings.chosenFastest");
  return t("settings.about", { model: modelHumanName(settings.model, models), goodFor: modelGoodFor(settings.model, models), pace, who });
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
  const automatic = el("button", { id: ID.settingModelAuto, type: "button" }, t("settings.useBest"));
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
  model.append(el("option", { value: AUTO_MODEL, selected: isAuto(settings.model), title: t("settings.autoOption") }, autoLabel()));
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
  const rules = el("details", { className: "rules-section", open: isAuto(settings.model) }, el("summary", {}, t("settings.rulesFor", { auto: autoLabel() })), rulesHost);
  model.addEventListener("change", () => {
    const next = { ...withModel(current, model.value, models), modelChosen: true };
    scale.input.value = String(next.scale);
    if (isAuto(next.model)) rules.open = true;
    change(next);
  });
  const tile = select(
    ID.settingTile,
    [["0", t("settings.tileAuto")], ["64", "64"], ["100", "100"], ["200", "200"], ["400", "400"]],
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
  preload.input.title = t("settings.preloadTitle");
  const maxMp = numberField(ID.settingMaxMp, settings.maxInputMegapixels, 0.1, 500, "0.5", (v) => change({ ...current, maxInputMegapixels: v }));
  const animated = select(ID.settingAnimated, [["skip", t("settings.animatedSkip")], ["upscale", t("settings.animatedUpscale")]], settings.animated);
  animated.addEventListener("change", () => change({ ...current, animated: animated.value as Settings["animated"] }));
  const keepUp = numberField(ID.settingKeepUp, settings.keepUpSeconds, 1, 600, "1", (v) => change({ ...current, keepUpSeconds: v }));
  automatic.addEventListener("click", () => change({ ...current, modelChosen: false }));
  const openDir = el("button", { id: ID.settingModelsDirOpen, type: "button" }, t("settings.openModelsFolder"));
  openDir.addEventListener("click", folder.open);
  const chooseDir = el("button", { id: ID.settingModelsDirChoose, type: "button" }, t("settings.choose"));
  chooseDir.addEventListener("click", folder.choose);
  const defaultDir = el("button", { id: ID.settingModelsDirDefault, type: "button" }, t("settings.default"));
  defaultDir.addEventListener("click", folder.useDefault);
  const modelsDir = el(
    "div",
    {},
    el("div", { id: ID.settingModelsDir, className: "path", title: folder.dir ?? "" }, folder.dir ?? t("settings.noFolder")),
    el("div", { className: "row" }, openDir, chooseDir, defaultDir),
  );
  if (folder.opened !== null) {
    // No file manager opener in this build: the path is shown to copy.
    const path = el("input", { id: ID.settingModelsDirPath, type: "text", readOnly: true, value: folder.opened, title: t("settings.copyPathTitle") });
    path.addEventListener("focus", () => path.select());
    modelsDir.append(el("div", { className: "note" }, t("settings.folderReady")), path);
  }
  const custom = models.filter((m) => m.custom);
  const usable = custom.filter((m) => !m.custom?.problem).length;
  const folderNote = folder.problem
    ? el("div", { className: "field-error", id: ID.settingModelsDirNote }, folder.problem)
    : el(
        "div",
        { className: "note", id: ID.settingModelsDirNote },
        t("settings.customModels", { count: usable, dir: folder.dir ?? t("settings.noFolder") }) +
          (custom.length > usable ? t("settings.customBroken", { count: custom.length - usable }) : "") +
          t("settings.customPut"),
      );
  const fit = select(ID.settingFit, [["page", t("settings.fitPage")], ["width", t("settings.fitWidth")], ["height", t("settings.fitHeight")]], settings.fit);
  fit.addEventListener("change", () => change({ ...current, fit: fit.value as Settings["fit"] }));
  const readingMode = select(ID.settingReadingMode, [["pages", t("settings.own.pages")], ["strip", t("settings.own.strip")]], settings.readingMode);
  readingMode.addEventListener("change", () => change({ ...current, readingMode: readingMode.value as Settings["readingMode"] }));
  const stripMaxWidth = numberField(ID.settingStripMaxWidth, settings.stripMaxWidth, 0, 20000, "50", (v) => change({ ...current, stripMaxWidth: Math.round(v) }));
  stripMaxWidth.input.title = t("settings.stripMaxWidthTitle");
  const stripGap = numberField(ID.settingStripGap, settings.stripGap, 0, 500, "1", (v) => change({ ...current, stripGap: Math.round(v) }));
  const previewFilter = select(
    ID.settingPreviewFilter,
    PREVIEW_FILTERS.map((f): [string, string] => [f, t(`settings.previewFilters.${f}`)]),
    settings.previewFilter,
  );
  previewFilter.title = t("settings.previewFilterTitle");
  previewFilter.addEventListener("change", () => change({ ...current, previewFilter: previewFilter.value as Settings["previewFilter"] }));
  const previewSharpness = numberField(ID.settingPreviewSharpness, settings.previewSharpness, 0, 1, "0.1", (v) => change({ ...current, previewSharpness: v }));
  const showTiles = checkbox(ID.settingShowTiles, settings.showTiles, (on) => ({ ...current, showTiles: on }));
  showTiles.title = t("settings.showTilesTitle");
  const direction = select(ID.settingDirection, [["ltr", t("settings.ltr")], ["rtl", t("settings.rtl")]], settings.direction);
  direction.addEventListener("change", () => change({ ...current, direction: direction.value as Settings["direction"] }));

  const language = select(ID.settingLanguage, LANGUAGE_OPTIONS(), settings.language);
  language.addEventListener("change", () => change({ ...current, language: language.value as Settings["language"] }));

  panel.replaceChildren(
    el("h2", {}, t("settings.title")),
    ...field(t("language.label"), language),
    el("h3", {}, t("settings.upscaling")),
    ...field(t("settings.upscaleOnOpen"), checkbox(ID.settingAuto, settings.autoUpscale, (on) => ({ ...current, autoUpscale: on }))),
    el("label", { className: "wide" }, t("settings.model"), model),
    about,
    automaticRow,
    ...field(t("settings.keepUpAt"), keepUp.input, keepUp.error),
    el("div", { className: "note", id: ID.settingSpeedsNote }, speedsLine(speeds, cpuMode)),
    rules,
    ...field(t("settings.scale"), scale.input, scale.error),
    ...field(t("settings.tileSize"), tile),
    ...field(t("settings.tta"), checkbox(ID.settingTta, settings.tta, (on) => ({ ...current, tta: on }))),
    ...field(t("settings.format"), format),
    ...field(t("settings.preload"), preload.input, preload.error),
    ...field(t("settings.skipAbove"), maxMp.input, maxMp.error),
    ...field(t("settings.animated"), animated),
    el("div", { className: "field" }, t("settings.modelsFolder"), modelsDir),
    folderNote,
    el("h3", {}, t("settings.booksOpenWith")),
    el("p", { className: "note" }, t("settings.booksNote")),
    ...field(t("settings.spread"), checkbox(ID.settingSpread, settings.spread, (on) => ({ ...current, spread: on }))),
    ...field(t("settings.coverAlone"), checkbox(ID.settingShift, settings.shift, (on) => ({ ...current, shift: on }))),
    ...field(t("settings.direction"), direction),
    ...field(t("settings.readingMode"), readingMode),
    ...(bookNote ? [el("p", { className: "note", id: ID.settingBookOwn }, bookNote)] : []),
    el("h3", {}, t("settings.reading")),
    ...field(t("settings.fitTo"), fit),
    ...field(t("settings.enlarge"), checkbox(ID.settingEnlarge, settings.enlargeSmall, (on) => ({ ...current, enlargeSmall: on }))),
    ...field(t("settings.wheelTurns"), checkbox(ID.settingWheelTurns, settings.wheelTurnsPages, (on) => ({ ...current, wheelTurnsPages: on }))),
    ...field(t("settings.stripMaxWidth"), stripMaxWidth.input, stripMaxWidth.error),
    ...field(t("settings.stripGap"), stripGap.input, stripGap.error),
    ...field(t("settings.previewFilter"), previewFilter),
    ...field(t("settings.previewSharpness"), previewSharpness.input, previewSharpness.error),
    ...field(t("settings.showTiles"), showTiles),
    el("p", { className: "note" }, t("settings.applies")),
  );
}
