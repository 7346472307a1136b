// The rules of "Automatic (rules)" in Settings: a compact list, first match wins. Each rule has
// its tests (colour, height against the screen, height in pixels, a name pattern) and what a
// page it matches gets (a model and a scale, or left as it is); rules are added, removed and
// moved. A field that is not valid is marked and not applied.
import type { PickerGroup } from "../state/models";
import { addRule, changeRule, defaultRules, describeConditions, moveRule, removeRule, ruleLabel, scaleChoice, scaleChoices, scaleFromChoice, type ModelRule } from "../state/rules";
import { ID } from "../ui/ids.js";
import { el } from "./dom";
import { t } from "../i18n/i18n";

const SKIP = "skip";

function select(className: string, label: string, options: [string, string][], value: string): HTMLSelectElement {
  const node = el("select", { className, title: label });
  node.setAttribute("aria-label", label);
  for (const [v, text] of options) node.append(el("option", { value: v, selected: v === value }, text));
  return node;
}

function heightField(className: string, label: string, value: number | null, apply: (v: number | null) => void): HTMLInputElement {
  const input = el("input", { className, type: "number", min: "1", max: "100000", step: "1", placeholder: t("rules.any"), title: label, value: value === null ? "" : String(value) });
  input.setAttribute("aria-label", label);
  input.addEventListener("change", () => {
    const text = input.value.trim();
    const v = Number(text);
    const valid = text === "" || (Number.isInteger(v) && v >= 1 && v <= 100_000);
    input.setAttribute("aria-invalid", String(!valid));
    input.title = valid ? label : t("rules.heightInvalid", { label });
    if (valid) apply(text === "" ? null : v);
  });
  return input;
}

/** The model choices of a rule: "leave as it is", then every model that runs here, by its
 *  name alone (the picker's text without its speed, which would not fit). */
function actionChoices(groups: PickerGroup[], current: ModelRule): [string, string][] {
  const choices: [string, string][] = [[SKIP, t("rules.skip")]];
  for (const group of groups) for (const entry of group.entries) if (!entry.disabled) choices.push([entry.name, entry.text.split(" — ")[0]]);
  if (!current.skip && current.model && !choices.some(([name]) => name === current.model)) choices.push([current.model, t("rules.notAvailable", { model: current.model })]);
  return choices;
}

/** Renders the editor into `host`; `onChange` receives every valid change of the list. */
export function renderRulesEditor(host: HTMLElement, rules: ModelRule[], groups: PickerGroup[], onChange: (rules: ModelRule[]) => void): void {
  let current = rules;
  const apply = (next: ModelRule[], redraw: boolean) => {
    current = next;
    onChange(next);
    if (redraw) draw();
    else summaries.forEach((summary, i) => (summary.textContent = summaryOf(current[i], i)));
  };
  const summaryOf = (rule: ModelRule | undefined, index: number) => (rule ? t("rules.summary", { index: index + 1, conditions: describeConditions(rule) }) : "");
  let summaries: HTMLElement[] = [];

  const draw = () => {
    summaries = [];
    const list = el("ol", { className: "rules", id: ID.settingRules });
    current.forEach((rule, index) => {
      const set = (change: Partial<ModelRule>) => apply(changeRule(current, index, change), false);
      const name = el("input", { className: "rule-name", type: "text", value: ruleLabel(rule), placeholder: t("rules.name"), title: t("rules.nameTitle") });
      name.setAttribute("aria-label", t("rules.name"));
      // A name the user writes is theirs: it is no longer a default rule's, shown in the language.
      name.addEventListener("change", () => set({ name: name.value.trim(), id: null }));
      const up = el("button", { className: "rule-up", type: "button", title: t("rules.up"), disabled: index === 0 }, "↑");
      up.addEventListener("click", () => apply(moveRule(current, index, -1), true));
      const down = el("button", { className: "rule-down", type: "button", title: t("rules.down"), disabled: index === current.length - 1 }, "↓");
      down.addEventListener("click", () => apply(moveRule(current, index, 1), true));
      const remove = el("button", { className: "rule-remove", type: "button", title: t("rules.remove") }, "✕");
      remove.addEventListener("click", () => apply(removeRule(current, index), true));

      const colour = select("rule-colour", t("rules.colour"), [["any", t("rules.anyColour")], ["greyscale", t("rules.greyscale")], ["colour", t("rules.colourOnly")]], rule.colour);
      colour.addEventListener("change", () => set({ colour: colour.value as ModelRule["colour"] }));
      const target = select("rule-target", t("rules.target"), [["any", t("rules.anyHeight")], ["below", t("rules.below")], ["reached", t("rules.reached")]], rule.target);
      target.addEventListener("change", () => set({ target: target.value as ModelRule["target"] }));
      const min = heightField("rule-min", t("rules.min"), rule.minHeight, (v) => set({ minHeight: v }));
      const max = heightField("rule-max", t("rules.max"), rule.maxHeight, (v) => set({ maxHeight: v }));
      const glob = el("input", { className: "rule-glob", type: "text", value: rule.glob ?? "", placeholder: t("rules.glob"), title: t("rules.globTitle") });
      glob.setAttribute("aria-label", t("rules.globLabel"));
      glob.addEventListener("change", () => set({ glob: glob.value.trim() === "" ? null : glob.value.trim() }));

      const action = select("rule-action", t("rules.model"), actionChoices(groups, rule), rule.skip ? SKIP : rule.model);
      const scale = select("rule-scale", t("rules.scale"), scaleChoices(), scaleChoice(rule.scale));
      const scaleRow = el("div", { className: "rule-row", hidden: rule.skip }, el("span", {}, t("rules.scale")), scale);
      action.addEventListener("change", () => {
        scaleRow.hidden = action.value === SKIP;
        set(action.value === SKIP ? { skip: true } : { skip: false, model: action.value });
      });
      scale.addEventListener("change", () => set({ scale: scaleFromChoice(scale.value) }));

      const summary = el("div", { className: "rule-summary note" }, summaryOf(rule, index));
      summaries.push(summary);
      list.append(
        el(
          "li",
          { className: "rule", dataset: { index: String(index) } },
          el("div", { className: "rule-head" }, name, up, down, remove),
          summary,
          el("div", { className: "rule-row" }, el("span", {}, t("rules.when")), colour, target),
          el("div", { className: "rule-row" }, el("span", {}, t("rules.height")), min, el("span", {}, t("rules.to")), max, el("span", {}, t("rules.px"))),
          el("div", { className: "rule-row" }, el("span", {}, t("rules.nameRow")), glob),
          el("div", { className: "rule-row" }, el("span", {}, t("rules.model")), action),
          scaleRow,
        ),
      );
    });
    const add = el("button", { id: ID.settingRulesAdd, type: "button" }, t("rules.add"));
    add.addEventListener("click", () => apply(addRule(current, firstModel(groups)), true));
    const reset = el("button", { id: ID.settingRulesReset, type: "button" }, t("rules.reset"));
    reset.addEventListener("click", () => apply(defaultRules(), true));
    const note =
      current.length === 0
        ? t("rules.none")
        : t("rules.note");
    host.replaceChildren(list, el("div", { className: "row" }, add, reset), el("div", { className: current.length === 0 ? "field-error" : "note", id: ID.settingRulesNote }, note));
  };
  draw();
}

function firstModel(groups: PickerGroup[]): string {
  return groups.flatMap((g) => g.entries).find((e) => !e.disabled)?.name ?? "";
}
