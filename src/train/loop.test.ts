/** The shared loop stops at a non-finite loss or gradient, before the update, so weights never turn NaN. */
import { describe, expect, it } from 'vitest';
import type { HostArray } from '../graph';
import { HostEngine, type Engine, type Runner } from './engine';
import { DivergedError, trainLoop } from './loop';

/** A train step whose loss and gradient at call k are given by `at(k)`; one trainable parameter of 2 values. */
function engineWith(at: (k: number) => { loss: number; grad: number }) {
  let calls = 0;
  const trainStep: Runner = {
    run: async () => {
      const { loss, grad } = at(calls++);
      return { loss: { data: Float32Array.of(loss) as HostArray, dims: [] }, 'grad.w': { data: Float32Array.of(grad, grad) as HostArray, dims: [2] } };
    },
  };
  const params = new Map([['w', { shape: [2], data: Float32Array.of(1, 1) }]]);
  const engine = new HostEngine(trainStep, { run: async () => ({}) }, params, ['w'], { lrHead: 0.1, lrEncoder: 0.1, weightDecay: 0 });
  return { engine, params };
}

const cfg = { steps: 5, accum: 1, lrHead: 0.1, lrEncoder: 1e10, schedule: 'constant' as const, evalEvery: 0 };
const hooks = (steps: number[]) => ({
  batch: async () => ({ images: new Float32Array(1), labels: new Int32Array(1) }),
  evaluate: async (step: number) => ({ step, mIoU: 0, perClassIoU: [] }),
  onStep: (m: { step: number }) => void steps.push(m.step),
});

describe('non-finite training stops', () => {
  it.each([
    ['a NaN loss', (k: number) => ({ loss: k === 2 ? NaN : 1, grad: 1 }), /^training diverged at step 3: the loss is NaN; this step was not applied\. Likely cause: a learning rate too high \(decoder 0\.1, encoder 10000000000\), a degenerate pixel normalisation/],
    ['an infinite gradient', (k: number) => ({ loss: 1, grad: k === 2 ? Infinity : 1 }), /^training diverged at step 3: the gradient norm is Infinity/],
    ['a NaN gradient with a finite loss', (k: number) => ({ loss: 1, grad: k === 2 ? NaN : 1 }), /at step 3: the gradient norm is NaN/],
  ])('%s stops the run at that step, with the weights of the step before', async (_, at, message) => {
    const { engine, params } = engineWith(at);
    const steps: number[] = [];
    const before: Float32Array[] = [];
    const error = await trainLoop(engine, cfg, { ...hooks(steps), onStep: (m) => { steps.push(m.step); before.push(Float32Array.from(params.get('w')!.data)); } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).step).toBe(3);
    expect((error as Error).message).toMatch(message);
    expect(steps).toEqual([1, 2]);
    expect(Array.from(params.get('w')!.data).every(Number.isFinite)).toBe(true);
    expect(params.get('w')!.data).toEqual(before[1]); // step 3 changed nothing
  });

  it('finite training runs to the end', async () => {
    const steps: number[] = [];
    await trainLoop(engineWith(() => ({ loss: 1, grad: 1 })).engine, cfg, hooks(steps));
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  });
});

/**
 * An engine whose losses stay "on the device" (like the WebGPU engine's): every call, read and
 * hook goes into one log, so the test sees when each loss is read relative to the queued work.
 */
function lateEngine(lossAt: (micro: number) => number) {
  const log: string[] = [];
  let micro = 0;
  let step = 0;
  const engine: Engine = {
    accumulate: async () => {
      const k = micro++;
      log.push(`queue ${k}`);
      let reads = 0;
      return { read: async () => {
        if (++reads > 1) throw new Error(`loss of micro-batch ${k} read twice`);
        log.push(`read ${k}`);
        return lossAt(k);
      } };
    },
    update: async () => void log.push(`update ${++step}`),
    logits: async () => new Float32Array(0),
    weights: async () => new Map(),
    optimizerState: async () => ({ step, m: new Map(), v: new Map() }),
    restoreOptimizerState: async () => undefined,
    release: async () => undefined,
  };
  const hooks = {
    batch: async () => ({ images: new Float32Array(1), labels: new Int32Array(1) }),
    evaluate: async (s: number) => (log.push(`eval ${s}`), { step: s, mIoU: 0, perClassIoU: [] }),
    onStep: (m: { step: number; loss: number }) => void log.push(`step ${m.step} loss ${m.loss}`),
  };
  return { engine, log, hooks };
}

