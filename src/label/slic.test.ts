import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { enforceConnectivity, regionEdges, rgbaToLab, slic } from './slic';

const [W, H] = [120, 90];
/** Quadrant 0…3 of a pixel: the boundaries are x = 53 and y = 37, off SLIC's starting grid. */
const quadrant = (x: number, y: number) => (x < 53 ? 0 : 1) + (y < 37 ? 0 : 2);
const COLOURS = [[200, 40, 40], [40, 180, 60], [50, 70, 210], [230, 220, 90]];

function quadrants(seed: number, noise: number): Uint8Array {
  const rand = mulberry32(seed);
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = COLOURS[quadrant(x, y)];
      for (let ch = 0; ch < 3; ch++) rgba[4 * (y * W + x) + ch] = Math.max(0, Math.min(255, Math.round(c[ch] + (rand() - 0.5) * 2 * noise)));
      rgba[4 * (y * W + x) + 3] = 255;
    }
  }
  return rgba;
}

/** Number of 4-connected pieces of each id, by a breadth-first search of its own. */
function piecesPerId(regions: Int32Array, width: number, height: number): Map<number, number> {
  const seen = new Uint8Array(width * height);
  const pieces = new Map<number, number>();
  for (let s = 0; s < regions.length; s++) {
    if (seen[s]) continue;
    pieces.set(regions[s], (pieces.get(regions[s]) ?? 0) + 1);
    const queue = [s];
    seen[s] = 1;
    while (queue.length) {
      const i = queue.shift()!;
      const x = i % width, y = Math.floor(i / width);
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        const j = ny * width + nx;
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && !seen[j] && regions[j] === regions[i]) { seen[j] = 1; queue.push(j); }
      }
    }
  }
  return pieces;
}

describe('slic', () => {
  it('four flat quadrants with noise: every superpixel lies within one quadrant, so the outlines follow the quadrant edges', () => {
    for (const seed of [1, 2]) {
      const regions = slic(quadrants(seed, 12), W, H);
      const home = new Map<number, number>();
      const strays: string[] = [];
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const id = regions[y * W + x], q = quadrant(x, y);
          if (!home.has(id)) home.set(id, q);
          else if (home.get(id) !== q) strays.push(`${x},${y}`);
        }
      }
      expect(strays, `seed ${seed}: pixels of a superpixel in another quadrant`).toEqual([]);
      // the outline: every pixel beside a quadrant edge is marked as a region edge
      const edges = regionEdges(regions, W, H);
      for (let y = 0; y < H; y++) expect(edges[y * W + 52], `row ${y}`).toBe(1);
      for (let x = 0; x < W; x++) expect(edges[36 * W + x], `column ${x}`).toBe(1);
    }
  });

  it('ids are 0…K−1, each one 4-connected region, about w·h/S² of them', () => {
    const regions = slic(quadrants(3, 12), W, H, { regionSize: 10 });
    const ids = new Set(regions);
    const K = ids.size;
    expect([...ids].sort((a, b) => a - b)).toEqual([...Array(K).keys()]);
    expect(K).toBeGreaterThan((W * H) / 100 / 2);
    expect(K).toBeLessThan((W * H) / 100 * 1.5);
    for (const [id, n] of piecesPerId(regions, W, H)) expect(n, `region ${id}`).toBe(1);
  });

  it('on a fine texture (which k-means cuts into thousands of specks) no superpixel is under a quarter of S²', () => {
    const rgba = new Uint8Array(W * H * 4);
    for (let i = 0; i < W * H; i++) {
      const x = i % W, y = Math.floor(i / W);
      rgba.set([(x * 255) / W, (y * 128) / H, 80 + ((x * y) % 7) * 6, 255], 4 * i);
    }
    const S = 12;
    const regions = slic(rgba, W, H, { regionSize: S });
    const sizes = new Map<number, number>();
    for (const id of regions) sizes.set(id, (sizes.get(id) ?? 0) + 1);
    expect(Math.min(...sizes.values())).toBeGreaterThanOrEqual((S * S) / 4);
    for (const [id, n] of piecesPerId(regions, W, H)) expect(n, `region ${id}`).toBe(1);
  });

  it('is deterministic, and refuses a buffer of the wrong size', () => {
    const img = quadrants(4, 30);
    expect(slic(img, W, H)).toEqual(slic(img, W, H));
    expect(() => slic(img, W, H + 1)).toThrow(/120×91 RGBA pixels/);
  });
});

