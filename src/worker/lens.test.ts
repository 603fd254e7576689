/**
 * The worker's feature lens and cross-dataset evaluation with onnxruntime-node behind the Trainer
 * (the host engine, as on wasm): the lens equals src/compare/lens.ts run directly on the same
 * weights and crop, a cross evaluation equals evaluating the saved checkpoint directly, mismatched
 * classes are refused by name, and every session is given back.
 */
import { describe, expect, it } from 'vitest';
import { centerCrop, normalizeInto } from '../data/augment';
import { openDataset, readSample, type Dataset } from '../data/dataset';
import { makeDemoFiles } from '../data/synthetic';
import { genericFiles, maskPng, zipOf } from '../data/testing';
import { zipSource } from '../data/zip';
import { featureLens } from '../compare/lens';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { readSafetensorsWithMetadata } from '../model/safetensors';
import { createNodeRunner } from '../runtime/node';
import { liveResources } from '../runtime/resources';
import { evaluateImages, windowsOf } from '../train/evaluate';
import { compileEval } from '../train/graphs';
import type { WindowLayout } from '../train/recipe';
import { IMAGENET_MEAN, IMAGENET_STD, parseMetadata, prepareRun, validationImages } from '../train/session';
import type { TrainConfig, TrainerCallbacks } from './api';
import { RunStore } from './runs';
import { MemoryRoot } from './testing/memory-folders';
import { nodeCompute } from './testing/node-compute';
import { Trainer } from './trainer';

const CONFIG: TrainConfig = {
  recipe: 'demo', steps: 2, batch: 2, accum: 1, crop: 16, lrHead: 1e-2, lrEncoder: 1e-3, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 2,
};

const quiet: TrainerCallbacks = { onStep: () => {}, onEval: () => {}, onProgress: () => {}, onNotices: () => {}, onState: () => {} };
const demoZip = (seed: number, name: string) => ({ kind: 'zip' as const, name, bytes: zipOf(makeDemoFiles(seed, { size: 16, train: 4, val: 3 })) });

