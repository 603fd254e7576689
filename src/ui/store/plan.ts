/** @file The memory plan shown before Start: asked of the worker when the model, data or recipe change (not during a run). */
import type { MemoryPlanInfo } from '../../worker/api';
import { recipeProblems } from '../../train/recipe-check';
import { isActive } from './slices';
import type { Slice, WorkerRef } from './types';

export interface PlanSlice {
  /** The plan for the current settings; undefined while unknown (loading, an invalid recipe, a run active). */
  memoryPlan?: MemoryPlanInfo;
  refreshMemoryPlan(): Promise<void>;
}

export const createPlanSlice = (worker: WorkerRef): Slice<PlanSlice> => (set, get) => {
  let latest = 0;
  return {
    refreshMemoryPlan: async () => {
      const tag = ++latest;
      const s = get();
      set({ memoryPlan: undefined });
      if (!s.model || !s.dataset || isActive(s.runState) || Object.keys(recipeProblems(s.config, s.model)).length) return;
      try {
        const plan = await worker().memoryPlan(s.config);
        if (tag === latest) set({ memoryPlan: plan });
      } catch (e) {
        // the same settings fail at Start with the full message; here only the estimate is missing
        if (tag === latest) get().reportError(new Error(`Memory estimate failed: ${(e as Error).message}`));
      }
    },
  };
};
