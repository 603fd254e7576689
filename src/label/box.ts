/**
 * @file The rectangle an edit touched: what the canvas repaints and what the undo history keeps.
 * Half-open in pixels: columns x0…x1−1, rows y0…y1−1; empty when x0 ≥ x1 or y0 ≥ y1.
 */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const EMPTY_BOX: Readonly<Box> = Object.freeze({ x0: 0, y0: 0, x1: 0, y1: 0 });

/** Written as a negation so that a box with NaN in it counts as empty. */
export const isEmptyBox = (b: Box) => !(b.x0 < b.x1 && b.y0 < b.y1);

/** The whole image: what to `record` before an edit whose extent is not known in advance (a fill). */
export const fullBox = (width: number, height: number): Box => ({ x0: 0, y0: 0, x1: width, y1: height });

/** The smallest box holding both; an empty box adds nothing. */
export function unionBox(a: Box, b: Box): Box {
  if (isEmptyBox(a)) return { ...b };
  if (isEmptyBox(b)) return { ...a };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** Keeps the box inside a width×height image (empty when it lies wholly outside). */
export function clipBox(b: Box, width: number, height: number): Box {
  const c = { x0: Math.max(0, b.x0), y0: Math.max(0, b.y0), x1: Math.min(width, b.x1), y1: Math.min(height, b.y1) };
  return isEmptyBox(c) ? { ...EMPTY_BOX } : c;
}

/** Throws unless `value` fits a mask: a class id 0…254, or 255 for unlabelled (a Uint8Array would wrap 256 to 0). */
export function checkValue(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`mask value ${value} is not a class id 0…254 or 255 (unlabelled)`);
}

/** Throws unless the mask holds exactly width×height pixels: every tool checks this first. */
export function checkMask(mask: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`mask size ${width}×${height} is not a positive whole number of pixels`);
  }
  if (mask.length !== width * height) throw new RangeError(`the mask holds ${mask.length} pixels, not ${width}×${height} = ${width * height}`);
}
