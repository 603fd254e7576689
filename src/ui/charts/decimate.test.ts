import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../data/random';
import { bucketRange, minMaxDecimate, pointBudget } from './decimate';

type P = { step: number; a: number; b: number };
const series = (n: number, seed = 1): P[] => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({ step: i + 1, a: Math.exp(-i / 500) + 0.3 * (r() - 0.5) + (r() < 0.002 ? 5 : 0), b: 1e-3 * (1 - i / n) }));
};

describe('min/max decimation', () => {
  it('leaves a line of at most `max` points unchanged (the same array)', () => {
    const s = series(400);
    expect(minMaxDecimate(s, ['a'], 400)).toBe(s);
    expect(minMaxDecimate([], ['a'], 10)).toEqual([]);
  });

  it('keeps the first, the last and, per bucket, the extremes of every key — as a direct computation finds them', () => {
    const s = series(10_000);
    for (const keys of [['a'], ['a', 'b']] as (keyof P)[][]) {
      const max = pointBudget(700);
      const thin = minMaxDecimate(s, keys, max);
      expect(thin.length).toBeLessThanOrEqual(max);
      expect(thin.length).toBeGreaterThan(max / 2);
      expect(thin[0]).toBe(s[0]);
      expect(thin.at(-1)).toBe(s.at(-1));
      // a subsequence of the line, in order
      expect(thin.every((p, i) => i === 0 || p.step > thin[i - 1].step)).toBe(true);
      expect(thin.every((p) => s[p.step - 1] === p)).toBe(true);
      // every bucket: its min and max of each key, computed directly from the slice, are drawn
      const count = Math.floor((max - 2) / (2 * keys.length));
      for (let b = 0; b < count; b++) {
        const [start, end] = bucketRange(s.length, count, b);
        const slice = s.slice(start, end);
        const kept = thin.filter((p) => p.step - 1 >= start && p.step - 1 < end);
        for (const k of keys) {
          const values = slice.map((p) => p[k]);
          expect(kept.map((p) => p[k])).toContain(Math.min(...values));
          expect(kept.map((p) => p[k])).toContain(Math.max(...values));
        }
        expect(kept.length).toBeLessThanOrEqual(2 * keys.length);
      }
      // the buckets cover every inner index once
      expect(bucketRange(s.length, count, 0)[0]).toBe(1);
      expect(bucketRange(s.length, count, count - 1)[1]).toBe(s.length - 1);
    }
  });

  it('keeps a spike that every-k-th-point thinning would drop', () => {
    const s = Array.from({ length: 5000 }, (_, i) => ({ step: i + 1, a: i === 2501 ? 100 : 1, b: 0 }));
    expect(minMaxDecimate(s, ['a'], 200).some((p) => p.a === 100)).toBe(true);
  });

  it('a bucket with no finite value keeps its first point (the gap is drawn)', () => {
    const s = Array.from({ length: 1000 }, (_, i) => ({ step: i + 1, a: i >= 500 ? NaN : 1, b: 0 }));
    const thin = minMaxDecimate(s, ['a'], 100);
    expect(thin.some((p) => Number.isNaN(p.a))).toBe(true);
    expect(thin.length).toBeLessThanOrEqual(100);
  });
});
