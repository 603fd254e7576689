/**
 * @file The training worker's object (exposed with comlink by trainer.worker.ts): a run's
 * lifecycle on one screen. It owns the backend, the loaded model and dataset, at most one run
 * and the saved runs' eval runners; loading (./loading), saving (./runs, ./run) and
 * predictions (./predictor) live in their own modules.
 */
import { transfer } from 'comlink';
import { BatchStream } from '../data/batches';
import { trainLoop } from '../train/loop';
import { windowsOf } from '../train/evaluate';
import { sameClasses } from '../train/classes';
import { recipeOptions } from '../train/rules';
import { FeatureCache, evaluateDataset } from '../train/session';
import { explainOutOfMemory } from '../runtime/memory';
import { liveResources } from '../runtime/resources';
import type {
  BackendChoice, BackendInfo, CrossEvalResult, DatasetInfo, DatasetSource, LensResult, LensSource, LiveResources, MemoryPlanInfo, ModelInfo, ModelSource, OpenedRun, PhotoFeatures,
  PhotoPixels, Prediction, Progress, Proposal, RunSummary, StorageReport, TrainConfig, TrainerApi, TrainerCallbacks,
} from './api';
import { Exclusive, yieldToMessages, type Compute, type ComputeFactory } from './compute';
import { Lifecycle } from './lifecycle';
import { loadCheckpoint, loadData, type FetchBytes, type LoadedCheckpoint, type LoadedData } from './loading';
import { groundTruth, predictImage, SavedModels, thumbnails } from './predictor';
import { planMemory } from './plan';
import { buildRun, runRules } from './prepare';
import type { Run } from './run';
import { RunStore, runName } from './runs';
import { importModel } from './import';
import { evaluateRunOn, latestCross, lensOn, loadedBackbone, runBackbone } from './lens';
import { photoFeatures, propose } from './label';

export interface TrainerDeps {
  compute: ComputeFactory;
  store: RunStore;
  fetchBytes: FetchBytes;
  /** The downloaded-model cache, for the storage panel. */
  cache: { list(): Promise<{ url: string; bytes: number }[]>; remove(url: string): Promise<void> };
}

export class Trainer implements TrainerApi {
  private compute?: Compute;
  private choice: BackendChoice = 'auto';
  private deviceLost?: string;
  private checkpoint?: LoadedCheckpoint;
  /** The model as the user loaded it (a resumed run swaps `checkpoint` for its own weights while it runs): the lens's "before". */
  private pretrained?: LoadedCheckpoint;
  private data?: LoadedData;
  private download?: AbortController;
  private run?: Run;
  /** The saved run the viewer shows as "this run" when none is training (the last one, or one reopened). */
  private shown?: string;
  private cb?: TrainerCallbacks;
  private readonly life = new Lifecycle((state, message) => this.cb?.onState(state, message));
  private pauseRequested = false;
  private stopRequested = false;
  private wake: () => void = () => {};
  private readonly queue = new Exclusive();
  private readonly saved: SavedModels;

  constructor(private readonly deps: TrainerDeps) {
    this.saved = new SavedModels(deps.store, this.queue, () => this.backend());
  }

  private backend(): Compute {
    if (!this.compute) throw new Error('the worker is not initialised');
    return this.compute;
  }

  async init(choice: BackendChoice): Promise<BackendInfo> {
    this.life.refuseWhileActive('changing the backend');
    return this.connect(choice);
  }

  /** A fresh backend (at init, and after a lost device); subscribes to its loss. */
  private async connect(choice: BackendChoice): Promise<BackendInfo> {
    await this.saved.releaseAll(); // runners live on the old backend
    this.choice = choice;
    const compute = (this.compute = await this.deps.compute(choice));
    this.deviceLost = undefined;
    void compute.lost.then((message) => {
      if (this.compute !== compute) return;
      // stop at the next step; the run keeps its last save (every evaluation and pause)
      this.deviceLost = message;
      this.stopRequested = true;
      this.wake();
    });
    return compute.info;
  }

