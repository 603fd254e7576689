/**
 * @file The store's slices. Each `create…Slice(worker)` returns a zustand slice creator; actions
 * call the worker and report failures as messages (never throw into a click handler). Step
 * metrics arrive at worker speed and are appended in batches (≤ 10 Hz) so charts stay smooth.
 */
import { proxy, transfer } from 'comlink';
import type { DatasetInfo, EvalMetric, ModelInfo, Progress, RunState, StepMetric } from '../../worker/api';
import { recipeProblems } from '../../train/recipe-check';
import { exportFileName, runLabel } from '../run-names';
import { PAGE_SIZE } from '../viewer/listnav';
import { Throttle } from './metrics';
import { DEMO_RECIPE } from './recipe';
import type {
  BackendSlice, DatasetSlice, LabState, ModelSlice, RunSlice, RunsSlice, Slice, UiSlice, WorkerRef,
} from './types';
import { isActive } from '../../worker/lifecycle';

type Set = Parameters<Slice<unknown>>[0];

/** The worker refuses model, dataset and run changes in these states; the UI mirrors it (one definition, the worker's). */
export { isActive };

/** An action that reports its error in the alert region instead of rejecting. */
export const guarded = <A extends unknown[]>(get: () => LabState, fn: (...a: A) => Promise<void>) => async (...a: A): Promise<void> => {
  try {
    await fn(...a);
  } catch (e) {
    get().reportError(e);
  }
};

/** A dataset now loaded in the worker: the viewer starts again at its first image (previews and predictions are fetched anew). */
export const freshView = (dataset: DatasetInfo) => ({ dataset, viewIndex: 0, prediction: undefined, comparisons: {}, thumbnails: [] });

const onProgress = (set: Set) => proxy((p: Progress) => set((s) => ({ progress: { ...s.progress, [p.task]: p } })));

/**
 * A load whose progress bars end with it: the tasks it reported are dropped when it settles, so a
 * refused dataset does not leave "validate (x.zip): 4 / 13" on the page. Reports arriving after
 * that are ignored: comlink delivers a callback's calls on their own port, so the last ones can
 * come after the load's rejection.
 */
async function withProgress<T>(set: Set, load: (report: ReturnType<typeof onProgress>) => Promise<T>): Promise<T> {
  const tasks = new Set<string>();
  let settled = false;
  try {
    return await load(proxy((p: Progress) => {
      if (settled) return;
      tasks.add(p.task);
      set((s) => ({ progress: { ...s.progress, [p.task]: p } }));
    }));
  } finally {
    settled = true;
    set((s) => ({ progress: Object.fromEntries(Object.entries(s.progress).filter(([task]) => !tasks.has(task))) }));
  }
}

export const createBackendSlice = (worker: WorkerRef): Slice<BackendSlice> => (set, get) => ({
  backendChoice: 'auto',
  initBackend: guarded(get, async (choice = get().backendChoice) => {
    set({ backendChoice: choice, backend: await worker().init(choice) });
  }),
});

export const createModelSlice = (worker: WorkerRef): Slice<ModelSlice> => (set, get) => ({
  loadModel: guarded(get, async (src) => {
    // a dropped file's bytes move to the worker, not copied
    const arg = src.kind === 'bytes' ? transfer(src, [src.bytes.buffer]) : src;
    if (src.kind === 'preset') set((s) => ({ fetchingPreset: src.name, progress: { ...s.progress, download: { task: 'download', done: 0, total: 0, detail: src.name } } }));
    try {
      set({ model: await worker().loadModel(arg, onProgress(set)), failedPreset: undefined });
    } catch (e) {
      // the picker offers Retry and the file's URL (to download by hand and drop)
      if (src.kind === 'preset') set({ failedPreset: src.name });
      throw e;
    } finally {
      if (src.kind === 'preset') set({ fetchingPreset: undefined });
    }
  }),
  cancelDownload: guarded(get, async () => worker().cancelDownload()),
});

