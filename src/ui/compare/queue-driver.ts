/**
 * @file The benchmark queue on the page: each entry is loaded and trained through the store's
 * actions, as a user pressing Start would (so every run is saved and charted as usual); the queue
 * itself is kept in `storage` (localStorage on the page) after every change, so a reload can
 * continue it. `queueDeps` takes the store, so tests drive it with a scripted worker.
 */
import type { StoreApi, UseBoundStore } from 'zustand';
import type { ModelSource, RunState, RunSummary } from '../../worker/api';
import type { QueueDeps, QueueEntry, RunOutcome } from '../../worker/queue';
import type { LabState } from '../store';
import { isActive } from '../store/slices';
import { runLabel } from '../run-names';

type Lab = UseBoundStore<StoreApi<LabState>>;

export const QUEUE_KEY = 'vfm-lab-queue';

/** Checkpoints dropped into the queue in this page session, by their queue key (a reload loses them). */
export const droppedFiles = new Map<string, Uint8Array>();

function sourceOf(entry: QueueEntry): ModelSource {
  const m = entry.model;
  if (m.kind !== 'file') return m;
  const bytes = droppedFiles.get(m.key);
  if (!bytes) throw new Error(`${m.name} was dropped before the page reloaded and is not kept; add it to a new queue`);
  return { kind: 'bytes', name: m.name, bytes: bytes.slice() }; // the store transfers its copy to the worker
}

/** The run's final state: the worker's last state message can arrive after its start() has resolved. */
function settled(useLab: Lab): Promise<RunState> {
  return new Promise((resolve) => {
    const check = (state: RunState) => {
      if (isActive(state)) return false;
      resolve(state);
      return true;
    };
    if (check(useLab.getState().runState)) return;
    const unsubscribe = useLab.subscribe((st) => check(st.runState) && unsubscribe());
  });
}

/** Resuming brings back the run's own dataset when it is loaded now or a copy was kept with the run. */
const datasetAvailable = (run: RunSummary, loaded?: string) => !run.dataset || run.dataset.kept || run.dataset.fingerprint === loaded;

/** The saved run a running entry resumes: one with a save (a run interrupted before its first save starts again). */
function resumable(useLab: Lab, entry: QueueEntry): RunSummary | undefined {
  const run = entry.status === 'running' && entry.runId ? useLab.getState().runs.find((r) => r.id === entry.runId) : undefined;
  return run && run.status !== 'imported' && run.savedStep > 0 ? run : undefined;
}

const loadAndContinue = (name: string) => `Load "${name}" (drop the same folder or zip) and press Continue the queue.`;

export const queueDeps = (useLab: Lab, storage: Pick<Storage, 'setItem'>): QueueDeps => {
  /** Store actions report errors instead of throwing: a new error during the action is the outcome. */
  const newError = (before: number) => useLab.getState().errors.slice(before).at(-1)?.message;
  return {
    now: () => performance.now() / 1000,
    save: async (q) => storage.setItem(QUEUE_KEY, JSON.stringify(q)),
    // the queue's dataset, never the one a reload happened to load: asked for by name, nothing changes meanwhile
    blocked: async (q, entry) => {
      if (entry.runId && !useLab.getState().runs.some((r) => r.id === entry.runId)) await useLab.getState().refreshRuns();
      const { dataset } = useLab.getState();
      const run = resumable(useLab, entry);
      if (run) {
        if (datasetAvailable(run, dataset?.fingerprint)) return undefined;
        return `The queue's run “${runLabel(run)}” was trained on "${run.dataset!.name}" and the dataset loaded now is "${dataset?.name ?? 'none'}". ${loadAndContinue(run.dataset!.name)}`;
      }
      const same = q.fingerprint ? dataset?.fingerprint === q.fingerprint : dataset?.name === q.dataset;
      return same ? undefined : `The queue trains on "${q.dataset}" and the dataset loaded now is "${dataset?.name ?? 'none'}". ${loadAndContinue(q.dataset)}`;
    },
    run: async (entry, config, onRunId): Promise<RunOutcome> => {
      const s = useLab.getState();
      const errors = s.errors.length;
      const saved = resumable(useLab, entry);
      if (saved) {
        await s.resumeRun(saved.id);
      } else {
        let source: ModelSource;
        try {
          source = sourceOf(entry);
        } catch (e) {
          return { state: 'error', message: (e as Error).message };
        }
        await s.loadModel(source);
        const failed = newError(errors);
        if (failed) return { state: 'error', message: failed };
        s.setConfig(config);
        // the run's id as soon as the worker has saved its record (its onRun), so a reload before its first save still finds it
        const epoch = s.runEpoch;
        let id: string | undefined;
        const unsubscribe = useLab.subscribe((st) => {
          if (!id && st.runEpoch !== epoch && st.runId) void onRunId((id = st.runId));
        });
        try {
          await s.start();
        } finally {
          unsubscribe();
        }
      }
      const state = await settled(useLab);
      if (state === 'finished' || state === 'stopped') return { state };
      return { state: 'error', message: newError(errors) ?? `the run ended ${state}` };
    },
  };
};
