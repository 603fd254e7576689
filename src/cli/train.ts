/**
 * @file `vfm-lab train`: the benchmark recipe, headless, on onnxruntime-node. Order matters: the
 * options, the output folder (and its lock: one run per folder) and the model file are checked,
 * and the memory a batch needs, before the dataset is decoded; the full memory estimate before
 * the first step. Checkpoints every `--save-every` steps make a killed run resumable (`--resume`)
 * to the same weights and losses.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { formatMIoU } from '../compare/leaderboard';
import { BatchStream } from '../data/batches';
import { openDataset, validateDataset } from '../data/dataset';
import { detectFamily } from '../model/families';
import { readSafetensorsWithMetadata, writeSafetensors, CheckpointError, type HostTensor } from '../model/safetensors';
import type { Preset } from '../model/presets';
import { describeMemory, estimateMemory } from '../runtime/memory';
import { createNodeRunner } from '../runtime/node';
import { HostEngine } from '../train/engine';
import type { EvalResult } from '../train/evaluate';
import type { MIoUDefinition } from '../train/metrics';
import { DivergedError, trainLoop } from '../train/loop';
import { applyLabelFilter, describeDropped, describeRules, recipeOptions } from '../train/rules';
import { FeatureCache, evaluateDataset, metadataOf, normalisationFor, parseMetadata, prepareRun, type RGB } from '../train/session';
import { CliError } from './args';
import { ensureWritableDir, removeStaleTemps, writeAtomic } from './files';
import { readModel } from './model-source';
import { openSource } from './nodeSource';
import { preflightBatch, preflightRun } from './preflight';
import { progressReporter } from './progress';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, type MetricsRow, type RunCheckpoint } from './run-checkpoint';
import { acquireRunLock } from './run-lock';
import { parseTrainArgs, recordedSettings, type TrainRequest, type TrainSettings } from './train-options';

export { TRAIN_HELP } from './train-options';

interface ModelSource {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
  path: string;
  preset?: Preset;
}

/** What a finished run reports to a caller that compares runs (`vfm-lab benchmark`); the files hold the same. */
export interface TrainResult {
  family: string;
  recipe: string;
  classes: string[];
  mIoU: number;
  /** Which mean `mIoU` is (the recipe's rule). */
  mIoUDefinition: MIoUDefinition;
  perClassIoU: (number | null)[];
  steps: number;
  /** Milliseconds of each optimizer step, in order (a resumed run's earlier steps included). */
  stepMs: number[];
  /** Training images per optimizer step (batch × accumulation). */
  imagesPerStep: number;
  /** The compiler's memory plan for one step (weights, gradients, AdamW moments, activations). */
  memoryPlanBytes: number;
}

/** A log line; the leading `\r` that ends a terminal's progress line is dropped in a log file. */
const log = (s: string) => process.stderr.write(`${process.stderr.isTTY ? s : s.replace(/^\r/, '')}\n`);
const progress = progressReporter(process.stderr);

export async function train(argv: string[]): Promise<TrainResult> {
  const request = parseTrainArgs(argv);
  const { out } = request;
  if (request.kind === 'resume' && !(await exists(out))) throw new CliError(`${out}: no such folder; --resume needs the folder of an unfinished vfm-lab run`);
  await ensureWritableDir(out);
  // taken before anything in the folder is read, replaced or cleaned up: a second run into it stops here
  const lock = await acquireRunLock(out, log);
  try {
    return await trainLocked(request);
  } finally {
    await lock.release();
  }
}

async function trainLocked(request: TrainRequest): Promise<TrainResult> {
  const { out } = request;
  if (request.kind === 'resume') {
    const settings = await readConfig(out);
    const checkpoint = await loadCheckpoint(out);
    if (!checkpoint) throw new CliError(`${out}: no ${CHECKPOINT_FILE} to resume from (the run stopped before its first checkpoint); start it again with --overwrite`);
    await removeStaleTemps(out);
    const path = join(out, CHECKPOINT_FILE);
    log(`resuming ${out} from step ${checkpoint.step}/${settings.steps}`);
    return run(out, settings, { tensors: checkpoint.weights, metadata: checkpoint.metadata, path }, checkpoint);
  }
  const { settings } = request;
  await checkOutFolder(out, request.overwrite);
  await removeStaleTemps(out);
  const source = await readModel(settings.model, settings.cacheDir);
  const file = readSafetensorsWithMetadata(source.bytes, source.path);
  await rm(join(out, CHECKPOINT_FILE), { force: true }); // a replaced run's checkpoint must never be resumed with these settings
  return run(out, settings, { ...file, path: source.path, preset: source.preset });
}