  async loadModel(src: ModelSource, onProgress?: (p: Progress) => void): Promise<ModelInfo> {
    this.life.refuseWhileActive('changing the model');
    this.download?.abort();
    const download = (this.download = new AbortController());
    const loaded = await loadCheckpoint(src, this.deps.fetchBytes, download.signal, onProgress);
    this.life.refuseWhileActive('changing the model'); // a run may have started during the download
    this.checkpoint = this.pretrained = loaded; // replaced only once the new one is readable
    await this.showRun(undefined);
    return loaded.info;
  }

  async cancelDownload(): Promise<void> {
    this.download?.abort();
  }

  async loadDataset(src: DatasetSource, onProgress?: (p: Progress) => void): Promise<DatasetInfo> {
    this.life.refuseWhileActive('changing the dataset');
    const loaded = await loadData(src, onProgress);
    this.life.refuseWhileActive('changing the dataset');
    this.data = loaded; // only replaced once the new dataset is fully valid
    await this.showRun(undefined);
    return loaded.info;
  }

  async start(config: TrainConfig, cb: TrainerCallbacks, resumeFrom?: { runId: string }): Promise<void> {
    this.life.refuseWhileActive('starting another run');
    if (this.deviceLost) await this.connect(this.choice); // a fresh device after a loss
    const compute = this.backend();
    this.cb = cb;
    this.pauseRequested = this.stopRequested = false;
    this.life.to('preparing');
    let run: Run | undefined;
    // a resumed run trains its own saved weights; the user's loaded model comes back when it ends, or
    // the next Start would fine-tune the run's partly trained weights under the original model's name
    const loaded = this.checkpoint;
    try {
      const ready = await buildRun({ compute, queue: this.queue, store: this.deps.store, checkpoint: this.checkpoint, data: this.data, config, cb, resumeFrom: resumeFrom?.runId });
      // assigned before the callback: `cb.onModel?.(…)` skips evaluating its argument when there is no callback
      if (ready.checkpoint !== this.checkpoint) {
        this.checkpoint = ready.checkpoint;
        cb.onModel?.(ready.checkpoint.info);
      }
      if (ready.data !== this.data) {
        this.data = ready.data;
        cb.onDataset?.(ready.data.info);
      }
      run = this.run = ready.run;
      cb.onRun?.(run.record.id); // a queue records the id at once: a reload before the first save can still resume it
      await this.showRun(undefined);
      await this.train(run, cb);
    } catch (e) {
      let message = explainOutOfMemory((e as Error).message ?? String(e), compute.where, config);
      if (this.deviceLost && message !== this.deviceLost) message = `${this.deviceLost} ${message}`;
      if (run) {
        // the engine may be unusable (e.g. a lost device): the last save stays, the run is resumable
        await run.release().catch((r) => console.warn(`releasing the failed run's engine: ${(r as Error).message}`));
        await run.setStatus('interrupted').catch(() => undefined);
        message += ` The run is saved at step ${(await this.deps.store.record(run.record.id))?.savedStep ?? 0}: resume it from Saved runs.`;
      }
      if (this.deviceLost) {
        // a new device at once, so that Resume is the one click left to continue
        message += await this.connect(this.choice).then((info) => ` A new ${info.backend === 'webgpu' ? 'GPU device' : 'wasm backend'} is ready.`, (r) => ` Re-creating the device failed too (${(r as Error).message}): reload the page.`);
      }
      this.life.to('error', message);
    } finally {
      await run?.release();
      // the ended run stays the viewer's "this run" when there is a save (a resumed run always has one)
      if (run && (run.savedAt !== undefined || run.startStep > 0)) this.shown = run.record.id;
      if (resumeFrom && loaded && this.checkpoint !== loaded) {
        this.checkpoint = loaded;
        cb.onModel?.(loaded.info);
      }
    }
  }

