// Small DOM helpers shared by the panels.
import type { DomId } from "../ui/dom";
import { t } from "../i18n/i18n";

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(node, rest);
  if (dataset) Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

export function definitionList(rows: [string, string | Node, DomId?][]): HTMLDListElement {
  const list = el("dl");
  for (const [term, value, id] of rows) {
    list.append(el("dt", {}, term), el("dd", id ? { id } : {}, value));
  }
  return list;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return t("units.bytes", { value: bytes });
  if (bytes < 1024 * 1024) return t("units.kb", { value: (bytes / 1024).toFixed(1) });
  if (bytes < 1024 ** 3) return t("units.mb", { value: (bytes / 1024 / 1024).toFixed(1) });
  return t("units.gb", { value: (bytes / 1024 ** 3).toFixed(2) });
}

export function formatAge(unixSeconds: number | null): string {
  if (unixSeconds === null) return "—";
  const days = (Date.now() / 1000 - unixSeconds) / 86400;
  if (days < 1 / 24) return t("units.justNow");
  if (days < 1) return t("units.hoursAgo", { count: Math.round(days * 24) });
  return t("units.daysAgo", { count: Math.round(days) });
}
