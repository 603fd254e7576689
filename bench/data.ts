/**
 * @file Data-pipeline throughput: images/s decoded (PNG and JPEG) and augmented (scale, crop,
 * flip, photometric, normalise) at 512 px — next to the train-step rate it has to keep fed.
 */
import jpeg from 'jpeg-js';
import { BatchStream } from '../src/data/batches';
import { openDataset } from '../src/data/dataset';
import { encodePng } from '../src/data/png';
import { memorySource } from '../src/data/source';
import { keyedRng } from '../src/data/random';

export async function benchDataPipeline(opts: { size: number; images: number; batch: number }) {
  const { size, images } = opts;
  const rand = keyedRng(1, 2);
  const files: { path: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < images; i++) {
    const rgb = Uint8Array.from({ length: size * size * 3 }, (_, k) => (k * 7 + i * 13 + Math.floor(rand() * 32)) & 255);
    const mask = Uint8Array.from({ length: size * size }, (_, k) => (Math.floor(k / size / 64) + i) % 5);
    const stem = String(i).padStart(4, '0');
    const image = i % 2 ? encodePng(size, size, 3, rgb) : new Uint8Array(jpeg.encode({ data: rgbaOf(rgb), width: size, height: size }, 90).data);
    files.push({ path: `train/images/${stem}.${i % 2 ? 'png' : 'jpg'}`, bytes: image });
    files.push({ path: `train/masks/${stem}.png`, bytes: encodePng(size, size, 1, mask) });
    if (i < 2) {
      files.push({ path: `val/images/${stem}.png`, bytes: encodePng(size, size, 3, rgb) });
      files.push({ path: `val/masks/${stem}.png`, bytes: encodePng(size, size, 1, mask) });
    }
  }
  const ds = await openDataset(memorySource('bench', files));
  const mean: [number, number, number] = [0.485, 0.456, 0.406], std: [number, number, number] = [0.229, 0.224, 0.225];
  // cacheBytes 0: every batch decodes its images again (the cold path); then the cached path
  const rate = async (cacheBytes: number) => {
    const stream = new BatchStream(ds, { batch: opts.batch, crop: size, augment: true, shuffle: true, seed: 0, mean, std, prefetch: 0, cacheBytes });
    const batches = Math.ceil(images / opts.batch);
    await stream.batch(0);
    const t = performance.now();
    for (let b = 1; b <= batches; b++) await stream.batch(b);
    return (batches * opts.batch) / ((performance.now() - t) / 1000);
  };
  return { decodeAndAugment: await rate(0), augmentCached: await rate(2 ** 30) };
}

function rgbaOf(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0; i < rgb.length / 3; i++) out.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255], i * 4);
  return out;
}
