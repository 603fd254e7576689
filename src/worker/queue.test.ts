import { describe, expect, it } from 'vitest';
import { DEMO_RECIPE } from '../ui/store/recipe';
import type { TrainConfig } from './api';
import { writeSafetensors } from '../model/safetensors';
import { createQueue, queueFileProblem, nextEntry, parseQueue, queueEta, queueProgress, runQueue, type BenchmarkQueue, type QueueDeps, type QueueEntry, type RunOutcome } from './queue';

const config: TrainConfig = { ...DEMO_RECIPE, steps: 10 };
const models = [
  { name: 'demo', model: { kind: 'demo' as const } },
  { name: 'mae', model: { kind: 'preset' as const, name: 'vit_base_patch16_224.mae' } },
  { name: 'mine', model: { kind: 'file' as const, name: 'mine.safetensors', key: 'queue/mine' } },
];

/** Fake store: each run takes `cost` seconds of a fake clock and ends as the script says; saves are kept as JSON, as a page would. */
function fakeDeps(script: Record<string, RunOutcome['state'][]>, cost = 5) {
  let clock = 0, ids = 0;
  const calls: { name: string; resume?: string }[] = [];
  const saved: string[] = [];
  const deps: QueueDeps = {
    now: () => clock,
    save: async (q) => void saved.push(JSON.stringify(q)),
    run: async (entry: QueueEntry, cfg, onRunId, resume) => {
      expect(cfg).toEqual(config); // one recipe for all
      calls.push({ name: entry.name, resume });
      if (!resume) await onRunId(`run-${++ids}`);
      clock += cost;
      const state = script[entry.name]?.shift() ?? 'finished';
      return state === 'error' ? { state, message: `${entry.name} diverged` } : { state };
    },
  };
  return { deps, calls, saved };
}

