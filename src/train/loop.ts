/**
 * @file The training loop, shared by the CLI and the browser worker: schedule, gradient
 * accumulation, evaluation cadence, pause/stop, and metrics for any sink (UI, JSONL, console).
 * Step numbering: `step` in metrics counts completed optimizer steps (1…T); the update of step
 * `s` uses the learning rate at t = s − 1 and micro-batches t·accum … t·accum + accum − 1.
 * A non-finite loss or gradient norm stops the run (`DivergedError`) without applying that step's
 * update, so the weights never become NaN: whatever was saved last stays the last good state.
 *
 * Late losses: an engine may return a loss that is still on the device (`PendingLoss`, the WebGPU
 * engine). The loop then queues step k + 1 before it reads step k's loss, so the GPU never waits
 * for JS between steps; the unread loss is read before every evaluation, at a stop, at the end,
 * and whenever the checkpoint hook calls `flush` (before it saves or pauses). Every loss reaches
 * `onStep` exactly once and in step order. Such an engine skips the update of a step whose loss
 * is non-finite, and every update after it, itself (the loop learns of it one step late).
 */
import type { EvalMetric, StepMetric } from '../worker/api';
import type { Engine, PendingLoss } from './engine';
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
  /**
   * Awaited between steps: resolves at once, after a pause ends, or returns 'stop'. `flush`
   * delivers the loss still unread (to `onStep`): call it before saving or pausing.
   */
  checkpoint?(step: number, flush: () => Promise<void>): Promise<'continue' | 'stop'>;
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

/** A step whose update is queued but whose loss has not reached `onStep` yet. */
interface Unread {
  step: number;
  losses: (number | PendingLoss)[];
  lrHead: number;
  lrEncoder: number;
  started: number;
}

export async function trainLoop(engine: Engine, cfg: LoopConfig, hooks: LoopHooks, startStep = 0): Promise<{ stoppedAt: number }> {
  const now = hooks.now ?? (() => performance.now());
  let unread: Unread | undefined;
  let delivered = -Infinity; // when the last loss reached onStep
  const deliver = async (u: Unread) => {
    let loss = 0;
    for (const l of u.losses) loss += typeof l === 'number' ? l : await l.read();
    loss /= cfg.accum;
    if (!Number.isFinite(loss)) throw new DivergedError(u.step, `the loss is ${loss}`, cfg);
    // a late step's time runs from its start, or from the previous delivery when they overlap
    const at = now();
    const ms = at - Math.max(u.started, delivered);
    delivered = at;
    await hooks.onStep?.({ step: u.step, loss, lrHead: u.lrHead, lrEncoder: u.lrEncoder, ms });
  };
  const flush = async () => {
    const u = unread;
    unread = undefined;
    if (u) await deliver(u);
  };
  for (let t = startStep; t < cfg.steps; t++) {
    if (hooks.checkpoint && (await hooks.checkpoint(t, flush)) === 'stop') {
      await flush();
      return { stoppedAt: t };
    }
    const started = now();
    const lrHead = learningRate(cfg.schedule, cfg.lrHead, t, cfg.steps);
    const lrEncoder = learningRate(cfg.schedule, cfg.lrEncoder, t, cfg.steps);
    const losses: (number | PendingLoss)[] = [];
    for (let k = 0; k < cfg.accum; k++) {
      const b = await hooks.batch(t * cfg.accum + k);
      losses.push(await engine.accumulate(b.images, b.labels));
    }
    const step = t + 1;
    const late = losses.some((l) => typeof l !== 'number');
    if (!late) {
      // a loss already on the host is checked before the update, with the gradient norm
      const loss = (losses as number[]).reduce((a, b) => a + b, 0) / cfg.accum;
      if (!Number.isFinite(loss)) throw new DivergedError(step, `the loss is ${loss}`, cfg);
      const norm = await engine.gradientNorm?.();
      if (norm !== undefined && !Number.isFinite(norm)) throw new DivergedError(step, `the gradient norm is ${norm}`, cfg);
    }
    await engine.update({ head: lrHead, encoder: lrEncoder });
    const previous = unread;
    unread = { step, losses, lrHead, lrEncoder, started };
    if (previous) await deliver(previous); // step k's loss, read while step k + 1 is queued
    if (!late) await flush();
    if ((cfg.evalEvery > 0 && step % cfg.evalEvery === 0) || step === cfg.steps) {
      await flush();
      await hooks.onEval?.(await hooks.evaluate(step));
    }
  }
  await flush();
  return { stoppedAt: cfg.steps };
}