async function readyTrainer(root = new MemoryRoot()) {
  const t = new Trainer({ compute: nodeCompute, store: new RunStore(root), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
  await t.init('wasm');
  await t.loadModel({ kind: 'demo' });
  await t.loadDataset(demoZip(1, 'shapes-a.zip'));
  return t;
}

/** Directly: a saved run's checkpoint through its eval graph on `ds`'s val split (crop 16, batch 2, 5 classes). */
async function evaluateSaved(store: RunStore, runId: string, ds: Dataset, layout: WindowLayout) {
  const { tensors, metadata } = readSafetensorsWithMetadata((await store.loadCheckpoint(runId))!.model, 'saved');
  const meta = parseMetadata(metadata)!;
  const prepared = prepareRun(tensors, 'saved', 5, { crop: 16, batch: 2, freeze: 'none', seed: 0 });
  const runner = await createNodeRunner(prepared.evalGraph);
  const params = Object.fromEntries([...prepared.model.weights].map(([k, v]) => [k, v.data]));
  return evaluateImages(validationImages(ds, meta.mean, meta.std), {
    crop: 16, batch: 2, numClasses: 5, windows: windowsOf({ windowLayout: layout }), miou: layout === 'long-side' ? 'all-classes' : 'present-classes',
    logits: async (image) => (await runner.run({ ...params, image }, ['logits'])).logits.data as Float32Array,
  }).finally(() => runner.release());
}

describe('worker feature lens (onnxruntime-node)', () => {
  it('before fine-tuning: the same features and PCA as the lens run directly on the loaded weights, and no session left open', async () => {
    const base = liveResources();
    const t = await readyTrainer();
    const lens = await t.featureLens({ kind: 'loaded', crop: 16 }, 2);

    // directly: the demo weights, the third validation image centre-cropped, ImageNet normalisation
    const ds = await openDataset(zipSource('shapes-a.zip', demoZip(1, 'shapes-a.zip').bytes));
    const crop = centerCrop(await readSample(ds, ds.val[2]), 16);
    const image = new Float32Array(3 * 16 * 16);
    normalizeInto(image, 0, crop.image, 16 * 16, IMAGENET_MEAN, IMAGENET_STD);
    const { model } = prepareRun(makeTinyVit({ ...DEMO_MODEL, seed: 0 }), 'demo', 1, { crop: 16, batch: 1, freeze: 'none', seed: 0 });
    const shapes = new Map([...model.weights].map(([k, v]) => [k, v.shape]));
    const runner = await createNodeRunner(compileEval(model.config, shapes, { batch: 1, crop: 16 }, 'vit', { features: true }));
    const direct = await featureLens(runner, Object.fromEntries([...model.weights].map(([k, v]) => [k, v.data])), image).finally(() => runner.release());

    expect([lens.grid, lens.dim, lens.crop, lens.stage]).toEqual([direct.grid, direct.dim, 16, 'before fine-tuning']);
    expect(lens.features).toEqual(direct.features);
    expect(lens.rgb).toEqual(direct.pca.rgb);
    expect(lens.explained).toEqual(direct.pca.explained);
    expect(lens.image).toEqual(crop.image);
    expect(liveResources()).toEqual(base);
    await expect(t.featureLens({ kind: 'loaded', crop: 16 }, 3)).rejects.toThrow(/validation image 3 does not exist \(0…2\)/);
    expect(liveResources()).toEqual(base);
  });

  it('"before fine-tuning" stays the model as loaded while a resumed run trains its own saved weights', async () => {
    const t = await readyTrainer();
    const loaded = await t.featureLens({ kind: 'loaded', crop: 16 }, 0);
    await t.start(CONFIG, quiet);
    const [run] = await t.listRuns();
    let during: Promise<Float32Array> | undefined;
    await t.start(CONFIG, { ...quiet, onModel: () => {}, onState: (s) => { if (s === 'running') during = t.featureLens({ kind: 'loaded', crop: 16 }, 0).then((l) => l.features); } }, { runId: run.id });
    expect(await during).toEqual(loaded.features);
  });

  it('after fine-tuning: a saved run\'s backbone differs from the loaded one; cross evaluation equals a direct evaluation, is saved and listed', async () => {
    const base = liveResources();
    const root = new MemoryRoot();
    const t = await readyTrainer(root);
    await t.start(CONFIG, quiet);
    const [run] = await t.listRuns();
    expect(run.crossDataset).toBeUndefined();

    const before = await t.featureLens({ kind: 'loaded', crop: 16 }, 0);
    const after = await t.featureLens({ kind: 'run', runId: run.id }, 0);
    expect(after.stage).toBe('after fine-tuning');
    expect(after.features).toHaveLength(before.features.length);
    expect(after.features).not.toEqual(before.features); // two steps moved the encoder
    expect(liveResources()).toEqual(base);

    // its own dataset is no second dataset
    await expect(t.evaluateRunOn(run.id)).rejects.toThrow(/was trained on shapes-a\.zip/);
    await t.loadDataset(demoZip(2, 'shapes-b.zip'));
    const progress: number[] = [];
    const cross = await t.evaluateRunOn(run.id, (p) => progress.push(p.done));
    expect(progress.at(-1)).toBe(3);

    // directly: the saved checkpoint's eval graph on the second dataset's val split, the demo recipe's windows
    const store = new RunStore(root);
    const ds = await openDataset(zipSource('shapes-b.zip', demoZip(2, 'shapes-b.zip').bytes));
    const direct = await evaluateSaved(store, run.id, ds, 'grid-2/3');
    expect(cross).toEqual({ dataset: 'shapes-b.zip', mIoU: direct.mIoU, perClassIoU: direct.perClassIoU });

    // saved with the run: listed now and after a reload (a new worker on the same storage)
    expect((await t.listRuns())[0].crossDataset).toEqual({ dataset: 'shapes-b.zip', mIoU: direct.mIoU });
    const reloaded = new Trainer({ compute: nodeCompute, store: new RunStore(root), fetchBytes: async () => new Uint8Array(), cache: { list: async () => [], remove: async () => {} } });
    expect((await reloaded.listRuns())[0].crossDataset).toEqual({ dataset: 'shapes-b.zip', mIoU: direct.mIoU });
    // an evaluation of another step (the run trained on since) does not describe the saved checkpoint: not listed
    await store.saveCross(run.id, { dataset: 'shapes-c.zip', fingerprint: 'c', mIoU: 0.9, perClassIoU: [], step: run.savedStep + 5, at: Date.now() + 1 });
    expect((await t.listRuns())[0].crossDataset).toEqual({ dataset: 'shapes-b.zip', mIoU: direct.mIoU });

    // other classes: refused, naming what differs
    await t.loadDataset({ kind: 'zip', name: 'streets.zip', bytes: zipOf(genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' })) });
    await expect(t.evaluateRunOn(run.id)).rejects.toThrow(/only the run's \(shapes-a\.zip\): background, disc.*only streets\.zip's: sky, road, car/);

    await t.releaseAll(); // the saved run's eval runner
    expect(liveResources()).toEqual(base);
  });

  it("cross evaluation keeps to the run's recipe: the benchmark's label filter leaves out a single-valued mask, as its training would", async () => {
    const root = new MemoryRoot();
    const t = await readyTrainer(root);
    await t.start({ ...CONFIG, recipe: 'benchmark' }, quiet);
    const [run] = await t.listRuns();
    // the second dataset: its second val mask holds one value (background only)
    const files = makeDemoFiles(2, { size: 16, train: 4, val: 3 }).map((f) => (f.path === 'val/masks/0001.png' ? { ...f, bytes: maskPng(16, 16, () => 0) } : f));
    const bytes = zipOf(files);
    await t.loadDataset({ kind: 'zip', name: 'shapes-b.zip', bytes });
    const totals: number[] = [];
    const cross = await t.evaluateRunOn(run.id, (p) => totals.push(p.total));
    expect(totals.at(-1)).toBe(2);

    // directly: the saved checkpoint on the two val images the filter keeps, the benchmark's windows
    const ds = await openDataset(zipSource('shapes-b.zip', bytes));
    const kept = { ...ds, val: ds.val.filter((r) => !r.mask.endsWith('0001.png')) };
    const direct = await evaluateSaved(new RunStore(root), run.id, kept, 'long-side');
    expect(kept.val).toHaveLength(2);
    expect(cross).toEqual({ dataset: 'shapes-b.zip', mIoU: direct.mIoU, perClassIoU: direct.perClassIoU });
    await t.releaseAll();
  });
});