describe('rgbaToLab', () => {
  it('matches CIELAB (D65) reference values', () => {
    // white, black, sRGB red and mid grey (#808080), from the standard formulas (e.g. colormine, Bruce Lindbloom)
    // and a dark grey (5, 5, 5), on the linear parts of both sRGB and CIELAB: L = 903.3·(5/255/12.92) = 1.3709
    const rgba = Uint8Array.from([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 128, 128, 128, 255, 5, 5, 5, 255]);
    const [L, A, B] = rgbaToLab(rgba, 5);
    const expected = [[100, 0, 0], [0, 0, 0], [53.2408, 80.0925, 67.2032], [53.5850, 0, 0], [1.3709, 0, 0]];
    expected.forEach(([l, a, b], i) => {
      expect(L[i]).toBeCloseTo(l, 2);
      expect(A[i]).toBeCloseTo(a, 2);
      expect(B[i]).toBeCloseTo(b, 2);
    });
  });
});

describe('enforceConnectivity and regionEdges', () => {
  it('by hand: a split label becomes two regions; a fragment under the minimum joins the neighbour nearest in colour', () => {
    const labels = Int32Array.from([
      0, 0, 1, 1,
      2, 0, 1, 0,
      2, 2, 1, 1,
    ]);
    expect([...enforceConnectivity(labels, 4, 3, 1)]).toEqual([0, 0, 1, 1, 2, 0, 1, 3, 2, 2, 1, 1]);
    // diagonal neighbours, and a row's end beside the next row's start, are not connected
    expect([...enforceConnectivity(Int32Array.from([0, 1, 1, 0]), 2, 2, 1)]).toEqual([0, 1, 2, 3]);
    // minimum 2: the lone 0 at (3, 1) has only the 1s around it
    expect([...enforceConnectivity(labels, 4, 3, 2)]).toEqual([0, 0, 1, 1, 2, 0, 1, 1, 2, 2, 1, 1]);
    // the lone 2 touches the 0s (5 pixels, left, earlier) and the 1s (4 pixels): colour decides, else size
    const two = Int32Array.from([0, 0, 0, 1, 1, 0, 0, 2, 1, 1]);
    const L = Float32Array.from([10, 10, 10, 90, 90, 10, 10, 85, 90, 90]), zero = new Float32Array(10);
    expect([...enforceConnectivity(two, 5, 2, 2, [L, zero, zero])]).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 1, 1]);
    expect([...enforceConnectivity(two, 5, 2, 2)]).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
  });

  it('by hand: a group that joined a piece it encloses looks for neighbours around all its pieces', () => {
    // B (8 pixels) is nearest in colour to A (1 pixel) and joins it; A, now 9 < 10 pixels, sees only B
    // around its own pixel, but the group borders C, which it must join
    const labels = Int32Array.from([
      0, 0, 0, 0, 0,
      0, 1, 1, 1, 0,
      0, 1, 2, 1, 0,
      0, 1, 1, 1, 0,
      0, 0, 0, 0, 0,
    ]);
    const L = Float32Array.from(labels, (v) => [0, 50, 52][v]), zero = new Float32Array(25);
    expect([...enforceConnectivity(labels, 5, 5, 10, [L, zero, zero])]).toEqual(new Array(25).fill(0));
  });

  it('regionEdges marks a pixel whose right or lower neighbour differs (brute force)', () => {
    const rand = mulberry32(9);
    const regions = Int32Array.from({ length: 7 * 5 }, () => Math.floor(rand() * 3));
    const edges = regionEdges(regions, 7, 5);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        const r = regions[y * 7 + x];
        const differs = (x < 6 && regions[y * 7 + x + 1] !== r) || (y < 4 && regions[(y + 1) * 7 + x] !== r);
        expect(edges[y * 7 + x], `${x},${y}`).toBe(differs ? 1 : 0);
      }
    }
  });
});
