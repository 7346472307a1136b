// The cache panel: entries, size, oldest use; cleanup by age with a confirmation, clear all,
// and the lasting size cap, which the engine keeps after every write and in later runs.
import type { CacheStats, CleanReport } from "../bindings";
import { describeError, type CacheApi } from "../api";
import { definitionList, el, formatAge, formatBytes } from "./dom";
import { ID } from "../ui/ids.js";
import { t } from "../i18n/i18n";
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
      this.panel.replaceChildren(el("h2", {}, t("cache.title")), el("p", { className: "bad" }, describeError(e)));
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
    const ask = (question: string, action: () => Promise<string>, yesLabel = t("cache.remove")) => {
      const yes = el("button", { id: ID.confirmYes }, yesLabel);
      const no = el("button", { id: ID.confirmNo }, t("cache.cancel"));
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
    const removed = (report: CleanReport) => t("cache.removedFiles", { count: report.removed, size: formatBytes(report.bytesFreed) });
    const cleanup = el("button", { id: ID.cacheCleanup }, t("cache.cleanUp"));
    cleanup.onclick = () => {
      const n = Math.max(0, Math.floor(Number(days.value) || 0));
      ask(n === 0 ? t("cache.removeEvery") : t("cache.removeOlder", { days: n }), async () => {
        const count = await this.api.cleanup(n);
        return t("cache.removedCount", { count });
      });
    };
    const clearAll = el("button", { id: ID.cacheClear }, t("cache.clearAll"));
    clearAll.onclick = () => ask(t("cache.removeAll", { count: stats.entries }), async () => removed(await this.api.clear()));
    const applyCap = el("button", { id: ID.cacheApplyCap }, t("cache.apply"));
    applyCap.onclick = () => {
      const megabytes = Math.max(1, Math.floor(Number(cap.value) || 1));
      const { question, yes } = capConfirmation(megabytes, stats.bytes);
      ask(question, async () => removed(await this.api.setCap(megabytes)), yes);
    };
    const liftCap = el("button", { id: ID.cacheLiftCap }, t("cache.noCap"));
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
      capMb === null ? t("cache.noCapNow") : t("cache.capNow", { mb: capMb }),
    );
    this.panel.replaceChildren(
      el("h2", {}, t("cache.title")),
      definitionList([
        [t("cache.entries"), String(stats.entries), ID.cacheEntries],
        [t("cache.size"), formatBytes(stats.bytes), ID.cacheSize],
        [t("cache.oldest"), formatAge(stats.oldest ?? null), ID.cacheOldest],
        [t("cache.folder"), el("span", { className: "note" }, stats.root)],
      ]),
      el("div", { className: "row" }, t("cache.olderThan"), days, t("cache.days"), cleanup),
      el("div", { className: "row" }, t("cache.sizeCap"), cap, t("cache.mb"), applyCap, liftCap),
      capNow,
      el("div", { className: "row" }, clearAll),
      confirmBox,
      result,
    );
  }
}
