import { describe, expect, it } from 'vitest';
import { openDataset, readSample, validateDataset, type Sample } from './dataset';
import { DEMO_CLASSES, demoSource, makeDemoFiles } from './synthetic';

describe('synthetic demo dataset', () => {
  it('is deterministic by seed', () => {
    const a = makeDemoFiles(3), b = makeDemoFiles(3), c = makeDemoFiles(4);
    expect(b).toEqual(a);
    expect(c.map((f) => f.path)).toEqual(a.map((f) => f.path));
    expect(c).not.toEqual(a);
  });

  it('loads through the generic loader: 48 + 16 images of 64×64, five named, coloured classes, all present in both splits', async () => {
    const ds = await openDataset(demoSource());
    expect(ds.format).toBe('generic');
    expect([ds.train.length, ds.val.length]).toEqual([48, 16]);
    expect(ds.classes).toEqual(DEMO_CLASSES);
    const summary = await validateDataset(ds);
    expect(summary.absentFromTrain).toEqual([]);
    const first = await readSample(ds, ds.train[0]);
    expect([first.width, first.height]).toEqual([64, 64]);
    const valClasses = new Set<number>();
    for (const ref of ds.val) for (const v of (await readSample(ds, ref)).mask) valClasses.add(v);
    expect([...valClasses].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('is easy: a nearest-mean-colour pixel classifier already separates the classes well', async () => {
    // a proxy for "a tiny ViT learns it in a few hundred steps": colour alone gets most pixels right
    const ds = await openDataset(demoSource(1));
    const read = async (refs: typeof ds.train) => Promise.all(refs.map((r) => readSample(ds, r)));
    const sum = Array.from({ length: 5 }, () => [0, 0, 0, 0]);
    for (const s of await read(ds.train)) eachPixel(s, (cls, rgb) => { rgb.forEach((v, c) => (sum[cls][c] += v)); sum[cls][3]++; });
    const means = sum.map(([r, g, b, n]) => [r / n, g / n, b / n]);
    const inter = new Array(5).fill(0), union = new Array(5).fill(0);
    for (const s of await read(ds.val)) eachPixel(s, (cls, rgb) => {
      const dist = means.map((m) => (m[0] - rgb[0]) ** 2 + (m[1] - rgb[1]) ** 2 + (m[2] - rgb[2]) ** 2);
      const pred = dist.indexOf(Math.min(...dist));
      union[cls]++;
      if (pred === cls) inter[cls]++; else union[pred]++;
    });
    const miou = inter.reduce((a, v, i) => a + v / union[i], 0) / 5;
    expect(miou).toBeGreaterThan(0.9);
  });
});

function eachPixel(s: Sample, fn: (cls: number, rgb: number[]) => void) {
  for (let p = 0; p < s.width * s.height; p++) fn(s.mask[p], [s.image[p * 3], s.image[p * 3 + 1], s.image[p * 3 + 2]]);
}
