/** Superpixels of a large photo: SLIC itself below the limit; above it, every region one 4-connected piece, covering ids 0…K−1. */
import { describe, expect, it } from 'vitest';
import { slic } from '../../label/slic';
import { superpixelsOf } from './superpixels';

/** Two flat halves with a little noise: a photo with one strong edge down the middle. */
function halves(w: number, h: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(w * h * 4);
  let s = 7;
  for (let i = 0; i < w * h; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const v = ((i % w) < w / 2 ? 50 : 200) + (s >>> 29);
    rgba.set([v, v, v, 255], 4 * i);
  }
  return rgba;
}

/** Pieces per region by flood fill (4-neighbours): 1 everywhere when every region is connected. */
function piecesPerRegion(regions: Int32Array, w: number, h: number): Map<number, number> {
  const seen = new Uint8Array(regions.length), pieces = new Map<number, number>();
  for (let start = 0; start < regions.length; start++) {
    if (seen[start]) continue;
    const id = regions[start];
    pieces.set(id, (pieces.get(id) ?? 0) + 1);
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!, x = i % w, y = (i - x) / w;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        const j = ny * w + nx;
        if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[j] && regions[j] === id) { seen[j] = 1; stack.push(j); }
      }
    }
  }
  return pieces;
}

describe('superpixelsOf', () => {
  it('below the limit: SLIC on the photo itself', () => {
    const rgba = halves(40, 30);
    expect(superpixelsOf(rgba, 40, 30, 40 * 30).regions).toEqual(slic(rgba, 40, 30));
  });

  it('above the limit: regions from a shrunk copy, each one connected piece, ids 0…K−1, none across the strong edge', () => {
    const w = 301, h = 207, rgba = halves(w, h);
    const { regions, edges } = superpixelsOf(rgba, w, h, 5000);
    const pieces = piecesPerRegion(regions, w, h);
    expect([...pieces.values()].every((p) => p === 1)).toBe(true);
    expect([...pieces.keys()].sort((a, b) => a - b)).toEqual([...Array(pieces.size).keys()]);
    expect(pieces.size).toBeGreaterThan(50);
    // a region lies on one side of the edge, give or take the shrink's block (3 px here)
    for (let y = 0; y < h; y++) expect(regions[y * w + 140]).not.toBe(regions[y * w + 160]);
    // the outline is where a right or bottom neighbour differs
    for (let i = 0; i < w * h; i++) {
      const x = i % w;
      expect(edges[i]).toBe((x + 1 < w && regions[i + 1] !== regions[i]) || (i + w < w * h && regions[i + w] !== regions[i]) ? 1 : 0);
    }
  });
});
