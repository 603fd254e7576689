/**
 * @file The one owner of the labelling worker: created when the workspace first needs it, ended
 * when the workspace closes (`endLabelWorker`), so a closed workspace holds no thread.
 */
import { wrap, type Remote } from 'comlink';
import type { LabelWorkerApi } from './label.worker';

let worker: Worker | undefined;
let api: Remote<LabelWorkerApi> | undefined;

export function labelWorker(): Remote<LabelWorkerApi> {
  if (!api) {
    worker = new Worker(new URL('./label.worker.ts', import.meta.url), { type: 'module' });
    api = wrap<LabelWorkerApi>(worker);
  }
  return api;
}

export function endLabelWorker(): void {
  worker?.terminate();
  worker = api = undefined;
}
