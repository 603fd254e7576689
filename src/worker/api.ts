/**
 * @file The typed contract between the UI (main thread) and the training worker.
 * The worker `expose`s an object implementing `TrainerApi`; the UI `wrap`s it with comlink.
 * Callbacks cross the boundary as `proxy(fn)`; bytes move with `transfer`.
 */

import type { RecipeRules } from '../train/recipe';
import type { RecipeSettings } from '../train/recipe-schema';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

export interface BackendInfo {
  backend: 'webgpu' | 'wasm';
  /** Why this backend runs, in words a user understands ("WebGPU unavailable: no adapter"). */
  reason: string;
  adapter?: string;
  /** The software renderer behind the WebGPU adapter (SwiftShader, llvmpipe…), when it is one: shown amber. */
  software?: string;
  limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  threads?: number;
}

/**
 * A recipe's values (steps, crop, batch, accumulation, learning rates, decay, schedule, freeze, augment) and the run's own
 * (recipe, shuffle, seed, eval interval): the settings of the one recipe schema, src/train/recipe-schema.ts.
 */
export type TrainConfig = RecipeSettings;

export interface ModelInfo {
  name: string;
  family: string;
  embedDim: number;
  depth: number;
  heads: number;
  patchSize: number;
  numParams: number;
}

export interface ClassInfo {
  name: string;
  color: [number, number, number];
}

export interface DatasetInfo {
  name: string;
  format: string;
  classes: ClassInfo[];
  trainCount: number;
  valCount: number;
  /** The class preview: labelled training pixels per class, images per split showing each class. */
  pixelsPerClass?: number[];
  imagesPerClass?: { train: number[]; val: number[] };
  /** What the user should know about the labels (COCO: what unannotated pixels become). */
  note?: string;
  /** SHA-256 over its files (`DatasetIdentity.fingerprint`): how runs and queues recognise the dataset they need. */
  fingerprint?: string;
}

/** One optimizer step, as streamed to the UI and written to metrics.jsonl by the CLI. */
export interface StepMetric {
  step: number;
  loss: number;
  lrHead: number;
  lrEncoder: number;
  ms: number;
}

export interface EvalMetric {
  step: number;
  mIoU: number;
  perClassIoU: (number | null)[];
}

export interface Progress {
  /** e.g. 'download' | 'compile' | 'validate' | 'features' | 'train' | 'eval' */
  task: string;
  done: number;
  total: number;
  detail?: string;
}

/** idle → preparing → running ⇄ paused → stopping → finished / stopped / error (see worker/lifecycle.ts). */
export type RunState = 'idle' | 'preparing' | 'running' | 'paused' | 'stopping' | 'stopped' | 'finished' | 'error';

export interface TrainerCallbacks {
  onStep(m: StepMetric): void;
  onEval(m: EvalMetric): void;
  onProgress(p: Progress): void;
  onState(state: RunState, message?: string): void;
  /** The run exists (its record is saved under this id), before its first step; a resumed run keeps its id. */
  onRun?(runId: string): void;
  /** What loading adapted for this run (resampled embeddings, a new decoder, SAM windows…), once per start. */
  onNotices(notices: string[]): void;
  /** A resumed run brings back its own model and (when it kept a copy) its own dataset. */
  onModel?(info: ModelInfo): void;
  onDataset?(info: DatasetInfo): void;
}

/** Image, ground truth and prediction for one validation sample (RGB HWC, class ids HW). */
export interface Prediction {
  index: number;
  width: number;
  height: number;
  image: Uint8Array;
  label: Uint8Array;
  prediction: Uint8Array;
}

export interface Thumbnail {
  width: number;
  height: number;
  /** RGB, HWC. */
  data: Uint8Array;
}

export type ModelSource =
  | { kind: 'demo' }
  | { kind: 'preset'; name: string }
  | { kind: 'bytes'; name: string; bytes: Uint8Array };

export type DatasetSource =
  | { kind: 'demo' }
  | { kind: 'zip'; name: string; bytes: Uint8Array }
  | { kind: 'files'; name: string; files: { path: string; bytes: Uint8Array }[] };

/** The model a run was started from. */
export interface ModelIdentity {
  name: string;
  family: string;
  config: { embedDim: number; depth: number; heads: number; patchSize: number };
  /** SHA-256 (hex) of the source weights as loaded (the file's bytes; the demo's serialised tensors). */
  sha256: string;
}

