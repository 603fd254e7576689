/**
 * @file Zoom and pan of the labelling canvas: the viewer's rule (src/ui/viewer/zoom.ts: screen =
 * content · zoom + offset, zooming about a point keeps that point still, never past the content's
 * edges), in units of the canvas's own width and height (0…1 on each axis), so the view stays
 * right when the canvas is resized and for any aspect.
 */
import * as zoom from '../viewer/zoom';
import type { View } from '../viewer/zoom';

export { IDENTITY, ZOOM_STEP, wheelFactor, type View } from '../viewer/zoom';

/** The canvas as the viewer's frame: one unit on a side, the photo filling it. */
const UNIT = zoom.square(1);

/** Keeps the canvas covered by the photo: offsets between 1 − zoom and 0. */
export const clampView = (v: View): View => zoom.clampView(v, UNIT);

/** Zoom by `factor` about canvas point (u, v) (fractions of the canvas's width and height). */
export const zoomAt = (view: View, u: number, v: number, factor: number): View => zoom.zoomAt(view, [u, v], factor, UNIT);

/** Moves the photo by (du, dv) fractions of the canvas. */
export const pan = (view: View, du: number, dv: number): View => zoom.pan(view, du, dv, UNIT);

/** The photo's pixel coordinates (fractional) under canvas point (u, v); the canvas shows the whole photo at zoom 1. */
export function toPhoto(view: View, u: number, v: number, photo: { width: number; height: number }): { x: number; y: number } {
  const [x, y] = zoom.toContent(view, [u, v]);
  return { x: x * photo.width, y: y * photo.height };
}

/** The largest box of the photo's aspect that fits `width` × `height` (CSS pixels). */
export function fitSize(photo: { width: number; height: number }, width: number, height: number): { width: number; height: number } {
  const k = Math.min(width / photo.width, height / photo.height);
  return { width: Math.max(1, Math.floor(photo.width * k)), height: Math.max(1, Math.floor(photo.height * k)) };
}
