/** The saved runs' eval runners: the viewer's six prediction panes page through images without rebuilding one. */
import { describe, expect, it } from 'vitest';
import { makeTinyVit } from '../model/demo';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import { prepareRun, type ModelMetadata } from '../train/session';
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
    for (let image = 0; image < 3; image++) for (const id of panes) await saved.use(id, async () => undefined);
    expect(built).toBe(MAX_PREDICTION_PANES);
    expect(released).toBe(0);
    // an eighth run evicts the least recently used one; releasing all gives every runner back
    await saved.use('run-6', async () => undefined);
    await saved.use('run-7', async () => undefined);
    expect(built).toBe(MAX_PREDICTION_PANES + 2);
    await saved.releaseAll();
    expect(released).toBe(built);
  });

  it("predicts with the windows the model file records (an imported benchmark run), else its run's recipe", async () => {
    const tensors = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 2, numClasses: 3, seed: 1 });
    const meta: ModelMetadata = { classes: [], crop: 16, mean: [0, 0, 0], std: [1, 1, 1], heads: 1, act: 'gelu', normEps: 1e-6 };
    const files: Record<string, Uint8Array> = {
      recorded: writeSafetensors(tensors, { vfm_lab: JSON.stringify({ ...meta, evaluation: { layout: 'long-side', resize: 'antialias', miou: 'all-classes' } }) }),
      bare: writeSafetensors(tensors, { vfm_lab: JSON.stringify(meta) }),
    };
    // an imported run's record has no rules: its recipe field is the form's (demo)
    const store = { loadCheckpoint: async (id: string) => ({ model: files[id] }), record: async () => ({ config: CONFIG }) } as unknown as RunStore;
    const compute = { createRunner: async () => ({ run: async () => ({}), release: async () => undefined }) } as unknown as Compute;
    const saved = new SavedModels(store, new Exclusive(), () => compute);
    expect(await saved.use('recorded', async (m) => m.windows)).toEqual({ layout: 'long-side', resize: 'antialias' });
    expect(await saved.use('bare', async (m) => m.windows)).toEqual({ layout: 'grid-2/3', resize: 'bilinear' });
    await saved.releaseAll();
  });

  it('a saved model compiles its eval graph only (the one a run compiles), no train step it would never run', async () => {
    const tensors = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 2, numClasses: 3, seed: 1 });
    const model = writeSafetensors(tensors);
    const store = { loadCheckpoint: async () => ({ model }), record: async () => ({ config: CONFIG }) } as unknown as RunStore;
    const compute = { createRunner: async () => ({ run: async () => ({}), release: async () => {} }) } as unknown as Compute;
    const saved = new SavedModels(store, new Exclusive(), () => compute);
    const m = await saved.use('run-0', async (x) => x);
    expect(Object.keys(m.prepared).sort()).toEqual(['evalGraph', 'model']);
    const run = prepareRun(readSafetensors(model, 'm'), 'run-0', 3, { ...CONFIG });
    expect(m.prepared.evalGraph.onnx).toEqual(run.evalGraph.onnx);
    await saved.releaseAll();
  });
  it('a runner released while a prediction is using it (a new run starts, eviction) waits for that prediction', async () => {
    const model = writeSafetensors(makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 2, numClasses: 3, seed: 1 }));
    const store = { loadCheckpoint: async () => ({ model }), record: async () => ({ config: CONFIG }) } as unknown as RunStore;
    // a session that refuses to run once released, as onnxruntime-web's does ("invalid session id")
    const sessions: { released: boolean }[] = [];
    const compute = {
      createRunner: async () => {
        const session = { released: false };
        sessions.push(session);
        return {
          run: async () => {
            if (session.released) throw new Error('invalid session id');
            return { logits: { data: new Float32Array(1) } };
          },
          release: async () => { session.released = true; },
        };
      },
    } as unknown as Compute;
    const saved = new SavedModels(store, new Exclusive(), () => compute);
    const image = new Float32Array(3);
    // a prediction over two windows, paused between them on a promise the test opens
    let between!: () => void;
    const gap = new Promise<void>((resolve) => (between = resolve));
    let reached!: () => void;
    const atGap = new Promise<void>((resolve) => (reached = resolve));
    const prediction = saved.use('run-a', async (m) => {
      await m.logits(image);
      reached();
      await gap;
      return m.logits(image);
    });
    await atGap;
    // the run is released (Start of the next run) and, separately, evicted by seven other runs
    const released = saved.release('run-a');
    for (let i = 0; i < 7; i++) await saved.use(`run-${i}`, async () => undefined);
    expect(sessions[0].released).toBe(false); // still in use
    between();
    await expect(prediction).resolves.toBeInstanceOf(Float32Array);
    await released;
    expect(sessions[0].released).toBe(true); // given back once the prediction ended
    // asked again, the run gets a fresh runner, not the released one
    await saved.use('run-a', (m) => m.logits(image));
    await saved.releaseAll();
    expect(sessions.every((s) => s.released)).toBe(true);
  });
});
