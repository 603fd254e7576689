/**
 * @file Fills: a superpixel (every pixel of the clicked region id) and a plain flood fill (the
 * 4-connected area of the clicked pixel's mask value). Both walk outwards from the click with an
 * explicit stack (a recursive walk overflows on a large area), so they visit only what they paint
 * and its rim; the returned box is the painted pixels' bounding box.
 */
import { EMPTY_BOX, checkMask, checkValue, type Box } from './box';

/**
 * Paints, with `value`, the 4-connected pixels from (x, y) for which `open(i)` holds. A pixel is
 * painted when it is pushed, so `open` must turn false once `visited(i)` was called for it.
 */
function fillConnected(mask: Uint8Array, width: number, height: number, x: number, y: number, open: (i: number) => boolean, visited: (i: number) => void, value: number): Box {
  const start = y * width + x;
  const stack = [start];
  visited(start);
  let x0 = x, y0 = y, x1 = x, y1 = y;
  const push = (j: number) => {
    if (open(j)) { visited(j); stack.push(j); }
  };
  while (stack.length) {
    const i = stack.pop()!;
    const px = i % width, py = (i - px) / width;
    mask[i] = value;
    if (px < x0) x0 = px;
    if (px > x1) x1 = px;
    if (py < y0) y0 = py;
    if (py > y1) y1 = py;
    if (px > 0) push(i - 1);
    if (px < width - 1) push(i + 1);
    if (py > 0) push(i - width);
    if (py < height - 1) push(i + width);
  }
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** The pixel that holds the point (x, y), or null when it is off the image. */
function pixelAt(width: number, height: number, x: number, y: number): [number, number] | null {
  const px = Math.floor(x), py = Math.floor(y);
  return px >= 0 && py >= 0 && px < width && py < height ? [px, py] : null;
}

/**
 * Paints the superpixel under (x, y) (pixel coordinates; the pixel that holds the point). `slic` returns 4-connected regions, so the connected walk
 * paints every pixel with the clicked id.
 */
export function fillRegion(mask: Uint8Array, width: number, height: number, regions: Int32Array, x: number, y: number, value: number): Box {
  checkMask(mask, width, height);
  checkValue(value);
  if (regions.length !== mask.length) throw new RangeError(`the region map holds ${regions.length} pixels, the mask ${mask.length}`);
  const at = pixelAt(width, height, x, y);
  if (!at) return { ...EMPTY_BOX };
  [x, y] = at;
  const id = regions[y * width + x];
  // the mask says nothing about what was visited here (a pixel may already hold `value`): a set does
  const seen = new Set<number>();
  return fillConnected(mask, width, height, x, y, (j) => regions[j] === id && !seen.has(j), (j) => seen.add(j), value);
}

/** Paints the 4-connected area of pixels with the same mask value as (x, y). */
export function floodFill(mask: Uint8Array, width: number, height: number, x: number, y: number, value: number): Box {
  checkMask(mask, width, height);
  checkValue(value);
  const at = pixelAt(width, height, x, y);
  if (!at) return { ...EMPTY_BOX };
  [x, y] = at;
  const old = mask[y * width + x];
  if (old === value) return { ...EMPTY_BOX }; // nothing would change
  // painting on push turns a visited pixel from `old` to `value`, closing it
  return fillConnected(mask, width, height, x, y, (j) => mask[j] === old, (j) => (mask[j] = value), value);
}
