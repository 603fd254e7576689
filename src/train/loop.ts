/**
 * @file The training loop, shared by the CLI and the browser worker: schedule, gradient
 * accumulation, evaluation cadence, pause/stop, and metrics for any sink (UI, JSONL, console).
 * Step numbering: `step` in metrics counts completed optimizer steps (1…T); the update of step
 * `s` uses the learning rate at t = s − 1 and micro-batches t·accum … t·accum + accum − 1.
 * A non-finite loss or gradient norm stops the run before that step's update (`DivergedError`),
 * so the weights never become NaN: whatever was saved last stays the last good state.
 */
import type { EvalMetric, StepMetric } from '../worker/api';
import type { Engine } from './engine';
import { learningRate } from './schedule';

export interface LoopConfig {
  steps: number;
  accum: number;
  lrHead: number;
  lrEncoder: number;
  schedule: 'poly' | 'constant';
  evalEvery: number;
}

export interface Batch {
  images: Float32Array;
  labels: Int32Array;
}

export interface LoopHooks {
  /** The micro-batch with a global index (t·accum + k). */
  batch(index: number): Promise<Batch>;
  evaluate(step: number): Promise<EvalMetric>;
  onStep?(m: StepMetric): void | Promise<void>;
  onEval?(m: EvalMetric): void | Promise<void>;
  /** Awaited between steps: resolves at once, after a pause ends, or returns 'stop'. */
  checkpoint?(step: number): Promise<'continue' | 'stop'>;
  now?(): number;
}

/** Training produced a non-finite loss or gradient; thrown before the step's update is applied. */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(readonly step: number, what: string, lr: { lrHead: number; lrEncoder: number }) {
    super(
      `training diverged at step ${step}: ${what}; this step was not applied. Likely cause: a learning rate too high ` +
        `(decoder ${lr.lrHead}, encoder ${lr.lrEncoder}), a degenerate pixel normalisation (a std near 0), or non-finite weights in the model.`,
    );
  }
}

export async function trainLoop(engine: Engine, cfg: LoopConfig, hooks: LoopHooks, startStep = 0): Promise<{ stoppedAt: number }> {
  const now = hooks.now ?? (() => performance.now());
  for (let t = startStep; t < cfg.steps; t++) {
    if (hooks.checkpoint && (await hooks.checkpoint(t)) === 'stop') return { stoppedAt: t };
    const started = now();
    const lrHead = learningRate(cfg.schedule, cfg.lrHead, t, cfg.steps);
    const lrEncoder = learningRate(cfg.schedule, cfg.lrEncoder, t, cfg.steps);
    let loss = 0;
    for (let k = 0; k < cfg.accum; k++) {
      const b = await hooks.batch(t * cfg.accum + k);
      loss += await engine.accumulate(b.images, b.labels);
    }
    const step = t + 1;
    if (!Number.isFinite(loss)) throw new DivergedError(step, `the loss is ${loss / cfg.accum}`, cfg);
    const norm = await engine.gradientNorm?.();
    if (norm !== undefined && !Number.isFinite(norm)) throw new DivergedError(step, `the gradient norm is ${norm}`, cfg);
    await engine.update({ head: lrHead, encoder: lrEncoder });
    await hooks.onStep?.({ step, loss: loss / cfg.accum, lrHead, lrEncoder, ms: now() - started });
    if ((cfg.evalEvery > 0 && step % cfg.evalEvery === 0) || step === cfg.steps) {
      await hooks.onEval?.(await hooks.evaluate(step));
    }
  }
  return { stoppedAt: cfg.steps };
}
