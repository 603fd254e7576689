/** @file The store's shape: one interface per slice, merged into `LabState`. */
import type { Remote } from 'comlink';
import type { StateCreator } from 'zustand';
import type { BoardSlice } from './board';
import type { PlanSlice } from './plan';
import type { QueueSlice } from './queue';
import type { PageSlice } from './page';
import type {
  BackendChoice, BackendInfo, DatasetInfo, DatasetSource, EvalMetric, ModelInfo, ModelSource, Prediction, Progress, RunState,
  RunSummary, StepMetric, StorageReport, Thumbnail, TrainConfig, TrainerApi,
} from '../../worker/api';

/** The worker, injected so the store can be unit-tested with a scripted stand-in. */
export type WorkerRef = () => Remote<TrainerApi> | TrainerApi;

export interface BackendSlice {
  backend?: BackendInfo;
  backendChoice: BackendChoice;
  initBackend(choice?: BackendChoice): Promise<void>;
}
export interface ModelSlice {
  model?: ModelInfo;
  /** The preset being fetched (from the click until it is loaded, fails or is cancelled). */
  fetchingPreset?: string;
  /** The preset whose last download failed or was cancelled (until a model loads). */
  failedPreset?: string;
  loadModel(src: ModelSource): Promise<void>;
  /** Stops a preset download; the previous model stays loaded. */
  cancelDownload(): Promise<void>;
}
export interface DatasetSlice {
  dataset?: DatasetInfo;
  /** Previews of one page of validation images, starting at `thumbnailsFrom`. */
  thumbnails: Thumbnail[];
  thumbnailsFrom: number;
  loadDataset(src: DatasetSource): Promise<void>;
  /** Fetches the page of previews starting at validation image `from`. */
  showThumbnails(from: number): Promise<void>;
}
export interface RunSlice {
  config: TrainConfig;
  runState: RunState;
  runId?: string;
  steps: StepMetric[];
  evals: EvalMetric[];
  /** Counts Starts (and Resumes): a saved run's metrics read before a Start and arriving after it are dropped. */
  runEpoch: number;
  /** The latest report of each long task, by task name ('download', 'compile', 'features', …). */
  progress: Record<string, Progress>;
  /** What the model loader adapted for the current run (shown with the progress bars). */
  notices: string[];
  setConfig(patch: Partial<TrainConfig>): void;
  start(resumeFrom?: string): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** The trained model (`.safetensors`) or the eval graph (`.onnx`) as a file; undefined after reporting a failure. */
  exportFile(kind: 'model' | 'onnx'): Promise<{ name: string; bytes: Uint8Array } | undefined>;
}
export interface ViewerSlice {
  viewIndex: number;
  prediction?: Prediction;
  /** The saved runs compared with this run, in the order chosen (at most six prediction panes in all). */
  compareRunIds: string[];
  /** Each compared run's latest prediction, by run id (its `index` says for which image). */
  comparisons: Record<string, Prediction>;
  selectImage(i: number): Promise<void>;
  /** Compares with exactly these runs; refused with a message when they do not fit. */
  setCompared(runIds: string[]): Promise<void>;
  /** Adds the run to the comparison, or takes it out. */
  toggleCompared(runId: string): Promise<void>;
  /** Fetches every compared run's prediction for the current image. */
  refreshComparisons(): Promise<void>;
  /** Drops compared runs that are no longer saved (deleted here or elsewhere). */
  forgetMissingCompared(): void;
  refreshPrediction(): Promise<void>;
}
export interface RunsSlice {
  runs: RunSummary[];
  /** False until the saved runs were first read (the list says "Loading saved runs…", not "None yet"). */
  runsLoaded: boolean;
  refreshRuns(): Promise<void>;
  /** Its charts, and its weights as the viewer's "this run" and the export source. */
  /**
   * Shows a saved run's charts and weights; not while a run trains, nor when a run was started since
   * `since` (a runEpoch the caller read earlier, e.g. when the page began loading).
   */
  openRun(id: string, since?: number): Promise<void>;
  /** Its charts, then Start from its save (on its own model and dataset). */
  resumeRun(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** Names a saved run (persisted with it; an empty name restores the default). */
  renameRun(id: string, name: string): Promise<void>;
  /** Scores a saved run on the loaded dataset (same classes); listed with the run, shown on the leaderboard. */
  evaluateRunOn(id: string): Promise<void>;
  /** Saves a trained `.safetensors` as a run and adds it to the compared runs. */
  importRun(name: string, bytes: Uint8Array): Promise<void>;
  /** What the browser keeps for this site (runs, cached models), for the storage panel. */
  storage?: StorageReport;
  refreshStorage(): Promise<void>;
  deleteCachedModel(url: string): Promise<void>;
}
export interface UiSlice {
  errors: { id: number; message: string }[];
  talkMode: boolean;
  reportError(e: unknown): void;
  dismissError(id: number): void;
  setTalkMode(on: boolean): void;
}

export type LabState = BackendSlice & ModelSlice & DatasetSlice & RunSlice & ViewerSlice & RunsSlice & UiSlice & PlanSlice & BoardSlice & QueueSlice & PageSlice;
export type Slice<T> = StateCreator<LabState, [], [], T>;
