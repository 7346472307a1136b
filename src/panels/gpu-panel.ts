// GPU info: devices, the one in use, the CPU or software-Vulkan fallback in plain words.
import type { DeviceMemory, DeviceReport } from "../bindings";
import { definitionList, el, formatBytes } from "./dom";

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

export function renderGpuPanel(
  panel: HTMLElement,
  report: DeviceReport | null,
  error: string | null,
  memory: DeviceMemory[] | null = null,
): void {
  panel.replaceChildren(el("h2", {}, "GPU"));
  if (error) {
    panel.append(
      el("p", { className: "bad", id: "gpu-error" }, `Upscaling is unavailable: ${error}`),
      el("p", { className: "note" }, "You can still view images. Run scripts/setup.sh, or set SRVIEW_VENV, then restart SRView."),
    );
    return;
  }
  if (!report) {
    panel.append(el("p", { className: "note" }, "Starting the upscaler…"));
    return;
  }
  const inUse = report.cpuMode ? `CPU (${report.cpuThreads} threads)` : report.deviceName;
  const devices = el("ul", { id: "gpu-devices" });
  for (const gpu of report.gpus) {
    const tags = [gpu.software ? "software Vulkan" : "GPU", `${gpu.cores} cores`];
    if (report.activeGpu === gpu.id) tags.push("in use");
    const item = el("li", {}, `${gpu.id}: ${gpu.name} (${tags.join(", ")})`);
    const heaps = memory?.find((m) => m.name === gpu.name);
    if (heaps) item.append(el("div", { className: "note", dataset: { memory: gpu.name } }, `Memory: ${describeMemory(heaps)}`));
    devices.append(item);
  }
  if (report.gpus.length === 0) devices.append(el("li", {}, "No Vulkan device found"));
  panel.append(
    definitionList([
      ["In use", inUse, "gpu-in-use"],
      ["Mode", report.cpuMode ? "CPU mode" : "GPU (Vulkan)", "gpu-mode"],
      ["Jobs at once", String(report.pipelineDepth)],
      ["CPU cores", String(report.cpuCores)],
      ["sr_vulkan", report.srVulkanVersion, "gpu-version"],
      ["Python", report.pythonVersion],
    ]),
    el("h3", {}, "Devices"),
    devices,
  );
  if (report.fallbackReason) panel.append(el("p", { id: "gpu-fallback" }, `Why CPU: ${report.fallbackReason}.`));
  panel.append(
    el("p", { className: "note" }, "The device is chosen at start: run srview-app --gpu ID (or --gpu cpu) to change it."),
  );
}
