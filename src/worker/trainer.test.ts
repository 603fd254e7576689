/**
 * The worker's run logic with a fake engine (no onnxruntime): the state machine, Pause/Stop at
 * the next step, failed Starts, identity checks on Resume, and resources given back.
 */
import { describe, expect, it, vi } from 'vitest';
import { BatchStream } from '../data/batches';
import { openDataset } from '../data/dataset';
import { zipOf, genericFiles, maskPng, pngRgb, type FileList } from '../data/testing';
import { zipSource } from '../data/zip';
import { longSideWindowPlan, slidingWindowPlan } from '../data/window';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { makeTinySam } from '../model/families/sam-testing';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { countSession, liveResources } from '../runtime/resources';
import type { Engine } from '../train/engine';
import { RECIPES } from '../train/recipe';
import { IMAGENET_MEAN, IMAGENET_STD, type PreparedRun } from '../train/session';
import type { DatasetSource, ModelSource, RunState, StepMetric, TrainConfig, TrainerCallbacks } from './api';
import type { Compute, EngineSettings } from './compute';
import { RunStore } from './runs';
import { MemoryRoot } from './testing/memory-folders';
import { Trainer } from './trainer';

const CONFIG: TrainConfig = {
  recipe: 'demo', steps: 6, batch: 2, accum: 1, crop: 16, lrHead: 1e-3, lrEncoder: 1e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 3,
};

/** Counts as two sessions (train + eval) from create to release, like the real engines. */
class FakeEngine implements Engine {
  static created: FakeEngine[] = [];
  step = 0;
  released = 0;
  /** Every micro-batch's images, and the number of eval-graph calls. */
  readonly images: Float32Array[] = [];
  logitCalls = 0;
  readonly initial: Map<string, HostTensor>;
  constructor(private readonly p: PreparedRun, private readonly weightsMap: Map<string, HostTensor>) {
    countSession(1);
    countSession(1);
    this.initial = new Map([...weightsMap].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
    FakeEngine.created.push(this);
  }
  async accumulate(images: Float32Array) {
    this.images.push(images.slice());
    return 1 / (this.step + 1);
  }
  async update() { this.step++; }
  async logits() {
    this.logitCalls++;
    const shape = this.p.evalGraph.manifest.outputs.find((o) => o.name === 'logits')!.shape;
    return new Float32Array(shape.reduce((a, b) => a * b, 1));
  }
  async weights() { return this.weightsMap; }
  async optimizerState() {
    const zeros = () => new Map(this.p.trainable.map((k) => [k, new Float32Array(this.weightsMap.get(k)!.data.length)]));
    return { step: this.step, m: zeros(), v: zeros() };
  }
  async restoreOptimizerState(s: { step: number }) { this.step = s.step; }
  async release() {
    if (this.released++) return;
    countSession(-1);
    countSession(-1);
  }
}

/** The settings each engine was created with (the optimizer's part of the recipe). */
const engineSettings: EngineSettings[] = [];
const fakeCompute = async (): Promise<Compute> => ({
  info: { backend: 'wasm', reason: 'test' }, where: 'wasm', lost: new Promise(() => {}),
  createEngine: async (p: PreparedRun, c: EngineSettings) => (engineSettings.push(c), new FakeEngine(p, new Map([...p.model.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }])))),
  createRunner: async () => { throw new Error('no runners in these tests'); },
});

