/**
 * @file The brush and the eraser: a stroke paints a capsule, every pixel whose centre
 * (x + ½, y + ½) lies within `radius` of the segment from→to. A drag is a chain of such
 * segments (one per pointer move), so fast moves leave no gaps. Only the capsule's bounding
 * box is visited: a stroke costs its area, not the image's.
 */
import { checkMask, checkValue, clipBox, type Box } from './box';

export interface Point {
  x: number;
  y: number;
}

/** The pixels a stroke can touch, before it is painted (what to `record` for undo); empty for a NaN point. */
export function strokeBox(width: number, height: number, from: Point, to: Point, radius: number): Box {
  const r = Math.max(0, radius);
  // centre x + ½ ≥ min − r  ⇔  x ≥ min − r − ½; the last column is the largest x with x + ½ ≤ max + r
  return clipBox({
    x0: Math.ceil(Math.min(from.x, to.x) - r - 0.5),
    y0: Math.ceil(Math.min(from.y, to.y) - r - 0.5),
    x1: Math.floor(Math.max(from.x, to.x) + r - 0.5) + 1,
    y1: Math.floor(Math.max(from.y, to.y) + r - 0.5) + 1,
  }, width, height);
}

/** Squared distance from (px, py) to the segment a→b. */
function distanceSquared(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - a.x) * dx + (py - a.y) * dy) / len2));
  const ex = px - (a.x + t * dx), ey = py - (a.y + t * dy);
  return ex * ex + ey * ey;
}

/** Paints the capsule with `value` (255 erases); returns the box it may have changed. */
export function paintStroke(mask: Uint8Array, width: number, height: number, from: Point, to: Point, radius: number, value: number): Box {
  checkMask(mask, width, height);
  checkValue(value);
  const box = strokeBox(width, height, from, to, radius);
  const r2 = radius * radius;
  for (let y = box.y0; y < box.y1; y++) {
    const row = y * width;
    for (let x = box.x0; x < box.x1; x++) {
      if (distanceSquared(x + 0.5, y + 0.5, from, to) <= r2) mask[row + x] = value;
    }
  }
  return box;
}
