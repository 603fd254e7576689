/** The queue slice with scripted queue functions: the store follows the race, errors become messages. */
import { describe, expect, it } from 'vitest';
import type { TrainerApi } from '../../worker/api';
import { createQueue, type QueueDeps } from '../../worker/queue';
import { DEMO_RECIPE, createLabStore } from './index';

const store = () => createLabStore(() => ({}) as TrainerApi);
const twoModels = () => createQueue('demo', DEMO_RECIPE, [{ name: 'a', model: { kind: 'demo' } }, { name: 'b', model: { kind: 'demo' } }]);

describe('queue slice', () => {
  it('follows every change of a running queue and says when it runs', async () => {
    const lab = store();
    const seen: string[] = [];
    const deps: QueueDeps = {
      now: () => 0,
      save: async () => {},
      run: async (entry, _config, onRunId) => {
        await onRunId(`run-${entry.name}`);
        seen.push(`${entry.name} running=${lab.getState().queueRunning} ${lab.getState().queue!.entries.map((e) => e.status).join(',')}`);
        return { state: 'finished' };
      },
    };
    await lab.getState().runBenchmark(twoModels(), deps);
    expect(seen).toEqual(['a running=true running,waiting', 'b running=true done,running']);
    expect(lab.getState().queueRunning).toBe(false);
    expect(lab.getState().queue!.entries.map((e) => [e.status, e.runId])).toEqual([['done', 'run-a'], ['done', 'run-b']]);
  });

  it('restores a saved queue once, names a broken one, and reports a failing save instead of throwing', async () => {
    const lab = store();
    lab.getState().restoreQueue('{"version": 1', 'localStorage vfm-lab-queue');
    expect(lab.getState().queueError).toMatch(/localStorage vfm-lab-queue/);
    lab.getState().restoreQueue(JSON.stringify(twoModels()), 'localStorage vfm-lab-queue');
    expect(lab.getState().queue?.entries).toHaveLength(2);
    lab.getState().restoreQueue(JSON.stringify(createQueue('demo', DEMO_RECIPE, [{ name: 'c', model: { kind: 'demo' } }])), 'x');
    expect(lab.getState().queue?.entries.map((e) => e.name)).toEqual(['a', 'b']); // the store's queue wins
    const failing: QueueDeps = { now: () => 0, save: async () => { throw new Error('storage is full'); }, run: async () => ({ state: 'finished' }) };
    await lab.getState().runBenchmark(twoModels(), failing);
    expect(lab.getState().errors.map((e) => e.message)).toEqual(['storage is full']);
    expect(lab.getState().queueRunning).toBe(false);
  });
});
