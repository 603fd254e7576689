/** The page's queue functions on a store with a scripted worker (the real one is covered by e2e/compare.spec.ts). */
import { describe, expect, it } from 'vitest';
import type { RunSummary, TrainerApi } from '../../worker/api';
import { DEMO_RECIPE, createLabStore } from '../store';
import { queueDeps } from './queue-driver';

const model = { name: 'demo ViT', family: 'vit', embedDim: 64, depth: 2, heads: 1, patchSize: 8, numParams: 10 };
const saved: RunSummary = { id: 'run-1', createdAt: 1, modelName: 'demo ViT', datasetName: 'demo', config: DEMO_RECIPE, savedStep: 2, status: 'finished' };

describe('queue on the page', () => {
  it('a run that ends before the page first lists it still gets its run id', async () => {
    let exists = false;
    const worker = {
      loadModel: async () => model,
      // the listing replies after the (short) run has already ended
      listRuns: async () => { await new Promise((r) => setTimeout(r, 5)); return exists ? [saved] : []; },
      runMetrics: async () => ({ steps: [], evals: [] }),
      start: async (_c, cb) => {
        exists = true;
        cb.onState('running');
        cb.onState('finished');
      },
    } as Partial<TrainerApi> as TrainerApi;
    const lab = createLabStore(() => worker);
    const ids: string[] = [];
    const outcome = await queueDeps(lab, { setItem: () => {} }).run({ name: 'demo', model: { kind: 'demo' }, status: 'running' }, DEMO_RECIPE, async (id) => void ids.push(id));
    expect(outcome).toEqual({ state: 'finished' });
    expect(ids).toEqual(['run-1']);
  });
});