const late = { steps: 4, accum: 1, lrHead: 0.1, lrEncoder: 0.1, schedule: 'constant' as const, evalEvery: 0 };

describe('losses read one step late (an engine that returns pending losses)', () => {
  it('reads step k\'s loss after step k + 1 is queued; every loss reaches onStep once, in order, the last at the end', async () => {
    const { engine, log, hooks } = lateEngine((k) => 10 + k);
    await trainLoop(engine, late, hooks);
    expect(log).toEqual([
      'queue 0', 'update 1',
      'queue 1', 'update 2', 'read 0', 'step 1 loss 10',
      'queue 2', 'update 3', 'read 1', 'step 2 loss 11',
      'queue 3', 'update 4', 'read 2', 'step 3 loss 12',
      'read 3', 'step 4 loss 13', // the end flushes the last one
    ]);
  });

  it('flushes before every evaluation, so the evaluated step\'s loss is delivered first', async () => {
    const { engine, log, hooks } = lateEngine((k) => k);
    await trainLoop(engine, { ...late, evalEvery: 2 }, { ...hooks, onEval: () => void log.push('onEval') });
    expect(log).toEqual([
      'queue 0', 'update 1',
      'queue 1', 'update 2', 'read 0', 'step 1 loss 0', 'read 1', 'step 2 loss 1', 'eval 2', 'onEval',
      'queue 2', 'update 3',
      'queue 3', 'update 4', 'read 2', 'step 3 loss 2', 'read 3', 'step 4 loss 3', 'eval 4', 'onEval',
    ]);
  });

  it('a pause (the checkpoint hook calls flush before it saves) and a stop deliver the unread loss before anything else', async () => {
    const { engine, log, hooks } = lateEngine((k) => k);
    const checkpoint = async (t: number, flush: () => Promise<void>) => {
      if (t === 2) {
        await flush();
        log.push('save 2 (paused)');
      }
      return t === 3 ? 'stop' as const : 'continue' as const;
    };
    const { stoppedAt } = await trainLoop(engine, { ...late, steps: 10 }, { ...hooks, checkpoint });
    expect(stoppedAt).toBe(3);
    expect(log).toEqual([
      'queue 0', 'update 1',
      'queue 1', 'update 2', 'read 0', 'step 1 loss 0',
      'read 1', 'step 2 loss 1', 'save 2 (paused)',
      'queue 2', 'update 3',
      'read 2', 'step 3 loss 2', // stopped before step 4: step 3's loss is still delivered
    ]);
  });

  it('averages the micro-batch losses of a step, and reads them only after the next step is queued', async () => {
    const { engine, log, hooks } = lateEngine((k) => k);
    await trainLoop(engine, { ...late, steps: 2, accum: 2 }, hooks);
    expect(log).toEqual([
      'queue 0', 'queue 1', 'update 1',
      'queue 2', 'queue 3', 'update 2', 'read 0', 'read 1', 'step 1 loss 0.5',
      'read 2', 'read 3', 'step 2 loss 2.5',
    ]);
  });

  it('a non-finite late loss stops the run at its own step, with the steps before it delivered', async () => {
    const { engine, log, hooks } = lateEngine((k) => (k === 2 ? NaN : 1));
    const error = await trainLoop(engine, late, hooks).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).step).toBe(3);
    expect(log.filter((l) => l.startsWith('step'))).toEqual(['step 1 loss 1', 'step 2 loss 1']);
  });

  it('a step\'s time runs from its start or from the previous delivery, whichever is later, so overlapping steps are not counted twice', async () => {
    const { engine, hooks } = lateEngine(() => 1);
    let clock = 0;
    const ms: number[] = [];
    await trainLoop(engine, late, { ...hooks, now: () => (clock += 10), onStep: (m) => void ms.push(m.ms) });
    // now() is called at each step's start and at each delivery: starts at 10, 20, 40, 60; deliveries at 30, 50, 70, 80
    expect(ms).toEqual([20, 20, 20, 10]);
    expect(ms.reduce((a, b) => a + b, 0)).toBe(80 - 10);
  });
});
