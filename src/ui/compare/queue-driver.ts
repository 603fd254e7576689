/**
 * @file The benchmark queue on the page: each entry is loaded and trained through the store's
 * actions, as a user pressing Start would (so every run is saved and charted as usual); the queue
 * itself is kept in `storage` (localStorage on the page) after every change, so a reload can
 * continue it. `queueDeps` takes the store, so tests drive it with a scripted worker.
 */
import type { StoreApi, UseBoundStore } from 'zustand';
import type { ModelSource, RunState } from '../../worker/api';
import type { QueueDeps, QueueEntry, RunOutcome } from '../../worker/queue';
import type { LabState } from '../store';
import { isActive } from '../store/slices';

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

export const queueDeps = (useLab: Lab, storage: Pick<Storage, 'setItem'>): QueueDeps => {
  /** Store actions report errors instead of throwing: a new error during the action is the outcome. */
  const newError = (before: number) => useLab.getState().errors.slice(before).at(-1)?.message;
  return {
    now: () => performance.now() / 1000,
    save: async (q) => storage.setItem(QUEUE_KEY, JSON.stringify(q)),
    run: async (entry, config, onRunId, resumeRunId): Promise<RunOutcome> => {
      const s = useLab.getState();
      const errors = s.errors.length;
      if (resumeRunId) {
        await s.resumeRun(resumeRunId);
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
        // the run's id: the saved run that was not there before (it appears at its first save)
        const before = new Set(useLab.getState().runs.map((r) => r.id));
        let id: string | undefined;
        const unsubscribe = useLab.subscribe((st) => {
          const fresh = st.runs.find((r) => !before.has(r.id));
          if (fresh && !id) void onRunId((id = fresh.id));
        });
        try {
          await s.start();
          // a short run can end before any listing of the runs reached the page: list them once more
          if (!id) await useLab.getState().refreshRuns();
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
