// GPU info: devices, the one in use, the CPU or software-Vulkan fallback in plain words.
import type { DeviceReport } from "../bindings";
import { definitionList, el } from "./dom";

export function renderGpuPanel(panel: HTMLElement, report: DeviceReport | null, error: string | null): void {
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
    devices.append(el("li", {}, `${gpu.id}: ${gpu.name} (${tags.join(", ")})`));
  }
  if (report.gpus.length === 0) devices.append(el("li", {}, "No Vulkan device found"));
  panel.append(
    definitionList([
      ["In use", inUse, "gpu-in-use"],
      ["Mode", report.cpuMode ? "CPU mode" : "GPU (Vulkan)", "gpu-mode"],
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
