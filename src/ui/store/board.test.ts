/** The board slice with a scripted stand-in for the worker: metrics read once per save, dropped on delete. */
import { describe, expect, it } from 'vitest';
import type { RunSummary, TrainerApi } from '../../worker/api';
import { DEMO_RECIPE, createLabStore } from './index';

const dataset = { name: 'demo', format: 'generic', classes: ['a'], trainCount: 4, valCount: 2, fingerprint: 'f', kept: false };
const summary = (id: string, createdAt: number, savedStep: number): RunSummary => ({
  id, createdAt, modelName: 'demo ViT', datasetName: 'demo', dataset, config: DEMO_RECIPE, savedStep, status: 'finished',
});

/** A worker whose saved runs the test edits; it counts each run's metric reads. */
function scripted() {
  const runs: RunSummary[] = [];
  const reads: string[] = [];
  const worker = {
    listRuns: async () => runs.map((r) => ({ ...r })),
    runMetrics: async (id: string) => {
      reads.push(id);
      const r = runs.find((x) => x.id === id)!;
      const steps = Array.from({ length: r.savedStep }, (_, i) => ({ step: i + 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: 10 }));
      return { steps, evals: [{ step: r.savedStep, mIoU: r.savedStep / 10, perClassIoU: [r.savedStep / 10] }] };
    },
    deleteRun: async (id: string) => void runs.splice(runs.findIndex((r) => r.id === id), 1),
  } as unknown as TrainerApi;
  return { runs, reads, store: createLabStore(() => worker) };
}

describe('board slice', () => {
  it('reads each saved run\'s metrics once, again when the run saves anew, and drops a deleted run', async () => {
    const { runs, reads, store } = scripted();
    runs.push(summary('b', 2, 3), summary('a', 1, 2));
    await store.getState().refreshRuns();
    await store.getState().refreshRuns();
    expect(reads.sort()).toEqual(['a', 'b']); // once per run, not once per refresh
    expect(store.getState().board?.rows.map((r) => [r.runId, r.mIoU])).toEqual([['b', 0.3], ['a', 0.2]]);

    runs[1].savedStep = 5; // run a evaluated again (a new save)
    await store.getState().refreshRuns();
    expect(reads.sort()).toEqual(['a', 'a', 'b']);
    expect(store.getState().boardMetrics.a.metrics.steps).toHaveLength(5);
    expect(store.getState().board?.rows.map((r) => r.runId)).toEqual(['a', 'b']);

    store.getState().pickChartRun('b', false);
    await store.getState().deleteRun('b');
    expect(Object.keys(store.getState().boardMetrics)).toEqual(['a']);
    expect(store.getState().board?.rows.map((r) => r.runId)).toEqual(['a']);
    expect(store.getState().chartPicks).toEqual({});
    expect(reads.sort()).toEqual(['a', 'a', 'b']);
  });

  it('refreshes that overlap read a save once; two runs of one model are named apart', async () => {
    const { runs, reads, store } = scripted();
    runs.push(summary('b', Date.UTC(2026, 0, 1, 10, 0, 1), 3), summary('a', Date.UTC(2026, 0, 1, 10, 0, 0), 2));
    await Promise.all([store.getState().refreshRuns(), store.getState().refreshRuns(), store.getState().refreshRuns()]);
    expect(reads.sort()).toEqual(['a', 'b']);
    expect(store.getState().board?.rows.map((r) => r.model)).toEqual(['demo ViT · demo · 2026-01-01 10:00:01', 'demo ViT · demo · 2026-01-01 10:00:00']);
  });

  it('an unreadable run is reported on the board, not thrown', async () => {
    const { runs, store } = scripted();
    runs.push({ ...summary('x', 1, 1), id: 'gone' });
    const broken = createLabStore(() => ({ listRuns: async () => runs, runMetrics: async () => { throw new Error('metrics.jsonl is unreadable'); } }) as unknown as TrainerApi);
    await broken.getState().refreshRuns();
    expect(broken.getState().boardError).toBe('Cannot read the saved runs\' metrics: metrics.jsonl is unreadable');
    expect(store.getState().errors).toEqual([]);
  });
});
