// The rules of "Automatic (rules)" in Settings: a compact list, first match wins. Each rule has
// its tests (colour, height against the screen, height in pixels, a name pattern) and what a
// page it matches gets (a model and a scale, or left as it is); rules are added, removed and
// moved. A field that is not valid is marked and not applied.
import type { PickerGroup } from "../state/models";
import { addRule, changeRule, defaultRules, describeConditions, moveRule, removeRule, SCALE_CHOICES, scaleChoice, scaleFromChoice, type ModelRule } from "../state/rules";
import { ID } from "../ui/ids.js";
import { el } from "./dom";

const SKIP = "skip";

function select(className: string, label: string, options: [string, string][], value: string): HTMLSelectElement {
  const node = el("select", { className, title: label });
  node.setAttribute("aria-label", label);
  for (const [v, text] of options) node.append(el("option", { value: v, selected: v === value }, text));
  return node;
}

function heightField(className: string, label: string, value: number | null, apply: (v: number | null) => void): HTMLInputElement {
  const input = el("input", { className, type: "number", min: "1", max: "100000", step: "1", placeholder: "any", title: label, value: value === null ? "" : String(value) });
  input.setAttribute("aria-label", label);
  input.addEventListener("change", () => {
    const text = input.value.trim();
    const v = Number(text);
    const valid = text === "" || (Number.isInteger(v) && v >= 1 && v <= 100_000);
    input.setAttribute("aria-invalid", String(!valid));
    input.title = valid ? label : `${label}: enter a whole number of pixels from 1 to 100000, or leave it empty`;
    if (valid) apply(text === "" ? null : v);
  });
  return input;
}

/** The model choices of a rule: "leave as it is", then every model that runs here, by its
 *  name alone (the picker's text without its speed, which would not fit). */
function actionChoices(groups: PickerGroup[], current: ModelRule): [string, string][] {
  const choices: [string, string][] = [[SKIP, "Leave as it is (not upscaled)"]];
  for (const group of groups) for (const entry of group.entries) if (!entry.disabled) choices.push([entry.name, entry.text.split(" — ")[0]]);
  if (!current.skip && current.model && !choices.some(([name]) => name === current.model)) choices.push([current.model, `${current.model} (not available here)`]);
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
  const summaryOf = (rule: ModelRule | undefined, index: number) => (rule ? `${index + 1}. When: ${describeConditions(rule)}` : "");
  let summaries: HTMLElement[] = [];

  const draw = () => {
    summaries = [];
    const list = el("ol", { className: "rules", id: ID.settingRules });
    current.forEach((rule, index) => {
      const set = (change: Partial<ModelRule>) => apply(changeRule(current, index, change), false);
      const name = el("input", { className: "rule-name", type: "text", value: rule.name, placeholder: "Rule name", title: "The rule's name, shown in the status line" });
      name.setAttribute("aria-label", "Rule name");
      name.addEventListener("change", () => set({ name: name.value.trim() }));
      const up = el("button", { className: "rule-up", type: "button", title: "Move up: checked earlier", disabled: index === 0 }, "↑");
      up.addEventListener("click", () => apply(moveRule(current, index, -1), true));
      const down = el("button", { className: "rule-down", type: "button", title: "Move down: checked later", disabled: index === current.length - 1 }, "↓");
      down.addEventListener("click", () => apply(moveRule(current, index, 1), true));
      const remove = el("button", { className: "rule-remove", type: "button", title: "Remove this rule" }, "✕");
      remove.addEventListener("click", () => apply(removeRule(current, index), true));

      const colour = select("rule-colour", "Colour", [["any", "any colour"], ["greyscale", "black and white"], ["colour", "colour"]], rule.colour);
      colour.addEventListener("change", () => set({ colour: colour.value as ModelRule["colour"] }));
      const target = select("rule-target", "Height against the screen", [["any", "any height"], ["below", "below the screen"], ["reached", "fills the screen"]], rule.target);
      target.addEventListener("change", () => set({ target: target.value as ModelRule["target"] }));
      const min = heightField("rule-min", "At least this many pixels tall", rule.minHeight, (v) => set({ minHeight: v }));
      const max = heightField("rule-max", "At most this many pixels tall", rule.maxHeight, (v) => set({ maxHeight: v }));
      const glob = el("input", { className: "rule-glob", type: "text", value: rule.glob ?? "", placeholder: "any name, or e.g. *cover*", title: "A pattern on the page's path or book name: * matches anything" });
      glob.setAttribute("aria-label", "Name pattern");
      glob.addEventListener("change", () => set({ glob: glob.value.trim() === "" ? null : glob.value.trim() }));

      const action = select("rule-action", "Model", actionChoices(groups, rule), rule.skip ? SKIP : rule.model);
      const scale = select("rule-scale", "Scale", SCALE_CHOICES, scaleChoice(rule.scale));
      const scaleRow = el("div", { className: "rule-row", hidden: rule.skip }, el("span", {}, "Scale"), scale);
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
          el("div", { className: "rule-row" }, el("span", {}, "When"), colour, target),
          el("div", { className: "rule-row" }, el("span", {}, "Height"), min, el("span", {}, "to"), max, el("span", {}, "px")),
          el("div", { className: "rule-row" }, el("span", {}, "Name"), glob),
          el("div", { className: "rule-row" }, el("span", {}, "Model"), action),
          scaleRow,
        ),
      );
    });
    const add = el("button", { id: ID.settingRulesAdd, type: "button" }, "Add a rule");
    add.addEventListener("click", () => apply(addRule(current, firstModel(groups)), true));
    const reset = el("button", { id: ID.settingRulesReset, type: "button" }, "Default rules");
    reset.addEventListener("click", () => apply(defaultRules(), true));
    const note =
      current.length === 0
        ? "No rules: every page will say that no rule matches it. Add one, or go back to the default rules."
        : "The first rule that matches a page chooses its model. Pages match a rule when every field set in it fits; the screen is this display's height.";
    host.replaceChildren(list, el("div", { className: "row" }, add, reset), el("div", { className: current.length === 0 ? "field-error" : "note", id: ID.settingRulesNote }, note));
  };
  draw();
}

function firstModel(groups: PickerGroup[]): string {
  return groups.flatMap((g) => g.entries).find((e) => !e.disabled)?.name ?? "";
}