/** A finished run (its model) or an unfinished one (config or checkpoint) in `out` is kept unless --overwrite says otherwise. */
export async function checkOutFolder(out: string, overwrite: boolean): Promise<void> {
  if (overwrite) return;
  if (await exists(join(out, 'model.safetensors'))) throw new CliError(`${out} already holds a finished run (model.safetensors); pass --overwrite to replace it, or choose another --out`);
  if ((await exists(join(out, CHECKPOINT_FILE))) || (await exists(join(out, 'config.json')))) {
    throw new CliError(`${out} holds an unfinished run; continue it with "vfm-lab train --resume --out ${out}", or pass --overwrite to start over`);
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

async function readConfig(out: string): Promise<TrainSettings> {
  const path = join(out, 'config.json');
  if (await exists(join(out, 'model.safetensors'))) {
    throw new CliError(`${out}: the run is finished (model.safetensors is there); nothing to resume`);
  }
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError(`${path}: cannot read it; --resume needs the folder of an unfinished vfm-lab run`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${path}: not valid JSON; cannot resume from it`);
  }
  return recordedSettings(json, path);
}

async function run(out: string, s: TrainSettings, source: ModelSource, resume?: RunCheckpoint): Promise<TrainResult> {
  // everything about the model is settled before the dataset is decoded
  const recorded = parseMetadata(source.metadata, source.path);
  const saved = recorded && (!s.family || s.family === recorded.family) ? recorded : undefined; // an explicit --family overrides
  const family = s.family ?? source.preset?.family ?? saved?.family ?? detectFamily(source.tensors.keys());
  const norm = saved ?? normalisationFor(family, source.preset); // a vfm-lab model keeps the normalisation it was trained with
  const mean = (s.mean ?? norm.mean) as RGB, std = (s.std ?? norm.std) as RGB;
  const parts = recipeOptions(s.rules, { ...s, mean, std }); // the recipe's rules, through the same function as the browser worker
  const limits = { maxPixels: s.maxPixels };
  const opened = await openDataset(await openSource(s.data, { zipLimits: { maxEntryBytes: s.maxZipEntryBytes } }), { seed: s.seed, limits }); // lists files only
  const knownClasses = opened.classes.length || (source.tensors.get('seg_head.weight')?.shape[0] ?? 1);
  preflightBatch(s, knownClasses);
  const prepare = (classes: number, classWeights?: Float32Array) => prepareRun(source.tensors, source.path, classes, {
    ...s, heads: s.heads ?? saved?.heads, act: saved?.act, normEps: saved?.normEps, windowSize: saved?.windowSize,
    family, classWeights, trainImages: opened.train.length, memoryBudget: freemem(), memory: s.memory, ...parts.model,
  });
  // compiling checks the model against --crop and --freeze, and gives the full memory estimate, before any decoding
  const early = prepare(knownClasses);
  preflightRun(early.trainGraph.manifest, s);
  const summary = await validateDataset(opened, (d, n) => progress.count('validating dataset', d, n));
  const { ds, dropped } = applyLabelFilter(opened, summary.singleValued, s.rules.labelFilter);
  if (dropped.length) log(`\r${describeDropped(dropped)}`);
  log(`\rdataset ${ds.name}: ${ds.format}, ${ds.train.length} train / ${ds.val.length} val images, ${ds.classes.length} classes${summary.absentFromTrain.length ? ` (absent from train: ${summary.absentFromTrain.join(', ')})` : ''}`);
  if (ds.note) log(`dataset note: ${ds.note}`); // COCO: what unannotated pixels become
  // the class count was only known from the masks, or the loss weights by class: compile again
  const prepared = ds.classes.length === knownClasses && !s.classBalanced ? early : prepare(ds.classes.length, s.classBalanced ? summary.classWeights : undefined);
  for (const n of prepared.model.notices) if (!resume) log(`note: ${n}`);
  const c = prepared.model.config;
  log(`model: ViT depth ${c.depth}, dim ${c.embedDim}, ${c.heads} heads, patch ${c.patchSize}; ${prepared.trainable.length} trainable tensors (freeze ${s.freeze})`);
  const memory = estimateMemory(prepared.trainGraph.manifest, s.accum);
  log(describeMemory(memory, prepared.trainGraph.manifest)); // the compiler's liveness plan
  log(prepared.memory.reason); // --memory: which configuration the sessions get, and why
  const modelMeta = metadataOf(prepared.model, ds.classes, s.crop, mean, std, family, parts.evaluation);
  const { batch: _batch, ...evaluation } = parts.evaluation; // the procedure config.json and eval.json record
  if (!resume) {
    log(describeRules(s.recipe, s.rules));
    const config = { ...s, family, mean, std, evaluation, modelFile: source.path, preset: source.preset?.name, classes: ds.classes.map((k) => k.name), architecture: c };
    await writeAtomic(join(out, 'config.json'), JSON.stringify(config, null, 2));
  }

  const sessions = { memory: prepared.memory.config };
  const engine = new HostEngine(await createNodeRunner(prepared.trainGraph, sessions), await createNodeRunner(prepared.evalGraph, sessions), prepared.model.weights, prepared.trainable,
    parts.optimizer, prepared.extractor ? 'features' : 'image');
  const extractor = prepared.extractor ? await createNodeRunner(prepared.extractor, sessions) : undefined;
  if (resume) await engine.restoreOptimizerState(checkedMoments(resume, prepared.trainable, prepared.model.weights, source.path));
  const rows: MetricsRow[] = resume ? [...resume.rows] : [];
  const save = async (step: number) => saveCheckpoint(out, { step, weights: await engine.weights(), metadata: modelMeta, optimizer: await engine.optimizerState(), rows });
  const writeMetrics = () => writeAtomic(join(out, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  if (!resume) await save(0);

  const batchOptions = parts.batches;
  const batches = extractor
    ? await FeatureCache.build(extractor, prepared.model.weights, ds, batchOptions, (d, n) => progress.count('caching encoder features', d, n))
    : new BatchStream(ds, batchOptions);
  if (prepared.extractor) log('\rlinear probe: the frozen encoder ran once per training image; steps train the decoder on cached features');
  const evalOpts = { ...parts.evaluation, onImage: (d: number, n: number) => progress.count('evaluating', d, n) };
  const started = performance.now();
  const first = resume?.step ?? 0;
  let lastSaved = first;
  let last: { step: number } & Pick<EvalResult, 'mIoU' | 'mIoUDefinition' | 'mIoUs' | 'perClassIoU' | 'confusion'> = {
    step: 0, mIoU: NaN, mIoUDefinition: parts.evaluation.miou, mIoUs: { 'present-classes': NaN, 'all-classes': NaN }, perClassIoU: [], confusion: [],
  };
  try {
    await trainLoop(engine, s, {
      batch: (i) => batches.batch(i),
      evaluate: async (step) => {
        const r = await evaluateDataset(engine, ds, evalOpts);
        last = { step, ...r };
        return { step, mIoU: r.mIoU, perClassIoU: r.perClassIoU };
      },
      onStep: (m) => {
        rows.push({ ...m });
        const elapsed = (performance.now() - started) / 1000;
        const imgs = ((m.step - first) * s.batch * s.accum) / elapsed;
        const eta = (elapsed / (m.step - first)) * (s.steps - m.step);
        progress.step(m.step, s.steps, `step ${m.step}/${s.steps}  loss ${m.loss.toFixed(4)}  ${imgs.toFixed(1)} img/s  ETA ${formatDuration(eta)}`);
      },
      onEval: (m) => {
        rows.push({ step: m.step, mIoU: m.mIoU });
        log(`\rstep ${m.step}: val mIoU ${formatMIoU(m.mIoU)} (${parts.evaluation.miou})`.padEnd(70));
      },
      // called before step t + 1, i.e. after step t and its evaluation: a consistent point to save
      checkpoint: async (t, flush) => {
        if (t > first && t % s.saveEvery === 0) {
          await flush(); // an engine with late losses: step t's loss is written with its save
          await save(t);
          await writeMetrics();
          lastSaved = t;
        }
        return 'continue';
      },
    }, first);
  } catch (e) {
    if (!(e instanceof DivergedError)) throw e;
    await writeMetrics();
    throw new CliError(`${e.message}\nNo model.safetensors was written; the last good state (step ${lastSaved}) is kept in ${join(out, CHECKPOINT_FILE)}.`);
  }
  await writeMetrics();
  // both means, named; `mIoU` is the recipe's (the benchmark's: all classes), and how it was evaluated
  await writeAtomic(join(out, 'eval.json'), JSON.stringify({
    mIoU: last.mIoU, mIoUDefinition: last.mIoUDefinition, mIoUs: last.mIoUs, perClassIoU: last.perClassIoU, confusion: last.confusion,
    classes: ds.classes.map((k) => k.name), evaluation,
  }, null, 1));
  await writeAtomic(join(out, 'model.safetensors'), writeSafetensors(await engine.weights(), modelMeta));
  await rm(join(out, CHECKPOINT_FILE), { force: true }); // the finished model supersedes it
  // the sessions go back here, so that one process can train run after run (vfm-lab benchmark); on
  // an error the command ends, and the process with them
  await engine.release();
  await extractor?.release();
  log(`done: mIoU ${formatMIoU(last.mIoU)} (${last.mIoUDefinition}) — wrote ${out}/model.safetensors, eval.json, metrics.jsonl, config.json`);
  return {
    family, recipe: s.recipe, classes: ds.classes.map((k) => k.name), mIoU: last.mIoU, mIoUDefinition: last.mIoUDefinition, perClassIoU: last.perClassIoU, steps: s.steps,
    stepMs: rows.filter((r) => 'loss' in r).map((r) => r.ms), imagesPerStep: s.batch * s.accum, memoryPlanBytes: memory.totalBytes,
  };
}

/** The checkpoint must hold both moments, of the right size, for every trainable tensor. */
function checkedMoments(c: RunCheckpoint, trainable: string[], weights: Map<string, HostTensor>, file: string): RunCheckpoint['optimizer'] {
  for (const name of trainable) {
    const n = weights.get(name)!.data.length;
    if (c.optimizer.m.get(name)?.length !== n || c.optimizer.v.get(name)?.length !== n) {
      throw new CheckpointError(`${file}: the optimizer moments of "${name}" are missing or of the wrong size`);
    }
  }
  return c.optimizer;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
