// The model chosen by what the page is: the rules the engine follows for the model "auto"
// (first match wins; the engine owns their meaning, see `models/rules.rs`), kept in the
// settings, edited in the Settings panel, and sent with each page.
import { DEFAULT_MODEL_RULES, type ColourTest, type ModelRule_Serialize, type ModelRules_Deserialize, type RuleScale, type TargetTest } from "../bindings";
import { t } from "../i18n/i18n";

export type ModelRule = ModelRule_Serialize;

/** The model name that asks for the rules. */
export const AUTO_MODEL = "auto";

export const isAuto = (model: string): boolean => model.trim().toLowerCase() === AUTO_MODEL;

/** The default rules, a copy the editor may change. */
export function defaultRules(): ModelRule[] {
  return DEFAULT_MODEL_RULES.rules.map((rule) => ({ ...rule, scale: { ...rule.scale } }) as ModelRule);
}

/** A default rule's id: stored with it, or (rules stored before ids) from its English name. */
function defaultIdOf(raw: Record<string, unknown>): string | null {
  const ids: readonly (string | null)[] = DEFAULT_MODEL_RULES.rules.map((rule) => rule.id);
  if (typeof raw.id === "string" && ids.includes(raw.id)) return raw.id;
  if (raw.id !== undefined) return null;
  return DEFAULT_MODEL_RULES.rules.find((rule) => rule.name === raw.name)?.id ?? null;
}

/** A rule's name as the reader reads it: a default rule's in the language, the user's as written. */
export function ruleLabel(rule: Pick<ModelRule, "name" | "id">): string {
  return rule.id ? t(`rules.defaults.${rule.id}`, { defaultValue: rule.name }) : rule.name;
}

/** The name the engine gave a rule (the one sent with the rules), as the reader reads it. */
export function ruleLabelOf(name: string, rules: readonly ModelRule[]): string {
  const rule = rules.find((r) => r.name === name);
  return rule ? ruleLabel(rule) : name;
}

const COLOURS: ColourTest[] = ["any", "greyscale", "colour"];
const TARGETS: TargetTest[] = ["any", "below", "reached"];

function height(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 100_000 ? value : null;
}

function scaleOf(value: unknown): RuleScale {
  const raw = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (raw.mode === "factor" && typeof raw.factor === "number" && raw.factor > 0 && raw.factor <= 16) return { mode: "factor", factor: raw.factor };
  return { mode: "toTarget" };
}

/** One rule as stored, with whatever was not valid put to "any"; null if it is not a rule at all. */
function ruleOf(value: unknown): ModelRule | null {
  if (typeof value !== "object" || value === null) return null;
  const raw = value as Record<string, unknown>;
  return {
    name: typeof raw.name === "string" ? raw.name : "",
    id: defaultIdOf(raw),
    colour: COLOURS.includes(raw.colour as ColourTest) ? (raw.colour as ColourTest) : "any",
    minHeight: height(raw.minHeight),
    maxHeight: height(raw.maxHeight),
    target: TARGETS.includes(raw.target as TargetTest) ? (raw.target as TargetTest) : "any",
    glob: typeof raw.glob === "string" && raw.glob.trim() !== "" ? raw.glob : null,
    skip: raw.skip === true,
    model: typeof raw.model === "string" ? raw.model : "",
    scale: scaleOf(raw.scale),
  };
}

/** The stored rules, or the default ones when nothing usable was stored. An empty list stays
 *  empty: the user removed every rule. */
export function normalizeRules(raw: unknown): ModelRule[] {
  if (!Array.isArray(raw)) return defaultRules();
  return raw.map(ruleOf).filter((rule): rule is ModelRule => rule !== null);
}

/** What the engine receives: the rules, and the height they upscale towards (the screen's). */
export function toModelRules(rules: ModelRule[], targetHeight: number): ModelRules_Deserialize {
  return { rules, targetHeight: Math.max(1, Math.round(targetHeight)) };
}

/** The screen's height in device pixels: what a page is upscaled to fill. */
export function screenHeight(screen: { height: number }, devicePixelRatio: number): number {
  return Math.max(1, Math.round(screen.height * (devicePixelRatio || 1)));
}

/** This display's height in device pixels (the default target where there is no display). */
export function displayHeight(): number {
  return typeof window === "undefined" ? DEFAULT_MODEL_RULES.targetHeight : screenHeight(window.screen, window.devicePixelRatio);
}

export function moveRule(rules: ModelRule[], index: number, by: -1 | 1): ModelRule[] {
  const to = index + by;
  if (index < 0 || index >= rules.length || to < 0 || to >= rules.length) return rules;
  const next = [...rules];
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

export function removeRule(rules: ModelRule[], index: number): ModelRule[] {
  return rules.filter((_, i) => i !== index);
}

export function changeRule(rules: ModelRule[], index: number, change: Partial<ModelRule>): ModelRule[] {
  return rules.map((rule, i) => (i === index ? { ...rule, ...change } : rule));
}

/** A new rule, matching every page, with `model`; added at the end. */
export function addRule(rules: ModelRule[], model: string): ModelRule[] {
  const rule: ModelRule = { name: t("rules.newRule", { number: rules.length + 1 }), id: null, colour: "any", minHeight: null, maxHeight: null, target: "any", glob: null, skip: false, model, scale: { mode: "toTarget" } };
  return [...rules, rule];
}

/** The scale choices of the editor: "target" (2× or 4× to reach the screen), or a factor. */
export const scaleChoices = (): [string, string][] => [
  ["target", t("rules.toTarget")],
  ["1", t("rules.noiseOnly")],
  ["1.5", "1.5×"],
  ["2", "2×"],
  ["3", "3×"],
  ["4", "4×"],
];

export function scaleChoice(scale: RuleScale): string {
  return scale.mode === "toTarget" ? "target" : String(scale.factor);
}

export function scaleFromChoice(choice: string): RuleScale {
  return choice === "target" ? { mode: "toTarget" } : { mode: "factor", factor: Number(choice) };
}

/** What a rule asks, in a line: "black-and-white pages, shorter than the screen, named *cover*". */
export function describeConditions(rule: ModelRule): string {
  const parts: string[] = [];
  if (rule.colour === "greyscale") parts.push(t("rules.cond.greyscale"));
  if (rule.colour === "colour") parts.push(t("rules.cond.colour"));
  if (rule.target === "below") parts.push(t("rules.cond.below"));
  if (rule.target === "reached") parts.push(t("rules.cond.reached"));
  if (rule.minHeight !== null) parts.push(t("rules.cond.min", { px: rule.minHeight }));
  if (rule.maxHeight !== null) parts.push(t("rules.cond.max", { px: rule.maxHeight }));
  if (rule.glob) parts.push(t("rules.cond.glob", { glob: rule.glob }));
  return parts.length === 0 ? t("rules.cond.every") : parts.join(t("settings.listSeparator"));
}
