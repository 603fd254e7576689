/**
 * @file Batches for the training loop. Micro-batch t holds training samples (t·B + i) mod n:
 * in stem order without shuffling, or through a seeded per-epoch permutation with it. Augmentation
 * is keyed by (seed, t, i), so the same seed gives the same batches whatever ran before. The next
 * batches are prepared while the current step runs (the step is native/GPU work, so JS is free).
 * Without augmentation an image equal to the crop is used as it is; other sizes are resized
 * (short side → crop) and centre-cropped (see `centerCrop`).
 */
import { augment, centerCrop, normalizeInto } from './augment';
import { augmentBenchmark } from './augment-benchmark';
import { readSample, type Dataset, type Sample } from './dataset';
import { keyedRng } from './random';

export interface BatchOptions {
  batch: number;
  crop: number;
  augment: boolean;
  /** Which augmentation (a recipe rule): the demo's (augment.ts, default) or the benchmark's torchvision one (augment-benchmark.ts). */
  augmentation?: 'demo' | 'torchvision';
  shuffle: boolean;
  seed: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Augmentation's base short side (see `AugmentOptions.baseShortSide`); default: native size. */
  baseShortSide?: number;
  /** Batches prepared ahead of the one requested (default 2). */
  prefetch?: number;
  /** Decoded samples kept in memory, in bytes (default 512 MiB; least recently used go first). */
  cacheBytes?: number;
}

export interface Batch {
  images: Float32Array; // [B, 3, S, S]
  labels: Int32Array; // [B, S, S]
  /** Indices into `dataset.train` (for tests and debugging). */
  indices: number[];
}

const sampleBytes = (s: Sample) => s.image.byteLength + s.mask.byteLength;

export class BatchStream {
  private readonly pending = new Map<number, Promise<Batch>>();
  /** Decoded samples by train index; Map order doubles as recency order for the LRU. */
  private readonly decoded = new Map<number, Sample>();
  private readonly loading = new Map<number, Promise<Sample>>();
  private cachedBytes = 0;
  private readonly permutations = new Map<number, number[]>();

  constructor(private readonly ds: Dataset, private readonly o: BatchOptions) {
    if (ds.train.length === 0) throw new RangeError(`${ds.name}: no training images to batch`);
    if (!(o.batch >= 1 && o.crop >= 1)) throw new RangeError(`batch (${o.batch}) and crop (${o.crop}) must be ≥ 1`);
  }

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

  /** Micro-batch `t` (t = 0, 1, …); also starts preparing the next `prefetch` batches. */
  async batch(t: number): Promise<Batch> {
    const result = this.pending.get(t) ?? this.build(t);
    this.pending.delete(t);
    for (const k of [...this.pending.keys()]) if (k < t) this.pending.delete(k); // skipped: never awaited
    for (let k = 1; k <= (this.o.prefetch ?? 2); k++) {
      if (!this.pending.has(t + k)) {
        const next = this.build(t + k);
        next.catch(() => {}); // a failure surfaces when that batch is requested, not as an unhandled rejection
        this.pending.set(t + k, next);
      }
    }
    return result;
  }

  /** Batches `start`, `start + 1`, … forever (the loop decides when to stop). */
  async *stream(start = 0): AsyncGenerator<Batch> {
    for (let t = start; ; t++) yield await this.batch(t);
  }

  private async sample(i: number): Promise<Sample> {
    const hit = this.decoded.get(i);
    if (hit) {
      this.decoded.delete(i);
      this.decoded.set(i, hit); // most recently used
      return hit;
    }
    let loading = this.loading.get(i);
    if (!loading) {
      loading = readSample(this.ds, this.ds.train[i]).finally(() => this.loading.delete(i));
      this.loading.set(i, loading);
      const s = await loading;
      this.decoded.set(i, s);
      this.cachedBytes += sampleBytes(s);
      const budget = this.o.cacheBytes ?? 512 * 2 ** 20;
      for (const [k, v] of this.decoded) {
        if (this.cachedBytes <= budget || k === i) break;
        this.decoded.delete(k);
        this.cachedBytes -= sampleBytes(v);
      }
      return s;
    }
    return loading;
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
      const rng = keyedRng(this.o.seed, t, i);
      const c = !this.o.augment ? centerCrop(s, crop)
        : this.o.augmentation === 'torchvision' ? augmentBenchmark(s, rng, { crop })
        : augment(s, rng, { crop, mean: this.o.mean, baseShortSide: this.o.baseShortSide });
      normalizeInto(images, i * 3 * pixels, c.image, pixels, this.o.mean, this.o.std);
      labels.set(c.mask, i * pixels);
    }
    return { images, labels, indices };
  }
}