export const createDatasetSlice = (worker: WorkerRef): Slice<DatasetSlice> => (set, get) => {
  let latest = 0; // pages arrive out of order when keys move fast: only the latest request's page is kept
  return {
    thumbnails: [],
    thumbnailsFrom: 0,
    loadDataset: guarded(get, async (src) => {
      // on failure nothing changes: the previous dataset stays loaded (and the refused one's bars go)
      const dataset = await withProgress(set, (report) => worker().loadDataset(src, report));
      set(freshView(dataset));
      await get().showThumbnails(0);
      const { runId, runState } = get();
      if (runId && !isActive(runState)) {
        // the run on screen again, on this dataset: its notice goes once this is the dataset it needs (or says why not)
        const opened = await worker().openRun(runId);
        set({ notices: opened.notice ? [opened.notice] : [] });
      }
      await get().refreshPrediction();
      await get().refreshComparisons();
    }),
    showThumbnails: guarded(get, async (from) => {
      const tag = ++latest;
      const page = await worker().thumbnails(48, from, PAGE_SIZE);
      if (tag === latest) set({ thumbnails: page, thumbnailsFrom: from });
    }),
  };
};

export const createRunSlice = (worker: WorkerRef, throttleMs = 100): Slice<RunSlice> => (set, get) => {
  const steps = new Throttle<StepMetric>((items) => set((s) => ({ steps: [...s.steps, ...items] })), throttleMs);
  return {
    config: DEMO_RECIPE,
    runState: 'idle',
    steps: [],
    evals: [],
    runEpoch: 0,
    progress: {},
    notices: [],
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
    start: guarded(get, async (resumeFrom?: string) => {
      if (!resumeFrom) {
        // the form flags these fields and disables Start; a scripted start gets the same words
        const problems = Object.values(recipeProblems(get().config, get().model));
        if (problems.length) throw new Error(`The recipe cannot run: ${problems.join('; ')}.`);
        set({ steps: [], evals: [], runId: undefined });
      }
      set((s) => ({ notices: [], runEpoch: s.runEpoch + 1 }));
      await worker().start(get().config, proxy({
        onStep: (m: StepMetric) => steps.push(m),
        onEval: (m: EvalMetric) => {
          steps.drain();
          set((s) => ({ evals: [...s.evals, m] }));
          void get().refreshPrediction();
          void get().refreshRuns(); // the run was saved at this evaluation: the runs list shows its step
        },
        onProgress: (p: Progress) => set((s) => ({ progress: { ...s.progress, [p.task]: p } })),
        onNotices: (notices: string[]) => set({ notices }),
        // the run on screen from its first moment: the leaderboard follows its dataset, a queue records its id
        onRun: (runId: string) => {
          set({ runId });
          void get().refreshRuns();
        },
        // a resumed run brings back its own model and dataset
        onModel: (model: ModelInfo) => set({ model }),
        onDataset: (dataset: DatasetInfo) => {
          set(freshView(dataset));
          void get().showThumbnails(0);
          void get().refreshComparisons();
        },
        onState: (runState: RunState, message?: string) => {
          steps.drain();
          set({ runState });
          if (message) get().reportError(new Error(message));
          void get().refreshRuns();
          // a resumed run shows its predictions at once, not only at its next evaluation
          if (runState === 'running') void get().refreshPrediction();
        },
      }), resumeFrom ? { runId: resumeFrom } : undefined);
    }),
    pause: guarded(get, async () => worker().pause()),
    resume: guarded(get, async () => worker().resume()),
    stop: guarded(get, async () => worker().stop()),
    exportFile: async (kind) => {
      try {
        // this session's run is the newest trained record; a reopened run is runId
        const run = get().runs.find((r) => r.id === get().runId) ?? get().runs.find((r) => r.status !== 'imported');
        const name = exportFileName(run ? runLabel(run) : 'vfm-lab-run', get().steps.at(-1)?.step ?? run?.savedStep ?? 0, kind);
        return { name, bytes: await (kind === 'model' ? worker().exportModel() : worker().exportEvalOnnx()) };
      } catch (e) {
        get().reportError(e);
        return undefined;
      }
    },
  };
};