  /** The loop, from the run's first step to finished / stopped (errors go to start's catch). */
  private async train(run: Run, cb: TrainerCallbacks): Promise<void> {
    const { config, prepared, ds, engine } = run;
    // the recipe's augmentation and evaluation windows, through the same function as the CLI
    const parts = recipeOptions(runRules(run.record), { ...config, ...run.norm });
    const options = parts.batches;
    let batches: { batch(i: number): Promise<{ images: Float32Array; labels: Int32Array }> };
    if (prepared.extractor) {
      const extractor = this.queue.runner(await this.queue.run(() => this.backend().createRunner(prepared.extractor!, 'backend')));
      try {
        batches = await FeatureCache.build(extractor, prepared.model.weights, ds, options,
          (done, total) => cb.onProgress({ task: 'features', done, total, detail: 'caching encoder features for the linear probe' }));
      } finally {
        await extractor.release();
      }
    } else {
      batches = new BatchStream(ds, options);
    }
    if (this.stopRequested) return this.end(run, run.startStep, 'stopped');
    this.life.to('running');
    const { stoppedAt } = await trainLoop(engine, config, {
      batch: (i) => batches.batch(i),
      evaluate: async (step) => {
        const r = await evaluateDataset(engine, ds, { ...parts.evaluation, onImage: (d, n) => cb.onProgress({ task: 'eval', done: d, total: n }) });
        return { step, mIoU: r.mIoU, perClassIoU: r.perClassIoU };
      },
      onStep: (m) => {
        run.rows.push(m);
        cb.onStep(m);
      },
      onEval: async (m) => {
        run.rows.push(m);
        await run.save(m.step, 'running'); // saved first: whoever hears of the evaluation can list the run at this step
        cb.onEval(m);
      },
      checkpoint: async (t, flush) => {
        await yieldToMessages(); // Pause, Stop and predictions are handled between steps
        if (this.pauseRequested && !this.stopRequested) {
          await flush(); // the last step's loss joins the rows before they are saved
          await run.save(t, 'paused');
          this.life.to('paused');
          run.clock.pause(); // a paused run's wall time stands still
          await new Promise<void>((resolve) => (this.wake = resolve));
          run.clock.resume();
          if (!this.stopRequested) this.life.to('running');
        }
        return this.stopRequested ? 'stop' : 'continue';
      },
    }, run.startStep);
    if (this.deviceLost) throw new Error(this.deviceLost);
    await this.end(run, stoppedAt, stoppedAt >= config.steps ? 'finished' : 'stopped');
  }

  private async end(run: Run, step: number, how: 'finished' | 'stopped'): Promise<void> {
    await run.save(step, how);
    this.life.to(how);
  }

  async pause(): Promise<void> {
    if (this.life.state === 'running') this.pauseRequested = true;
  }

  async resume(): Promise<void> {
    if (this.life.state !== 'paused') return;
    this.pauseRequested = false;
    this.wake();
  }

  async stop(): Promise<void> {
    if (!this.life.can('stopping')) return;
    this.stopRequested = true;
    this.life.to('stopping');
    this.wake();
  }

  /** The viewer's "this run" when no run is training: a saved run, or none. */
  private async showRun(runId: string | undefined): Promise<void> {
    if (this.shown && this.shown !== runId) await this.saved.release(this.shown);
    this.shown = runId;
  }