/** The dataset a run was started on. */
export interface DatasetIdentity {
  name: string;
  format: string;
  classes: string[];
  trainCount: number;
  valCount: number;
  /** SHA-256 (hex) over the dataset's files (paths and bytes). */
  fingerprint: string;
  /** A copy is kept with the run (small zips): resuming reloads it instead of asking for it. */
  kept: boolean;
}

/** What opening a saved run changed (see `TrainerApi.openRun`). */
export interface OpenedRun {
  notice?: string;
  /** The run's own dataset, loaded from the copy kept with it. */
  dataset?: DatasetInfo;
}

/** A run saved in the browser (OPFS), as listed after a reload. */
export interface RunSummary {
  id: string;
  /** The name the user gave it (absent: shown as model · dataset). */
  name?: string;
  createdAt: number;
  modelName: string;
  datasetName: string;
  /** What the run was trained on (absent on imported models and on runs saved by older versions). */
  model?: ModelIdentity;
  dataset?: DatasetIdentity;
  config: TrainConfig;
  /** The rules the run followed, resolved from its recipe (absent in runs saved before recipes: the demo's). */
  rules?: RecipeRules;
  savedStep: number;
  /** The compiler's memory plan for one step of this run, in bytes (absent in runs saved before it was recorded). */
  memoryPlanBytes?: number;
  /** Seconds the run has taken as its user waited (compile, steps, evaluations, saves; pauses excluded), at its last save. */
  wallSeconds?: number;
  /** Validation mIoU at the run's last saved evaluation (listing only; absent before one). */
  mIoU?: number;
  /** The run's checkpoint evaluated on another dataset with its classes (listing only: the latest such evaluation of the saved step). */
  crossDataset?: { dataset: string; mIoU: number };
  /** 'imported': a trained model brought in to compare (no metrics, nothing to resume). */
  status: 'running' | 'paused' | 'stopped' | 'finished' | 'interrupted' | 'imported';
}

/** What this site keeps in the browser: saved runs and cached models, with sizes. */
export interface StorageReport {
  runs: { id: string; label: string; bytes: number }[];
  models: { url: string; label: string; bytes: number }[];
  /** navigator.storage.estimate(), when the browser tells. */
  usage?: number;
  quota?: number;
}

/** What a run with these settings would allocate, from the compiler's memory plan. */
export interface MemoryPlanInfo {
  totalBytes: number;
  /** The largest single buffer (it must fit the adapter's per-buffer limit). */
  largestBinding: { bytes: number; what: string };
  /** One line: the total and what it is made of. */
  summary: string;
}

/** Whose backbone the feature lens looks through: the loaded model as loaded (at a crop), or a saved run's checkpoint. */
export type LensSource = { kind: 'loaded'; crop: number } | { kind: 'run'; runId: string };

/** One validation image through one backbone: its patch features, their PCA colouring and the crop they describe. */
export interface LensResult {
  /** Patches per side; N = grid². */
  grid: number;
  /** Feature width D. */
  dim: number;
  /** Patch features [N, D], row-major (transferred). */
  features: Float32Array;
  /** The first three principal components per patch, [N, 3], each scaled to 0…1 over the image. */
  rgb: Float32Array;
  /** Share of the variance along each component. */
  explained: number[];
  /** The model's name, and whether it is the pretrained backbone or a fine-tuned run. */
  label: string;
  stage: 'before fine-tuning' | 'after fine-tuning';
  /** The centre crop the model saw (RGB, HWC, crop × crop). */
  crop: number;
  image: Uint8Array;
}

/** A photo of the labelling workspace (in no dataset), RGB HWC. */
export interface PhotoPixels {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A run's prediction for a photo, and how unsure it is (mean over pixels of the softmax's entropy, in nats). */
export interface Proposal {
  width: number;
  height: number;
  classes: number;
  prediction: Uint8Array;
  entropy: number;
}

/** A backbone's patch features for a photo resized to its square crop: grid × grid patches, [N, D] row-major. */
export interface PhotoFeatures {
  grid: number;
  dim: number;
  features: Float32Array;
  label: string;
}

