/**
 * @file The app's zustand store: slices (`createRunSlice`, `createModelSlice`, …) merged into one
 * hook. `src/ui/lab.ts` binds it to the real worker as `useLab`.
 */
import { create, type StateCreator, type StoreApi, type UseBoundStore } from 'zustand';
import { createJSONStorage, persist, type PersistOptions, type StateStorage } from 'zustand/middleware';
import {
  createBackendSlice, createDatasetSlice, createModelSlice, createRunSlice, createRunsSlice, createUiSlice,
} from './slices';
import { createViewerSlice } from './compare';
import { createPlanSlice } from './plan';
import { createBoardSlice } from './board';
import { createQueueSlice } from './queue';
import { createPageSlice } from './page';
import type { LabState, WorkerRef } from './types';

export { BENCHMARK_SETTINGS, DEMO_RECIPE, RECIPE_PRESETS, activeRecipe } from './recipe';
export type * from './types';

/** What survives a reload besides the runs (which live in OPFS): the recipe and the user's choices (the compared runs too). */
type Remembered = Pick<LabState, 'config' | 'backendChoice' | 'talkMode' | 'compareRunIds'>;

/** `storage` (localStorage in the app) remembers the recipe, backend choice and talk mode across reloads. */
export function createLabStore(worker: WorkerRef, opts: { throttleMs?: number; storage?: StateStorage } = {}): UseBoundStore<StoreApi<LabState>> {
  const slices: StateCreator<LabState> = (...a) => ({
    ...createBackendSlice(worker)(...a),
    ...createModelSlice(worker)(...a),
    ...createDatasetSlice(worker)(...a),
    ...createRunSlice(worker, opts.throttleMs)(...a),
    ...createViewerSlice(worker)(...a),
    ...createRunsSlice(worker)(...a),
    ...createUiSlice()(...a),
    ...createPlanSlice(worker)(...a),
    ...createBoardSlice(worker)(...a),
    ...createQueueSlice()(...a),
    ...createPageSlice(worker)(...a),
  });
  const store = opts.storage ? create<LabState>()(persist(slices, remembered(opts.storage))) : create<LabState>()(slices);
  // the leaderboard and the overlaid curves follow the run on screen and the loaded dataset
  store.subscribe((s, was) => {
    if (s.runId !== was.runId || s.dataset !== was.dataset) void s.refreshBoard();
  });
  return store;
}

/** How the remembered part is kept in `storage` and read back. */
function remembered(storage: StateStorage): PersistOptions<LabState, Remembered> {
  const changes = writeChanges(storage);
  return {
    name: 'vfm-lab',
    version: 1,
    storage: createJSONStorage(() => changes),
    partialize: (s): Remembered => ({ config: s.config, backendChoice: s.backendChoice, talkMode: s.talkMode, compareRunIds: s.compareRunIds }),
    // a recipe saved by an older version lacks newer fields: they keep their defaults
    merge: (saved, current) => {
      const r = (saved ?? {}) as Partial<Remembered>;
      return { ...current, ...r, config: { ...current.config, ...r.config } };
    },
  };
}

/** persist writes after every set (ten times a second while training): pass on only writes that change the value. */
function writeChanges(storage: StateStorage): StateStorage {
  const written = new Map<string, string>();
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => {
      if (written.get(key) === value) return;
      written.set(key, value);
      return storage.setItem(key, value);
    },
    removeItem: (key) => {
      written.delete(key);
      return storage.removeItem(key);
    },
  };
}
