/**
 * @file The mask as the picture over the photo: each labelled pixel in its class's colour, opaque
 * (the canvas draws the layer with the user's opacity), unlabelled pixels (255) transparent. Only
 * the box an edit touched is rewritten, so a brush stroke on a 12 MP photo stays cheap.
 */
import type { Box } from '../../label/box';

export type Rgb = readonly [number, number, number];

/** Writes `mask`'s pixels inside `box` (exclusive end) into `rgba` (both width-wide, row-major). */
export function paintOverlay(rgba: Uint8ClampedArray, mask: Uint8Array, width: number, box: Box, colors: readonly Rgb[]): void {
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = y * width + x;
      const c = mask[i] === 255 ? undefined : colors[mask[i]];
      const o = 4 * i;
      if (!c) {
        // unlabelled, or an id with no class (left by a removed class): nothing drawn
        rgba[o] = rgba[o + 1] = rgba[o + 2] = rgba[o + 3] = 0;
      } else {
        rgba[o] = c[0]; rgba[o + 1] = c[1]; rgba[o + 2] = c[2]; rgba[o + 3] = 255;
      }
    }
  }
}

/** The superpixels' outline: white, half transparent, where `edges` is 1. */
export function outlineRgba(edges: Uint8Array): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(edges.length * 4);
  for (let i = 0; i < edges.length; i++) {
    if (!edges[i]) continue;
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = 255;
    rgba[4 * i + 3] = 140;
  }
  return rgba;
}