/** A run's checkpoint evaluated on the loaded dataset (saved with the run, keyed by the dataset's fingerprint). */
export interface CrossEvalResult {
  dataset: string;
  mIoU: number;
  perClassIoU: (number | null)[];
}

/** Open onnxruntime sessions and bytes of GPU buffers our engines hold (for tests and the storage panel). */
export interface LiveResources {
  sessions: number;
  gpuBytes: number;
}

export interface TrainerApi {
  init(choice: BackendChoice): Promise<BackendInfo>;
  loadModel(src: ModelSource, onProgress?: (p: Progress) => void): Promise<ModelInfo>;
  /** Cancels a preset download in progress (loadModel then rejects and the previous model stays). */
  cancelDownload(): Promise<void>;
  loadDataset(src: DatasetSource, onProgress?: (p: Progress) => void): Promise<DatasetInfo>;
  /** Starts (or, with `resumeFrom`, continues) a run; resolves when the run ends. */
  start(config: TrainConfig, callbacks: TrainerCallbacks, resumeFrom?: { runId: string }): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  predict(valIndex: number): Promise<Prediction>;
  exportModel(): Promise<Uint8Array>;
  exportEvalOnnx(): Promise<Uint8Array>;
  listRuns(): Promise<RunSummary[]>;
  runMetrics(runId: string): Promise<{ steps: StepMetric[]; evals: EvalMetric[] }>;
  deleteRun(runId: string): Promise<void>;
  /** The memory plan of a run on the loaded model and dataset (undefined until both are loaded). */
  memoryPlan(config: TrainConfig): Promise<MemoryPlanInfo | undefined>;
  /** Names a saved run (an empty name restores the default). */
  renameRun(runId: string, name: string): Promise<void>;
  /** Small RGB previews of validation images `from` … `from + count − 1` (fewer at the end), longest side `size`. */
  thumbnails(size: number, from?: number, count?: number): Promise<Thumbnail[]>;
  /** Predictions of a saved run's checkpoint on a validation image (the viewer's second model). */
  predictWithRun(runId: string, valIndex: number): Promise<Prediction>;
  /**
   * A trained model (`.safetensors` with a `seg_head` for the current dataset's classes, e.g. from
   * `vfm-lab train` or another browser) saved as a run, so the viewer can compare with it.
   * `config` supplies the crop when the file does not record one.
   */
  importRun(name: string, bytes: Uint8Array, config: TrainConfig): Promise<RunSummary>;
  /**
   * Makes a saved run the viewer's "this run" (its predictions, its exports); refused while a run
   * is active. With `ownDataset`, a run that kept a copy of its dataset brings it back when another
   * is loaded (returned as `dataset`, now the loaded one). `notice`: what the viewer cannot show and
   * which dataset it needs (naming the run as the page does), or whose images it shows the run on.
   */
  openRun(runId: string, ownDataset?: boolean): Promise<OpenedRun>;
  storage(): Promise<StorageReport>;
  deleteCachedModel(url: string): Promise<void>;
  /** What the worker holds now: sessions and GPU bytes (they return to the idle count after a run is released). */
  liveResources(): Promise<LiveResources>;
  /**
   * The feature lens on validation image `valIndex` (centre-cropped, normalised as the model was
   * trained): the loaded model before fine-tuning, or a saved run's backbone after it. The eval
   * graph with its encoder-features output runs once; its session is released before this returns.
   */
  featureLens(source: LensSource, valIndex: number): Promise<LensResult>;
  /**
   * Evaluates a saved run's checkpoint on the loaded dataset's validation split, exactly as the run's
   * own evaluations (its crop, normalisation and windows); refused when the class lists differ. The
   * result is saved with the run.
   */
  evaluateRunOn(runId: string, onProgress?: (p: Progress) => void): Promise<CrossEvalResult>;
  /**
   * The labelling workspace's proposal for a photo: the training run's prediction (or, when none
   * trains, the run shown in the viewer), evaluated as its validation images are, with its entropy.
   */
  proposeFor(photo: PhotoPixels): Promise<Proposal>;
  /** The loaded model's patch features for a photo resized to `crop` × `crop` (similar patches). */
  photoFeatures(photo: PhotoPixels, crop: number): Promise<PhotoFeatures>;
  /** Gives back the saved runs' eval runners (the page goes into the back/forward cache; a run keeps its engine). */
  releaseAll(): Promise<void>;
}