export const createRunsSlice = (worker: WorkerRef): Slice<RunsSlice> => (set, get) => {
  /**
   * Shows a saved run's charts; false (and nothing shown) while a run trains or when one was started
   * since `since`: a live run's steps are appended to the chart shown, so it must be the live run's.
   */
  const showMetrics = async (id: string, since = get().runEpoch): Promise<boolean> => {
    const run = get().runs.find((r) => r.id === id);
    if (get().runEpoch !== since || isActive(get().runState)) return false;
    const config = get().config;
    const m = await worker().runMetrics(id);
    // e.g. the reopened latest run after a reload, when Start is clicked before (or while) its
    // metrics are read: the new run's chart must not become the old run's curve with new steps appended
    if (get().runEpoch !== since || isActive(get().runState)) return false;
    // the run's recipe comes into the form, unless the user edited the form while the metrics were read
    set({ runId: id, steps: m.steps, evals: m.evals, ...(run && get().config === config ? { config: run.config } : {}) });
    return true;
  };
  return {
    runs: [],
    runsLoaded: false,
    refreshRuns: guarded(get, async () => {
      set({ runs: await worker().listRuns(), runsLoaded: true });
      get().forgetMissingCompared(); // a deleted run leaves the viewer
      await get().refreshBoard(); // the leaderboard and the overlaid curves read new saves
    }),
    openRun: guarded(get, async (id, since) => {
      if (!(await showMetrics(id, since))) return;
      // a reopened run is whole: its weights are the viewer's "this run" and can be exported, beside its own dataset
      const opened = await worker().openRun(id, true);
      set({ notices: opened.notice ? [opened.notice] : [], ...(opened.dataset ? freshView(opened.dataset) : {}) });
      if (opened.dataset) await Promise.all([get().showThumbnails(0), get().refreshComparisons()]);
      await get().refreshPrediction();
    }),
    // the worker brings back the run's own model and dataset; the charts continue from its save
    resumeRun: guarded(get, async (id) => {
      if (!(await showMetrics(id))) return;
      await get().start(id);
    }),
    evaluateRunOn: guarded(get, async (id) => {
      await worker().evaluateRunOn(id, onProgress(set));
      await get().refreshRuns();
    }),
    importRun: guarded(get, async (name, bytes) => {
      const run = await worker().importRun(name, transfer(bytes, [bytes.buffer]), get().config);
      await get().refreshRuns();
      await get().setCompared([...get().compareRunIds, run.id]);
    }),
    deleteRun: guarded(get, async (id) => {
      await worker().deleteRun(id);
      await get().refreshRuns();
      if (get().storage) await get().refreshStorage();
    }),
    renameRun: guarded(get, async (id, name) => {
      await worker().renameRun(id, name);
      await get().refreshRuns();
    }),
    refreshStorage: guarded(get, async () => set({ storage: await worker().storage() })),
    deleteCachedModel: guarded(get, async (url) => {
      await worker().deleteCachedModel(url);
      await get().refreshStorage();
    }),
  };
};

export const createUiSlice = (): Slice<UiSlice> => (set) => {
  let nextError = 1;
  return {
    errors: [],
    talkMode: false,
    reportError: (e) => {
      const message = e instanceof Error ? e.message : String(e);
      // the same message twice shows once (the latest)
      set((s) => ({ errors: [...s.errors.filter((x) => x.message !== message), { id: nextError++, message }] }));
    },
    dismissError: (id) => set((s) => ({ errors: s.errors.filter((x) => x.id !== id) })),
    setTalkMode: (talkMode) => set({ talkMode }),
  };
};
