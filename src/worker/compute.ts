/**
 * @file What the trainer needs from a backend (WebGPU or wasm in the browser, a fake in tests),
 * and the one queue every engine and runner call goes through: onnxruntime-web runs one session
 * at a time, so training steps, evaluations, predictions and comparisons take turns.
 */
import type { CompiledGraph } from '../graph';
import type { Engine, Runner } from '../train/engine';
import type { RecipeOptions } from '../train/rules';
import type { PreparedRun } from '../train/session';
import type { BackendChoice, BackendInfo, Progress, TrainConfig } from './api';

/** A runner its creator must release. */
export type OwnedRunner = Runner & { release(): Promise<void> };

/** What an engine is built with: the recipe's optimizer options (src/train/rules.ts) and the run's size. */
export type EngineSettings = RecipeOptions['optimizer'] & Pick<TrainConfig, 'accum' | 'crop' | 'batch'>;

export interface Compute {
  info: BackendInfo;
  /** 'GPU' or 'wasm', for out-of-memory advice. */
  where: 'GPU' | 'wasm';
  /** A training engine for a prepared run; the caller owns it. */
  createEngine(p: PreparedRun, c: EngineSettings, onProgress: (p: Progress) => void): Promise<Engine>;
  /** A host-memory runner for one graph, on the backend or on wasm; the caller owns it. */
  createRunner(graph: CompiledGraph, on: 'backend' | 'wasm'): Promise<OwnedRunner>;
  /** Resolves with a sentence when the device is lost (never on wasm). */
  lost: Promise<string>;
}

export type ComputeFactory = (choice: BackendChoice) => Promise<Compute>;

export class Exclusive {
  private lock: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** The engine with every call queued. */
  engine(e: Engine): Engine {
    const q = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A) => this.run(() => fn.apply(e, a));
    return {
      accumulate: q(e.accumulate), update: q(e.update), logits: q(e.logits), weights: q(e.weights),
      optimizerState: q(e.optimizerState), restoreOptimizerState: q(e.restoreOptimizerState), release: q(e.release),
    };
  }

  runner(r: OwnedRunner): OwnedRunner {
    return { run: (feeds, outputs, into) => this.run(() => r.run(feeds, outputs, into)), release: () => this.run(() => r.release()) };
  }
}

/** Yields to the worker's message queue, so Pause, Stop and predictions get in between steps. */
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
