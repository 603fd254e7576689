/**
 * @file The viewer's zoom and pan as pure functions of a `View`: screen = content · zoom + (x, y),
 * in canvas pixels (content coordinates are the canvas's at zoom 1). Zooming about a point keeps
 * the content under that point where it is; panning never shows past the picture's edges. The
 * `Frame` is the square canvas and the picture's rectangle in it (a letterboxed picture, see fit.ts).
 */
export interface View {
  zoom: number;
  x: number;
  y: number;
}
export type Point = readonly [number, number];

/** A `size` × `size` canvas and the picture's rectangle in it at zoom 1 (canvas px). */
export interface Frame {
  size: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A picture that fills the whole canvas. */
export const square = (size: number): Frame => ({ size, left: 0, top: 0, width: size, height: size });

export const IDENTITY: View = { zoom: 1, x: 0, y: 0 };
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 16;
/** One wheel notch, one +/− press. */
export const ZOOM_STEP = 1.25;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The content point shown at canvas point `p`. */
export function toContent(v: View, p: Point): [number, number] {
  return [(p[0] - v.x) / v.zoom, (p[1] - v.y) / v.zoom];
}

/**
 * One axis's offset: a picture wider than the canvas (at this zoom) covers it, edge to edge at most;
 * a narrower one stays centred, as at zoom 1, so panning never pushes it into its letterbox bars.
 */
function clampAxis(offset: number, zoom: number, size: number, start: number, length: number): number {
  const extent = length * zoom;
  if (extent <= size) return (size - extent) / 2 - start * zoom;
  return clamp(offset, size - (start + length) * zoom, 0 - start * zoom); // 0 − …: never −0
}

/** Keeps the picture covering the canvas where it can (for a full square: offsets between size·(1 − zoom) and 0). */
export function clampView(v: View, f: Frame): View {
  const zoom = clamp(v.zoom, MIN_ZOOM, MAX_ZOOM);
  return { zoom, x: clampAxis(v.x, zoom, f.size, f.left, f.width), y: clampAxis(v.y, zoom, f.size, f.top, f.height) };
}

/** Zoom by `factor` about canvas point `p`: the content under `p` stays under `p` (unless an edge or zoom limit stops it). */
export function zoomAt(v: View, p: Point, factor: number, frame: Frame): View {
  const zoom = clamp(v.zoom * factor, MIN_ZOOM, MAX_ZOOM);
  const f = zoom / v.zoom;
  return clampView({ zoom, x: p[0] - (p[0] - v.x) * f, y: p[1] - (p[1] - v.y) * f }, frame);
}

/** Zoom about the canvas's centre (the +/− buttons and keys). */
export const zoomCentre = (v: View, factor: number, f: Frame): View => zoomAt(v, [f.size / 2, f.size / 2], factor, f);

/** Moves the content by (dx, dy) canvas pixels (a drag). */
export const pan = (v: View, dx: number, dy: number, f: Frame): View => clampView({ ...v, x: v.x + dx, y: v.y + dy }, f);

/**
 * A wheel event's zoom factor: proportional to the scroll distance, so a trackpad's many small
 * deltas zoom smoothly and a mouse notch (≈100 px) zooms by about ZOOM_STEP. `deltaMode` 1 = lines.
 */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return ZOOM_STEP ** (-clamp(px, -300, 300) / 100);
}

/**
 * The view after a key press on the focused viewer, or undefined for keys it does not use:
 * + / = zoom in, − zoom out (about the centre), arrows pan by an eighth of the canvas (ArrowRight
 * shows what lies to the right), 0 resets.
 */
export function viewForKey(v: View, key: string, f: Frame): View | undefined {
  const step = f.size / 8;
  switch (key) {
    case '+': case '=': return zoomCentre(v, ZOOM_STEP, f);
    case '-': case '−': return zoomCentre(v, 1 / ZOOM_STEP, f);
    case '0': return IDENTITY;
    case 'ArrowLeft': return pan(v, step, 0, f);
    case 'ArrowRight': return pan(v, -step, 0, f);
    case 'ArrowUp': return pan(v, 0, step, f);
    case 'ArrowDown': return pan(v, 0, -step, f);
    default: return undefined;
  }
}
