/**
 * @file The app's zustand store: slices (`createRunSlice`, `createModelSlice`, …) merged into one
 * hook. `src/ui/lab.ts` binds it to the real worker as `useLab`.
 */
import { create } from 'zustand';
import {
  createBackendSlice, createDatasetSlice, createModelSlice, createRunSlice, createRunsSlice, createUiSlice, createViewerSlice,
} from './slices';
import type { LabState, WorkerRef } from './types';

export { BENCHMARK_SETTINGS, DEMO_RECIPE } from './recipe';
export type * from './types';

export function createLabStore(worker: WorkerRef, opts: { throttleMs?: number } = {}) {
  return create<LabState>()((...a) => ({
    ...createBackendSlice(worker)(...a),
    ...createModelSlice(worker)(...a),
    ...createDatasetSlice(worker)(...a),
    ...createRunSlice(worker, opts.throttleMs)(...a),
    ...createViewerSlice(worker)(...a),
    ...createRunsSlice(worker)(...a),
    ...createUiSlice()(...a),
  }));
}
