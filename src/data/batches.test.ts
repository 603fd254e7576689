import { describe, expect, it } from 'vitest';
import { augmentBenchmark } from './augment-benchmark';
import { BatchStream, type BatchOptions } from './batches';
import { openDataset, readSample, validateDataset, type Dataset } from './dataset';
import { keyedRng } from './random';
import { DatasetError } from './errors';
import { encodePng } from './png';
import { memorySource } from './source';
import { maskPng, pngRgb, text, type FileList } from './testing';

/** n training images of crop size; image i is uniformly grey level 10·i, its mask all class i % 3. */
async function greyDataset(n: number, size = 8, broken?: number): Promise<Dataset> {
  const files: FileList = [];
  for (let i = 0; i < n; i++) {
    const stem = `img${String(i).padStart(2, '0')}`;
    files.push({ path: `train/images/${stem}.png`, bytes: i === broken ? text('broken') : pngRgb(size, size, () => [10 * i, 10 * i, 10 * i]) });
    files.push({ path: `train/masks/${stem}.png`, bytes: maskPng(size, size, () => i % 3) });
  }
  files.push({ path: 'val/images/v.png', bytes: encodePng(size, size, 3, new Uint8Array(size * size * 3)) });
  files.push({ path: 'val/masks/v.png', bytes: maskPng(size, size, () => 0) });
  return openDataset(memorySource('grey', files));
}

const options = (o: Partial<BatchOptions>): BatchOptions => ({
  batch: 2, crop: 8, augment: false, shuffle: false, seed: 0, mean: [0, 0, 0], std: [1, 1, 1], ...o,
});

/** Which training image each slot of a no-augment batch holds, read back from its pixels. */
const greyLevels = (images: Float32Array, b: number, crop: number) =>
  Array.from({ length: b }, (_, i) => Math.round((images[i * 3 * crop * crop] * 255) / 10));

describe('BatchStream', () => {
  it("augmentation 'torchvision' draws each slot with the benchmark's augmentation, keyed by (seed, t, i)", async () => {
    const ds = await greyDataset(3, 12);
    const stream = new BatchStream(ds, options({ batch: 2, crop: 8, augment: true, augmentation: 'torchvision', seed: 4 }));
    const b = await stream.batch(1);
    for (let i = 0; i < 2; i++) {
      const c = augmentBenchmark(await readSample(ds, ds.train[b.indices[i]]), keyedRng(4, 1, i), { crop: 8 });
      expect(Array.from(b.labels.subarray(i * 64, (i + 1) * 64))).toEqual(Array.from(c.mask));
      expect(b.images[i * 3 * 64 + 5]).toBeCloseTo(c.image[5 * 3] / 255, 6);
    }
  });

  it('validation lists the samples whose mask holds a single value (for the benchmark\'s label filter)', async () => {
    const ds = await greyDataset(2, 8);
    const summary = await validateDataset(ds);
    expect(summary.singleValued.map((r) => r.stem)).toEqual(['img00', 'img01', 'v']);
  });

  it('--no-shuffle: batch t holds training images (t·B + i) mod n in stem order', async () => {
    const ds = await greyDataset(5);
    const stream = new BatchStream(ds, options({ batch: 3 }));
    for (let t = 0; t < 6; t++) {
      const b = await stream.batch(t);
      const expected = [0, 1, 2].map((i) => (t * 3 + i) % 5);
      expect(b.indices).toEqual(expected);
      expect(greyLevels(b.images, 3, 8)).toEqual(expected);
      expect(b.images).toHaveLength(3 * 3 * 64);
      expect(Array.from(b.labels.subarray(0, 1)).concat(b.labels[64], b.labels[128])).toEqual(expected.map((i) => i % 3));
    }
  });

  it('streams the same batches as batch(t)', async () => {
    const ds = await greyDataset(3);
    const got: number[][] = [];
    for await (const b of new BatchStream(ds, options({ batch: 2 })).stream(1)) {
      got.push(b.indices);
      if (got.length === 3) break;
    }
    expect(got).toEqual([[2, 0], [1, 2], [0, 1]]);
  });

  it('shuffles with a seeded permutation per epoch', async () => {
    const ds = await greyDataset(8);
    const order = async (seed: number) => {
      const stream = new BatchStream(ds, options({ batch: 4, shuffle: true, seed }));
      const out: number[] = [];
      for (let t = 0; t < 6; t++) out.push(...(await stream.batch(t)).indices);
      return out;
    };
    const a = await order(1);
    expect(await order(1)).toEqual(a);
    expect(await order(2)).not.toEqual(a);
    const epochs = [a.slice(0, 8), a.slice(8, 16), a.slice(16, 24)];
    for (const e of epochs) expect([...e].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(epochs[1]).not.toEqual(epochs[0]);
  });

  it('same seed → same augmented batches, whatever order they are requested in', async () => {
    const ds = await greyDataset(4, 12);
    const o = options({ batch: 2, crop: 8, augment: true, shuffle: true, seed: 5, mean: [0.4, 0.4, 0.4], std: [0.2, 0.2, 0.2] });
    const a = new BatchStream(ds, o), b = new BatchStream(ds, o);
    const a3 = await a.batch(0).then(() => a.batch(1)).then(() => a.batch(3));
    const b3 = await b.batch(3);
    expect(b3.images).toEqual(a3.images);
    expect(b3.labels).toEqual(a3.labels);
    expect((await new BatchStream(ds, { ...o, seed: 6 }).batch(3)).images).not.toEqual(a3.images);
    // labels are class ids or 255 (padding)
    expect(a3.labels.every((v) => v === 255 || (v >= 0 && v < 3))).toBe(true);
  });

  it('a broken file fails its own batch, not a prefetch (no unhandled rejection)', async () => {
    const ds = await greyDataset(4, 8, 3);
    const stream = new BatchStream(ds, options({ batch: 1, prefetch: 2 }));
    await stream.batch(0);
    await stream.batch(1); // prefetches batch 3, which fails
    await new Promise((r) => setTimeout(r, 20)); // …while nobody awaits it yet
    await stream.batch(2);
    await expect(stream.batch(3)).rejects.toThrow(DatasetError);
    await expect(stream.batch(3)).rejects.toThrow(/train\/images\/img03\.png: not an image/);
  });

  it('works with a sample cache smaller than one image', async () => {
    const ds = await greyDataset(3);
    const stream = new BatchStream(ds, options({ batch: 2, cacheBytes: 10 }));
    for (let t = 0; t < 4; t++) expect(greyLevels((await stream.batch(t)).images, 2, 8)).toEqual([(2 * t) % 3, (2 * t + 1) % 3]);
  });
});
