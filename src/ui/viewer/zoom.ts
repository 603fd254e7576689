/**
 * @file The viewer's zoom and pan as pure functions of a `View`: screen = content · zoom + (x, y),
 * in canvas pixels (content coordinates are the canvas's at zoom 1). Zooming about a point keeps
 * the content under that point where it is; panning never shows past the content's edges.
 */
export interface View {
  zoom: number;
  x: number;
  y: number;
}
export type Point = readonly [number, number];

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

/** Keeps the content covering the canvas (`size` × `size`): offsets between size·(1 − zoom) and 0. */
export function clampView(v: View, size: number): View {
  const zoom = clamp(v.zoom, MIN_ZOOM, MAX_ZOOM);
  const lo = size * (1 - zoom);
  return { zoom, x: clamp(v.x, lo, 0), y: clamp(v.y, lo, 0) };
}

/** Zoom by `factor` about canvas point `p`: the content under `p` stays under `p` (unless an edge or zoom limit stops it). */
export function zoomAt(v: View, p: Point, factor: number, size: number): View {
  const zoom = clamp(v.zoom * factor, MIN_ZOOM, MAX_ZOOM);
  const f = zoom / v.zoom;
  return clampView({ zoom, x: p[0] - (p[0] - v.x) * f, y: p[1] - (p[1] - v.y) * f }, size);
}

/** Zoom about the canvas's centre (the +/− buttons and keys). */
export const zoomCentre = (v: View, factor: number, size: number): View => zoomAt(v, [size / 2, size / 2], factor, size);

/** Moves the content by (dx, dy) canvas pixels (a drag). */
export const pan = (v: View, dx: number, dy: number, size: number): View => clampView({ ...v, x: v.x + dx, y: v.y + dy }, size);

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
export function viewForKey(v: View, key: string, size: number): View | undefined {
  const step = size / 8;
  switch (key) {
    case '+': case '=': return zoomCentre(v, ZOOM_STEP, size);
    case '-': case '−': return zoomCentre(v, 1 / ZOOM_STEP, size);
    case '0': return IDENTITY;
    case 'ArrowLeft': return pan(v, step, 0, size);
    case 'ArrowRight': return pan(v, -step, 0, size);
    case 'ArrowUp': return pan(v, 0, step, size);
    case 'ArrowDown': return pan(v, 0, -step, size);
    default: return undefined;
  }
}
