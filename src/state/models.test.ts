import { describe, expect, it } from "vitest";
import type { CustomModelInfo, ModelInfo } from "../bindings";
import { groupModels, modelShortName, nativeScale } from "./models";
import { DEFAULT_SETTINGS, normalizeSettings, usableModel, withModel } from "./settings";

function custom(file: string, scales: number[], problem: string | null = null, label: string | null = null): ModelInfo {
  const info: CustomModelInfo = { kind: file.endsWith(".py") ? "plugin" : "onnx", file: `/models/${file}`, provider: problem ? null : "CPUExecutionProvider", scales, label, valueRange: "0-1", problem };
  return {
    name: `custom:${file}`,
    index: -1,
    family: "custom",
    nativeScale: scales[0] ?? 1,
    tta: false,
    variantOf: null,
    package: "onnxruntime",
    installHint: "",
    installed: problem === null,
    runsOnCpu: true,
    custom: info,
  } as ModelInfo;
}

const waifu2x = { ...custom("x", [2]), name: "WAIFU2X_CUNET_UP2X", family: "waifu2x", index: 8, custom: null } as ModelInfo;

describe("custom models", () => {
  it("are offered in their own group, except the broken ones", () => {
    const models = [waifu2x, custom("d2s-2x.onnx", [2]), custom("bad.onnx", [], "it has 2 inputs"), custom("nn.py", [2, 3, 4], null, "Nearest")];
    const groups = groupModels(models, true);
    const group = groups.find((g) => g.family === "custom")!;
    expect(group.label).toBe("Custom — your own ONNX models and plugins");
    expect(group.models.map((m) => [m.name, m.label, m.disabled])).toEqual([
      ["custom:d2s-2x.onnx", "d2s-2x.onnx · 2×", false],
      ["custom:nn.py", "Nearest · 2×, 3×, 4×", false],
    ]);
    expect(group.models[0].hint).toBe("custom:d2s-2x.onnx on CPUExecutionProvider");
  });

  it("are named by their file in the status line, and their scale is what loading measured", () => {
    const models = [custom("esrgan-4x.onnx", [4])];
    expect(modelShortName("custom:esrgan-4x.onnx")).toBe("esrgan-4x.onnx (custom)");
    expect(nativeScale("custom:esrgan-4x.onnx", models)).toBe(4);
    expect(withModel(DEFAULT_SETTINGS, "custom:esrgan-4x.onnx", models).scale).toBe(4);
  });

  it("fall back to a usable model when the chosen one broke; the settings hold no models folder", () => {
    const models = [waifu2x, custom("gone.onnx", [], "onnxruntime cannot load it")];
    expect(usableModel({ ...DEFAULT_SETTINGS, model: "custom:gone.onnx" }, models, true)).toBe("WAIFU2X_CUNET_UP2X");
    // The folder is chosen in Rust's dialog and kept by Rust; an old setting is dropped.
    expect(normalizeSettings({ modelsDir: "/home/me/models" })).not.toHaveProperty("modelsDir");
  });
});
