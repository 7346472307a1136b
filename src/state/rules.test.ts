import { afterEach, describe, expect, it } from "vitest";
import { setLanguage } from "../i18n/i18n";
import { DEFAULT_MODEL_RULES } from "../bindings";
import { addRule, changeRule, defaultRules, describeConditions, ruleLabel, ruleLabelOf, isAuto, moveRule, normalizeRules, removeRule, scaleChoice, scaleFromChoice, screenHeight, toModelRules } from "./rules";
import { DEFAULT_SETTINGS, normalizeSettings, settingsKey, toRequestRules } from "./settings";

describe("model rules", () => {
  afterEach(() => setLanguage("en"));

  it("start as the engine's defaults, a copy the editor may change", () => {
    const rules = defaultRules();
    expect(rules).toEqual(DEFAULT_MODEL_RULES.rules);
    expect(rules.map((r) => r.name)).toEqual(["Already large enough", "Black-and-white pages", "Colour pages"]);
    rules[1].model = "OTHER";
    expect(defaultRules()[1].model).toBe("WAIFU2X_ANIME_UP2X");
    expect(DEFAULT_SETTINGS.modelRules).toEqual(DEFAULT_MODEL_RULES.rules);
  });

  it("read back from the store, keeping what is valid and putting the rest to 'any'", () => {
    expect(normalizeRules(undefined)).toEqual(defaultRules());
    expect(normalizeRules("junk")).toEqual(defaultRules());
    expect(normalizeRules([])).toEqual([]);
    const [rule] = normalizeRules([{ name: "Tall", colour: "purple", minHeight: -3, maxHeight: 900, target: "below", glob: "  ", skip: "yes", model: "M", scale: { mode: "factor", factor: 99 } }, 7, null]);
    expect(rule).toEqual({ name: "Tall", id: null, colour: "any", minHeight: null, maxHeight: 900, target: "below", glob: null, skip: false, model: "M", scale: { mode: "toTarget" } });
    expect(normalizeSettings({ model: "auto", modelRules: [{ name: "x", model: "M", scale: { mode: "factor", factor: 1.5 } }] }).modelRules[0].scale).toEqual({ mode: "factor", factor: 1.5 });
  });

  it("name the default rules in the reader's language by their ids, and the user's as written", () => {
    const rules = [...defaultRules(), { ...defaultRules()[2], name: "Covers", id: null }];
    setLanguage("ja");
    expect(rules.map(ruleLabel)).toEqual(["すでに十分な大きさ", "白黒のページ", "カラーのページ", "Covers"]);
    // The engine names the rule it followed by the name it was sent.
    expect(ruleLabelOf("Black-and-white pages", rules)).toBe("白黒のページ");
    expect(ruleLabelOf("Covers", rules)).toBe("Covers");
    setLanguage("zh-CN");
    expect(ruleLabelOf("Already large enough", rules)).toBe("已经足够大");
    // Rules stored before the ids: a default rule's English name gives its id back; a rule
    // the user renamed (id null) keeps its name even when it reads like a default one.
    const stored = normalizeRules([{ name: "Colour pages", colour: "colour", model: "M" }, { name: "Colour pages", id: null, model: "M" }, { name: "x", id: "bogus", model: "M" }]);
    expect(stored.map((r) => r.id)).toEqual(["colourPages", null, null]);
  });

  it("are added, changed, moved and removed without touching the others", () => {
    let rules = addRule(defaultRules(), "WAIFU2X_CUNET_UP2X");
    expect(rules).toHaveLength(4);
    expect(rules[3]).toMatchObject({ name: "Rule 4", model: "WAIFU2X_CUNET_UP2X", colour: "any", skip: false });
    rules = moveRule(rules, 3, -1);
    expect(rules.map((r) => r.name)).toEqual(["Already large enough", "Black-and-white pages", "Rule 4", "Colour pages"]);
    expect(moveRule(rules, 0, -1)).toBe(rules);
    expect(moveRule(rules, 3, 1)).toBe(rules);
    rules = changeRule(rules, 2, { glob: "*cover*" });
    expect(rules[2].glob).toBe("*cover*");
    expect(removeRule(rules, 0).map((r) => r.name)).toEqual(["Black-and-white pages", "Rule 4", "Colour pages"]);
  });

  it("say what they test in words", () => {
    const [large, mono, colour] = defaultRules();
    expect(describeConditions(large)).toBe("at least as tall as the screen");
    expect(describeConditions(mono)).toBe("black-and-white pages");
    expect(describeConditions(colour)).toBe("colour pages");
    expect(describeConditions({ ...mono, colour: "any", target: "below", minHeight: 100, maxHeight: 2000, glob: "*cover*" })).toBe(
      "shorter than the screen, at least 100 px tall, at most 2000 px tall, named *cover*",
    );
    expect(describeConditions({ ...mono, colour: "any" })).toBe("every page");
  });

  it("choose the scale to fill the screen or a factor", () => {
    expect(scaleChoice({ mode: "toTarget" })).toBe("target");
    expect(scaleChoice({ mode: "factor", factor: 1.5 })).toBe("1.5");
    expect(scaleFromChoice("target")).toEqual({ mode: "toTarget" });
    expect(scaleFromChoice("4")).toEqual({ mode: "factor", factor: 4 });
  });

  it("go with a request only for the model auto, towards the screen's height in device pixels", () => {
    expect(isAuto("auto")).toBe(true);
    expect(isAuto(" AUTO ")).toBe(true);
    expect(isAuto("WAIFU2X_CUNET_UP2X")).toBe(false);
    expect(screenHeight({ height: 1080 }, 1.5)).toBe(1620);
    expect(screenHeight({ height: 800 }, 0)).toBe(800);
    const auto = { ...DEFAULT_SETTINGS, model: "auto" };
    expect(toRequestRules(auto, () => 1620)).toEqual(toModelRules(defaultRules(), 1620));
    let asked = false;
    expect(toRequestRules(DEFAULT_SETTINGS, () => ((asked = true), 1))).toBeNull();
    expect(asked).toBe(false);
  });

  it("change what a result is only while the model is auto", () => {
    const auto = { ...DEFAULT_SETTINGS, model: "auto" };
    const edited = { ...auto, modelRules: changeRule(auto.modelRules, 1, { model: "WAIFU2X_CUNET_UP2X" }) };
    expect(settingsKey(edited)).not.toBe(settingsKey(auto));
    const named = { ...DEFAULT_SETTINGS, modelRules: edited.modelRules };
    expect(settingsKey(named)).toBe(settingsKey(DEFAULT_SETTINGS));
  });
});