describe('benchmark queue', () => {
  it('trains every model in order with the same recipe, saving after each change', async () => {
    const { deps, calls, saved } = fakeDeps({});
    const { queue, state } = await runQueue(createQueue('demo', config, models), deps);
    expect(state).toBe('finished');
    expect(calls).toEqual([{ name: 'demo', resume: undefined }, { name: 'mae', resume: undefined }, { name: 'mine', resume: undefined }]);
    expect(queue.entries.map((e) => [e.status, e.runId, e.seconds])).toEqual([['done', 'run-1', 5], ['done', 'run-2', 5], ['done', 'run-3', 5]]);
    expect(saved).toHaveLength(9); // running, run id, done — per entry
    expect(JSON.parse(saved[1]).entries[0]).toMatchObject({ status: 'running', runId: 'run-1' }); // the id is on disk before training ends
  });

  it('after a reload resumes the interrupted entry from its run, then goes on', async () => {
    const first = fakeDeps({ mae: ['stopped'] });
    const stopped = await runQueue(createQueue('demo', config, models), first.deps);
    expect(stopped.state).toBe('stopped');
    expect(stopped.queue.entries.map((e) => e.status)).toEqual(['done', 'running', 'waiting']);
    // the page reloads: the queue comes back from what was saved last
    const reloaded = parseQueue(first.saved.at(-1)!, 'localStorage vfm-lab-queue');
    expect(reloaded).toEqual(stopped.queue);
    expect(nextEntry(reloaded)).toBe(1);
    const second = fakeDeps({});
    const done = await runQueue(reloaded, second.deps);
    expect(second.calls).toEqual([{ name: 'mae', resume: 'run-2' }, { name: 'mine', resume: undefined }]);
    expect(done.queue.entries.map((e) => [e.name, e.status, e.runId])).toEqual([['demo', 'done', 'run-1'], ['mae', 'done', 'run-2'], ['mine', 'done', 'run-1']]);
  });

  it('a blocked entry halts the queue with why, changes and saves nothing, and goes on once unblocked', async () => {
    const { deps, calls, saved } = fakeDeps({});
    let missing = true;
    deps.blocked = async (q, entry) => (missing ? `${entry.name}: load "${q.dataset}" first` : undefined);
    const q = createQueue('mydata.zip', config, models, 'fp-1');
    expect(await runQueue(q, deps)).toEqual({ queue: q, state: 'blocked', message: 'demo: load "mydata.zip" first' });
    expect([calls, saved]).toEqual([[], []]);
    missing = false;
    expect((await runQueue(q, deps)).state).toBe('finished');
    expect(calls.map((c) => c.name)).toEqual(['demo', 'mae', 'mine']);
    expect(parseQueue(saved.at(-1)!, 'x').fingerprint).toBe('fp-1'); // the dataset's fingerprint survives a reload
  });

  it('records a failed model with its message and trains the rest', async () => {
    const { deps, calls } = fakeDeps({ demo: ['error'] });
    const { queue, state } = await runQueue(createQueue('demo', config, models), deps);
    expect(state).toBe('finished');
    expect(calls.map((c) => c.name)).toEqual(['demo', 'mae', 'mine']);
    expect(queue.entries[0]).toMatchObject({ status: 'failed', error: 'demo diverged' });
    expect(queue.entries.slice(1).map((e) => e.status)).toEqual(['done', 'done']);
  });

  it('reports progress over the whole queue and an ETA from the measured pace', () => {
    const q: BenchmarkQueue = createQueue('demo', config, [...models, { name: 'four', model: { kind: 'demo' } }]);
    expect(queueProgress(q)).toBe(0);
    expect(queueEta(q)).toBeUndefined();
    q.entries[0] = { ...q.entries[0], status: 'done', seconds: 100 };
    q.entries[1] = { ...q.entries[1], status: 'failed', error: 'x' };
    q.entries[2] = { ...q.entries[2], status: 'running' };
    // 2 closed + 4/10 of the third, out of 4
    expect(queueProgress(q, { step: 4, seconds: 80 })).toBeCloseTo(2.4 / 4, 12);
    // the running one: 80 s for 4 of 10 steps → 200 s in all, 120 s left; the waiting one at the mean of 100 and 200
    expect(queueEta(q, { step: 4, seconds: 80 })).toBeCloseTo(120 + 150, 9);
    // no step of the running one yet: it and the waiting one at the mean of the finished (100 s), 3 s already spent
    expect(queueEta(q, { step: 0, seconds: 3 })).toBe(97 + 100);
  });

  it('refuses a file that is not a safetensors checkpoint when it is added, naming it', () => {
    const good = writeSafetensors({ w: { shape: [2], data: new Float32Array([1, 2]) } });
    expect(queueFileProblem('mine.safetensors', good)).toBeUndefined();
    expect(queueFileProblem('photo.png', good)).toBe('photo.png cannot join the queue: it is not a .safetensors file. The queue takes checkpoints as .safetensors files (timm key names).');
    expect(queueFileProblem('cut.safetensors', good.subarray(0, 12))).toMatch(/^cut\.safetensors cannot join the queue: its safetensors header is missing or cut off/);
    const text = new TextEncoder().encode('hello, this is not a checkpoint at all');
    expect(queueFileProblem('notes.safetensors', text)).toMatch(/^notes\.safetensors cannot join the queue: its safetensors header is missing or cut off/);
    const list = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 91, 93]); // header "[]"
    expect(queueFileProblem('list.safetensors', list)).toMatch(/header is not a JSON object/);
  });

  it('refuses two models with one name, and a damaged saved queue with where and what', () => {
    expect(() => createQueue('demo', config, [models[0], { ...models[1], name: 'demo' }])).toThrow(/two models in the queue are named "demo"/);
    expect(() => createQueue('demo', config, [])).toThrow(/at least one model/);
    expect(() => parseQueue('{', 'localStorage vfm-lab-queue')).toThrow(/localStorage vfm-lab-queue: the saved benchmark queue is not valid JSON/);
    const bad = { ...createQueue('demo', config, models), entries: [{ name: 'x', model: { kind: 'preset' }, status: 'waiting' }] };
    expect(() => parseQueue(JSON.stringify(bad), 'q.json')).toThrow(/q\.json: the saved benchmark queue is damaged — entries\.0\.model\.name/);
  });
});
