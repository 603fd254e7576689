/** A dataset load's progress bars end with the load, refused or not (issue 24, item 8). */
import { describe, expect, it } from 'vitest';
import type { DatasetInfo, DatasetSource, Progress, TrainerApi } from '../../worker/api';
import { createLabStore } from './index';

const shapes: DatasetInfo = { name: 'shapes.zip', format: 'generic', classes: [{ name: 'a', color: [0, 0, 0] }], trainCount: 9, valCount: 4 };

/** A worker whose dataset load reports `validate` up to sample 4 of 13, then refuses `scaledmask.zip`. */
function worker(): TrainerApi {
  return {
    loadDataset: async (src: DatasetSource, onProgress?: (p: Progress) => void) => {
      const name = src.kind === 'zip' ? src.name : 'demo';
      for (let done = 1; done <= 4; done++) onProgress?.({ task: 'validate', done, total: 13, detail: name });
      if (name === 'scaledmask.zip') {
        // as through comlink: the callback's last call can arrive after the rejection
        setTimeout(() => onProgress?.({ task: 'validate', done: 4, total: 13, detail: name }), 0);
        throw new Error('scaledmask.zip: masks/e.png is 32×32 but its image is 64×64');
      }
      for (let done = 5; done <= 13; done++) onProgress?.({ task: 'validate', done, total: 13, detail: name });
      return shapes;
    },
    thumbnails: async () => [],
    predict: async (i: number) => ({ index: i, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array(1) }),
  } as unknown as TrainerApi;
}

describe('progress of a dataset load', () => {
  it('a refused zip leaves no bar behind, also when a report arrives after the refusal; the message names it; the loaded dataset and other tasks\' bars stay', async () => {
    const store = createLabStore(() => worker());
    await store.getState().loadDataset({ kind: 'zip', name: 'shapes.zip', bytes: new Uint8Array(4) });
    expect(store.getState().dataset).toEqual(shapes);
    const compile: Progress = { task: 'compile', done: 1, total: 3 };
    store.setState((s) => ({ progress: { ...s.progress, compile } })); // a run's stage, not the load's
    await store.getState().loadDataset({ kind: 'zip', name: 'scaledmask.zip', bytes: new Uint8Array(4) });
    await new Promise((r) => setTimeout(r, 5)); // the late report arrived
    expect(store.getState().progress).toEqual({ compile });
    expect(store.getState().errors.map((e) => e.message)).toEqual(['scaledmask.zip: masks/e.png is 32×32 but its image is 64×64']);
    expect(store.getState().dataset).toEqual(shapes);
  });

  it('while the load runs its bar is shown at the latest count', async () => {
    const store = createLabStore(() => worker());
    let seen: Progress | undefined;
    const unsubscribe = store.subscribe((s) => (seen = s.progress.validate ?? seen));
    await store.getState().loadDataset({ kind: 'zip', name: 'scaledmask.zip', bytes: new Uint8Array(4) });
    unsubscribe();
    expect(seen).toEqual({ task: 'validate', done: 4, total: 13, detail: 'scaledmask.zip' });
  });
});
