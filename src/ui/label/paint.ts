/** @file Painting a per-pixel selection (similar patches snapped to superpixels) into a mask. */
import type { Box } from '../../label/box';

/** Paints `selected` pixels (1) with `value`; the box of what it painted. */
export function paintSelected(mask: Uint8Array, width: number, selected: Uint8Array, value: number): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < selected.length; i++) {
    if (!selected[i]) continue;
    mask[i] = value;
    const x = i % width, y = (i - x) / width;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x + 1); y0 = Math.min(y0, y); y1 = Math.max(y1, y + 1);
  }
  return x1 < 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0, y0, x1, y1 };
}
