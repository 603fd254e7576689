/**
 * The worker's run logic with a fake engine (no onnxruntime): the state machine, Pause/Stop at
 * the next step, failed Starts, identity checks on Resume, and resources given back.
 */
import { describe, expect, it } from 'vitest';
import { zipOf, genericFiles } from '../data/testing';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { countSession, liveResources } from '../runtime/resources';
import type { Engine } from '../train/engine';
import type { PreparedRun } from '../train/session';
import type { RunState, StepMetric, TrainConfig, TrainerCallbacks } from './api';
import type { Compute } from './compute';
import { RunStore } from './runs';
import { MemoryRoot } from './testing/memory-folders';
import { Trainer } from './trainer';

const CONFIG: TrainConfig = {
  steps: 6, batch: 2, accum: 1, crop: 16, lrHead: 1e-3, lrEncoder: 1e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 3,
};

/** Counts as two sessions (train + eval) from create to release, like the real engines. */
class FakeEngine implements Engine {
  static created: FakeEngine[] = [];
  step = 0;
  released = 0;
  readonly initial: Map<string, HostTensor>;
  constructor(private readonly p: PreparedRun, private readonly weightsMap: Map<string, HostTensor>) {
    countSession(1);
    countSession(1);
    this.initial = new Map([...weightsMap].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
    FakeEngine.created.push(this);
  }
  async accumulate() { return 1 / (this.step + 1); }
  async update() { this.step++; }
  async logits() {
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

const fakeCompute = async (): Promise<Compute> => ({
  info: { backend: 'wasm', reason: 'test' }, where: 'wasm', lost: new Promise(() => {}),
  createEngine: async (p: PreparedRun) => new FakeEngine(p, new Map([...p.model.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]))),
  createRunner: async () => { throw new Error('no runners in these tests'); },
});

function makeTrainer(root = new MemoryRoot()) {
  const t = new Trainer({ compute: fakeCompute, store: new RunStore(root), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
  return { t, root };
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

describe('Trainer lifecycle (fake engine)', () => {
  it('goes idle → preparing → running → finished, saves the last step, and releases its engine', async () => {
    const base = liveResources();
    const { t } = makeTrainer();
    await t.init('wasm');
    await t.loadModel({ kind: 'demo' });
    await t.loadDataset(ownZip());
    const { cb } = recorder();
    await t.start(CONFIG, cb);
    expect(cb.states).toEqual(['preparing', 'running', 'finished']);
    const [run] = await t.listRuns();
    expect(run).toMatchObject({ status: 'finished', savedStep: 6, modelName: 'demo ViT (depth 2, width 64)' });
    expect(run.dataset).toMatchObject({ name: 'shapes.zip', classes: ['sky', 'road', 'car'], trainCount: 3, valCount: 2, kept: true });
    expect(run.model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(liveResources()).toEqual(base);
    // a finished run can be deleted
    await t.deleteRun(run.id);
    expect(await t.listRuns()).toEqual([]);
  });

  it('an evaluation is announced after its save: the runs list shows the run at that step', async () => {
    const { t } = makeTrainer();
    await t.init('wasm');
    await t.loadModel({ kind: 'demo' });
    await t.loadDataset(ownZip());
    const { cb } = recorder();
    const listed: [number, number, string][] = [];
    cb.onEval = (m) => void t.listRuns().then(([r]) => listed.push([m.step, r.savedStep, r.status]));
    await t.start({ ...CONFIG, steps: 7 }, cb);
    await new Promise((r) => setTimeout(r, 0));
    expect(listed.slice(0, 2)).toEqual([[3, 3, 'running'], [6, 6, 'running']]);
  });

  it('pauses at the next step, refuses model and dataset changes while paused, stops through "stopping"', async () => {
    const { t } = makeTrainer();
    await t.init('wasm');
    await t.loadModel({ kind: 'demo' });
    await t.loadDataset(ownZip());
    const { cb, until } = recorder((m) => m.step === 2 && void t.pause());
    const done = t.start({ ...CONFIG, evalEvery: 0 }, cb);
    await until('paused');
    expect(cb.steps.at(-1)!.step).toBeLessThanOrEqual(3); // within two steps of the request
    await expect(t.loadModel({ kind: 'demo' })).rejects.toThrow(/changing the model is not possible while a run is paused/);
    await expect(t.loadDataset({ kind: 'demo' })).rejects.toThrow(/changing the dataset is not possible while a run is paused/);
    await expect(t.start(CONFIG, recorder().cb)).rejects.toThrow(/while a run is paused/);
    expect((await t.listRuns())[0]).toMatchObject({ status: 'paused', savedStep: 2 });
    await t.stop();
    await done;
    expect(cb.states).toEqual(['preparing', 'running', 'paused', 'stopping', 'stopped']);
    expect((await t.listRuns())[0]).toMatchObject({ status: 'stopped', savedStep: 2 });
  });

  it('a failed Start (invalid crop) leaves every saved run as it was', async () => {
    const { t } = makeTrainer();
    await t.init('wasm');
    await t.loadModel({ kind: 'demo' });
    await t.loadDataset(ownZip());
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
    const root = new MemoryRoot();
    const a = makeTrainer(root).t;
    await a.init('wasm');
    await a.loadModel(ownModel());
    await a.loadDataset(ownZip());
    const first = recorder((m) => m.step === 2 && void a.pause());
    const done = a.start(CONFIG, first.cb);
    await first.until('paused');
    const savedEngine = FakeEngine.created.at(-1)!;
    // the page reloads: a new worker with the embedded demo model and dataset
    const b = makeTrainer(root).t;
    await b.init('wasm');
    await b.loadModel({ kind: 'demo' });
    await b.loadDataset({ kind: 'demo' });
    const [run] = await b.listRuns();
    const again = recorder();
    await b.start({ ...CONFIG, crop: 32, steps: 100 }, again.cb, { runId: run.id });
    expect(again.cb.states).toEqual(['preparing', 'running', 'finished']);
    expect(again.cb.models).toEqual(['mine.safetensors']);
    expect(again.cb.datasets).toEqual(['shapes.zip']);
    expect(again.cb.steps.map((s) => s.step)).toEqual([3, 4, 5, 6]); // the run's own 6 steps, from its save
    const resumed = FakeEngine.created.at(-1)!;
    for (const [k, tensor] of await savedEngine.weights()) expect(resumed.initial.get(k)!.data).toEqual(tensor.data);
    expect(resumed.initial.get('seg_head.weight')!.shape).toEqual([3, 64]);
    expect(resumed.step).toBe(6);
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
    const b = makeTrainer(root).t;
    await b.init('wasm');
    await b.loadModel({ kind: 'demo' });
    await b.loadDataset({ kind: 'demo' });
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
    const a = makeTrainer(root).t;
    await a.init('wasm');
    await a.loadModel({ kind: 'demo' });
    await a.loadDataset(ownZip());
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
