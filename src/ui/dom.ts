// Looking up the elements of index.html by their typed ids.
import type { ID } from "./ids.js";

export type DomId = (typeof ID)[keyof typeof ID];

export function byId<T extends HTMLElement = HTMLElement>(id: DomId): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`index.html has no #${id}`);
  return node as T;
}
