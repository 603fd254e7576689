/**
 * @file Zoom and pan of the labelling canvas: the viewer's rule (src/ui/viewer/zoom.ts: screen =
 * content · zoom + offset, zooming about a point keeps that point still, never past the content's
 * edges), in units of the canvas's own width and height (0…1 on each axis), so the view stays
 * right when the canvas is resized and for any aspect.
 */
import { MAX_ZOOM, MIN_ZOOM, type View } from '../viewer/zoom';

export { IDENTITY, ZOOM_STEP, wheelFactor, type View } from '../viewer/zoom';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Keeps the canvas covered by the photo: offsets between 1 − zoom and 0. */
export function clampView(v: View): View {
  const zoom = clamp(v.zoom, MIN_ZOOM, MAX_ZOOM);
  return { zoom, x: clamp(v.x, 1 - zoom, 0), y: clamp(v.y, 1 - zoom, 0) };
}

/** Zoom by `factor` about canvas point (u, v) (fractions of the canvas's width and height). */
export function zoomAt(view: View, u: number, v: number, factor: number): View {
  const zoom = clamp(view.zoom * factor, MIN_ZOOM, MAX_ZOOM);
  const f = zoom / view.zoom;
  return clampView({ zoom, x: u - (u - view.x) * f, y: v - (v - view.y) * f });
}

/** Moves the photo by (du, dv) fractions of the canvas. */
export const pan = (view: View, du: number, dv: number): View => clampView({ ...view, x: view.x + du, y: view.y + dv });

/** The photo's pixel coordinates (fractional) under canvas point (u, v); the canvas shows the whole photo at zoom 1. */
export function toPhoto(view: View, u: number, v: number, photo: { width: number; height: number }): { x: number; y: number } {
  return { x: ((u - view.x) / view.zoom) * photo.width, y: ((v - view.y) / view.zoom) * photo.height };
}

/** The largest box of the photo's aspect that fits `width` × `height` (CSS pixels). */
export function fitSize(photo: { width: number; height: number }, width: number, height: number): { width: number; height: number } {
  const k = Math.min(width / photo.width, height / photo.height);
  return { width: Math.max(1, Math.floor(photo.width * k)), height: Math.max(1, Math.floor(photo.height * k)) };
}