function makeTrainer(root = new MemoryRoot()) {
  const t = new Trainer({ compute: fakeCompute, store: new RunStore(root), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
  return { t, root };
}

/** A trainer on wasm with a model and a dataset loaded: the page's first steps. */
async function readyTrainer(model: ModelSource, dataset: DatasetSource, root = new MemoryRoot()): Promise<Trainer> {
  const { t } = makeTrainer(root);
  await t.init('wasm');
  await t.loadModel(model);
  await t.loadDataset(dataset);
  return t;
}

/** Callbacks recording states and steps; `until(state)` resolves when that state is reached. */
function recorder(onStep?: (m: StepMetric) => void) {
  const states: string[] = [];
  const steps: StepMetric[] = [];
  const waiting: [RunState, () => void][] = [];
  const cb: TrainerCallbacks & { states: string[]; steps: StepMetric[]; messages: string[]; models: string[]; datasets: string[] } = {
    states, steps, messages: [], models: [], datasets: [],
    onStep: (m) => { steps.push(m); onStep?.(m); },
    onEval: () => {}, onProgress: () => {}, onNotices: () => {},
    onState: (s, message) => {
      states.push(s);
      if (message) cb.messages.push(message);
      for (const [w, resolve] of waiting) if (w === s) resolve();
    },
    onModel: (m) => cb.models.push(m.name),
    onDataset: (d) => cb.datasets.push(d.name),
  };
  const until = (s: RunState) => new Promise<void>((resolve) => waiting.push([s, resolve]));
  return { cb, until };
}

const ownModel = () => ({ kind: 'bytes' as const, name: 'mine.safetensors', bytes: writeSafetensors(makeTinyVit({ ...DEMO_MODEL, seed: 3 })) });
const ownZip = () => ({ kind: 'zip' as const, name: 'shapes.zip', bytes: zipOf(genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' })) });

/**
 * A run on the user's own model and zip, paused at step 2 (saved, its dataset kept), then the page
 * "reloads": `b` is a new worker on the same storage with the embedded demo model and dataset.
 */
async function pausedThenReloaded() {
  const root = new MemoryRoot();
  const a = await readyTrainer(ownModel(), ownZip(), root);
  const first = recorder((m) => m.step === 2 && void a.pause());
  const done = a.start(CONFIG, first.cb);
  await first.until('paused');
  const b = await readyTrainer({ kind: 'demo' }, { kind: 'demo' }, root);
  const [run] = await b.listRuns();
  return { a, done, b, run };
}

describe('Trainer lifecycle (fake engine)', () => {
  it('goes idle → preparing → running → finished, saves the last step, and releases its engine', async () => {
    const base = liveResources();
    const t = await readyTrainer({ kind: 'demo' }, ownZip());
    const { cb } = recorder();
    await t.start(CONFIG, cb);
    expect(cb.states).toEqual(['preparing', 'running', 'finished']);
    const [run] = await t.listRuns();
    expect(run).toMatchObject({ status: 'finished', savedStep: 6, modelName: 'demo ViT (depth 2, width 64)' });
    expect(run.dataset).toMatchObject({ name: 'shapes.zip', classes: ['sky', 'road', 'car'], trainCount: 3, valCount: 2, kept: true });
    expect(run.model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // the leaderboard's memory plan and wall time are recorded with the run
    expect(run.memoryPlanBytes).toBe((await t.memoryPlan(CONFIG))!.totalBytes);
    expect(run.wallSeconds).toBeGreaterThan(0);
    expect(liveResources()).toEqual(base);
    // a finished run can be deleted
    await t.deleteRun(run.id);
    expect(await t.listRuns()).toEqual([]);
  });

  it('announces the run\'s id once its record is saved, before its first step (a queue records it at once)', async () => {
    const t = await readyTrainer({ kind: 'demo' }, ownZip());
    const { cb } = recorder();
    const seen: string[] = [];
    let listed: Promise<string[]> | undefined;
    cb.onRun = (id) => {
      seen.push(`${id} after ${cb.steps.length} steps`);
      listed = t.listRuns().then((rs) => rs.map((r) => r.id)); // read at once, as the page's queue does
    };
    await t.start(CONFIG, cb);
    const [run] = await t.listRuns();
    expect(seen).toEqual([`${run.id} after 0 steps`]);
    expect(await listed).toEqual([run.id]);
  });

  it('an evaluation is announced after its save: the runs list shows the run at that step', async () => {
    const t = await readyTrainer({ kind: 'demo' }, ownZip());
    const { cb } = recorder();
    const listed: [number, number, string][] = [];
    cb.onEval = (m) => void t.listRuns().then(([r]) => listed.push([m.step, r.savedStep, r.status]));
    await t.start({ ...CONFIG, steps: 7 }, cb);
    await new Promise((r) => setTimeout(r, 0));
    expect(listed.slice(0, 2)).toEqual([[3, 3, 'running'], [6, 6, 'running']]);
  });

  it('pauses at the next step, refuses model and dataset changes while paused, stops through "stopping"', async () => {
    const t = await readyTrainer({ kind: 'demo' }, ownZip());
    const { cb, until } = recorder((m) => m.step === 2 && void t.pause());
    const done = t.start({ ...CONFIG, evalEvery: 0 }, cb);
    await until('paused');
    expect(cb.steps.at(-1)!.step).toBeLessThanOrEqual(3); // within two steps of the request
    await expect(t.loadModel({ kind: 'demo' })).rejects.toThrow(/changing the model is not possible while a run is paused/);
    await expect(t.loadDataset({ kind: 'demo' })).rejects.toThrow(/changing the dataset is not possible while a run is paused/);
    await expect(t.start(CONFIG, recorder().cb)).rejects.toThrow(/while a run is paused/);
    expect((await t.listRuns())[0]).toMatchObject({ status: 'paused', savedStep: 2 });
    // a pause of 1000 s (the clock jumps) is not counted in the run's wall time
    const now = performance.now.bind(performance);
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now() + 1e6);
    await t.stop();
    await done;
    clock.mockRestore();
    expect(cb.states).toEqual(['preparing', 'running', 'paused', 'stopping', 'stopped']);
    expect((await t.listRuns())[0]).toMatchObject({ status: 'stopped', savedStep: 2 });
    expect((await t.listRuns())[0].wallSeconds).toBeLessThan(1000);
  });

  it('a failed Start (invalid crop) leaves every saved run as it was', async () => {
    const t = await readyTrainer({ kind: 'demo' }, ownZip());
    const first = recorder((m) => m.step === 1 && void t.pause());
    const done = t.start(CONFIG, first.cb);
    await first.until('paused');
    await t.stop();
    await done;
    const before = await t.listRuns();
    const failed = recorder();
    await t.start({ ...CONFIG, crop: 12 }, failed.cb); // 12 is not a multiple of the demo's patch 8
    expect(failed.cb.states).toEqual(['preparing', 'error']);
    expect(failed.cb.messages[0]).toMatch(/crop 12/);
    expect(await t.listRuns()).toEqual(before);
    expect(FakeEngine.created.at(-1)!.released).toBe(1);
  });

  it('Resume after a reload rebuilds the run from its own saved weights, recipe and kept dataset', async () => {
    const { a, done, b, run } = await pausedThenReloaded();
    const savedEngine = FakeEngine.created.at(-1)!;
    const again = recorder();
    await b.start({ ...CONFIG, crop: 32, steps: 100 }, again.cb, { runId: run.id });
    expect(again.cb.states).toEqual(['preparing', 'running', 'finished']);
    // the run's own model while it trains, then the model the page had loaded (the demo) again
    expect(again.cb.models).toEqual(['mine.safetensors', 'demo ViT (depth 2, width 64)']);
    expect(again.cb.datasets).toEqual(['shapes.zip']);
    expect(again.cb.steps.map((s) => s.step)).toEqual([3, 4, 5, 6]); // the run's own 6 steps, from its save
    const resumed = FakeEngine.created.at(-1)!;
    for (const [k, tensor] of await savedEngine.weights()) expect(resumed.initial.get(k)!.data).toEqual(tensor.data);
    expect(resumed.initial.get('seg_head.weight')!.shape).toEqual([3, 64]);
    expect(resumed.step).toBe(6);
    // a new Start after the resumed run fine-tunes the loaded demo model, not the run's trained weights
    await b.start({ ...CONFIG, steps: 1, evalEvery: 0 }, recorder().cb);
    const demo = makeTinyVit(DEMO_MODEL);
    expect(FakeEngine.created.at(-1)!.initial.get('patch_embed.proj.weight')!.data).toEqual(demo.get('patch_embed.proj.weight')!.data);
    await a.stop();
    await done;
  });

  it('a run interrupted before its first save opens with its charts and a notice, and predicts nothing instead of failing', async () => {
    const root = new MemoryRoot();
    const a = await readyTrainer({ kind: 'demo' }, { kind: 'demo' }, root);
    await a.start({ ...CONFIG, steps: 2, evalEvery: 0 }, recorder().cb);
    // the record a reload leaves when the page went away before the run's first save
    const store = new RunStore(root);
    const [saved] = await store.listRuns();
    await store.saveRecord({ ...saved, id: 'run-unsaved', status: 'running', savedStep: 0 });
    const b = await readyTrainer({ kind: 'demo' }, { kind: 'demo' }, root);
    expect((await b.openRun('run-unsaved')).notice).toMatch(/^the run “demo ViT .*” was interrupted before its first save/);
    expect((await b.predict(0)).prediction.every((v) => v === 255)).toBe(true); // image and ground truth only
    expect(await b.openRun(saved.id)).toEqual({}); // a saved run opens as before (its predictions need a runner: not in these tests)
  });

  it('reopened after a reload: a kept dataset comes back with the run; another is asked for by the run\'s name, and the notice goes once it is loaded', async () => {
    const root = new MemoryRoot();
    const kept = await readyTrainer({ kind: 'demo' }, ownZip(), root);
    await kept.start({ ...CONFIG, steps: 3 }, recorder().cb);
    const folder = { kind: 'files' as const, name: 'my-folder', files: genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\nboat\n' }) };
    await kept.loadDataset(folder); // a folder is not kept with its run
    await kept.start({ ...CONFIG, steps: 3 }, recorder().cb);
    const [onFolder, onZip] = await kept.listRuns();
    const b = await readyTrainer({ kind: 'demo' }, { kind: 'demo' }, root); // the reload
    const opened = await b.openRun(onZip.id, true);
    expect(opened).toEqual({ dataset: expect.objectContaining({ name: 'shapes.zip', fingerprint: onZip.dataset!.fingerprint }) });
    expect((await b.thumbnails(8)).length).toBe(2); // shapes.zip's 2 validation images, not the demo's
    const asked = await b.openRun(onFolder.id, true);
    expect(asked).toEqual({ notice: '“demo ViT (depth 2, width 64) · my-folder” was trained on my-folder (4 classes: sky, road, car, boat): load my-folder to see the run\'s predictions' });
    await b.loadDataset(folder);
    expect(await b.openRun(onFolder.id)).toEqual({});
  });

  it('a resumed run brings back its kept dataset also for a caller without onModel/onDataset callbacks', async () => {
    const { a, done, b, run } = await pausedThenReloaded();
    const { onModel: _m, onDataset: _d, ...bare } = recorder().cb;
    await b.start({ ...CONFIG, crop: 32, steps: 100 }, bare, { runId: run.id });
    // the next Start trains on the run's dataset (3 classes: sky, road, car), as a page with the callbacks would
    await b.start({ ...CONFIG, steps: 1, evalEvery: 0 }, recorder().cb);
    expect(FakeEngine.created.at(-1)!.initial.get('seg_head.weight')!.shape).toEqual([3, 64]);
    await a.stop();
    await done;
  });

  it('Resume without the run\'s dataset asks for it by name and does not train', async () => {
    const root = new MemoryRoot();
    const a = makeTrainer(root).t;
    await a.init('wasm');
    await a.loadModel({ kind: 'demo' });
    await a.loadDataset({ kind: 'files', name: 'my-folder', files: genericFiles() }); // a folder: not kept
    const first = recorder((m) => m.step === 1 && void a.pause());
    const done = a.start(CONFIG, first.cb);
    await first.until('paused');
    const b = await readyTrainer({ kind: 'demo' }, { kind: 'demo' }, root);
    const [before] = await b.listRuns();
    const again = recorder();
    await b.start(CONFIG, again.cb, { runId: before.id });
    expect(again.cb.states).toEqual(['preparing', 'error']);
    expect(again.cb.messages[0]).toMatch(/trained on the dataset "my-folder" \(3 classes.*Load "my-folder"/);
    expect(again.cb.steps).toEqual([]);
    expect(await b.listRuns()).toEqual([before]);
    await a.stop();
    await done;
  });

  it('a saved optimizer state that does not fit the model is refused, naming the tensor', async () => {
    const root = new MemoryRoot();
    const a = await readyTrainer({ kind: 'demo' }, ownZip(), root);
    await a.start({ ...CONFIG, steps: 3 }, recorder().cb);
    const [run] = await a.listRuns();
    // tamper with the saved optimizer file: one moment loses half its values
    const files = root.files.get(run.id)!;
    const name = [...files.keys()].find((k) => k.startsWith('optimizer-'))!;
    const { tensors, metadata } = readSafetensorsWithMetadata(files.get(name)!, name);
    const t = tensors.get('m.seg_head.weight')!;
    tensors.set('m.seg_head.weight', { shape: [t.data.length / 2], data: t.data.slice(0, t.data.length / 2) });
    files.set(name, writeSafetensors(tensors, metadata));
    const again = recorder();
    await a.start({ ...CONFIG, steps: 3 }, again.cb, { runId: run.id });
    expect(again.cb.messages[0]).toMatch(/saved m of seg_head.weight has 96 values, the model's parameter \[3,64\] has 192/);
  });

  it('after a lost device the run stops with its last save, a new device is made, and Resume continues', async () => {
    let lose: (message: string) => void = () => {};
    let devices = 0;
    const compute = async (): Promise<Compute> => {
      devices++;
      return { ...(await fakeCompute()), info: { backend: 'webgpu', reason: 'test' }, lost: new Promise<string>((resolve) => (lose = resolve)) };
    };
    const t = new Trainer({ compute, store: new RunStore(new MemoryRoot()), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
    await t.init('webgpu');
    await t.loadModel({ kind: 'demo' });
    await t.loadDataset(ownZip());
    const first = recorder((m) => m.step === 4 && lose('The GPU device was lost (test).'));
    await t.start(CONFIG, first.cb);
    expect(first.cb.states).toEqual(['preparing', 'running', 'error']);
    expect(first.cb.messages[0]).toBe('The GPU device was lost (test). The run is saved at step 3: resume it from Saved runs. A new GPU device is ready.');
    expect(devices).toBe(2);
    const [run] = await t.listRuns();
    expect(run).toMatchObject({ status: 'interrupted', savedStep: 3 });
    const again = recorder();
    await t.start(CONFIG, again.cb, { runId: run.id });
    expect(again.cb.states).toEqual(['preparing', 'running', 'finished']);
    expect(again.cb.steps.map((m) => m.step)).toEqual([4, 5, 6]);
  });
});

/**
 * Two train images with two labels and one of a single label, a wide validation image (16×48,
 * where the two window layouts differ) and a single-labelled one; `uniform: false` leaves the
 * single-labelled ones out (the dataset the label filter should leave).
 */
function recipeFiles(uniform = true): FileList {
  const files: FileList = [{ path: 'classes.txt', bytes: new TextEncoder().encode('sky\nroad\ncar\n') }];
  const add = (split: string, stem: string, w: number, h: number, label: (x: number, y: number) => number) => {
    files.push({ path: `${split}/images/${stem}.png`, bytes: pngRgb(w, h, (x, y) => [x * 13 % 256, y * 29 % 256, label(x, y) * 90]) });
    files.push({ path: `${split}/masks/${stem}.png`, bytes: maskPng(w, h, label) });
  };
  add('train', 'a', 24, 20, (x) => (x < 12 ? 0 : 1));
  add('train', 'b', 20, 28, (_, y) => (y < 9 ? 2 : 1));
  if (uniform) add('train', 'c', 18, 18, () => 2);
  add('val', 'wide', 48, 16, (x) => (x < 30 ? 0 : 2));
  if (uniform) add('val', 'zz', 16, 16, () => 1);
  return files;
}

describe('the recipe rules in the worker (the same functions as the CLI)', () => {
  const config = (recipe: 'demo' | 'benchmark'): TrainConfig => ({ ...CONFIG, recipe, steps: 3, batch: 1, evalEvery: 0, augment: true, shuffle: false, seed: 5 });

  /** A run of the config on recipeFiles(); what its engine saw, its notices and its saved record. */
  async function runWith(c: TrainConfig) {
    const t = await readyTrainer({ kind: 'demo' }, { kind: 'zip', name: 'recipe.zip', bytes: zipOf(recipeFiles()) });
    const notices: string[] = [];
    const { cb } = recorder();
    cb.onNotices = (n) => notices.push(...n);
    await t.start(c, cb);
    expect(cb.states).toEqual(['preparing', 'running', 'finished']);
    return { engine: FakeEngine.created.at(-1)!, settings: engineSettings.at(-1)!, notices, record: (await t.listRuns())[0] };
  }

  /** The micro-batches BatchStream gives a dataset under an augmentation family (the demo model normalises as ImageNet). */
  async function expectedImages(uniform: boolean, augmentation: 'demo' | 'torchvision', c: TrainConfig): Promise<Float32Array[]> {
    const ds = await openDataset(zipSource('expected.zip', zipOf(recipeFiles(uniform))));
    const stream = new BatchStream(ds, { batch: 1, crop: c.crop, augment: true, augmentation, shuffle: false, seed: c.seed, mean: IMAGENET_MEAN, std: IMAGENET_STD });
    return Promise.all(Array.from({ length: c.steps }, async (_, t) => (await stream.batch(t)).images));
  }

  /** Eval-graph calls at batch 1: one per window of the layout, per validation image. */
  const windows = (plan: typeof slidingWindowPlan, sizes: [number, number][], crop: number) => sizes.reduce((n, [h, w]) => n + plan(h, w, crop).windows.length, 0);

  it("a benchmark recipe: torchvision augmentation, long-side windows, decay on every parameter, the single-value filter; the record names the rules", async () => {
    const c = config('benchmark');
    // the guard of this test: on the wide image the layouts differ
    expect(windows(longSideWindowPlan, [[16, 48]], 16)).not.toBe(windows(slidingWindowPlan, [[16, 48]], 16));
    const { engine, settings, notices, record } = await runWith(c);
    expect(settings).toMatchObject({ weightDecayScope: 'all', weightDecay: 0.05, lrHead: 1e-3, lrEncoder: 1e-4 });
    expect(engine.images).toEqual(await expectedImages(false, 'torchvision', c)); // the single-labelled train image is left out
    expect(engine.logitCalls).toBe(windows(longSideWindowPlan, [[16, 48]], 16)); // and the single-labelled val image too
    expect(record.config.recipe).toBe('benchmark');
    expect(record.rules).toEqual(RECIPES.benchmark.rules);
    expect(notices).toContain('recipe benchmark: weight decay on all parameters, long-side evaluation windows, torchvision augmentation, drop-single-value label filter, SAM rel-pos tables resized-once, mIoU mean over all classes, absent ones scoring 0 (torchmetrics, as the benchmark)');
    expect(notices.some((n) => /label filter: left out 2 image\(s\)/.test(n))).toBe(true);
  });

  it("the demo recipe: the demo's augmentation, 2-D grid windows, decay on ≥2-D weights, every image kept", async () => {
    const c = config('demo');
    const { engine, settings, record } = await runWith(c);
    expect(settings).toMatchObject({ weightDecayScope: 'matrices' });
    expect(engine.images).toEqual(await expectedImages(true, 'demo', c));
    expect(engine.logitCalls).toBe(windows(slidingWindowPlan, [[16, 48], [16, 16]], 16));
    expect(record.rules).toEqual(RECIPES.demo.rules);
  });

  it('a SAM model under the benchmark recipe trains rel-pos tables resized once to 2·n+1; under the demo recipe they keep their length', async () => {
    // pretrained at a grid of 8 with window 4 (block 0) and a global block 1; trained at crop 16 = grid 4, window 2
    const tensors = makeTinySam();
    const lengths = async (recipe: 'demo' | 'benchmark') => {
      const t = await readyTrainer({ kind: 'bytes', name: 'sam.safetensors', bytes: writeSafetensors(tensors) }, { kind: 'zip', name: 'recipe.zip', bytes: zipOf(recipeFiles()) });
      const { cb } = recorder();
      await t.start({ ...config(recipe), steps: 1 }, cb);
      expect(cb.states).toEqual(['preparing', 'running', 'finished']);
      const w = await FakeEngine.created.at(-1)!.weights();
      return [w.get('blocks.0.attn.rel_pos_h')!.shape[0], w.get('blocks.1.attn.rel_pos_w')!.shape[0]];
    };
    expect(await lengths('benchmark')).toEqual([5, 9]);
    expect(await lengths('demo')).toEqual([7, 15]);
  });

  it("a run saved before recipes resumes with the demo's rules", async () => {
    const root = new MemoryRoot();
    const t = await readyTrainer({ kind: 'demo' }, { kind: 'zip', name: 'recipe.zip', bytes: zipOf(recipeFiles()) }, root);
    const first = recorder((m) => m.step === 1 && void t.pause());
    const done = t.start(config('benchmark'), first.cb);
    await first.until('paused');
    await t.stop();
    await done;
    // as an older version saved it: no recipe in the config, no rules in the record
    const [run] = await t.listRuns();
    const { recipe: _recipe, ...oldConfig } = run.config;
    const { rules: _rules, ...old } = run;
    await new RunStore(root).saveRecord({ ...old, config: oldConfig as TrainConfig });
    await t.start(config('benchmark'), recorder().cb, { runId: run.id });
    expect(engineSettings.at(-1)!.weightDecayScope).toBe('matrices');
    expect((await t.listRuns())[0].rules).toEqual(RECIPES.demo.rules);
  });
});
