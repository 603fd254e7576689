/**
 * @file The `preparing` state: a new run from the loaded model and dataset, or a saved run
 * rebuilt from itself — its full saved weights, its recipe, its classes, and its own dataset
 * (kept with the run, or the one loaded now only when its fingerprint matches). Nothing is
 * written until the run is whole, so a failed Start leaves every saved run as it was; an engine
 * created before a failure is released here.
 */
import type { Dataset, SampleRef } from '../data/dataset';
import type { ModelMetadata, ModelSettings } from '../train/session';
import { normalisationFor, parseMetadata, prepareRun, recordedArchitecture } from '../train/session';
import { readSafetensorsWithMetadata } from '../model/safetensors';
import { detectFamily } from '../model/families';
import type { RecipeRules } from '../train/recipe';
import { applyLabelFilter, describeDropped, describeRules, recipeOptions, rulesOf, type RecipeOptions } from '../train/rules';
import { sameClasses } from '../train/classes';
import type { Engine } from '../train/engine';
import type { RunSummary, TrainConfig, TrainerCallbacks } from './api';
import type { Compute, Exclusive } from './compute';
import { loadData, type LoadedCheckpoint, type LoadedData } from './loading';
import { checkOptimizerState, decodeOptimizerState } from './optimizer-state';
import { Run, WallClock } from './run';
import { WASM_HEAP_BYTES, estimateMemory } from '../runtime/memory';
import { runName, type MetricRow, type RunStore } from './runs';

export interface BuildRequest {
  compute: Compute;
  /** Every engine call of the run goes through this queue (shared with predictions). */
  queue: Exclusive;
  store: RunStore;
  checkpoint?: LoadedCheckpoint;
  data?: LoadedData;
  config: TrainConfig;
  cb: TrainerCallbacks;
  resumeFrom?: string;
}

/** The run, and the model and dataset it trains (a resumed run brings back its own). */
export interface Built {
  run: Run;
  checkpoint: LoadedCheckpoint;
  data: LoadedData;
}

export async function buildRun(q: BuildRequest): Promise<Built> {
  return q.resumeFrom ? resume(q, q.resumeFrom) : fresh(q);
}

/** The rules a run follows: those it recorded, else its recipe's (a run saved before recipes: the demo's). */
/** The pixel normalisation a new run takes: a vfm-lab model keeps its recorded one, others their family's. */
export const freshNorm = (c: LoadedCheckpoint) => c.recorded ?? normalisationFor(c.family, c.preset);

export function runRules(record: Pick<RunSummary, 'rules' | 'config'>): RecipeRules {
  return record.rules ?? rulesOf(record.config.recipe);
}

async function fresh(q: BuildRequest): Promise<Built> {
  const { checkpoint, data, config } = q;
  if (!checkpoint) throw new Error('choose a model first');
  if (!data) throw new Error('choose a dataset first');
  const record: RunSummary = {
    id: `run-${Date.now().toString(36)}`, createdAt: Date.now(), modelName: checkpoint.name, datasetName: data.ds.name,
    model: checkpoint.identity, dataset: data.identity, config, rules: rulesOf(config.recipe), savedStep: 0, status: 'running',
  };
  const run = await withEngine(q, checkpoint, data, record, freshNorm(checkpoint), checkpoint.recorded, [], 0);
  await q.store.saveRecord(run.record);
  if (data.identity.kept && data.zip) await q.store.keepDataset(record.id, data.zip);
  return { run, checkpoint, data };
}

async function resume(q: BuildRequest, runId: string): Promise<Built> {
  const record = await q.store.record(runId);
  const saved = await q.store.loadCheckpoint(runId);
  if (!record || !saved?.optimizer) throw new Error(`run ${runId} has no saved checkpoint and optimizer state to resume from`);
  const data = await datasetOf(q, record);
  const file = `${runId}/model.safetensors`;
  const { tensors, metadata } = readSafetensorsWithMetadata(saved.model, file);
  const meta = parseMetadata(metadata);
  if (!meta) throw new Error(`${file} does not record how it was trained (saved by an older version?): it cannot be resumed`);
  const [trained, classes] = [meta.classes.map((c) => c.name), data.ds.classes.map((c) => c.name)];
  if (!sameClasses(trained, classes)) {
    throw new Error(`run ${runId} was trained on the classes ${trained.join(', ')}; the dataset ${data.ds.name} has ${classes.join(', ')}`);
  }
  // the run's own model: its saved weights (every parameter), under the identity it started from
  const family = meta.family ?? detectFamily(tensors.keys());
  const name = record.model?.name ?? record.modelName;
  const checkpoint: LoadedCheckpoint = {
    name, tensors, family, recorded: meta,
    identity: record.model ?? { name, family, config: { embedDim: 0, depth: 0, heads: meta.heads, patchSize: 0 }, sha256: '' },
    info: { name, family, embedDim: 0, depth: 0, heads: meta.heads, patchSize: 0, numParams: [...tensors.values()].reduce((s, t) => s + t.data.length, 0) },
  };
  const rows: MetricRow[] = await q.store.loadRows(runId);
  const config = record.config; // the run's own recipe (its weights are at its crop)
  const run = await withEngine({ ...q, config }, checkpoint, data, { ...record, rules: runRules(record), status: 'running' }, meta, meta, rows, saved.step, async (engine, prepared) => {
    const state = decodeOptimizerState(saved.optimizer!);
    checkOptimizerState(state, prepared.model.weights, prepared.trainable, `${runId}/optimizer.safetensors`);
    await engine.restoreOptimizerState(state);
  });
  const c = run.prepared.model.config;
  checkpoint.info = { ...checkpoint.info, embedDim: c.embedDim, depth: c.depth, heads: c.heads, patchSize: c.patchSize };
  return { run, checkpoint, data };
}

