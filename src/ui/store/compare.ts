/**
 * @file The viewer's slice: the selected image, this run's prediction, and the saved runs to compare
 * with (up to six prediction panes in all), each with its own prediction. Replies can arrive out of
 * order (a slow prediction for an image the user has already left): each request is numbered per
 * pane, and only that pane's latest reply is kept. A run whose prediction fails (trained on other
 * classes, deleted elsewhere) leaves the selection with a message naming it.
 */
import type { Prediction } from '../../worker/api';
import { compareCapacity, ownPane, runNamer, tooManyMessage } from '../viewer/panes';
import { guarded, isActive } from './slices';
import type { Slice, ViewerSlice, WorkerRef } from './types';

const only = (all: Record<string, Prediction>, keep: readonly string[]) =>
  Object.fromEntries(Object.entries(all).filter(([id]) => keep.includes(id)));

export const createViewerSlice = (worker: WorkerRef): Slice<ViewerSlice> => (set, get) => {
  let next = 0;
  let latestPrediction = 0;
  const latestComparison = new Map<string, number>();
  const label = (id: string) => runNamer(get().runs)(id);

  /** Fetches one compared run's prediction for the current image; on failure the run leaves the selection. */
  const fetchComparison = async (id: string): Promise<void> => {
    const tag = ++next;
    latestComparison.set(id, tag);
    const index = get().viewIndex;
    try {
      const reply = await worker().predictWithRun(id, index);
      if (latestComparison.get(id) === tag && get().compareRunIds.includes(id)) set((s) => ({ comparisons: { ...s.comparisons, [id]: reply } }));
    } catch (e) {
      if (latestComparison.get(id) !== tag) return;
      const keep = get().compareRunIds.filter((x) => x !== id);
      set((s) => ({ compareRunIds: keep, comparisons: only(s.comparisons, keep) }));
      get().reportError(new Error(`Cannot compare with “${label(id)}”: ${e instanceof Error ? e.message : String(e)}`));
    }
  };

  return {
    viewIndex: 0,
    compareRunIds: [],
    comparisons: {},
    selectImage: guarded(get, async (i) => {
      set({ viewIndex: i });
      await Promise.all([get().refreshPrediction(), get().refreshComparisons()]);
    }),
    setCompared: guarded(get, async (ids) => {
      const wanted = [...new Set(ids)];
      const s = get();
      const shown = ownPane({ prediction: s.prediction, runs: s.runs, runId: s.runId, active: isActive(s.runState) }, wanted);
      const cap = compareCapacity(shown);
      if (wanted.length > cap) throw new Error(tooManyMessage(shown, label(wanted[cap])));
      const added = wanted.filter((id) => !get().compareRunIds.includes(id));
      set((s) => ({ compareRunIds: wanted, comparisons: only(s.comparisons, wanted) }));
      await Promise.all(added.map(fetchComparison));
    }),
    toggleCompared: async (id) => {
      const ids = get().compareRunIds;
      await get().setCompared(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
    },
    refreshComparisons: async () => {
      await Promise.all(get().compareRunIds.map(fetchComparison));
    },
    forgetMissingCompared: () => {
      const known = new Set(get().runs.map((r) => r.id));
      const keep = get().compareRunIds.filter((id) => known.has(id));
      if (keep.length !== get().compareRunIds.length) set((s) => ({ compareRunIds: keep, comparisons: only(s.comparisons, keep) }));
    },
    refreshPrediction: guarded(get, async () => {
      if (!get().dataset) return;
      const tag = ++latestPrediction;
      const reply = await worker().predict(get().viewIndex);
      if (tag === latestPrediction) set({ prediction: reply });
    }),
  };
};
