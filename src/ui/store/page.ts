/**
 * @file The page's first load. The backend, the embedded demo model and dataset come first (the
 * first screen works offline at once); the saved runs are read meanwhile, and they, the latest run's
 * charts and its dataset (the copy kept with it) then arrive in one step, so the viewer never shows
 * one dataset's images under another dataset's run. Nothing the user did meanwhile is undone: the
 * recipe is never touched (the remembered one is the user's), and a run started during the load
 * keeps its chart.
 */
import type { BackendChoice, EvalMetric, OpenedRun, StepMetric } from '../../worker/api';
import { freshView, guarded, isActive } from './slices';
import type { Slice, WorkerRef } from './types';

export interface PageSlice {
  /** Loads the page on backend `choice`; the saved runs' list says "Loading saved runs…" until they arrive. */
  openPage(choice: BackendChoice): Promise<void>;
}

type Reopened = { id: string; metrics: { steps: StepMetric[]; evals: EvalMetric[] }; opened: OpenedRun };

export const createPageSlice = (worker: WorkerRef): Slice<PageSlice> => (set, get) => ({
  openPage: guarded(get, async (choice) => {
    const since = get().runEpoch; // a Start clicked while the page loads keeps its own chart
    // read while the backend starts and the demo loads: the saved runs are what the page waits for longest
    const listing = worker().listRuns().then((runs) => ({ runs }), (error: unknown) => ({ error }));
    await get().initBackend(choice);
    await Promise.all([get().loadModel({ kind: 'demo' }), get().loadDataset({ kind: 'demo' })]);
    const listed = await listing;
    if ('error' in listed) {
      set({ runsLoaded: true });
      throw listed.error;
    }
    const started = () => get().runEpoch !== since || isActive(get().runState);
    const latest = listed.runs.find((r) => r.status !== 'imported');
    let reopened: Reopened | undefined;
    if (latest && !started()) {
      try {
        reopened = { id: latest.id, metrics: await worker().runMetrics(latest.id), opened: await worker().openRun(latest.id, true) };
      } catch (e) {
        if (!started()) get().reportError(e); // the runs are still listed (a Start meanwhile is refused reopening: not news)
      }
    }
    const opened = reopened?.opened;
    set({
      runs: listed.runs, runsLoaded: true,
      // the worker has loaded the run's dataset whatever happened meanwhile: the page shows what the worker holds
      ...(opened?.dataset ? freshView(opened.dataset) : {}),
      ...(reopened && !started() ? { runId: reopened.id, steps: reopened.metrics.steps, evals: reopened.metrics.evals, notices: opened?.notice ? [opened.notice] : [] } : {}),
    });
    get().forgetMissingCompared();
    if (opened?.dataset) await Promise.all([get().showThumbnails(0), get().refreshComparisons()]);
    await get().refreshBoard();
    await get().refreshPrediction();
  }),
});
