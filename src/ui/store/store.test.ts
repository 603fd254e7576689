/** The store's logic with a scripted stand-in for the worker (the real one is covered by e2e). */
import { describe, expect, it, vi } from 'vitest';
import type { DatasetInfo, TrainerApi, TrainerCallbacks } from '../../worker/api';
import { createLabStore } from './index';
import { Throttle, ema, throughput } from './metrics';

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

describe('metric helpers', () => {
  it('ema is the bias-corrected exponential moving average', () => {
    const xs = [4, 2, 3, 1];
    let s = 0;
    const direct = xs.map((x, i) => { s = 0.9 * s + 0.1 * x; return s / (1 - 0.9 ** (i + 1)); });
    ema(xs, 0.9).forEach((v, i) => expect(v).toBeCloseTo(direct[i], 12));
    expect(ema([5])[0]).toBeCloseTo(5);
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

  it('throughput = images per step / step time', () => {
    expect(throughput([{ step: 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: 250 }], 8)).toEqual([{ step: 1, imgPerS: 32 }]);
  });
});

describe('lab store', () => {
  it('streams a run from the worker: steps, evaluations, state, predictions', async () => {
    const worker = fakeWorker({
      start: async (_config, cb: TrainerCallbacks) => {
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

  it('edits the recipe without touching other settings', () => {
    const store = createLabStore(() => fakeWorker());
    const before = store.getState().config;
    store.getState().setConfig({ batch: 2 });
    expect(store.getState().config).toEqual({ ...before, batch: 2 });
  });
});
