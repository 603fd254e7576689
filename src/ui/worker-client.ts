/** @file The one place the UI talks to the training worker (comlink). */
import { wrap, type Remote } from 'comlink';
import type { TrainerApi } from '../worker/api';

let api: Remote<TrainerApi> | undefined;

export function trainer(): Remote<TrainerApi> {
  api ??= wrap<TrainerApi>(new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' }));
  return api;
}
