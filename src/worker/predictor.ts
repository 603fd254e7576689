/**
 * @file The viewer's pictures: a validation image with its ground truth and a model's
 * prediction, thumbnails, and the eval runners of saved runs (one cached runner per run, behind
 * the worker's exclusive queue, released when evicted, deleted, or on page hide — once no call is using it).
 */
import { readSample, type Dataset } from '../data/dataset';
import { normalizeInto, resizeRgb } from '../data/augment';
import { argmaxClasses, slidingLogits, windowsOf, type Windows } from '../train/evaluate';
import { IMAGENET_MEAN, IMAGENET_STD, parseMetadata, prepareEval, recordedArchitecture, recordedWindows, type PreparedRun, type RGB } from '../train/session';
import { readSafetensorsWithMetadata } from '../model/safetensors';
import type { Prediction, Thumbnail, TrainConfig } from './api';
import { runRules } from './prepare';
import type { Compute, Exclusive, OwnedRunner } from './compute';
import type { RunStore } from './runs';
import { Users } from './users';

export type Logits = (chw: Float32Array) => Promise<Float32Array>;

/** Image and ground truth, no prediction yet (255 = nothing drawn). */
export async function groundTruth(ds: Dataset, valIndex: number): Promise<Prediction> {
  const s = await readSample(ds, ds.val[Math.min(Math.max(0, valIndex), ds.val.length - 1)]);
  return { index: valIndex, width: s.width, height: s.height, image: s.image, label: s.mask, prediction: new Uint8Array(s.mask.length).fill(255) };
}

/** `windows`: the run's recipe's evaluation windows, so the viewer shows what the evaluation scored. */
export async function predictImage(
  ds: Dataset, valIndex: number, logits: Logits, config: Pick<TrainConfig, 'crop' | 'batch'>, norm: { mean: RGB; std: RGB }, windows: Windows,
): Promise<Prediction> {
  if (valIndex < 0 || valIndex >= ds.val.length) throw new Error(`validation image ${valIndex} does not exist (0…${ds.val.length - 1})`);
  const sample = await readSample(ds, ds.val[valIndex]);
  const pixels = sample.width * sample.height;
  const chw = new Float32Array(3 * pixels);
  normalizeInto(chw, 0, sample.image, pixels, norm.mean, norm.std);
  const scores = await slidingLogits({ chw, height: sample.height, width: sample.width, label: sample.mask }, config.crop, config.batch, ds.classes.length, logits, windows);
  return { index: valIndex, width: sample.width, height: sample.height, image: sample.image, label: sample.mask, prediction: argmaxClasses(scores, ds.classes.length, pixels) };
}

/** Previews of validation images `from` … `from + count − 1`, a page at a time (a dataset may have thousands). */
export async function thumbnails(ds: Dataset, size: number, from = 0, count = 32): Promise<Thumbnail[]> {
  const out: Thumbnail[] = [];
  for (const ref of ds.val.slice(from, from + count)) {
    const s = await readSample(ds, ref);
    const k = size / Math.max(s.width, s.height);
    const width = Math.max(1, Math.round(s.width * k)), height = Math.max(1, Math.round(s.height * k));
    out.push({ width, height, data: resizeRgb(s.image, s.height, s.width, height, width) });
  }
  return out;
}

/** A saved run's model, ready to predict: its eval runner and what feeding it needs. */
export interface SavedModel {
  runId: string;
  numClasses: number;
  config: TrainConfig;
  norm: { mean: RGB; std: RGB };
  windows: Windows;
  /** Its model and eval graph (a saved model only predicts: no train step is compiled). */
  prepared: Pick<PreparedRun, 'model' | 'evalGraph'>;
  logits: Logits;
  release(): Promise<void>;
}

/**
 * At most this many saved runs keep an eval runner: the viewer's six prediction panes (this run and
 * the compared runs, src/ui/viewer/panes.ts), plus one — so paging through images never rebuilds one.
 */
const CACHED_RUNS = 7;

/**
 * One cached runner and the calls using it. A runner is released only once it is out of the cache
 * and no call holds it: a pane's prediction runs the model once per window, and a release queued
 * between two windows (a new run's Start, eviction, a deleted run) would end the session under it.
 */
class Entry {
  private readonly users = new Users();
  constructor(readonly model: Promise<SavedModel>) {}

  use<T>(fn: (m: SavedModel) => Promise<T>): Promise<T> {
    return this.users.hold(async () => fn(await this.model));
  }

  /** Called once, after the entry left the cache: waits for the calls using it, then releases. */
  async retire(): Promise<void> {
    await this.users.drained();
    await this.model.then((m) => m.release(), () => undefined);
  }
}

/** A saved run's weights and record, with what its checkpoint records (normalisation: ImageNet's when it records none). */
export async function readSavedRun(store: RunStore, runId: string) {
  const [saved, record] = [await store.loadCheckpoint(runId), await store.record(runId)];
  if (!saved || !record) throw new Error(`run ${runId} has no saved checkpoint`);
  const file = `${runId}/model.safetensors`;
  const { tensors, metadata } = readSafetensorsWithMetadata(saved.model, file);
  const meta = parseMetadata(metadata, file);
  return { tensors, file, record, meta, norm: { mean: meta?.mean ?? IMAGENET_MEAN, std: meta?.std ?? IMAGENET_STD } };
}

export class SavedModels {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly store: RunStore, private readonly queue: Exclusive, private readonly compute: () => Compute) {}

  /** Runs `fn` with the run's model (built once and reused until released); it is not released while `fn` runs. */
  use<T>(runId: string, fn: (m: SavedModel) => Promise<T>): Promise<T> {
    let hit = this.cache.get(runId);
    if (hit) {
      this.cache.delete(runId); // most recently used last
    } else {
      const entry = (hit = new Entry(this.build(runId)));
      entry.model.catch(() => this.cache.get(runId) === entry && this.cache.delete(runId));
    }
    this.cache.set(runId, hit);
    const used = hit.use(fn); // holds the entry before an eviction below can retire it
    for (const id of [...this.cache.keys()].slice(0, Math.max(0, this.cache.size - CACHED_RUNS))) void this.release(id);
    return used;
  }

  private async build(runId: string): Promise<SavedModel> {
    const { tensors, record, meta, norm } = await readSavedRun(this.store, runId);
    const numClasses = tensors.get('seg_head.weight')?.shape[0] ?? 0;
    const prepared = prepareEval(tensors, runId, numClasses, { ...record.config, family: meta?.family, ...recordedArchitecture(meta) });
    const runner: OwnedRunner = this.queue.runner(await this.queue.run(() => this.compute().createRunner(prepared.evalGraph, 'wasm')));
    const feeds = Object.fromEntries([...prepared.model.weights].map(([k, t]) => [k, t.data]));
    return {
      runId, numClasses, config: record.config, prepared, windows: recordedWindows(meta) ?? windowsOf(runRules(record)), // the model file's record, else its run's rules
      norm,
      logits: async (x) => (await runner.run({ ...feeds, image: x }, ['logits'])).logits.data as Float32Array,
      release: () => runner.release(),
    };
  }

  async release(runId: string): Promise<void> {
    const hit = this.cache.get(runId);
    this.cache.delete(runId);
    await hit?.retire();
  }

  async releaseAll(): Promise<void> {
    for (const id of [...this.cache.keys()]) await this.release(id);
  }
}
