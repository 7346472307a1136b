// Where the reader is and how pages are laid out: one page or two-page spreads, left-to-right
// or right-to-left (manga). Pure functions over page sizes, so they are unit-tested.

export type Direction = "ltr" | "rtl";

export interface ReadingMode {
  spread: boolean;
  direction: Direction;
  /** Shift the pairing by one, for books whose cover is a single page. */
  shift: boolean;
}

export interface PageSize {
  width: number;
  height: number;
}

/** Known page sizes by index (a Map, or a view of one keyed otherwise). */
export interface Sizes {
  get(index: number): PageSize | undefined;
  has(index: number): boolean;
}

/** A landscape page (a double-page scan) stands alone in a spread. Unknown sizes count as portrait. */
export function isWide(size: PageSize | undefined): boolean {
  return !!size && size.width > size.height * 1.1;
}

/**
 * The pages shown together with page `index`, in page order: a spread pairs portrait pages,
 * restarting after each wide page, and with `shift` the first page stands alone.
 */
export function groupAt(index: number, count: number, mode: ReadingMode, sizes: Sizes): number[] {
  if (count === 0) return [];
  index = Math.max(0, Math.min(count - 1, index));
  const wide = (i: number) => isWide(sizes.get(i));
  if (!mode.spread || wide(index)) return [index];
  if (mode.shift && index === 0) return [0];
  let start = index;
  while (start > 0 && !wide(start - 1)) start--;
  const first = start === 0 && mode.shift ? 1 : start;
  const left = (index - first) % 2 === 0 ? index : index - 1;
  const right = left + 1;
  return right < count && !wide(right) ? [left, right] : [left];
}

/** The first page of the next group, or null at the end. */
export function nextGroup(index: number, count: number, mode: ReadingMode, sizes: Sizes): number | null {
  const group = groupAt(index, count, mode, sizes);
  const next = group[group.length - 1] + 1;
  return next < count ? next : null;
}

/** The first page of the previous group, or null at the start. */
export function previousGroup(index: number, count: number, mode: ReadingMode, sizes: Sizes): number | null {
  const group = groupAt(index, count, mode, sizes);
  if (group[0] === 0) return null;
  return groupAt(group[0] - 1, count, mode, sizes)[0];
}

/** The first page of the last group. */
export function lastGroup(count: number, mode: ReadingMode, sizes: Sizes): number {
  return groupAt(count - 1, count, mode, sizes)[0];
}

/** Pages in the order they sit on screen, left to right: reversed for right-to-left. */
export function onScreenOrder(group: number[], direction: Direction): number[] {
  return direction === "rtl" ? [...group].reverse() : group;
}

const ONE_PAGE: ReadingMode = { spread: false, direction: "ltr", shift: false };
const NO_SIZES: Sizes = { get: () => undefined, has: () => false };

/** The pages of the next `screens` screens after the group on screen: what to preload, in
 *  reading order. In spreads a screen is its two pages, so they are asked for together. */
export function ahead(group: number[], pageCount: number, screens: number, mode: ReadingMode = ONE_PAGE, sizes: Sizes = NO_SIZES): number[] {
  const pages: number[] = [];
  let next = (group[group.length - 1] ?? -1) + 1;
  for (let screen = 0; screen < screens && next < pageCount; screen++) {
    const shown = groupAt(next, pageCount, mode, sizes);
    pages.push(...shown);
    next = shown[shown.length - 1] + 1;
  }
  return pages;
}

/** Which way an arrow key moves: → reads on in left-to-right, ← in right-to-left. */
export function arrowStep(key: "ArrowLeft" | "ArrowRight", direction: Direction): 1 | -1 {
  const forward = direction === "rtl" ? "ArrowLeft" : "ArrowRight";
  return key === forward ? 1 : -1;
}

/** Pages whose sizes the layout needs around `index`. */
export function sizesNeeded(index: number, count: number, known: Sizes): number[] {
  const pages: number[] = [];
  for (let i = Math.max(0, index - 3); i < Math.min(count, index + 4); i++) if (!known.has(i)) pages.push(i);
  return pages;
}
