/** The saved runs' eval runners: the viewer's six prediction panes page through images without rebuilding one. */
import { describe, expect, it } from 'vitest';
import { makeTinyVit } from '../model/demo';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import { prepareRun } from '../train/session';
import { MAX_PREDICTION_PANES } from '../ui/viewer/panes';
import type { TrainConfig } from './api';
import { Exclusive, type Compute } from './compute';
import { SavedModels } from './predictor';
import type { RunStore } from './runs';

const CONFIG: TrainConfig = {
  recipe: 'demo', steps: 2, batch: 1, accum: 1, crop: 16, lrHead: 1e-3, lrEncoder: 1e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 1,
};

describe('SavedModels', () => {
  it('keeps a runner for every prediction pane (this run and the compared ones), plus one', async () => {
    const model = writeSafetensors(makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 2, numClasses: 3, seed: 1 }));
    const store = { loadCheckpoint: async () => ({ model }), record: async () => ({ config: CONFIG }) } as unknown as RunStore;
    let built = 0, released = 0;
    const compute = {
      createRunner: async () => {
        built++;
        return { run: async () => ({}), release: async () => { released++; } };
      },
    } as unknown as Compute;
    const saved = new SavedModels(store, new Exclusive(), () => compute);
    const panes = Array.from({ length: MAX_PREDICTION_PANES }, (_, i) => `run-${i}`);
    // three images in a row: every pane asks for its run's model each time
    for (let image = 0; image < 3; image++) for (const id of panes) await saved.get(id);
    expect(built).toBe(MAX_PREDICTION_PANES);
    expect(released).toBe(0);
    // an eighth run evicts the least recently used one; releasing all gives every runner back
    await saved.get('run-6');
    await saved.get('run-7');
    expect(built).toBe(MAX_PREDICTION_PANES + 2);
    await saved.releaseAll();
    expect(released).toBe(built);
  });

  it('a saved model compiles its eval graph only (the one a run compiles), no train step it would never run', async () => {
    const tensors = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 2, numClasses: 3, seed: 1 });
    const model = writeSafetensors(tensors);
    const store = { loadCheckpoint: async () => ({ model }), record: async () => ({ config: CONFIG }) } as unknown as RunStore;
    const compute = { createRunner: async () => ({ run: async () => ({}), release: async () => {} }) } as unknown as Compute;
    const saved = new SavedModels(store, new Exclusive(), () => compute);
    const m = await saved.get('run-0');
    expect(Object.keys(m.prepared).sort()).toEqual(['evalGraph', 'model']);
    const run = prepareRun(readSafetensors(model, 'm'), 'run-0', 3, { ...CONFIG });
    expect(m.prepared.evalGraph.onnx).toEqual(run.evalGraph.onnx);
    await saved.releaseAll();
  });
});
