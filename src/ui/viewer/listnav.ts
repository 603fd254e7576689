/**
 * @file Keyboard navigation of a long list shown a page at a time (the viewer's validation
 * images): which item a key selects, and which page holds an item.
 */

/** Thumbnails per page (one worker request each). */
export const PAGE_SIZE = 32;

/** The first index of the page holding `index`. */
export const pageStart = (index: number, pageSize = PAGE_SIZE): number => Math.floor(Math.max(0, index) / pageSize) * pageSize;

/**
 * The index a key moves the selection to in a list of `count` items (undefined: the key is not
 * used). Arrows step by one across page boundaries; PageUp/PageDown by a page; Home/End to the ends.
 */
export function indexForKey(key: string, index: number, count: number, pageSize = PAGE_SIZE): number | undefined {
  if (count <= 0) return undefined;
  const to = (i: number) => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case 'ArrowRight': case 'ArrowDown': return to(index + 1);
    case 'ArrowLeft': case 'ArrowUp': return to(index - 1);
    case 'PageDown': return to(index + pageSize);
    case 'PageUp': return to(index - pageSize);
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return undefined;
  }
}
