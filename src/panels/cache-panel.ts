// The cache panel: entries, size, oldest use; cleanup by age with a confirmation, clear all, size cap.
import type { CacheStats, CleanReport } from "../bindings";
import { commands, describeError, unwrap } from "../api";
import { definitionList, el, formatAge, formatBytes } from "./dom";

export class CachePanel {
  constructor(
    private readonly panel: HTMLElement,
    private readonly onCleared: () => void,
  ) {}

  async refresh(): Promise<void> {
    try {
      this.render(await unwrap(commands.getSrVulkanCacheStats()));
    } catch (e) {
      this.panel.replaceChildren(el("h2", {}, "Cache"), el("p", { className: "bad" }, describeError(e)));
    }
  }

  private render(stats: CacheStats): void {
    const days = el("input", { type: "number", min: "0", value: "30", id: "cleanup-days" });
    days.style.width = "70px";
    const cap = el("input", { type: "number", min: "1", value: "500", id: "cache-cap-mb" });
    cap.style.width = "80px";
    const result = el("p", { id: "cache-result", className: "note" });
    const confirmBox = el("div");
    const ask = (question: string, action: () => Promise<string>) => {
      const yes = el("button", { id: "confirm-yes" }, "Remove");
      const no = el("button", { id: "confirm-no" }, "Cancel");
      confirmBox.replaceChildren(el("div", { className: "confirm" }, el("p", {}, question), el("div", { className: "row" }, yes, no)));
      no.onclick = () => confirmBox.replaceChildren();
      yes.onclick = async () => {
        confirmBox.replaceChildren();
        try {
          const message = await action();
          this.onCleared();
          await this.refresh();
          this.panel.querySelector("#cache-result")!.textContent = message;
        } catch (e) {
          this.panel.querySelector("#cache-result")!.textContent = describeError(e);
        }
      };
    };
    const removed = (report: CleanReport) => `Removed ${report.removed} file${report.removed === 1 ? "" : "s"} (${formatBytes(report.bytesFreed)}).`;
    const cleanup = el("button", { id: "cache-cleanup" }, "Clean up");
    cleanup.onclick = () => {
      const n = Math.max(0, Math.floor(Number(days.value) || 0));
      ask(n === 0 ? "Remove every cached image?" : `Remove cached images not used for ${n} days?`, async () => {
        const count = await unwrap(commands.cleanupSrVulkanCache(n));
        return `Removed ${count} file${count === 1 ? "" : "s"}.`;
      });
    };
    const clearAll = el("button", { id: "cache-clear" }, "Clear all");
    clearAll.onclick = () => ask(`Remove all ${stats.entries} cached images?`, async () => removed(await unwrap(commands.clearCache())));
    const applyCap = el("button", { id: "cache-apply-cap" }, "Apply");
    applyCap.onclick = () =>
      ask(`Shrink the cache to ${cap.value} MB, least recently used first?`, async () =>
        removed(await unwrap(commands.capCache(Math.max(1, Math.floor(Number(cap.value) || 1))))),
      );
    this.panel.replaceChildren(
      el("h2", {}, "Cache"),
      definitionList([
        ["Entries", String(stats.entries), "cache-entries"],
        ["Size", formatBytes(stats.bytes), "cache-size"],
        ["Oldest use", formatAge(stats.oldest ?? null), "cache-oldest"],
        ["Folder", el("span", { className: "note" }, stats.root)],
      ]),
      el("div", { className: "row" }, "Older than", days, "days", cleanup),
      el("div", { className: "row" }, "Size cap", cap, "MB", applyCap),
      el("div", { className: "row" }, clearAll),
      confirmBox,
      result,
    );
  }
}
