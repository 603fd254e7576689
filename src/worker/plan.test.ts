/**
 * The memory plan shown before Start is the plan of the train step the run then compiles: both come
 * from one set-up (`runSettings`), here for the case where they once differed — a SAM model under
 * the benchmark recipe, whose rel-pos tables are resized once at load to 2·n+1 rows.
 */
import { describe, expect, it } from 'vitest';
import { makeDemoFiles } from '../data/synthetic';
import { zipOf } from '../data/testing';
import { makeTinySam } from '../model/families/sam-testing';
import { writeSafetensors } from '../model/safetensors';
import type { TrainConfig, TrainerCallbacks } from './api';
import { RunStore } from './runs';
import { MemoryRoot } from './testing/memory-folders';
import { nodeCompute } from './testing/node-compute';
import { Trainer } from './trainer';

const quiet: TrainerCallbacks = { onStep: () => {}, onEval: () => {}, onProgress: () => {}, onNotices: () => {}, onState: () => {} };

describe('memoryPlan before Start', () => {
  it('a SAM model under the benchmark recipe: the plan equals the plan of the graph the run compiles (tables resized once)', async () => {
    const t = new Trainer({ compute: nodeCompute, store: new RunStore(new MemoryRoot()), fetchBytes: async () => { throw new Error('offline'); }, cache: { list: async () => [], remove: async () => {} } });
    await t.init('wasm');
    await t.loadModel({ kind: 'bytes', name: 'sam.safetensors', bytes: writeSafetensors(makeTinySam()) });
    await t.loadDataset({ kind: 'zip', name: 'shapes.zip', bytes: zipOf(makeDemoFiles(1, { size: 32, train: 2, val: 1 })) });
    const config: TrainConfig = {
      recipe: 'benchmark', steps: 1, batch: 1, accum: 1, crop: 32, lrHead: 1e-3, lrEncoder: 1e-4, weightDecay: 0.05, schedule: 'poly',
      freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 1,
    };
    const plan = await t.memoryPlan(config);
    await t.start(config, quiet);
    const [run] = await t.listRuns();
    expect(run.memoryPlanBytes).toBeGreaterThan(0);
    expect(plan?.totalBytes).toBe(run.memoryPlanBytes);
    // the recipe's rule shows in the plan: the demo's tables keep the checkpoint's length
    expect((await t.memoryPlan({ ...config, recipe: 'demo' }))?.totalBytes).not.toBe(plan?.totalBytes);
    await t.releaseAll();
  });
});
