/**
 * @file The mask as the picture over the photo: each labelled pixel in its class's colour, opaque
 * (the canvas draws the layer with the user's opacity), unlabelled pixels (255) transparent. Only
 * the box an edit touched is rewritten, so a brush stroke on a 12 MP photo stays cheap.
 */
import type { Box } from '../../label/box';

export type Rgb = readonly [number, number, number];

/** Writes `mask`'s pixels inside `box` (exclusive end) into `rgba` (both width-wide, row-major). */
export function paintOverlay(rgba: Uint8ClampedArray, mask: Uint8Array, width: number, box: Box, colors: readonly Rgb[]): void {
  // one 32-bit word per pixel (a full repaint of 12 MP is a long task otherwise); words built from bytes, so any endianness
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2);
  const bytes = new Uint8Array(4 * 256), table = new Uint32Array(bytes.buffer); // 0: unlabelled, or an id with no class (a removed one)
  colors.forEach((c, id) => bytes.set([c[0], c[1], c[2], 255], 4 * id));
  for (let y = box.y0; y < box.y1; y++) {
    for (let i = y * width + box.x0, end = y * width + box.x1; i < end; i++) words[i] = table[mask[i]];
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