/** The run's dataset: the one loaded now if it is the same, else the copy kept with the run; never another. */
async function datasetOf(q: BuildRequest, record: RunSummary): Promise<LoadedData> {
  const want = record.dataset;
  if (!want) {
    // saved by an older version: only the name is known
    if (q.data?.ds.name !== record.datasetName) throw new Error(`The run “${runName(record)}” was trained on the dataset "${record.datasetName}": load it and press Resume again`);
    return q.data;
  }
  if (q.data?.identity.fingerprint === want.fingerprint) return q.data;
  const kept = want.kept ? await q.store.keptDataset(record.id) : undefined;
  if (kept) {
    const data = await loadData({ kind: 'zip', name: want.name, bytes: kept }, q.cb.onProgress);
    if (data.identity.fingerprint !== want.fingerprint) throw new Error(`run ${record.id}: the copy of "${want.name}" kept with the run does not match its fingerprint`);
    return data;
  }
  const now = q.data ? `the dataset loaded now ("${q.data.ds.name}") is a different one` : 'no dataset is loaded';
  throw new Error(
    `The run “${runName(record)}” was trained on the dataset "${want.name}" (${want.classes.length} classes: ${want.classes.join(', ')}; ` +
    `${want.trainCount} train / ${want.valCount} val images) and ${now}. Load "${want.name}" (drop the same folder or zip) and press Resume again.`);
}

/**
 * What a run compiles from — the dataset its recipe's label filter keeps, the recipe's options, and
 * `prepareRun`'s settings (the recorded architecture, SAM's rel-pos rule) — through the same
 * functions as the CLI (src/train/rules.ts). One helper for the run (`withEngine`) and the memory
 * plan shown before Start (plan.ts), so the plan is that of the graph the run compiles.
 */
export function runSettings(
  checkpoint: LoadedCheckpoint, data: LoadedData, config: TrainConfig, rules: RecipeRules,
  norm: Pick<ModelMetadata, 'mean' | 'std'>, recorded: Partial<ModelMetadata> | undefined,
): { ds: Dataset; dropped: SampleRef[]; parts: RecipeOptions; settings: ModelSettings } {
  const { ds, dropped } = applyLabelFilter(data.ds, data.summary.singleValued, rules.labelFilter);
  const parts = recipeOptions(rules, { ...config, ...norm });
  const settings: ModelSettings = {
    ...config, family: checkpoint.family, trainImages: ds.train.length,
    ...recordedArchitecture(recorded), ...parts.model,
  };
  return { ds, dropped, parts, settings };
}

/**
 * The memory policy's settings for a backend: on wasm, auto against the wasm heap; WebGPU keeps the
 * lean graph (onnxruntime-web has no arena or pattern options for its buffers, and a page is told
 * no free GPU memory to decide against). The plan shown before Start is compiled with the same.
 */
export function backendMemory(where: Compute['where'] | undefined): Pick<ModelSettings, 'memory' | 'memoryBudget' | 'memoryBudgetName'> {
  return where === 'wasm' ? { memory: 'auto', memoryBudget: WASM_HEAP_BYTES, memoryBudgetName: 'wasm heap' } : {};
}

/** Compiles the run's graphs and creates its engine; the engine is released if anything after it fails. */
async function withEngine(
  q: BuildRequest, checkpoint: LoadedCheckpoint, data: LoadedData, record: RunSummary, norm: Pick<ModelMetadata, 'mean' | 'std'>,
  recorded: Partial<ModelMetadata> | undefined, rows: MetricRow[], startStep: number,
  restore?: (engine: Engine, prepared: ReturnType<typeof prepareRun>) => Promise<void>,
): Promise<Run> {
  const { config, cb, compute } = q;
  const began = performance.now(); // the run's wall time includes compiling
  const rules = runRules(record);
  const { ds, dropped, parts: { optimizer }, settings } = runSettings(checkpoint, data, config, rules, norm, recorded);
  cb.onProgress({ task: 'compile', done: 0, total: 1, detail: 'building the train-step and eval graphs' });
  const prepared = prepareRun(checkpoint.tensors, checkpoint.name, ds.classes.length, { ...settings, ...backendMemory(compute.where) });
  cb.onProgress({ task: 'compile', done: 1, total: 1 });
  const said = config.recipe && config.recipe !== 'demo' ? [describeRules(config.recipe, rules)] : [];
  if (compute.where === 'wasm') said.push(prepared.memory.reason);
  if (dropped.length) said.push(describeDropped(dropped));
  cb.onNotices([...prepared.model.notices, ...said]);
  // sessions are created one at a time, never while another session runs (a prediction, a comparison)
  const engineSettings = { ...optimizer, accum: config.accum, crop: config.crop, batch: config.batch };
  const engine = q.queue.engine(await q.queue.run(() => compute.createEngine(prepared, engineSettings, cb.onProgress)));
  try {
    await restore?.(engine, prepared);
  } catch (e) {
    await engine.release();
    throw e;
  }
  const mean = norm.mean, std = norm.std;
  // the plan of the graph this run compiled, kept with the run for the leaderboard
  const memoryPlanBytes = estimateMemory(prepared.trainGraph.manifest, config.accum).totalBytes;
  const withPlan = { ...record, memoryPlanBytes };
  return new Run(withPlan, config, prepared, ds, { mean, std }, checkpoint.family, engine, rows, startStep, q.store, new WallClock(record.wallSeconds ?? 0, began));
}
