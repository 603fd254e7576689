import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { similarPatches, snapToRegions } from './similar';

/** Cosine in float64 from normalised copies: a different route from the code's dot / (|a|·|b|). */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const unit = (v: ArrayLike<number>) => {
    const n = Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
    return Array.from(v, (x) => x / n);
  };
  const [ua, ub] = [unit(a), unit(b)];
  return ua.reduce((s, x, i) => s + x * ub[i], 0);
}

describe('similarPatches', () => {
  it('selects exactly the patches whose cosine to the probe reaches the threshold (direct cosine)', () => {
    const rand = mulberry32(21);
    const [N, D] = [60, 12];
    for (let trial = 0; trial < 20; trial++) {
      const features = Float32Array.from({ length: N * D }, () => rand() * 2 - 1);
      const probe = Math.floor(rand() * N);
      const cos = Array.from({ length: N }, (_, i) => cosine(features.subarray(probe * D, probe * D + D), features.subarray(i * D, i * D + D)));
      // thresholds halfway between neighbouring cosines: no tie that float32 rounding could decide
      const sorted = [...cos].sort((a, b) => a - b);
      for (const k of [0, 10, 30, 58]) {
        const threshold = (sorted[k] + sorted[k + 1]) / 2;
        expect([...similarPatches(features, D, probe, threshold)], `trial ${trial} k ${k}`).toEqual(cos.map((c) => (c >= threshold ? 1 : 0)));
      }
      expect(similarPatches(features, D, probe, 0.999)[probe]).toBe(1); // a patch is similar to itself
    }
  });

  it('is blind to scale: a patch and a multiple of it are similar; a zero feature is similar to nothing', () => {
    const f = Float32Array.from([1, 2, 3, 10, 20, 30, 0, 0, 0, -1, -2, -3]);
    expect([...similarPatches(f, 3, 0, 0.99)]).toEqual([1, 1, 0, 0]);
    expect([...similarPatches(f, 3, 2, -1)]).toEqual([0, 0, 0, 0]);
    expect(() => similarPatches(f, 5, 0, 0.5)).toThrow(/not rows of 5/);
    expect(() => similarPatches(f, 3, 4, 0.5)).toThrow(/patch 4 is outside the 4 patches/);
  });
});

describe('snapToRegions', () => {
  it('selects a superpixel when at least minFraction of its pixels fall in selected patches (patches painted as rectangles)', () => {
    const rand = mulberry32(8);
    const [W, H, gh, gw] = [45, 30, 4, 6];
    for (let trial = 0; trial < 30; trial++) {
      const selected = Uint8Array.from({ length: gh * gw }, () => (rand() < 0.4 ? 1 : 0));
      // regions: vertical stripes of random widths crossed with two bands, so they straddle patch borders
      const cuts = Array.from({ length: 7 }, () => Math.floor(rand() * W)).sort((a, b) => a - b);
      const regions = Int32Array.from({ length: W * H }, (_, i) => cuts.filter((c) => c <= i % W).length * 2 + (Math.floor(i / W) < 13 ? 0 : 1));
      // the patch grid covers the image evenly: patch (r, c) spans rows [r·H/gh, (r+1)·H/gh), columns likewise
      const inPatch = new Uint8Array(W * H);
      for (let r = 0; r < gh; r++) for (let c = 0; c < gw; c++) {
        if (!selected[r * gw + c]) continue;
        for (let y = Math.ceil((r * H) / gh); y < Math.ceil(((r + 1) * H) / gh); y++) {
          for (let x = Math.ceil((c * W) / gw); x < Math.ceil(((c + 1) * W) / gw); x++) inPatch[y * W + x] = 1;
        }
      }
      const fraction = 0.3 + rand() * 0.5;
      const expected = new Uint8Array(W * H);
      for (const id of new Set(regions)) {
        const pixels = [...regions.keys()].filter((i) => regions[i] === id);
        const hits = pixels.filter((i) => inPatch[i]).length;
        if (hits > 0 && hits / pixels.length >= fraction) for (const i of pixels) expected[i] = 1;
      }
      expect(snapToRegions(selected, gh, gw, regions, W, H, fraction), `trial ${trial}`).toEqual(expected);
    }
  });

  it('by hand: two regions on a 2×2 grid of 2×2-pixel patches; the default half', () => {
    const regions = Int32Array.from([
      0, 0, 0, 1,
      0, 0, 0, 1,
      0, 0, 1, 1,
      0, 0, 1, 1,
    ]);
    // top-right patch only: region 1 has 2 of its 6 pixels in it (⅓), region 0 has 2 of 10
    expect([...snapToRegions(Uint8Array.from([0, 1, 0, 0]), 2, 2, regions, 4, 4)]).toEqual(new Array(16).fill(0));
    // … and exactly ⅓ is enough when the fraction is ⅓
    expect([...snapToRegions(Uint8Array.from([0, 1, 0, 0]), 2, 2, regions, 4, 4, 1 / 3)]).toEqual([...regions]);
    // top-right and bottom-right: region 1 all 6 pixels; region 0 has 2 of 10
    expect([...snapToRegions(Uint8Array.from([0, 1, 0, 1]), 2, 2, regions, 4, 4)]).toEqual([...regions].map((r) => r));
  });
});
