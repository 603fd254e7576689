import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { fillRegion, floodFill } from './flood';
import { outside, watched } from './testing';

/** Union–find over the whole image: the 4-connected component of every pixel, by equal `key`. */
function components(key: ArrayLike<number>, width: number, height: number): Int32Array {
  const parent = Int32Array.from({ length: width * height }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width && key[i + 1] === key[i]) parent[find(i + 1)] = find(i);
      if (y + 1 < height && key[i + width] === key[i]) parent[find(i + width)] = find(i);
    }
  }
  return parent.map((_, i) => find(i));
}

/** Blobs: a coarse random field, so components have all shapes (holes, spirals of luck). */
function blobs(rand: () => number, width: number, height: number, values: number): Uint8Array {
  const coarse = Array.from({ length: 16 }, () => Math.floor(rand() * values));
  return Uint8Array.from({ length: width * height }, (_, i) => (rand() < 0.15 ? Math.floor(rand() * values) : coarse[((i % width) >> 3) % 4 + 4 * ((Math.floor(i / width) >> 3) % 4)]));
}

describe('floodFill', () => {
  it('paints the 4-connected area of equal value, and nothing else (union–find over the image)', () => {
    const rand = mulberry32(3);
    const [W, H] = [29, 19];
    for (let trial = 0; trial < 100; trial++) {
      const before = blobs(rand, W, H, 3);
      const x = Math.floor(rand() * W), y = Math.floor(rand() * H);
      const value = 3 + Math.floor(rand() * 3);
      const comp = components(before, W, H);
      const target = comp[y * W + x];
      const expected = before.map((v, i) => (comp[i] === target ? value : v));
      const mask = before.slice();
      const box = floodFill(mask, W, H, x, y, value);
      expect(mask, `trial ${trial}`).toEqual(expected);
      // the box is the painted pixels' bounding box
      const painted = [...comp.keys()].filter((i) => comp[i] === target);
      const xs = painted.map((i) => i % W), ys = painted.map((i) => Math.floor(i / W));
      expect(box).toEqual({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs) + 1, y1: Math.max(...ys) + 1 });
    }
  });

  it('by hand: a ring keeps its inside; filling with the same value, or outside the image, changes nothing', () => {
    const rows = ['00000', '01110', '01010', '01110', '00000'];
    const mask = Uint8Array.from(rows.join(''), Number);
    floodFill(mask, 5, 5, 0, 0, 7);
    expect([...mask].join('')).toBe(['77777', '71117', '71017', '71117', '77777'].join(''));
    const same = mask.slice();
    expect(floodFill(mask, 5, 5, 1, 1, 1)).toEqual({ x0: 0, y0: 0, x1: 0, y1: 0 });
    expect(floodFill(mask, 5, 5, 5, 0, 2)).toEqual({ x0: 0, y0: 0, x1: 0, y1: 0 });
    expect(mask).toEqual(same);
    // a click between pixel centres fills the pixel that holds it; a value beyond 255 is refused
    floodFill(mask, 5, 5, 2.9, 2.1, 4);
    expect([...mask].join('')).toBe(['77777', '71117', '71417', '71117', '77777'].join(''));
    expect(() => floodFill(mask, 5, 5, 0, 0, 300)).toThrow(/mask value 300/);
    expect(() => fillRegion(mask, 5, 5, new Int32Array(25), 0, 0, -1)).toThrow(/mask value -1/);
  });

  it('fills a 1024×768 image without running out of stack', () => {
    const mask = new Uint8Array(1024 * 768).fill(255);
    expect(floodFill(mask, 1024, 768, 500, 300, 1)).toEqual({ x0: 0, y0: 0, x1: 1024, y1: 768 });
    expect(mask.every((v) => v === 1)).toBe(true);
  });
});

describe('fillRegion', () => {
  it('paints every pixel of the clicked region id and nothing else, whatever the mask holds', () => {
    const rand = mulberry32(5);
    const [W, H] = [31, 17];
    for (let trial = 0; trial < 60; trial++) {
      // regions: the connected components of a random field, so each id is one 4-connected area (as slic's)
      const regions = Int32Array.from(components(blobs(rand, W, H, 4), W, H));
      const before = Uint8Array.from({ length: W * H }, () => (rand() < 0.5 ? 255 : Math.floor(rand() * 3)));
      const x = Math.floor(rand() * W), y = Math.floor(rand() * H);
      const id = regions[y * W + x];
      const mask = before.slice();
      const box = fillRegion(mask, W, H, regions, x, y, 1);
      expect(mask, `trial ${trial}`).toEqual(before.map((v, i) => (regions[i] === id ? 1 : v)));
      const xs = [...regions.keys()].filter((i) => regions[i] === id).map((i) => i % W);
      expect([box.x0, box.x1]).toEqual([Math.min(...xs), Math.max(...xs) + 1]);
    }
  });

  it('refuses a region map of another size', () => {
    expect(() => fillRegion(new Uint8Array(6), 3, 2, new Int32Array(5), 0, 0, 1)).toThrow(/5 pixels, the mask 6/);
  });

  it('reads and writes only the filled area and its one-pixel rim, in the mask and in the region map', () => {
    const [W, H] = [1024, 768];
    // a 30×20 region (id 1) at (400, 300) on id 0; the mask is unlabelled everywhere
    const regions = Int32Array.from({ length: W * H }, (_, i) => (i % W >= 400 && i % W < 430 && Math.floor(i / W) >= 300 && Math.floor(i / W) < 320 ? 1 : 0));
    const mask = watched(new Uint8Array(W * H).fill(255)), map = watched(regions);
    const box = fillRegion(mask.array, W, H, map.array, 410, 305, 2);
    expect(box).toEqual({ x0: 400, y0: 300, x1: 430, y1: 320 });
    const rim = { x0: box.x0 - 1, y0: box.y0 - 1, x1: box.x1 + 1, y1: box.y1 + 1 };
    expect(outside(mask.touched, W, box)).toEqual([]);
    expect(outside(map.touched, W, rim)).toEqual([]);
    // flood fill: the same area drawn into the mask
    const flood = watched(Uint8Array.from(regions, (r) => (r ? 0 : 255)));
    expect(floodFill(flood.array, W, H, 429, 319, 3)).toEqual(box);
    expect(outside(flood.touched, W, rim)).toEqual([]);
  });
});
