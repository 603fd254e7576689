/**
 * @file The polygon tool: a closed outline filled exactly as the COCO reader in src/data fills a
 * polygon annotation (pycocotools' `rleFrPoly`, by calling it), so a mask drawn here and the same
 * outline exported as COCO JSON give the same pixels.
 *
 * Only the polygon's bounding box is rasterised (unless it reaches below the image, see below): the
 * outline is moved by whole pixels to the box's corner first. pycocotools' arithmetic commutes with a whole-pixel shift as long as no coordinate
 * changes sign (its `(int)` cast truncates towards zero), which holds because the box starts at
 * floor(min) when that is ≥ 0 and at 0 otherwise (the test compares against the full-image fill).
 */
import { fillPolygon } from '../data/coco-masks';
import { EMPTY_BOX, checkMask, checkValue, type Box } from './box';

/** Fills the polygon `[x0, y0, x1, y1, …]` (pixel coordinates, closed implicitly) with `value`. */
export function fillPolygonMask(mask: Uint8Array, width: number, height: number, points: readonly number[], value: number): Box {
  checkMask(mask, width, height);
  checkValue(value);
  if (points.length % 2 !== 0) throw new RangeError(`a polygon needs x, y pairs; got ${points.length} numbers`);
  if (points.length < 6 || points.some((v) => !Number.isFinite(v))) return { ...EMPTY_BOX };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    minX = Math.min(minX, points[i]); maxX = Math.max(maxX, points[i]);
    minY = Math.min(minY, points[i + 1]); maxY = Math.max(maxY, points[i + 1]);
  }
  // pycocotools clamps an outline below the image to the bottom edge, and in its column-major runs
  // "bottom of column x" is "top of column x + 1": such a polygon also toggles pixels at the top of
  // the next column. Only the full image reproduces that, so a polygon reaching below is filled there.
  const below = Math.ceil(maxY) + 1 > height;
  const x0 = below ? 0 : Math.max(0, Math.floor(minX)), y0 = below ? 0 : Math.max(0, Math.floor(minY));
  // a pixel is in when its centre is: no centre beyond ceil(max) + 1 can be
  const x1 = below ? width : Math.min(width, Math.ceil(maxX) + 1), y1 = Math.min(height, Math.ceil(maxY) + 1);
  if (x0 >= x1 || y0 >= y1) return { ...EMPTY_BOX };
  const w = x1 - x0, h = y1 - y0;
  const shifted = points.map((v, i) => (i % 2 === 0 ? v - x0 : v - y0));
  const inside = new Uint8Array(w * h);
  fillPolygon(shifted, w, h, inside);
  let bx0 = x1, by0 = y1, bx1 = x0, by1 = y0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside[y * w + x]) continue;
      mask[(y + y0) * width + x + x0] = value;
      bx0 = Math.min(bx0, x + x0); bx1 = Math.max(bx1, x + x0 + 1);
      by0 = Math.min(by0, y + y0); by1 = Math.max(by1, y + y0 + 1);
    }
  }
  return bx0 < bx1 ? { x0: bx0, y0: by0, x1: bx1, y1: by1 } : { ...EMPTY_BOX };
}
