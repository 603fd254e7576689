/** The page's queue functions on a store with a scripted worker (the real one is covered by e2e/compare.spec.ts). */
import { describe, expect, it } from 'vitest';
import type { DatasetInfo, RunSummary, TrainConfig, TrainerApi, TrainerCallbacks } from '../../worker/api';
import { createQueue, runQueue } from '../../worker/queue';
import { DEMO_RECIPE, createLabStore } from '../store';
import { queueDeps } from './queue-driver';

const model = { name: 'demo ViT', family: 'vit', embedDim: 64, depth: 2, heads: 1, patchSize: 8, numParams: 10 };
const mine: DatasetInfo = { name: 'mydata.zip', format: 'generic', classes: [{ name: 'a', color: [0, 0, 0] }], trainCount: 4, valCount: 2, fingerprint: 'fp-mine' };
const demo: DatasetInfo = { ...mine, name: 'demo', fingerprint: 'fp-demo' };
const saved = (id: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id, createdAt: 1, modelName: 'demo ViT', datasetName: 'mydata.zip', config: DEMO_RECIPE, savedStep: 10, status: 'interrupted',
  dataset: { name: 'mydata.zip', format: 'generic', classes: ['a'], trainCount: 4, valCount: 2, fingerprint: 'fp-mine', kept: false }, ...over,
});

/** A scripted worker: `start` records what it was asked and ends the run at once; a new run is saved under `run-N`. */
function scripted(runs: RunSummary[], loaded?: DatasetInfo) {
  const started: { resume?: string; dataset?: string; config: TrainConfig }[] = [];
  let n = 0;
  const worker = {
    loadModel: async () => model,
    loadDataset: async () => loaded!,
    thumbnails: async () => [],
    predict: async () => { throw new Error('no predictions here'); },
    listRuns: async () => runs,
    runMetrics: async () => ({ steps: [], evals: [] }),
    start: async (config: TrainConfig, cb: TrainerCallbacks, resume?: { runId: string }) => {
      started.push({ resume: resume?.runId, dataset: lab.getState().dataset?.name, config });
      const id = resume?.runId ?? `run-${++n}`;
      if (!resume) runs.unshift(saved(id, { savedStep: 0, status: 'running' }));
      cb.onRun?.(id);
      cb.onState('running');
      cb.onState('finished');
    },
  } as Partial<TrainerApi> as TrainerApi;
  const lab = createLabStore(() => worker);
  return { lab, started };
}

describe('queue on the page', () => {
  it('records the run id the worker announces before any listing of the runs shows the run', async () => {
    const { lab } = scripted([]);
    const ids: string[] = [];
    const outcome = await queueDeps(lab, { setItem: () => {} }).run({ name: 'demo', model: { kind: 'demo' }, status: 'running' }, DEMO_RECIPE, async (id) => void ids.push(id));
    expect(outcome).toEqual({ state: 'finished' });
    expect(ids).toEqual(['run-1']);
  });

  it('Continue after a reload resumes the interrupted entry from its save, then trains the rest on the queue\'s dataset', async () => {
    const { lab, started } = scripted([saved('run-a')], mine);
    await lab.getState().loadDataset({ kind: 'demo' }); // the dataset the queue trained on is loaded again
    const q = createQueue('mydata.zip', { ...DEMO_RECIPE, steps: 30 }, [{ name: 'a', model: { kind: 'demo' } }, { name: 'b', model: { kind: 'demo' } }], 'fp-mine');
    q.entries[0] = { ...q.entries[0], status: 'running', runId: 'run-a' }; // what the reload left
    const ended = await runQueue(q, queueDeps(lab, { setItem: () => {} }));
    expect(ended.state).toBe('finished');
    expect(started.map((s) => [s.resume, s.dataset])).toEqual([['run-a', 'mydata.zip'], [undefined, 'mydata.zip']]);
    expect(ended.queue.entries.map((e) => [e.status, e.runId])).toEqual([['done', 'run-a'], ['done', 'run-1']]);
  });

  it('asks for the queue\'s dataset by name when the reload loaded another, and trains nothing', async () => {
    const { lab, started } = scripted([saved('run-a')], demo);
    await lab.getState().loadDataset({ kind: 'demo' });
    const q = createQueue('mydata.zip', DEMO_RECIPE, [{ name: 'a', model: { kind: 'demo' } }, { name: 'b', model: { kind: 'demo' } }], 'fp-mine');
    q.entries[0] = { ...q.entries[0], status: 'running', runId: 'run-a' };
    const deps = queueDeps(lab, { setItem: () => {} });
    const ended = await runQueue(q, deps);
    expect(ended).toMatchObject({ state: 'blocked', message: expect.stringMatching(/^The queue's run “demo ViT · mydata\.zip” was trained on "mydata\.zip" and the dataset loaded now is "demo"\. Load "mydata\.zip"/) });
    expect(ended.queue).toEqual(q); // the entry still resumes its run later
    // the first entry done, the next one waits for the queue's dataset, not the demo
    const rest = { ...q, entries: [{ ...q.entries[0], status: 'done' as const }, q.entries[1]] };
    expect(await runQueue(rest, deps)).toMatchObject({ state: 'blocked', message: expect.stringMatching(/^The queue trains on "mydata\.zip" and the dataset loaded now is "demo"/) });
    expect(started).toEqual([]);
  });

  it('an entry whose run was interrupted before its first save starts again', async () => {
    const { lab, started } = scripted([saved('run-a', { savedStep: 0, status: 'interrupted' })], mine);
    await lab.getState().loadDataset({ kind: 'demo' });
    const q = createQueue('mydata.zip', DEMO_RECIPE, [{ name: 'a', model: { kind: 'demo' } }], 'fp-mine');
    q.entries[0] = { ...q.entries[0], status: 'running', runId: 'run-a' };
    const ended = await runQueue(q, queueDeps(lab, { setItem: () => {} }));
    expect(started.map((s) => s.resume)).toEqual([undefined]);
    expect(ended.queue.entries[0]).toMatchObject({ status: 'done', runId: 'run-1' });
  });
});
