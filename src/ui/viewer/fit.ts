/**
 * @file Where a picture sits in a square pane, and which image pixel lies under a canvas point.
 * The picture keeps its aspect ratio: its longer side fills the pane and it is centred on the
 * other axis (letterboxed). Pure; the pane draws with `fitPicture` and reads the pointer with
 * `pixelAt`, so what is drawn and what the hover names come from one rectangle.
 */
import { toContent, type Frame, type Point, type View } from './zoom';

/** A picture's place in a `size` × `size` canvas at zoom 1 (canvas px), and its pixel grid. */
export interface Fit extends Frame {
  /** Canvas px per image pixel at zoom 1 (the same on both axes: no stretching). */
  scale: number;
  /** The picture's size in image pixels. */
  columns: number;
  rows: number;
}

/** A `columns` × `rows` picture letterboxed into a `size` × `size` canvas. */
export function fitPicture(columns: number, rows: number, size: number): Fit {
  if (!(columns > 0 && rows > 0)) throw new Error(`fitPicture: a picture of ${columns} × ${rows} pixels cannot be shown`);
  const scale = size / Math.max(columns, rows);
  const width = columns * scale, height = rows * scale;
  return { size, scale, columns, rows, width, height, left: (size - width) / 2, top: (size - height) / 2 };
}

/** The image pixel shown at canvas point `p` under view `v`; undefined over the letterbox bars or past the picture. */
export function pixelAt(v: View, p: Point, f: Fit): [number, number] | undefined {
  const [cx, cy] = toContent(v, p);
  const x = Math.floor((cx - f.left) / f.scale), y = Math.floor((cy - f.top) / f.scale);
  return x >= 0 && y >= 0 && x < f.columns && y < f.rows ? [x, y] : undefined;
}
