/**
 * @file Batches for the training loop. Micro-batch t holds training samples (t·B + i) mod n:
 * in stem order without shuffling, or through a seeded per-epoch permutation with it. Augmentation
 * is keyed by (seed, t, i), so the same seed gives the same batches whatever ran before. The next
 * batches are prepared while the current step runs (the step is native/GPU work, so JS is free).
 */
import { augment, centerCrop, normalizeInto } from './augment';
import { readSample, type Dataset, type Sample } from './dataset';
import { keyedRng } from './random';

export interface BatchOptions {
  batch: number;
  crop: number;
  augment: boolean;
  shuffle: boolean;
  seed: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Batches prepared ahead of the one requested. */
  prefetch?: number;
}

export interface Batch {
  images: Float32Array; // [B, 3, S, S]
  labels: Int32Array; // [B, S, S]
  /** Indices into `dataset.train` (for tests and debugging). */
  indices: number[];
}

export class BatchStream {
  private readonly pending = new Map<number, Promise<Batch>>();
  private readonly decoded = new Map<number, Promise<Sample>>();
  private readonly permutations = new Map<number, number[]>();

  constructor(private readonly ds: Dataset, private readonly o: BatchOptions) {}

  /** The sample index for position `k` of the (infinite) training stream. */
  sampleAt(k: number): number {
    const n = this.ds.train.length;
    if (!this.o.shuffle) return k % n;
    const epoch = Math.floor(k / n);
    let perm = this.permutations.get(epoch);
    if (!perm) {
      const rng = keyedRng(this.o.seed, epoch, 0x5eed);
      perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      this.permutations.set(epoch, perm);
      this.permutations.delete(epoch - 2);
    }
    return perm[k % n];
  }

  async batch(t: number): Promise<Batch> {
    const result = this.pending.get(t) ?? this.build(t);
    this.pending.delete(t);
    for (let k = 1; k <= (this.o.prefetch ?? 2); k++) {
      if (!this.pending.has(t + k)) this.pending.set(t + k, this.build(t + k));
    }
    return result;
  }

  private sample(i: number): Promise<Sample> {
    let s = this.decoded.get(i);
    if (!s) {
      s = readSample(this.ds, this.ds.train[i]);
      this.decoded.set(i, s); // decoded once: the datasets this app trains on fit in memory
    }
    return s;
  }

  private async build(t: number): Promise<Batch> {
    await null; // let the caller's step start first
    const { batch: b, crop } = this.o;
    const pixels = crop * crop;
    const images = new Float32Array(b * 3 * pixels);
    const labels = new Int32Array(b * pixels);
    const indices: number[] = [];
    for (let i = 0; i < b; i++) {
      const index = this.sampleAt(t * b + i);
      indices.push(index);
      const s = await this.sample(index);
      const c = this.o.augment ? augment(s, keyedRng(this.o.seed, t, i), { crop, mean: this.o.mean }) : centerCrop(s, crop);
      normalizeInto(images, i * 3 * pixels, c.image, pixels, this.o.mean, this.o.std);
      labels.set(c.mask, i * pixels);
    }
    return { images, labels, indices };
  }
}
