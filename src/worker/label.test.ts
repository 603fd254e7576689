/**
 * The labelling workspace's worker calls. `propose` against a direct computation (one window the
 * size of the photo, so the logits are the model's own: argmax and entropy by hand); the Trainer's
 * `proposeFor` after a run (onnxruntime-node) predicting the run's classes at the photo's size, and
 * refusing with no run; `photoFeatures` equal to the lens run directly on the photo resized to the crop.
 */
import { describe, expect, it } from 'vitest';
import { normalizeInto, resizeRgb } from '../data/augment';
import { makeDemoFiles } from '../data/synthetic';
import { zipOf } from '../data/testing';
import { featureLens } from '../compare/lens';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { createNodeRunner } from '../runtime/node';
import { liveResources } from '../runtime/resources';
import { compileEval } from '../train/graphs';
import { windowsOf } from '../train/evaluate';
import { IMAGENET_MEAN, IMAGENET_STD, prepareRun } from '../train/session';
import type { TrainConfig, TrainerCallbacks } from './api';
import { propose } from './label';
import { RunStore } from './runs';
import { MemoryRoot } from './testing/memory-folders';
import { nodeCompute } from './testing/node-compute';
import { Trainer } from './trainer';

describe('propose (a photo in no dataset)', () => {
  it('argmax and mean pixel entropy of the model\'s logits, by hand', async () => {
    const S = 16, pixels = S * S;
    const rgb = new Uint8Array(3 * pixels);
    for (let p = 0; p < pixels; p++) rgb[3 * p] = (p * 7) % 3 === 0 ? 255 : 0; // red on some pixels
    // logits of class c at pixel p: (c − 1)·x, x = the normalised red value (mean ½, std 1: ±½)
    const logits = async (chw: Float32Array) => {
      const out = new Float32Array(3 * pixels);
      for (let c = 0; c < 3; c++) for (let p = 0; p < pixels; p++) out[c * pixels + p] = (c - 1) * chw[p];
      return out;
    };
    const p = await propose({ width: S, height: S, rgb }, { logits, config: { crop: S, batch: 1 }, norm: { mean: [0.5, 0.5, 0.5], std: [1, 1, 1] }, windows: windowsOf({ windowLayout: 'grid-2/3' }), numClasses: 3 });
    for (let i = 0; i < pixels; i++) expect(p.prediction[i]).toBe(rgb[3 * i] ? 2 : 0);
    // every pixel's logits are (−½, 0, ½) in some order: the same entropy everywhere
    const z = [Math.exp(-0.5), 1, Math.exp(0.5)], sum = z[0] + z[1] + z[2];
    const h = -z.reduce((a, v) => a + (v / sum) * Math.log(v / sum), 0);
    expect(p.entropy).toBeCloseTo(h, 5);
    expect([p.width, p.height, p.classes]).toEqual([S, S, 3]);
  });

  it('refuses a photo whose bytes do not match its size', async () => {
    await expect(propose({ width: 4, height: 4, rgb: new Uint8Array(5) }, { logits: async () => new Float32Array(), config: { crop: 16, batch: 1 }, norm: { mean: [0, 0, 0], std: [1, 1, 1] }, windows: windowsOf({ windowLayout: 'grid-2/3' }), numClasses: 2 }))
      .rejects.toThrow(/5 bytes, not 4×4/);
  });
});

const CONFIG: TrainConfig = {
  recipe: 'demo', steps: 2, batch: 2, accum: 1, crop: 16, lrHead: 1e-2, lrEncoder: 1e-3, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 2,
};
const quiet: TrainerCallbacks = { onStep: () => {}, onEval: () => {}, onProgress: () => {}, onNotices: () => {}, onState: () => {} };

async function readyTrainer() {
  const t = new Trainer({ compute: nodeCompute, store: new RunStore(new MemoryRoot()), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
  await t.init('wasm');
  await t.loadModel({ kind: 'demo' });
  await t.loadDataset({ kind: 'zip', name: 'shapes.zip', bytes: zipOf(makeDemoFiles(1, { size: 16, train: 4, val: 3 })) });
  return t;
}

const photo = (w: number, h: number) => ({ width: w, height: h, rgb: Uint8Array.from({ length: 3 * w * h }, (_, i) => (i * 37) % 256) });

describe('Trainer: the workspace\'s calls (onnxruntime-node)', () => {
  it('proposeFor: refused before any run; after one, the run\'s classes at the photo\'s own size', async () => {
    const t = await readyTrainer();
    await expect(t.proposeFor(photo(24, 20))).rejects.toThrow(/no trained run to propose with/);
    await t.start(CONFIG, quiet);
    const p = await t.proposeFor(photo(24, 20));
    expect([p.width, p.height, p.classes, p.prediction.length]).toEqual([24, 20, 5, 24 * 20]);
    expect(Math.max(...p.prediction)).toBeLessThan(5);
    expect(p.entropy).toBeGreaterThanOrEqual(0);
    expect(p.entropy).toBeLessThanOrEqual(Math.log(5) + 1e-6);
    await t.releaseAll();
  });

  it('photoFeatures: the lens on the whole photo resized to the crop, no session left open', async () => {
    const base = liveResources();
    const t = await readyTrainer();
    const pic = photo(24, 20);
    const f = await t.photoFeatures(pic, 16);
    const image = new Float32Array(3 * 16 * 16);
    normalizeInto(image, 0, resizeRgb(pic.rgb, 20, 24, 16, 16), 16 * 16, IMAGENET_MEAN, IMAGENET_STD);
    const { model } = prepareRun(makeTinyVit({ ...DEMO_MODEL, seed: 0 }), 'demo', 1, { crop: 16, batch: 1, freeze: 'none', seed: 0 });
    const shapes = new Map([...model.weights].map(([k, v]) => [k, v.shape]));
    const runner = await createNodeRunner(compileEval(model.config, shapes, { batch: 1, crop: 16 }, 'vit', { features: true }));
    const direct = await featureLens(runner, Object.fromEntries([...model.weights].map(([k, v]) => [k, v.data])), image).finally(() => runner.release());
    expect([f.grid, f.dim]).toEqual([direct.grid, direct.dim]);
    expect(f.features).toEqual(direct.features);
    expect(liveResources()).toEqual(base);
  });
});
