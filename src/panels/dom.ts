// Small DOM helpers shared by the panels.
import type { DomId } from "../ui/dom";

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
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatAge(unixSeconds: number | null): string {
  if (unixSeconds === null) return "—";
  const days = (Date.now() / 1000 - unixSeconds) / 86400;
  if (days < 1 / 24) return "just now";
  if (days < 1) return `${Math.round(days * 24)} h ago`;
  return `${Math.round(days)} days ago`;
}