  /** Makes a saved run the viewer's "this run" (predictions, exports), with its own kept dataset when asked; refused while a run is active. */
  async openRun(runId: string, ownDataset = false): Promise<OpenedRun> {
    this.life.refuseWhileActive('opening another run');
    const record = await this.deps.store.record(runId);
    const name = record ? `“${runName(record)}”` : `run ${runId}`;
    if (record && record.status !== 'imported' && record.savedStep === 0) {
      // a page reloaded before the run's first save: its charts come back, its weights never were saved
      await this.showRun(undefined);
      return { notice: `the run ${name} was interrupted before its first save: its charts are shown, but there are no weights to predict with or resume from` };
    }
    const trained = record?.dataset;
    let dataset: DatasetInfo | undefined;
    if (ownDataset && trained?.kept && this.data?.identity.fingerprint !== trained.fingerprint) {
      const before = this.data;
      const kept = await this.deps.store.keptDataset(runId);
      const data = kept && (await loadData({ kind: 'zip', name: trained.name, bytes: kept }));
      this.life.refuseWhileActive('opening another run');
      // a dataset the user loaded meanwhile stays: the notice below says what the run needs
      if (data && data.identity.fingerprint === trained.fingerprint && this.data === before) {
        this.data = data;
        dataset = data.info;
      }
    }
    const now = this.data?.identity;
    if (trained && now?.fingerprint !== trained.fingerprint) {
      const wanted = `${trained.name} (${trained.classes.length} classes: ${trained.classes.join(', ')})`;
      if (!now || !sameClasses(trained.classes, now.classes)) {
        await this.showRun(undefined);
        return { notice: `${name} was trained on ${wanted}: load ${trained.name} to see the run's predictions` };
      }
      await this.showRun(runId);
      return { notice: `${name} was trained on ${trained.name}; its predictions are shown on ${now.name}, which has the same classes` };
    }
    await this.showRun(runId);
    return dataset ? { dataset } : {};
  }

  async predict(valIndex: number): Promise<Prediction> {
    const data = this.data;
    if (!data) throw new Error('choose a dataset first');
    const run = this.life.active ? this.run : undefined;
    if (run && this.life.state !== 'preparing') return run.use((engine) => predictImage(data.ds, valIndex, (x) => engine.logits(x), run.config, run.norm, windowsOf(runRules(run.record))));
    if (!this.shown || this.life.active) return groundTruth(data.ds, valIndex);
    return this.predictWithRun(this.shown, valIndex);
  }

  async predictWithRun(runId: string, valIndex: number): Promise<Prediction> {
    const ds = this.data?.ds;
    return this.saved.use(runId, async (m) => {
      if (m.numClasses !== ds?.classes.length) throw new Error(`run ${runId} was trained for ${m.numClasses} classes; the current dataset has ${ds?.classes.length}`);
      return predictImage(ds, valIndex, m.logits, m.config, m.norm, m.windows);
    });
  }

  async exportModel(): Promise<Uint8Array> {
    if (this.run && this.life.active) return this.run.modelFile();
    if (!this.shown) throw new Error('nothing to export yet: start a run or open a saved one');
    const saved = await this.deps.store.loadCheckpoint(this.shown);
    if (!saved) throw new Error(`run ${this.shown} has no saved checkpoint`);
    return saved.model;
  }

  async exportEvalOnnx(): Promise<Uint8Array> {
    if (this.run && this.life.active) return this.run.prepared.evalGraph.onnx;
    if (!this.shown) throw new Error('nothing to export yet: start a run or open a saved one');
    return this.saved.use(this.shown, async (m) => m.prepared.evalGraph.onnx);
  }

  async thumbnails(size: number, from?: number, count?: number) {
    return this.data ? thumbnails(this.data.ds, size, from, count) : [];
  }

  async listRuns(): Promise<RunSummary[]> {
    const all = await this.deps.store.listRuns();
    // a run still marked running after a reload was interrupted
    const live = this.life.active ? this.run?.record.id : undefined;
    return Promise.all(all.map(async (r) => {
      // unreadable metrics only cost the score in the list
      const mIoU = r.status === 'imported' ? undefined : await this.deps.store.lastMIoU(r.id).catch(() => undefined);
      const status = r.status === 'running' && r.id !== live ? 'interrupted' : r.status;
      const crossDataset = await latestCross(this.deps.store, r);
      return { ...r, status, ...(mIoU === undefined ? {} : { mIoU }), ...(crossDataset ? { crossDataset } : {}) };
    }));
  }

  async runMetrics(runId: string) {
    return this.deps.store.loadMetrics(runId);
  }

  async importRun(name: string, bytes: Uint8Array, config: TrainConfig): Promise<RunSummary> {
    if (!this.data) throw new Error('choose a dataset first: an imported model is compared on its validation images');
    return importModel(this.deps.store, this.data.ds, name, bytes, config);
  }

