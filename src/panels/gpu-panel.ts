// The engine panel: the device (GPU or CPU, and why), its memory heaps and budget, the
// process's memory, and the figures of this run: requests, cache hit rate, pages per minute
// and each stage's count, median and 95th percentile, also split by model.
import type { DeviceMemory, DeviceReport, EngineStats, ModelInfo, StageFigures } from "../bindings";
import { definitionList, el, formatBytes } from "./dom";
import { ID } from "../ui/ids.js";

/** "24.0 GB heap, 1.2 GB budget, 12.0 MB used" for each heap a device reports. */
function describeMemory(memory: DeviceMemory): string {
  return memory.heaps
    .filter((h) => h.deviceLocal)
    .map((h) => {
      const parts = [`${formatBytes(h.sizeBytes)} heap`];
      if (h.budgetBytes != null) parts.push(`${formatBytes(h.budgetBytes)} budget`);
      if (h.usageBytes != null) parts.push(`${formatBytes(h.usageBytes)} used`);
      return parts.join(", ");
    })
    .join("; ");
}

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);

function stageRows(stats: EngineStats): HTMLTableElement {
  const table = el("table", { className: "stages", id: ID.engineStages });
  table.append(el("tr", {}, el("th", {}, "Stage"), el("th", {}, "Count"), el("th", {}, "Median"), el("th", {}, "95th pct.")));
  const stages: [string, StageFigures][] = [
    ["Cache lookup", stats.all.cacheLookup],
    ["Check", stats.all.check],
    ["Waiting", stats.all.queueWait],
    ["Upscaling", stats.all.compute],
    ["Writing", stats.all.write],
    ["Total", stats.all.total],
  ];
  for (const [name, f] of stages) {
    table.append(el("tr", {}, el("td", {}, name), el("td", {}, String(f.count)), el("td", {}, ms(f.medianMs ?? 0)), el("td", {}, ms(f.p95Ms ?? 0))));
  }
  return table;
}

function statsSection(stats: EngineStats): HTMLElement[] {
  const m = stats.memory;
  const out: HTMLElement[] = [
    el("h3", {}, "This run"),
    definitionList([
      ["Requests", String(stats.all.requests), ID.engineRequests],
      ["From the cache", `${stats.all.cacheHits} (${Math.round((stats.cacheHitRate ?? 0) * 100)} %)`, ID.engineHits],
      ["Pages per minute", (stats.pagesPerMinute ?? 0).toFixed(1)],
      ["Memory now", formatBytes(m.residentBytes), ID.engineMemory],
      ["Memory at peak", formatBytes(m.peakResidentBytes)],
      ["Added by the engine", formatBytes(m.engineAddedBytes)],
    ]),
  ];
  if (stats.all.requests > 0) {
    out.push(stageRows(stats));
    for (const [model, table] of Object.entries(stats.byModel)) {
      if (!table) continue;
      out.push(el("p", { className: "note" }, `${model}: ${table.requests} requests, upscaling ${ms(table.compute.medianMs ?? 0)} median, ${ms(table.compute.p95Ms ?? 0)} at the 95th percentile`));
    }
  }
  return out;
}

/** Each custom model with what runs it, or why it cannot be used (the traceback folded). */
function customSection(models: ModelInfo[], onnxruntime: string | null): HTMLElement[] {
  const custom = models.filter((m) => m.custom);
  const list = el("ul", { id: ID.customModels });
  for (const model of custom) {
    const info = model.custom!;
    const item = el("li", { dataset: { model: model.name } });
    if (info.problem) {
      const lines = info.problem.trim().split("\n");
      const summary = lines[lines.length - 1];
      const rest = lines.slice(1);
      item.append(el("span", { className: "bad" }, `${model.name}: cannot be used: ${summary}`));
      if (rest.length > 0) item.append(el("details", {}, el("summary", {}, "Traceback"), el("pre", {}, info.problem)));
    } else {
      const scales = info.scales.map((s) => `${s}×`).join(", ");
      item.append(`${model.name}: ${scales} on ${info.provider ?? "?"}${info.kind === "onnx" ? ` (input ${info.valueRange})` : ""}`);
    }
    list.append(item);
  }
  if (custom.length === 0) list.append(el("li", {}, "None: put .onnx models or .py plugins in the models folder (see Settings)"));
  const runtime = onnxruntime ? `onnxruntime ${onnxruntime}` : "onnxruntime is not installed, so .onnx models cannot run";
  return [el("h3", {}, "Custom models"), list, el("p", { className: "note" }, runtime)];
}

export function renderGpuPanel(
  panel: HTMLElement,
  report: DeviceReport | null,
  error: string | null,
  memory: DeviceMemory[] | null = null,
  stats: EngineStats | null = null,
  models: ModelInfo[] = [],
  onnxruntime: string | null = null,
): void {
  panel.replaceChildren(el("h2", {}, "Engine"));
  if (error) {
    panel.append(
      el("p", { className: "bad", id: ID.gpuError }, `Upscaling is unavailable: ${error}`),
      el("p", { className: "note" }, "You can still view images. Run scripts/setup.sh, or set SRVIEW_VENV, then restart SRView."),
    );
    return;
  }
  if (!report) {
    panel.append(el("p", { className: "note" }, "Starting the upscaler…"));
    return;
  }
  const inUse = report.cpuMode ? `CPU (${report.cpuThreads} threads)` : report.deviceName;
  const devices = el("ul", { id: ID.gpuDevices });
  for (const gpu of report.gpus) {
    const tags = [gpu.software ? "software Vulkan" : "GPU", `${gpu.cores} core${gpu.cores === 1 ? "" : "s"}`];
    if (report.activeGpu === gpu.id) tags.push("in use");
    const item = el("li", {}, `${gpu.id}: ${gpu.name} (${tags.join(", ")})`);
    const heaps = memory?.find((m) => m.name === gpu.name);
    if (heaps) item.append(el("div", { className: "note", dataset: { memory: gpu.name } }, `Memory: ${describeMemory(heaps)}`));
    devices.append(item);
  }
  if (report.gpus.length === 0) devices.append(el("li", {}, "No Vulkan device found"));
  const started = report.startup.reduce((sum, s) => sum + (s.ms ?? 0), 0);
  panel.append(
    definitionList([
      ["In use", inUse, ID.gpuInUse],
      ["Mode", report.cpuMode ? "CPU mode" : "GPU (Vulkan)", ID.gpuMode],
      ["Jobs at once", String(report.pipelineDepth)],
      ["Started in", `${Math.round(started)} ms`],
      ["sr_vulkan", report.srVulkanVersion, ID.gpuVersion],
      ["Python", `${report.pythonVersion} (${report.venv})`],
    ]),
    el("h3", {}, "Devices"),
    devices,
  );
  if (report.fallbackReason) panel.append(el("p", { id: ID.gpuFallback }, `Why CPU: ${report.fallbackReason}.`));
  panel.append(el("p", { className: "note" }, "The device is chosen at start: run srview-app --gpu ID (or --gpu cpu) to change it."));
  panel.append(...customSection(models, onnxruntime));
  if (stats) panel.append(...statsSection(stats));
}
