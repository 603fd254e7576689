/** @file The one place the UI talks to the training worker (comlink). */
import { wrap, type Remote } from 'comlink';
import type { TrainerApi } from '../worker/api';

let worker: Worker | undefined;
let api: Remote<TrainerApi> | undefined;

export function trainer(): Remote<TrainerApi> {
  if (!api) {
    worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' });
    api = wrap<TrainerApi>(worker);
  }
  return api;
}

/**
 * The page is being discarded: end the worker, which gives back its device, sessions and buffers
 * at once and writes nothing (a run's last save stands; a save cut off now leaves the previous one).
 */
export function endTrainer(): void {
  worker?.terminate();
  worker = api = undefined;
}
