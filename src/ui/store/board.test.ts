/** The board slice with a scripted stand-in for the worker: metrics read once per save, dropped on delete. */
import { describe, expect, it } from 'vitest';
import type { RunSummary, TrainerApi, TrainerCallbacks } from '../../worker/api';
import { DEMO_RECIPE, createLabStore } from './index';

const dataset = { name: 'demo', format: 'generic', classes: ['a'], trainCount: 4, valCount: 2, fingerprint: 'f', kept: false };
const summary = (id: string, createdAt: number, savedStep: number): RunSummary => ({
  id, createdAt, modelName: 'demo ViT', datasetName: 'demo', dataset, config: DEMO_RECIPE, savedStep, status: 'finished',
});

/** The board's reads started by a change of the store have answered (the scripted worker answers at once). */
const settled = () => new Promise((r) => setTimeout(r, 20));

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

  it('follows the dataset of the run on screen: a run on a dropped dataset never sits beside the demo\'s board', async () => {
    const runs: RunSummary[] = [summary('demo-run', 1, 3)];
    const mine = { ...dataset, name: 'mydata.zip', fingerprint: 'fp-mine' };
    const worker = {
      listRuns: async () => runs.map((r) => ({ ...r })),
      runMetrics: async (id: string) => ({ steps: [], evals: id === 'demo-run' ? [{ step: 3, mIoU: 0.3, perClassIoU: [0.3] }] : [] }),
      loadDataset: async () => ({ name: 'mydata.zip', format: 'generic', classes: [{ name: 'a', color: [0, 0, 0] }], trainCount: 4, valCount: 2, fingerprint: 'fp-mine' }),
      thumbnails: async () => [],
      predict: async () => { throw new Error('no predictions here'); },
      openRun: async () => ({}),
      start: async (_c: unknown, cb: TrainerCallbacks) => {
        runs.unshift({ ...summary('live', 2, 0), datasetName: 'mydata.zip', dataset: mine, status: 'running' });
        cb.onRun?.('live');
        await new Promise((r) => setTimeout(r, 5));
        cb.onState('running');
      },
    } as Partial<TrainerApi> as TrainerApi;
    const store = createLabStore(() => worker);
    await store.getState().refreshRuns();
    expect(store.getState().board).toMatchObject({ dataset: 'demo', otherDatasets: 0 });
    await store.getState().loadDataset({ kind: 'zip', name: 'mydata.zip', bytes: new Uint8Array() });
    await store.getState().start();
    await settled();
    expect(store.getState().board).toMatchObject({ dataset: 'mydata.zip', rows: [], otherDatasets: 1 });
    // the demo run opened again: its dataset's board
    store.setState({ runState: 'finished' });
    await store.getState().openRun('demo-run');
    await settled();
    expect(store.getState().board?.dataset).toBe('demo');
    expect(store.getState().board?.rows.map((r) => r.runId)).toEqual(['demo-run']);
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
