// The engine panel: the device (GPU or CPU, and why), its memory heaps and budget, the
// process's memory, and the figures of this run: requests, cache hit rate, pages per minute
// and each stage's count, median and 95th percentile, also split by model.
import type { DeviceMemory, DeviceReport, EngineStats, ModelInfo, StageFigures } from "../bindings";
import { definitionList, el, formatBytes } from "./dom";
import { ID } from "../ui/ids.js";
import { t } from "../i18n/i18n";

/** "24.0 GB heap, 1.2 GB budget, 12.0 MB used" for each heap a device reports. */
function describeMemory(memory: DeviceMemory): string {
  return memory.heaps
    .filter((h) => h.deviceLocal)
    .map((h) => {
      const parts = [t("engine.heap", { size: formatBytes(h.sizeBytes) })];
      if (h.budgetBytes != null) parts.push(t("engine.budget", { size: formatBytes(h.budgetBytes) }));
      if (h.usageBytes != null) parts.push(t("engine.used", { size: formatBytes(h.usageBytes) }));
      return parts.join(t("settings.listSeparator"));
    })
    .join("; ");
}

const ms = (value: number) => (value >= 1000 ? t("units.s", { value: (value / 1000).toFixed(1) }) : t("units.ms", { value: value.toFixed(value < 10 ? 1 : 0) }));

function stageRows(stats: EngineStats): HTMLTableElement {
  const table = el("table", { className: "stages", id: ID.engineStages });
  table.append(el("tr", {}, el("th", {}, t("engine.stage")), el("th", {}, t("engine.count")), el("th", {}, t("engine.median")), el("th", {}, t("engine.p95"))));
  const stages: [string, StageFigures][] = [
    [t("engine.stages.cacheLookup"), stats.all.cacheLookup],
    [t("engine.stages.check"), stats.all.check],
    [t("engine.stages.waiting"), stats.all.queueWait],
    [t("engine.stages.upscaling"), stats.all.compute],
    [t("engine.stages.writing"), stats.all.write],
    [t("engine.stages.total"), stats.all.total],
  ];
  for (const [name, f] of stages) {
    table.append(el("tr", {}, el("td", {}, name), el("td", {}, String(f.count)), el("td", {}, ms(f.medianMs ?? 0)), el("td", {}, ms(f.p95Ms ?? 0))));
  }
  return table;
}

function statsSection(stats: EngineStats): HTMLElement[] {
  const m = stats.memory;
  const out: HTMLElement[] = [
    el("h3", {}, t("engine.thisRun")),
    definitionList([
      [t("engine.requests"), String(stats.all.requests), ID.engineRequests],
      [t("engine.fromCache"), `${stats.all.cacheHits} (${Math.round((stats.cacheHitRate ?? 0) * 100)} %)`, ID.engineHits],
      [t("engine.pagesPerMinute"), (stats.pagesPerMinute ?? 0).toFixed(1)],
      [t("engine.memoryNow"), formatBytes(m.residentBytes), ID.engineMemory],
      [t("engine.memoryPeak"), formatBytes(m.peakResidentBytes)],
      [t("engine.addedByEngine"), formatBytes(m.engineAddedBytes)],
    ]),
  ];
  if (stats.all.requests > 0) {
    out.push(stageRows(stats));
    for (const [model, table] of Object.entries(stats.byModel)) {
      if (!table) continue;
      out.push(el("p", { className: "note" }, t("engine.byModel", { model, requests: table.requests, median: ms(table.compute.medianMs ?? 0), p95: ms(table.compute.p95Ms ?? 0) })));
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
      item.append(el("span", { className: "bad" }, t("engine.cannotUse", { model: model.name, summary })));
      if (rest.length > 0) item.append(el("details", {}, el("summary", {}, t("engine.traceback")), el("pre", {}, info.problem)));
    } else {
      const scales = info.scales.map((s) => `${s}×`).join(", ");
      const runs = { model: model.name, scales, provider: info.provider ?? "?", range: info.valueRange };
      item.append(t(info.kind === "onnx" ? "engine.customRunsInput" : "engine.customRuns", runs));
    }
    list.append(item);
  }
  if (custom.length === 0) list.append(el("li", {}, t("engine.noCustom")));
  const runtime = onnxruntime ? `onnxruntime ${onnxruntime}` : t("engine.noOnnx");
  return [el("h3", {}, t("engine.customModels")), list, el("p", { className: "note" }, runtime)];
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
  panel.replaceChildren(el("h2", {}, t("engine.title")));
  if (error) {
    panel.append(
      el("p", { className: "bad", id: ID.gpuError }, t("engine.unavailable", { error })),
      el("p", { className: "note" }, t("engine.stillView")),
    );
    return;
  }
  if (!report) {
    panel.append(el("p", { className: "note" }, t("engine.starting")));
    return;
  }
  const inUse = report.cpuMode ? t("engine.cpu", { threads: report.cpuThreads }) : report.deviceName;
  const devices = el("ul", { id: ID.gpuDevices });
  for (const gpu of report.gpus) {
    const tags = [t(gpu.software ? "engine.softwareVulkan" : "engine.gpu"), t("engine.cores", { count: gpu.cores })];
    if (report.activeGpu === gpu.id) tags.push(t("engine.inUseTag"));
    const item = el("li", {}, `${gpu.id}: ${gpu.name} (${tags.join(t("settings.listSeparator"))})`);
    const heaps = memory?.find((m) => m.name === gpu.name);
    if (heaps) item.append(el("div", { className: "note", dataset: { memory: gpu.name } }, t("engine.memory", { memory: describeMemory(heaps) })));
    devices.append(item);
  }
  if (report.gpus.length === 0) devices.append(el("li", {}, t("engine.noDevice")));
  const started = report.startup.reduce((sum, s) => sum + (s.ms ?? 0), 0);
  panel.append(
    definitionList([
      [t("engine.inUse"), inUse, ID.gpuInUse],
      [t("engine.mode"), t(report.cpuMode ? "engine.cpuMode" : "engine.gpuMode"), ID.gpuMode],
      [t("engine.jobs"), String(report.pipelineDepth)],
      [t("engine.startedIn"), t("units.ms", { value: Math.round(started) })],
      ["sr_vulkan", report.srVulkanVersion, ID.gpuVersion],
      ["Python", `${report.pythonVersion} (${report.venv})`],
    ]),
    el("h3", {}, t("engine.devices")),
    devices,
  );
  if (report.fallbackReason) panel.append(el("p", { id: ID.gpuFallback }, t("engine.whyCpu", { reason: report.fallbackReason })));
  panel.append(el("p", { className: "note" }, t("engine.chooseDevice")));
  panel.append(...customSection(models, onnxruntime));
  if (stats) panel.append(...statsSection(stats));
}
