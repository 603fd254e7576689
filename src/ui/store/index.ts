/**
 * @file The app's zustand store, as slices merged into one hook. Actions call the worker; step
 * metrics arrive at worker speed and are appended in batches (≤ 10 Hz) so charts stay smooth.
 */
import { proxy, transfer, type Remote } from 'comlink';
import { create, type StateCreator } from 'zustand';
import type {
  BackendChoice, BackendInfo, DatasetInfo, DatasetSource, EvalMetric, ModelInfo, ModelSource, Prediction, Progress, RunState,
  RunSummary, StepMetric, Thumbnail, TrainConfig, TrainerApi,
} from '../../worker/api';
import { Throttle } from './metrics';

export const DEMO_RECIPE: TrainConfig = {
  steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 50,
};

export interface BackendSlice {
  backend?: BackendInfo;
  backendChoice: BackendChoice;
  initBackend(choice?: BackendChoice): Promise<void>;
}
export interface ModelSlice {
  model?: ModelInfo;
  loadModel(src: ModelSource): Promise<void>;
}
export interface DatasetSlice {
  dataset?: DatasetInfo;
  thumbnails: Thumbnail[];
  loadDataset(src: DatasetSource): Promise<void>;
}
export interface RunSlice {
  config: TrainConfig;
  runState: RunState;
  runId?: string;
  steps: StepMetric[];
  evals: EvalMetric[];
  progress: Record<string, Progress>;
  setConfig(patch: Partial<TrainConfig>): void;
  start(resumeFrom?: string): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}
export interface ViewerSlice {
  viewIndex: number;
  prediction?: Prediction;
  comparison?: Prediction;
  compareRunId?: string;
  selectImage(i: number): Promise<void>;
  compareWith(runId?: string): Promise<void>;
  refreshPrediction(): Promise<void>;
}
export interface RunsSlice {
  runs: RunSummary[];
  refreshRuns(): Promise<void>;
  openRun(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
}
export interface UiSlice {
  errors: { id: number; message: string }[];
  talkMode: boolean;
  reportError(e: unknown): void;
  dismissError(id: number): void;
  setTalkMode(on: boolean): void;
}

export type LabState = BackendSlice & ModelSlice & DatasetSlice & RunSlice & ViewerSlice & RunsSlice & UiSlice;
type Slice<T> = StateCreator<LabState, [], [], T>;

/** The worker is injected so the store can be unit-tested without one. */
export function createLabStore(worker: () => Remote<TrainerApi> | TrainerApi) {
  const guarded = <A extends unknown[]>(get: () => LabState, fn: (...a: A) => Promise<void>) => async (...a: A) => {
    try {
      await fn(...a);
    } catch (e) {
      get().reportError(e);
    }
  };

  const backendSlice: Slice<BackendSlice> = (set, get) => ({
    backendChoice: 'auto',
    initBackend: guarded(get, async (choice = get().backendChoice) => {
      set({ backendChoice: choice, backend: await worker().init(choice) });
    }),
  });

  const modelSlice: Slice<ModelSlice> = (set, get) => ({
    loadModel: guarded(get, async (src) => {
      const bytes = src.kind === 'bytes' ? src.bytes : undefined;
      const model = await worker().loadModel(bytes ? transfer(src, [bytes.buffer]) : src, proxy((p: Progress) => setProgress(set, p)));
      set({ model });
    }),
  });

  const datasetSlice: Slice<DatasetSlice> = (set, get) => ({
    thumbnails: [],
    loadDataset: guarded(get, async (src) => {
      const dataset = await worker().loadDataset(src, proxy((p: Progress) => setProgress(set, p)));
      set({ dataset, viewIndex: 0, prediction: undefined, comparison: undefined, thumbnails: [] });
      set({ thumbnails: await worker().thumbnails(48) });
      await get().refreshPrediction();
    }),
  });

  const runSlice: Slice<RunSlice> = (set, get) => {
    const steps = new Throttle<StepMetric>((items) => set((s) => ({ steps: [...s.steps, ...items] })));
    return {
      config: DEMO_RECIPE,
      runState: 'idle',
      steps: [],
      evals: [],
      progress: {},
      setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
      start: guarded(get, async (resumeFrom?: string) => {
        if (!resumeFrom) set({ steps: [], evals: [], runId: undefined });
        await worker().start(get().config, proxy({
          onStep: (m: StepMetric) => steps.push(m),
          onEval: (m: EvalMetric) => {
            steps.drain();
            set((s) => ({ evals: [...s.evals, m] }));
            void get().refreshPrediction();
          },
          onProgress: (p: Progress) => setProgress(set, p),
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
    };
  };

  const viewerSlice: Slice<ViewerSlice> = (set, get) => ({
    viewIndex: 0,
    selectImage: guarded(get, async (i) => {
      set({ viewIndex: i });
      await Promise.all([get().refreshPrediction(), get().compareWith(get().compareRunId)]);
    }),
    compareWith: guarded(get, async (runId) => {
      set({ compareRunId: runId, comparison: runId ? await worker().predictWithRun(runId, get().viewIndex) : undefined });
    }),
    refreshPrediction: guarded(get, async () => {
      if (!get().dataset) return;
      set({ prediction: await worker().predict(get().viewIndex) });
    }),
  });

  const runsSlice: Slice<RunsSlice> = (set, get) => ({
    runs: [],
    refreshRuns: guarded(get, async () => set({ runs: await worker().listRuns() })),
    openRun: guarded(get, async (id) => {
      const run = get().runs.find((r) => r.id === id);
      const m = await worker().runMetrics(id);
      set({ runId: id, steps: m.steps, evals: m.evals, ...(run ? { config: run.config } : {}) });
    }),
    deleteRun: guarded(get, async (id) => {
      await worker().deleteRun(id);
      await get().refreshRuns();
    }),
  });

  let nextError = 1;
  const uiSlice: Slice<UiSlice> = (set) => ({
    errors: [],
    talkMode: false,
    reportError: (e) => {
      const message = e instanceof Error ? e.message : String(e);
      set((s) => ({ errors: [...s.errors.filter((x) => x.message !== message), { id: nextError++, message }] }));
    },
    dismissError: (id) => set((s) => ({ errors: s.errors.filter((x) => x.id !== id) })),
    setTalkMode: (talkMode) => set({ talkMode }),
  });

  return create<LabState>()((...a) => ({
    ...backendSlice(...a), ...modelSlice(...a), ...datasetSlice(...a), ...runSlice(...a),
    ...viewerSlice(...a), ...runsSlice(...a), ...uiSlice(...a),
  }));
}

function setProgress(set: (fn: (s: LabState) => Partial<LabState>) => void, p: Progress): void {
  set((s) => ({ progress: { ...s.progress, [p.task]: p } }));
}
