/** The store's logic with a scripted stand-in for the worker (the real one is covered by e2e). */
import { describe, expect, it, vi } from 'vitest';
import type { DatasetInfo, RunSummary, TrainerApi, TrainerCallbacks } from '../../worker/api';
import { DEMO_RECIPE, createLabStore } from './index';
import { Throttle, ema, niceTicks, throughput } from './metrics';

const demoInfo: DatasetInfo = { name: 'demo', format: 'generic', classes: [{ name: 'a', color: [0, 0, 0] }], trainCount: 4, valCount: 2 };

function fakeWorker(overrides: Partial<TrainerApi> = {}): TrainerApi {
  const notUsed = async () => { throw new Error('not used in this test'); };
  return {
    init: async () => ({ backend: 'wasm', reason: 'test' }),
    loadModel: notUsed, loadDataset: async () => demoInfo, start: notUsed, pause: async () => {}, resume: async () => {}, stop: async () => {},
    predict: async (i) => ({ index: i, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array(1) }),
    exportModel: notUsed, exportEvalOnnx: notUsed, listRuns: async () => [], runMetrics: async () => ({ steps: [], evals: [] }),
    deleteRun: async () => {}, predictWithRun: notUsed, thumbnails: async () => [],
    ...overrides,
  } as TrainerApi;
}

/** A one-pixel prediction of class `k` for image `index`. */
const pred = (index: number, k: number) => ({ index, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array([k]) });
const summary = (id: string): RunSummary => ({ id, name: `run ${id}`, createdAt: 1, modelName: 'm', datasetName: 'demo', config: DEMO_RECIPE, savedStep: 1, status: 'finished' });

