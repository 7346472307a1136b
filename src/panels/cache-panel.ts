// The cache panel: entries, size, oldest use; cleanup by age with a confirmation, clear all,
// and the lasting size cap, which the engine keeps after every write and in later runs.
import type { CacheStats, CleanReport } from "../bindings";
import { describeError, type CacheApi } from "../api";
import { definitionList, el, formatAge, formatBytes } from "./dom";
import { ID } from "../ui/ids.js";
import { capConfirmation } from "../state/cache";

export class CachePanel {
  constructor(
    private readonly panel: HTMLElement,
    private readonly api: CacheApi,
    private readonly onCleared: () => void,
  ) {}

  async refresh(): Promise<void> {
    try {
      this.render(await this.api.stats());
    } catch (e) {
      this.panel.replaceChildren(el("h2", {}, "Cache"), el("p", { className: "bad" }, describeError(e)));
    }
  }

  private render(stats: CacheStats): void {
    const days = el("input", { type: "number", min: "0", value: "30", id: ID.cleanupDays });
    days.style.width = "70px";
    const capMb = stats.cap == null ? null : Math.round(stats.cap / (1024 * 1024));
    const cap = el("input", { type: "number", min: "1", value: String(capMb ?? 500), id: ID.cacheCapMb });
    cap.style.width = "80px";
    const result = el("p", { id: ID.cacheResult, className: "note" });
    const confirmBox = el("div");
    const ask = (question: string, action: () => Promise<string>, yesLabel = "Remove") => {
      const yes = el("button", { id: ID.confirmYes }, yesLabel);
      const no = el("button", { id: ID.confirmNo }, "Cancel");
      confirmBox.replaceChildren(el("div", { className: "confirm" }, el("p", {}, question), el("div", { className: "row" }, yes, no)));
      no.onclick = () => confirmBox.replaceChildren();
      yes.onclick = async () => {
        confirmBox.replaceChildren();
        try {
          const message = await action();
          this.onCleared();
          await this.refresh();
          this.panel.querySelector(`#${ID.cacheResult}`)!.textContent = message;
        } catch (e) {
          this.panel.querySelector(`#${ID.cacheResult}`)!.textContent = describeError(e);
        }
      };
    };
    const removed = (report: CleanReport) => `Removed ${report.removed} file${report.removed === 1 ? "" : "s"} (${formatBytes(report.bytesFreed)}).`;
    const cleanup = el("button", { id: ID.cacheCleanup }, "Clean up");
    cleanup.onclick = () => {
      const n = Math.max(0, Math.floor(Number(days.value) || 0));
      ask(n === 0 ? "Remove every cached image?" : `Remove cached images not used for ${n} days?`, async () => {
        const count = await this.api.cleanup(n);
        return `Removed ${count} file${count === 1 ? "" : "s"}.`;
      });
    };
    const clearAll = el("button", { id: ID.cacheClear }, "Clear all");
    clearAll.onclick = () => ask(`Remove all ${stats.entries} cached images?`, async () => removed(await this.api.clear()));
    const applyCap = el("button", { id: ID.cacheApplyCap }, "Apply");
    applyCap.onclick = () => {
      const megabytes = Math.max(1, Math.floor(Number(cap.value) || 1));
      const { question, yes } = capConfirmation(megabytes, stats.bytes);
      ask(question, async () => removed(await this.api.setCap(megabytes)), yes);
    };
    const liftCap = el("button", { id: ID.cacheLiftCap }, "No cap");
    liftCap.hidden = capMb === null;
    liftCap.onclick = async () => {
      try {
        await this.api.setCap(null);
        await this.refresh();
      } catch (e) {
        this.panel.querySelector(`#${ID.cacheResult}`)!.textContent = describeError(e);
      }
    };
    const capNow = el(
      "p",
      { id: ID.cacheCapNow, className: "note" },
      capMb === null ? "No size cap: the cache grows until it is cleaned." : `Kept under ${capMb} MB: the least recently used images go first.`,
    );
    this.panel.replaceChildren(
      el("h2", {}, "Cache"),
      definitionList([
        ["Entries", String(stats.entries), ID.cacheEntries],
        ["Size", formatBytes(stats.bytes), ID.cacheSize],
        ["Oldest use", formatAge(stats.oldest ?? null), ID.cacheOldest],
        ["Folder", el("span", { className: "note" }, stats.root)],
      ]),
      el("div", { className: "row" }, "Older than", days, "days", cleanup),
      el("div", { className: "row" }, "Size cap", cap, "MB", applyCap, liftCap),
      capNow,
      el("div", { className: "row" }, clearAll),
      confirmBox,
      result,
    );
  }
}
