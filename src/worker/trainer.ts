/**
 * @file The training worker's object (exposed with comlink by trainer.worker.ts). It owns the
 * backend (a GPUDevice shared with onnxruntime-web, or wasm), the loaded checkpoint and dataset,
 * and at most one run. Runs are saved to OPFS at every evaluation, pause, stop and finish.
 */
import { BatchStream } from '../data/batches';
import { openDataset, readSample, validateDataset, type Dataset, type DatasetSummary } from '../data/dataset';
import { normalizeInto, resizeRgb } from '../data/augment';
import { demoSource, memorySource, zipSource } from '../data/index';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { checkKeys, inferConfig } from '../model/checkpoint';
import { detectFamily, loadFamilyModel } from '../model/families';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { GpuEngine } from '../runtime/gpu-engine';
import { checkFits, estimateMemory, explainOutOfMemory, formatBytes } from '../runtime/memory';
import { chooseBackend, type Backend } from '../runtime/webgpu';
import { HostEngine, type Engine } from '../train/engine';
import { trainLoop } from '../train/loop';
import { argmaxClasses, slidingLogits } from '../train/evaluate';
import { FeatureCache, IMAGENET_MEAN, IMAGENET_STD, evaluateDataset, metadataOf, normalisationFor, parseMetadata, prepareRun, type ModelMetadata, type PreparedRun, type RGB } from '../train/session';
import { SUPPORTED_FAMILIES, presetUrl, resolvePreset, type FamilyName, type Preset } from '../model/presets';
import { fetchCached } from './download';
import type {
  BackendChoice, BackendInfo, DatasetInfo, DatasetSource, EvalMetric, ModelInfo, ModelSource, Prediction, Progress,
  RunSummary, StepMetric, Thumbnail, TrainConfig, TrainerApi, TrainerCallbacks,
} from './api';
import { configureOrt, createWasmRunner, createWebGpuRunner } from './ort-web';
import type { CompiledGraph, HostArray } from '../graph';
import { decodeOptimizerState, encodeOptimizerState } from './optimizer-state';
import * as runs from './runs';

interface ActiveRun {
  id: string;
  config: TrainConfig;
  prepared: PreparedRun;
  engine: Engine;
  steps: StepMetric[];
  evals: EvalMetric[];
  record: runs.RunRecord;
  mean: RGB;
  std: RGB;
  family: FamilyName;
}