describe('metric helpers', () => {
  it('ema equals the bias-corrected weighted average Σ (1−α)α^(t−i)·x_i / (1 − α^(t+1))', () => {
    const xs = [4, 2, 3, 1, 7, 0.5];
    const alpha = 0.8;
    const direct = xs.map((_, t) => {
      let num = 0;
      for (let i = 0; i <= t; i++) num += (1 - alpha) * alpha ** (t - i) * xs[i];
      return num / (1 - alpha ** (t + 1));
    });
    ema(xs, alpha).forEach((v, i) => expect(v).toBeCloseTo(direct[i], 12));
    expect(ema([5])[0]).toBeCloseTo(5, 12); // no bias towards 0 at the start
    expect(ema([2, 2, 2, 2])).toEqual([2, 2, 2, 2].map(() => expect.closeTo(2, 12)));
    expect(ema([])).toEqual([]);
  });

  it('Throttle hands items over in batches', () => {
    vi.useFakeTimers();
    const batches: number[][] = [];
    const t = new Throttle<number>((items) => batches.push(items), 100);
    [1, 2, 3].forEach((i) => t.push(i));
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(100);
    t.push(4);
    t.drain();
    expect(batches).toEqual([[1, 2, 3], [4]]);
    vi.useRealTimers();
  });

  it('Throttle flushes at most every ms: 1000 items over 1 s arrive in ~10 batches, none lost', () => {
    vi.useFakeTimers();
    const batches: number[][] = [];
    const t = new Throttle<number>((items) => batches.push(items), 100);
    for (let i = 0; i < 1000; i++) {
      t.push(i);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(batches.length).toBeGreaterThanOrEqual(9);
    expect(batches.length).toBeLessThanOrEqual(11);
    expect(batches.flat()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    vi.useRealTimers();
  });

  it('loss-axis ticks: round steps that cover the data, evenly spaced', () => {
    expect(niceTicks(0.93, 1.68)).toEqual([0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    expect(niceTicks(0.1, 2.3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(12, 87)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1e-4, 3.2e-4)).toEqual([1e-4, 2e-4, 3e-4, 4e-4]);
    expect(niceTicks(0.62, 1.13)).toEqual([0.6, 0.8, 1, 1.2]);
    for (const [lo, hi] of [[0.0312, 0.0987], [3.7, 3.71], [0, 1], [-2, 5], [1, 1]]) {
      const t = niceTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t.at(-1)).toBeGreaterThanOrEqual(hi);
      const step = t[1] - t[0];
      t.slice(1).forEach((v, i) => expect(v - t[i]).toBeCloseTo(step, 12));
      expect(t.length).toBeGreaterThanOrEqual(3);
      expect(t.length).toBeLessThanOrEqual(7);
    }
    expect(niceTicks(Infinity, -Infinity)).toEqual([0, 1]);
  });

  it('throughput = images per step / step time', () => {
    expect(throughput([{ step: 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: 250 }], 8)).toEqual([{ step: 1, imgPerS: 32 }]);
  });
});

describe('lab store', () => {
  it('streams a run from the worker: steps, evaluations, state, predictions', async () => {
    const worker = fakeWorker({
      start: async (_config, cb: TrainerCallbacks) => {
        cb.onNotices(['pos_embed resampled from a 14×14 to a 4×4 grid (bicubic)']);
        cb.onState('running');
        for (let step = 1; step <= 5; step++) cb.onStep({ step, loss: 1 / step, lrHead: 1e-3, lrEncoder: 1e-4, ms: 10 });
        cb.onEval({ step: 5, mIoU: 0.5, perClassIoU: [0.5] });
        cb.onState('finished');
      },
    });
    const store = createLabStore(() => worker);
    await store.getState().loadDataset({ kind: 'demo' });
    const predict = vi.spyOn(worker, 'predict');
    await store.getState().start();
    const s = store.getState();
    expect(s.steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(s.evals).toEqual([{ step: 5, mIoU: 0.5, perClassIoU: [0.5] }]);
    expect(s.runState).toBe('finished');
    expect(s.notices).toEqual(['pos_embed resampled from a 14×14 to a 4×4 grid (bicubic)']);
    expect(predict).toHaveBeenCalledWith(0);
  });

  it('reports worker errors as messages and keeps the previous dataset', async () => {
    let fail = false;
    const store = createLabStore(() => fakeWorker({
      loadDataset: async (src) => {
        if (fail) throw new Error(`${src.kind === 'zip' ? src.name : '?'}: not a zip file`);
        return demoInfo;
      },
    }));
    await store.getState().loadDataset({ kind: 'demo' });
    fail = true;
    await store.getState().loadDataset({ kind: 'zip', name: 'broken.zip', bytes: new Uint8Array(4) });
    expect(store.getState().dataset).toEqual(demoInfo);
    expect(store.getState().errors.map((e) => e.message)).toEqual(['broken.zip: not a zip file']);
    store.getState().dismissError(store.getState().errors[0].id);
    expect(store.getState().errors).toEqual([]);
  });

  it('a Start while a saved run\'s metrics are still being read keeps the new run\'s chart (the reload race)', async () => {
    // after a reload the page reopens the latest run; Start can be clicked before its metrics arrive
    let arrive: (() => void) | undefined; // set while a read is held back
    let hold = false;
    const old = { steps: [1, 2, 3].map((step) => ({ step, loss: 9, lrHead: 0, lrEncoder: 0, ms: 1 })), evals: [] };
    const store = createLabStore(() => fakeWorker({
      listRuns: async () => [summary('old')],
      // the leaderboard reads metrics too (at once); the reopen's read is held until arrive()
      runMetrics: async () => (hold ? new Promise((resolve) => { arrive = () => resolve(old); }) : old),
      openRun: async () => ({}),
      start: async (_cfg, cb: TrainerCallbacks) => {
        cb.onState('running');
        cb.onStep({ step: 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: 1 });
        cb.onState('stopped');
      },
    }), { throttleMs: 0 });
    await store.getState().refreshRuns();
    hold = true;
    const opening = store.getState().openRun('old');
    hold = false;
    await store.getState().start();
    arrive!();
    await opening;
    expect(store.getState().steps.map((m) => [m.step, m.loss])).toEqual([[1, 1]]);
    expect(store.getState().runId).toBeUndefined();
    // the page began loading before that Start and reopens the latest run only now: it keeps the new chart
    await store.getState().openRun('old', 0);
    expect(store.getState().steps.map((m) => [m.step, m.loss])).toEqual([[1, 1]]);
    // with no run started in between, Open shows the saved curve
    await store.getState().openRun('old');
    expect(store.getState().steps.map((m) => m.loss)).toEqual([9, 9, 9]);
  });

  it('edits the recipe without touching other settings', () => {
    const store = createLabStore(() => fakeWorker());
    const before = store.getState().config;
    store.getState().setConfig({ batch: 2 });
    expect(store.getState().config).toEqual({ ...before, batch: 2 });
  });

  it('appends streamed steps in batches: one store update per throttle window, not per step', async () => {
    vi.useFakeTimers();
    let cb!: TrainerCallbacks;
    let finish!: () => void;
    const store = createLabStore(() => fakeWorker({
      start: (_c, callbacks) => { cb = callbacks; return new Promise<void>((r) => { finish = r; }); },
    }), { throttleMs: 100 });
    const started = store.getState().start();
    await vi.advanceTimersByTimeAsync(0);
    let updates = 0;
    const unsubscribe = store.subscribe((s, prev) => { if (s.steps !== prev.steps) updates++; });
    for (let step = 1; step <= 200; step++) {
      cb.onStep({ step, loss: 1, lrHead: 0, lrEncoder: 0, ms: 5 });
      await vi.advanceTimersByTimeAsync(5); // 200 steps/s for 1 s
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(store.getState().steps.map((m) => m.step)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(updates).toBeLessThanOrEqual(11);
    unsubscribe();
    finish();
    await started;
    vi.useRealTimers();
  });

  it('a run state message is shown as an error; the same message twice shows once', async () => {
    const store = createLabStore(() => fakeWorker({
      start: async (_c, cb) => { cb.onState('error', 'GPU device lost'); },
    }));
    await store.getState().start();
    await store.getState().start();
    expect(store.getState().runState).toBe('error');
    expect(store.getState().errors.map((e) => e.message)).toEqual(['GPU device lost']);
  });

  it('progress keeps the latest report per task', async () => {
    const store = createLabStore(() => fakeWorker({
      loadModel: async (_src, onProgress) => {
        onProgress?.({ task: 'download', done: 1, total: 4 });
        onProgress?.({ task: 'compile', done: 0, total: 1 });
        onProgress?.({ task: 'download', done: 4, total: 4 });
        return { name: 'm', family: 'vit', embedDim: 8, depth: 1, heads: 1, patchSize: 8, numParams: 10 };
      },
    }));
    await store.getState().loadModel({ kind: 'demo' });
    expect(store.getState().progress).toEqual({ download: { task: 'download', done: 4, total: 4 }, compile: { task: 'compile', done: 0, total: 1 } });
    expect(store.getState().model?.name).toBe('m');
  });

  it('remembers the recipe, backend choice and talk mode across a reload, not the run state', async () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v), removeItem: (k: string) => void saved.delete(k) };
    const first = createLabStore(() => fakeWorker({}), { storage });
    first.getState().setConfig({ steps: 1234, crop: 96 });
    first.getState().setTalkMode(true);
    await first.getState().initBackend('wasm');
    first.setState({ steps: [{ step: 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: 1 }] });
    // a training step changes nothing remembered: nothing is written
    const writes = vi.spyOn(storage, 'setItem');
    first.setState({ steps: [{ step: 2, loss: 1, lrHead: 0, lrEncoder: 0, ms: 1 }] });
    expect(writes).not.toHaveBeenCalled();
    first.getState().setConfig({ steps: 1234, crop: 96 });
    expect(writes).not.toHaveBeenCalled();
    const reloaded = createLabStore(() => fakeWorker({}), { storage });
    expect(reloaded.getState().config).toEqual({ ...DEMO_RECIPE, steps: 1234, crop: 96 });
    expect(reloaded.getState()).toMatchObject({ talkMode: true, backendChoice: 'wasm', steps: [] });
    // a recipe saved before a field existed keeps that field's default
    saved.set('vfm-lab', JSON.stringify({ state: { config: { steps: 7 } }, version: 1 }));
    expect(createLabStore(() => fakeWorker({}), { storage }).getState().config).toEqual({ ...DEMO_RECIPE, steps: 7 });
  });

  it('a preset fetch is marked from the click until it ends, also when it fails or is cancelled', async () => {
    let during: string | undefined;
    const store = createLabStore(() => fakeWorker({
      loadModel: async (src) => {
        during = store.getState().fetchingPreset;
        if (src.kind === 'preset' && src.name === 'gone') throw new Error('download of gone cancelled');
        return { name: 'm', family: 'vit', embedDim: 8, depth: 1, heads: 1, patchSize: 8, numParams: 10 };
      },
    }));
    await store.getState().loadModel({ kind: 'preset', name: 'vit_base_patch16_224.mae' });
    expect(during).toBe('vit_base_patch16_224.mae');
    expect(store.getState().fetchingPreset).toBeUndefined();
    await store.getState().loadModel({ kind: 'preset', name: 'gone' });
    expect(during).toBe('gone');
    expect(store.getState().fetchingPreset).toBeUndefined();
    expect(store.getState().errors.map((e) => e.message)).toEqual(['download of gone cancelled']);
    expect(store.getState().model?.name).toBe('m'); // the previous model stays
    await store.getState().loadModel({ kind: 'demo' });
    expect(during).toBeUndefined();
  });

  it('compares with several saved runs, each its own prediction; Compare again or deleting a run drops it', async () => {
    const runs = ['a', 'b', 'c'].map((id) => summary(id));
    const store = createLabStore(() => fakeWorker({ predictWithRun: async (id, i) => pred(i, id.charCodeAt(0)), listRuns: async () => runs.filter((r) => !deleted.has(r.id)) }));
    const deleted = new Set<string>();
    await store.getState().refreshRuns();
    await store.getState().toggleCompared('a');
    await store.getState().toggleCompared('b');
    expect(store.getState().compareRunIds).toEqual(['a', 'b']);
    expect(Object.keys(store.getState().comparisons)).toEqual(['a', 'b']);
    expect(store.getState().comparisons.b.prediction[0]).toBe('b'.charCodeAt(0));
    await store.getState().toggleCompared('a');
    expect(store.getState().compareRunIds).toEqual(['b']);
    expect(Object.keys(store.getState().comparisons)).toEqual(['b']);
    await store.getState().toggleCompared('c');
    deleted.add('b');
    await store.getState().deleteRun('b');
    expect(store.getState().compareRunIds).toEqual(['c']);
    expect(Object.keys(store.getState().comparisons)).toEqual(['c']);
  });

  it('a new image refreshes every compared run', async () => {
    const store = createLabStore(() => fakeWorker({ predictWithRun: async (id, i) => pred(i, id.charCodeAt(0)) }));
    store.setState({ dataset: demoInfo });
    await store.getState().setCompared(['a', 'b', 'c']);
    await store.getState().selectImage(1);
    expect(Object.values(store.getState().comparisons).map((p) => p.index)).toEqual([1, 1, 1]);
  });

  it('at most six prediction panes: this run counts once it has a prediction; the refused run is named', async () => {
    const runs = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => summary(id));
    const store = createLabStore(() => fakeWorker({ predictWithRun: async (id, i) => pred(i, 1), listRuns: async () => runs }));
    await store.getState().refreshRuns();
    await store.getState().setCompared(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(store.getState().compareRunIds).toHaveLength(6); // no prediction of this run yet: six saved runs fit
    await store.getState().toggleCompared('g');
    expect(store.getState().compareRunIds).toHaveLength(6);
    expect(store.getState().errors.at(-1)?.message).toBe('The viewer shows at most 6 prediction panes: deselect a run before comparing “run g”.');
    await store.getState().setCompared(['a']);
    store.setState({ prediction: pred(0, 2), runId: 'h' }); // this run (h) has a prediction: five saved runs beside it
    await store.getState().setCompared(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(store.getState().compareRunIds).toEqual(['a']);
    expect(store.getState().errors.at(-1)?.message).toBe('The viewer shows at most 6 prediction panes (this run and 5 saved runs): deselect a run before comparing “run f”.');
    // this run compared too is shown once: six fit again
    await store.getState().setCompared(['h', 'b', 'c', 'd', 'e', 'f']);
    expect(store.getState().compareRunIds).toEqual(['h', 'b', 'c', 'd', 'e', 'f']);
  });

  it('the latest request wins per pane: a slow reply for an image the user has left is not kept', async () => {
    const replies: { id: string; i: number; send: () => void }[] = [];
    const store = createLabStore(() => fakeWorker({
      predictWithRun: (id, i) => new Promise((resolve) => replies.push({ id, i, send: () => resolve(pred(i, i)) })),
    }));
    store.setState({ dataset: demoInfo });
    const first = store.getState().setCompared(['a', 'b']);
    const second = store.getState().selectImage(1);
    // b answers in order; a's reply for image 0 arrives after its reply for image 1
    for (const r of replies.filter((x) => x.id === 'b')) r.send();
    replies.find((x) => x.id === 'a' && x.i === 1)!.send();
    await second;
    replies.find((x) => x.id === 'a' && x.i === 0)!.send();
    await first;
    expect(store.getState().comparisons.a.index).toBe(1);
    expect(store.getState().comparisons.b.index).toBe(1);
  });

  it('a run that cannot be compared leaves the selection with a message naming it', async () => {
    const store = createLabStore(() => fakeWorker({
      predictWithRun: async (id, i) => { if (id === 'b') throw new Error('run b was trained for 3 classes; the current dataset has 5'); return pred(i, 1); },
      listRuns: async () => [summary('a'), { ...summary('b'), name: 'street scenes' }],
    }));
    await store.getState().refreshRuns();
    await store.getState().setCompared(['a', 'b']);
    expect(store.getState().compareRunIds).toEqual(['a']);
    expect(store.getState().errors.map((e) => e.message)).toEqual(['Cannot compare with “street scenes”: run b was trained for 3 classes; the current dataset has 5']);
  });

  it('the compared runs are remembered across a reload and fetched with the dataset', async () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v), removeItem: (k: string) => void saved.delete(k) };
    const worker = fakeWorker({ predictWithRun: async (id, i) => pred(i, 1) });
    const first = createLabStore(() => worker, { storage });
    await first.getState().setCompared(['a', 'b']);
    const reloaded = createLabStore(() => worker, { storage });
    expect(reloaded.getState().compareRunIds).toEqual(['a', 'b']);
    expect(reloaded.getState().comparisons).toEqual({});
    await reloaded.getState().loadDataset({ kind: 'demo' });
    expect(Object.keys(reloaded.getState().comparisons)).toEqual(['a', 'b']);
  });

  it('importing a trained model saves it as a run and compares with it at once; a refused file changes nothing', async () => {
    const second = { index: 0, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array([1]) };
    const saved: RunSummary[] = [];
    const store = createLabStore(() => fakeWorker({
      importRun: async (name, bytes, config) => {
        if (!bytes.length) throw new Error(`${name}: no seg_head (linear decoder), so it cannot segment`);
        const run: RunSummary = { id: 'import-1', createdAt: 1, modelName: name, datasetName: 'demo', config, savedStep: 0, status: 'imported' };
        saved.push(run);
        return run;
      },
      listRuns: async () => saved,
      predictWithRun: async (id) => { expect(id).toBe('import-1'); return second; },
    }));
    await store.getState().importRun('cli-run.safetensors', new Uint8Array(8));
    expect(store.getState().runs.map((r) => r.status)).toEqual(['imported']);
    expect(store.getState()).toMatchObject({ compareRunIds: ['import-1'], comparisons: { 'import-1': second } });
    await store.getState().importRun('backbone.safetensors', new Uint8Array(0));
    expect(store.getState().errors.map((e) => e.message)).toEqual(['backbone.safetensors: no seg_head (linear decoder), so it cannot segment']);
    expect(store.getState()).toMatchObject({ compareRunIds: ['import-1'], comparisons: { 'import-1': second } });
  });

  it('a cross-dataset evaluation refreshes the runs (its result is listed with the run); a refusal is reported', async () => {
    const run: RunSummary = { id: 'run-1', createdAt: 1, modelName: 'm', datasetName: 'demo', config: DEMO_RECIPE, savedStep: 3, status: 'finished' };
    let listed = run;
    const store = createLabStore(() => fakeWorker({
      evaluateRunOn: async (id, onProgress) => {
        if (id !== 'run-1') throw new Error(`run ${id}: the run's classes are not those of b.zip`);
        onProgress?.({ task: 'cross-eval', done: 1, total: 2 });
        listed = { ...run, crossDataset: { dataset: 'b.zip', mIoU: 0.4 } };
        return { dataset: 'b.zip', mIoU: 0.4, perClassIoU: [0.4] };
      },
      listRuns: async () => [listed],
    }));
    await store.getState().evaluateRunOn('run-1');
    expect(store.getState().runs[0].crossDataset).toEqual({ dataset: 'b.zip', mIoU: 0.4 });
    expect(store.getState().progress['cross-eval']).toMatchObject({ done: 1, total: 2 });
    await store.getState().evaluateRunOn('run-2');
    expect(store.getState().errors.map((e) => e.message)).toEqual(["run run-2: the run's classes are not those of b.zip"]);
  });

  it('exporting before any run reports the worker message and returns nothing', async () => {
    const store = createLabStore(() => fakeWorker({ exportModel: async () => { throw new Error('no model trained yet'); } }));
    expect(await store.getState().exportFile('model')).toBeUndefined();
    expect(store.getState().errors.map((e) => e.message)).toEqual(['no model trained yet']);
  });

  it('a slow prediction for an image the user has left is not painted over the current one', async () => {
    const replies: (() => void)[] = [];
    const store = createLabStore(() => fakeWorker({
      predict: (i) => new Promise((resolve) => replies.push(() => resolve({ index: i, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array(1) }))),
    }));
    store.setState({ dataset: demoInfo });
    const first = store.getState().selectImage(0);
    const second = store.getState().selectImage(1);
    replies[1](); // the reply for image 1 arrives first…
    await second;
    replies[0](); // …then the stale one for image 0
    await first;
    expect(store.getState().viewIndex).toBe(1);
    expect(store.getState().prediction?.index).toBe(1);
  });
});
