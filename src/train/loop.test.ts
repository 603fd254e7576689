/** The shared loop stops at a non-finite loss or gradient, before the update, so weights never turn NaN. */
import { describe, expect, it } from 'vitest';
import type { HostArray } from '../graph';
import { HostEngine, type Runner } from './engine';
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