  async deleteRun(runId: string): Promise<void> {
    if (this.life.active && runId === this.run?.record.id) throw new Error('stop the run before deleting it');
    await this.saved.release(runId);
    if (this.shown === runId) this.shown = undefined;
    await this.deps.store.deleteRun(runId);
  }

  async memoryPlan(config: TrainConfig): Promise<MemoryPlanInfo | undefined> {
    return this.checkpoint && this.data ? planMemory(this.checkpoint, this.data, config, this.compute?.where) : undefined;
  }

  async renameRun(runId: string, name: string): Promise<void> {
    await this.deps.store.rename(runId, name);
  }

  async storage(): Promise<StorageReport> {
    const records = new Map((await this.deps.store.listRuns()).map((r) => [r.id, r]));
    const runs = (await this.deps.store.sizes()).map(({ id, bytes }) => {
      const r = records.get(id);
      return { id, bytes, label: r ? `${r.modelName} · ${r.datasetName} · step ${r.savedStep}` : `${id} (unreadable)` };
    });
    const models = (await this.deps.cache.list()).map(({ url, bytes }) => ({ url, bytes, label: decodeURIComponent(url.split('/').slice(3, 5).join('/')) }));
    return { runs, models, ...(await this.deps.store.estimate()) };
  }

  async deleteCachedModel(url: string): Promise<void> {
    await this.deps.cache.remove(url);
  }

  async featureLens(source: LensSource, valIndex: number): Promise<LensResult> {
    const data = this.data;
    if (!data) throw new Error('choose a dataset first: the lens looks at its validation images');
    let backbone;
    if (source.kind === 'run') backbone = await runBackbone(this.deps.store, source.runId);
    else if (this.pretrained) backbone = loadedBackbone(this.pretrained, source.crop);
    else throw new Error('choose a model first');
    // one session per call, created in turn with every other (onnxruntime-web runs one at a time)
    const lens = await lensOn(backbone, data.ds, valIndex, async (g) => this.queue.runner(await this.queue.run(() => this.backend().createRunner(g, 'backend'))));
    return transfer(lens, [lens.features.buffer, lens.rgb.buffer]); // moved to the page, not copied
  }

  async proposeFor(photo: PhotoPixels): Promise<Proposal> {
    const run = this.life.active ? this.run : undefined;
    let proposal: Proposal;
    if (run && this.life.state !== 'preparing') {
      proposal = await run.use((engine) => propose(photo, { logits: (x) => engine.logits(x), config: run.config, norm: run.norm, windows: windowsOf(runRules(run.record)), numClasses: run.ds.classes.length }));
    } else if (this.shown && !this.life.active) {
      proposal = await this.saved.use(this.shown, (m) => propose(photo, { logits: m.logits, config: m.config, norm: m.norm, windows: m.windows, numClasses: m.numClasses }));
    } else {
      throw new Error('no trained run to propose with: train on the labelled images first (Use for training, then Start)');
    }
    return transfer(proposal, [proposal.prediction.buffer]);
  }

  async photoFeatures(photo: PhotoPixels, crop: number): Promise<PhotoFeatures> {
    if (!this.pretrained) throw new Error('choose a model first: similar patches compare its features');
    const f = await photoFeatures(photo, loadedBackbone(this.pretrained, crop), async (g) => this.queue.runner(await this.queue.run(() => this.backend().createRunner(g, 'backend'))));
    return transfer(f, [f.features.buffer]);
  }

  async evaluateRunOn(runId: string, onProgress?: (p: Progress) => void): Promise<CrossEvalResult> {
    return evaluateRunOn(this.deps.store, runId, this.data, (fn) => this.saved.use(runId, fn), onProgress);
  }

  async liveResources(): Promise<LiveResources> {
    return liveResources();
  }

  async releaseAll(): Promise<void> {
    await this.saved.releaseAll();
  }
}