export class Trainer implements TrainerApi {
  private backend?: Backend;
  private choice: BackendChoice = 'auto';
  private deviceLost?: string;
  private checkpoint?: { name: string; tensors: Map<string, HostTensor>; family: FamilyName; preset?: Preset; recorded?: ModelMetadata };
  private download?: AbortController;
  private data?: { ds: Dataset; summary: DatasetSummary };
  private run?: ActiveRun;
  private paused = false;
  private stopRequested = false;
  private wake: () => void = () => {};
  /** Serialises engine use between the loop and predict() (one ORT run at a time). */
  private lock: Promise<unknown> = Promise.resolve();

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  async init(choice: BackendChoice): Promise<BackendInfo> {
    this.choice = choice;
    this.backend = await chooseBackend(choice, configureOrt(false));
    this.deviceLost = undefined;
    if (this.backend.device) configureOrt(true);
    this.backend.device?.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      // stop the loop; the run keeps its last checkpoint (saved at every evaluation and pause)
      this.deviceLost = `The GPU device was lost (${info.message || 'the driver reset it'}).`;
      this.stopRequested = true;
      this.wake();
    });
    return this.backend.info;
  }

  async loadModel(src: ModelSource, onProgress?: (p: Progress) => void): Promise<ModelInfo> {
    let name = src.kind === 'demo' ? 'demo ViT (depth 2, width 64)' : src.name;
    let preset: Preset | undefined;
    let bytes: Uint8Array | undefined;
    if (src.kind === 'preset') {
      preset = resolvePreset(src.name);
      if (!preset) throw new Error(`unknown preset ${src.name}`);
      if (preset.unavailable) throw new Error(`${preset.name} is unavailable: ${preset.unavailable}`);
      if (!SUPPORTED_FAMILIES.has(preset.family)) throw new Error(`${preset.name}: the ${preset.family} family is not supported by this build yet`);
      this.download?.abort();
      const download = (this.download = new AbortController());
      bytes = await fetchCached(presetUrl(preset), preset.name, (done, total) => onProgress?.({ task: 'download', done, total, detail: preset!.name }), download.signal);
      name = preset.name;
    } else if (src.kind === 'bytes') {
      bytes = src.bytes;
    }
    const file = bytes
      ? readSafetensorsWithMetadata(bytes, name, (done, total) => onProgress?.({ task: 'load model', done, total, detail: 'converting to float32' }))
      : undefined;
    const tensors = file?.tensors ?? makeTinyVit({ ...DEMO_MODEL, seed: 0 });
    // a model exported by vfm-lab records its family, heads, norms and SAM window
    const recorded = file ? parseMetadata(file.metadata) : undefined;
    const family = preset?.family ?? recorded?.family ?? detectFamily(tensors.keys());
    // refuse a file that does not fit its family now, naming the keys, not at Start
    const config = family === 'eva02' || family === 'sam'
      ? loadFamilyModel(tensors, name, { numClasses: 1, crop: 64, family, patchSize: 16, heads: recorded?.heads }).config
      : inferConfig(tensors, name, { numClasses: 1, crop: 0, family, heads: recorded?.heads });
    if (family !== 'eva02' && family !== 'sam') checkKeys(tensors, config, name);
    this.checkpoint = { name, tensors, family, preset, recorded }; // replaced only once the new one is readable
    const numParams = [...tensors.values()].reduce((s, t) => s + t.data.length, 0);
    return { name, family, embedDim: config.embedDim, depth: config.depth, heads: config.heads, patchSize: config.patchSize, numParams };
  }

  async cancelDownload(): Promise<void> {
    this.download?.abort();
  }

  async loadDataset(src: DatasetSource, onProgress?: (p: Progress) => void): Promise<DatasetInfo> {
    const source = src.kind === 'demo' ? demoSource(0) : src.kind === 'zip' ? zipSource(src.name, src.bytes) : memorySource(src.name, src.files);
    const ds = await openDataset(source);
    const summary = await validateDataset(ds, (done, total) => onProgress?.({ task: 'validate', done, total, detail: ds.name }));
    this.data = { ds, summary }; // only replaced once the new dataset is fully valid
    return { name: ds.name, format: ds.format, classes: ds.classes, trainCount: ds.train.length, valCount: ds.val.length };
  }

  async start(config: TrainConfig, cb: TrainerCallbacks, resumeFrom?: { runId: string }): Promise<void> {
    if (!this.backend) throw new Error('the worker is not initialised');
    if (this.deviceLost) await this.init(this.choice); // a fresh device after a loss
    if (!this.checkpoint) throw new Error('choose a model first');
    if (!this.data) throw new Error('choose a dataset first');
    if (this.run && !this.stopRequested && this.run.record.status === 'running') throw new Error('a run is already in progress');
    const { ds } = this.data;
    this.paused = false;
    this.stopRequested = false;
    cb.onState('preparing');
    try {
      cb.onProgress({ task: 'compile', done: 0, total: 1, detail: 'building the train-step and eval graphs' });
      const { family, preset, recorded } = this.checkpoint;
      const prepared = prepareRun(this.checkpoint.tensors, this.checkpoint.name, ds.classes.length, {
        ...config, family, trainImages: ds.train.length, heads: recorded?.heads, act: recorded?.act, normEps: recorded?.normEps, windowSize: recorded?.windowSize,
      });
      const { mean, std } = recorded ?? normalisationFor(family, preset); // a vfm-lab model keeps the normalisation it was trained with
      cb.onProgress({ task: 'compile', done: 1, total: 1 });
      cb.onNotices(prepared.model.notices);

      let startStep = 0;
      let steps: StepMetric[] = [];
      let evals: EvalMetric[] = [];
      let optimizer;
      let record: runs.RunRecord = {
        id: `run-${Date.now().toString(36)}`, createdAt: Date.now(), modelName: this.checkpoint.name, datasetName: ds.name,
        config, savedStep: 0, status: 'running',
      };
      if (resumeFrom) {
        const saved = await runs.loadCheckpoint(resumeFrom.runId);
        const old = (await runs.listRuns()).find((r) => r.id === resumeFrom.runId);
        if (!saved?.optimizer || !old) throw new Error(`run ${resumeFrom.runId} has no saved checkpoint and optimizer state to resume from`);
        const weights = readSafetensorsWithMetadata(saved.model, `${resumeFrom.runId}/model.safetensors`).tensors;
        for (const [k, t] of weights) if (prepared.model.weights.has(k)) prepared.model.weights.set(k, t);
        optimizer = decodeOptimizerState(saved.optimizer);
        ({ steps, evals } = await runs.loadMetrics(resumeFrom.runId));
        startStep = old.savedStep;
        steps = steps.filter((s) => s.step <= startStep);
        evals = evals.filter((e) => e.step <= startStep);
        record = { ...old, config, status: 'running' };
      }
      const engine = this.serialised(await this.createEngine(prepared, config, cb));
      if (optimizer) await engine.restoreOptimizerState(optimizer);
      this.run = { id: record.id, config, prepared, engine, steps, evals, record, mean, std, family };
      await runs.saveRecord(record);

      const batchOptions = { batch: config.batch, crop: config.crop, augment: config.augment, shuffle: config.shuffle, seed: config.seed, mean, std };
      const batches = prepared.extractor
        ? await FeatureCache.build(await this.runnerFor(prepared.extractor), prepared.model.weights, ds, batchOptions,
          (done, total) => cb.onProgress({ task: 'features', done, total, detail: 'caching encoder features for the linear probe' }))
        : new BatchStream(ds, batchOptions);
      cb.onState('running');
      const { stoppedAt } = await trainLoop(engine, config, {
        batch: (i) => batches.batch(i),
        evaluate: async (step) => {
          const r = await evaluateDataset(engine, ds, { crop: config.crop, batch: config.batch, mean, std, onImage: (d, n) => cb.onProgress({ task: 'eval', done: d, total: n }) });
          return { step, mIoU: r.mIoU, perClassIoU: r.perClassIoU };
        },
        onStep: (m) => {
          steps.push(m);
          cb.onStep(m);
        },
        onEval: async (m) => {
          evals.push(m);
          cb.onEval(m);
          await this.save(m.step, 'running');
        },
        checkpoint: async (t) => {
          if (this.paused && !this.stopRequested) {
            await this.save(t, 'paused');
            cb.onState('paused');
            await new Promise<void>((resolve) => (this.wake = resolve));
            if (!this.stopRequested) cb.onState('running');
          }
          return this.stopRequested ? 'stop' : 'continue';
        },
      }, startStep);
      if (this.deviceLost) throw new Error(this.deviceLost);
      const finished = stoppedAt >= config.steps;
      await this.save(stoppedAt, finished ? 'finished' : 'stopped');
      cb.onState(finished ? 'finished' : 'stopped');
    } catch (e) {
      let message = explainOutOfMemory((e as Error).message ?? String(e), this.backend?.device ? 'GPU' : 'wasm', config);
      if (this.deviceLost && message !== this.deviceLost) message = `${this.deviceLost} ${message}`;
      if (this.run) {
        // the engine may be unusable (e.g. a lost device): keep the last checkpoint, mark the run resumable
        this.run.record = { ...this.run.record, status: 'interrupted' };
        await runs.saveRecord(this.run.record).catch(() => undefined);
        message += ` The run is saved at step ${this.run.record.savedStep}: resume it from Saved runs.`;
      }
      cb.onState('error', message);
    }
  }

  /** A host-memory runner on the current backend (used once, for the feature cache). */
  private async runnerFor(graph: CompiledGraph) {
    const device = this.backend?.device;
    const runner = device ? await createWebGpuRunner(graph, device) : await createWasmRunner(graph);
    return { run: (feeds: Record<string, HostArray>, outputs?: string[]) => this.exclusive(() => runner.run(feeds, outputs)) };
  }

  /** onnxruntime-web runs one session at a time: every engine call (loop, eval, predict, save) queues here. */
  private serialised(e: Engine): Engine {
    const q = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A) => this.exclusive(() => fn.apply(e, a));
    return {
      accumulate: q(e.accumulate), update: q(e.update), logits: q(e.logits), weights: q(e.weights),
      optimizerState: q(e.optimizerState), restoreOptimizerState: q(e.restoreOptimizerState), release: q(e.release),
    };
  }

  private async createEngine(p: PreparedRun, c: TrainConfig, cb: TrainerCallbacks): Promise<Engine> {
    const hyper = { lrHead: c.lrHead, lrEncoder: c.lrEncoder, weightDecay: c.weightDecay };
    const device = this.backend?.device;
    if (device) {
      const estimate = estimateMemory(p.trainGraph.manifest, c.accum);
      checkFits(estimate, device.limits, c);
      cb.onProgress({ task: 'compile', done: 1, total: 1, detail: `GPU memory estimate ${formatBytes(estimate.totalBytes)}` });
      return GpuEngine.create(device, p.trainGraph, p.evalGraph, p.model.weights, { ...hyper, accum: c.accum });
    }
    const [train, evaluate] = [await createWasmRunner(p.trainGraph), await createWasmRunner(p.evalGraph)];
    const input = p.extractor ? 'features' : 'image';
    // the host engine updates in place: give it a copy, so the loaded checkpoint stays as loaded for the next run
    const weights = new Map([...p.model.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
    return new HostEngine(train, evaluate, weights, p.trainable, hyper, input);
  }

  private async save(step: number, status: runs.RunRecord['status']): Promise<void> {
    const r = this.run;
    if (!r) return;
    const { ds } = this.data!;
    const [weights, optimizer] = [await r.engine.weights(), await r.engine.optimizerState()];
    await runs.saveCheckpoint(r.id, writeSafetensors(weights, metadataOf(r.prepared.model, ds.classes, r.config.crop, r.mean, r.std, r.family)), encodeOptimizerState(optimizer));
    await runs.saveMetrics(r.id, { steps: r.steps, evals: r.evals });
    r.record = { ...r.record, savedStep: step, status };
    await runs.saveRecord(r.record);
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wake();
  }

  async predict(valIndex: number): Promise<Prediction> {
    if (!this.data) throw new Error('choose a dataset first');
    const engine = this.run?.engine;
    if (!engine) {
      // before any run: the image and its ground truth, no prediction yet (255 = nothing drawn)
      const { ds } = this.data;
      const s = await readSample(ds, ds.val[Math.min(Math.max(0, valIndex), ds.val.length - 1)]);
      return { index: valIndex, width: s.width, height: s.height, image: s.image, label: s.mask, prediction: new Uint8Array(s.mask.length).fill(255) };
    }
    return this.predictWith((x) => engine.logits(x), this.run!.config, this.run!, valIndex);
  }

  private async predictWith(logits: (x: Float32Array) => Promise<Float32Array>, config: TrainConfig, norm: { mean: RGB; std: RGB }, valIndex: number): Promise<Prediction> {
    const { ds } = this.data!;
    if (valIndex < 0 || valIndex >= ds.val.length) throw new Error(`validation image ${valIndex} does not exist (0…${ds.val.length - 1})`);
    const sample = await readSample(ds, ds.val[valIndex]);
    const pixels = sample.width * sample.height;
    const chw = new Float32Array(3 * pixels);
    normalizeInto(chw, 0, sample.image, pixels, norm.mean, norm.std);
    const scores = await slidingLogits({ chw, height: sample.height, width: sample.width, label: sample.mask }, config.crop, config.batch, ds.classes.length, logits);
    return { index: valIndex, width: sample.width, height: sample.height, image: sample.image, label: sample.mask, prediction: argmaxClasses(scores, ds.classes.length, pixels) };
  }

  async predictWithRun(runId: string, valIndex: number): Promise<Prediction> {
    const saved = await runs.loadCheckpoint(runId);
    const record = (await runs.listRuns()).find((r) => r.id === runId);
    if (!saved || !record) throw new Error(`run ${runId} has no saved checkpoint`);
    const { tensors, metadata } = readSafetensorsWithMetadata(saved.model, `${runId}/model.safetensors`);
    const meta = parseMetadata(metadata);
    const numClasses = tensors.get('seg_head.weight')?.shape[0] ?? 0;
    if (numClasses !== this.data?.ds.classes.length) throw new Error(`run ${runId} was trained for ${numClasses} classes; the current dataset has ${this.data?.ds.classes.length}`);
    const prepared = prepareRun(tensors, runId, numClasses, { ...record.config, freeze: 'encoder', family: meta?.family, act: meta?.act, normEps: meta?.normEps, heads: meta?.heads, windowSize: meta?.windowSize });
    const evalRunner = await createWasmRunner(prepared.evalGraph);
    const feeds = Object.fromEntries([...prepared.model.weights].map(([k, t]) => [k, t.data]));
    const norm = { mean: meta?.mean ?? IMAGENET_MEAN, std: meta?.std ?? IMAGENET_STD };
    return this.predictWith(async (x) => (await evalRunner.run({ ...feeds, image: x }, ['logits'])).logits.data as Float32Array, record.config, norm, valIndex);
  }

  async exportModel(): Promise<Uint8Array> {
    if (!this.run) throw new Error('nothing to export yet: start a run');
    const weights = await this.run.engine.weights();
    return writeSafetensors(weights, metadataOf(this.run.prepared.model, this.data!.ds.classes, this.run.config.crop, this.run.mean, this.run.std, this.run.family));
  }

  async exportEvalOnnx(): Promise<Uint8Array> {
    if (!this.run) throw new Error('nothing to export yet: start a run');
    return this.run.prepared.evalGraph.onnx;
  }

  async thumbnails(size: number): Promise<Thumbnail[]> {
    if (!this.data) return [];
    const { ds } = this.data;
    const out: Thumbnail[] = [];
    for (const ref of ds.val.slice(0, 32)) {
      const s = await readSample(ds, ref);
      const k = size / Math.max(s.width, s.height);
      const width = Math.max(1, Math.round(s.width * k)), height = Math.max(1, Math.round(s.height * k));
      out.push({ width, height, data: resizeRgb(s.image, s.height, s.width, height, width) });
    }
    return out;
  }

  async listRuns(): Promise<RunSummary[]> {
    const all = await runs.listRuns();
    // a run still marked running after a reload was interrupted
    return all.map((r) => (r.status === 'running' && r.id !== this.run?.id ? { ...r, status: 'interrupted' } : r));
  }

  async runMetrics(runId: string) {
    return runs.loadMetrics(runId);
  }

  async importRun(name: string, bytes: Uint8Array, config: TrainConfig): Promise<RunSummary> {
    if (!this.data) throw new Error('choose a dataset first: an imported model is compared on its validation images');
    const { ds } = this.data;
    const { tensors, metadata } = readSafetensorsWithMetadata(bytes, name);
    const head = tensors.get('seg_head.weight');
    if (!head) throw new Error(`${name}: no seg_head (linear decoder), so it cannot segment: train it first (here, or with vfm-lab train)`);
    if (head.shape[0] !== ds.classes.length) throw new Error(`${name} predicts ${head.shape[0]} classes; the current dataset (${ds.name}) has ${ds.classes.length}`);
    const meta = parseMetadata(metadata);
    const family = meta?.family ?? detectFamily(tensors.keys());
    const crop = meta?.crop ?? config.crop;
    // refuse now, naming the keys, what would fail at comparison time
    const model = loadFamilyModel(tensors, name, { family, numClasses: ds.classes.length, crop, heads: meta?.heads, act: meta?.act, normEps: meta?.normEps, windowSize: meta?.windowSize });
    const { mean, std } = meta ?? normalisationFor(family);
    // saved like a run's checkpoint: weights at this crop, with what predicting needs recorded
    const saved = meta ? bytes : writeSafetensors(model.weights, metadataOf(model, ds.classes, crop, mean, std, family));
    const record: RunSummary = {
      id: `import-${Date.now().toString(36)}`, createdAt: Date.now(), modelName: name, datasetName: ds.name,
      config: { ...config, crop }, savedStep: 0, status: 'imported',
    };
    await runs.saveCheckpoint(record.id, saved);
    await runs.saveRecord(record);
    return record;
  }

  async deleteRun(runId: string): Promise<void> {
    if (runId === this.run?.id) throw new Error('stop the run before deleting it');
    await runs.deleteRun(runId);
  }
}
