/**
 * @file The feature lens and cross-dataset evaluation, as the worker runs them. The lens looks
 * through a backbone — the loaded model as loaded (before fine-tuning) or a saved run's checkpoint
 * (after) — at one validation image: the centre crop the model would train on, normalised with
 * the model's own mean/std, through the eval graph compiled with its encoder-features output
 * (src/compare/lens.ts). Its session lives for one call. Cross-dataset evaluation scores a saved
 * run on the loaded dataset with the run's own evaluation settings and label filter (src/train/cross-eval.ts).
 */
import { centerCrop, normalizeInto } from '../data/augment';
import { readSample, type Dataset } from '../data/dataset';
import { featureLens } from '../compare/lens';
import type { CompiledGraph } from '../graph';
import type { HostTensor } from '../model/safetensors';
import { classMismatch } from '../train/classes';
import { evaluateAcross } from '../train/cross-eval';
import { recipeOptions } from '../train/rules';
import { prepareEval, recordedArchitecture, type ModelSettings, type RGB } from '../train/session';
import type { CrossEvalResult, LensResult, Progress } from './api';
import type { OwnedRunner } from './compute';
import type { LoadedCheckpoint, LoadedData } from './loading';
import { freshNorm, runRules } from './prepare';
import { readSavedRun, type SavedModel } from './predictor';
import type { RunStore } from './runs';

/** A backbone to look through: its weights, how it was loaded, and how it reads pixels. */
export interface Backbone {
  tensors: Map<string, HostTensor>;
  file: string;
  label: string;
  stage: LensResult['stage'];
  crop: number;
  norm: { mean: RGB; std: RGB };
  settings: Pick<ModelSettings, 'family' | 'heads' | 'act' | 'normEps' | 'windowSize'>;
}

/** The loaded model as loaded, at the crop the next run would use; normalised as a run on it would be. */
export function loadedBackbone(c: LoadedCheckpoint, crop: number): Backbone {
  const norm = freshNorm(c);
  return {
    tensors: c.tensors, file: c.name, label: c.name, stage: 'before fine-tuning', crop, norm: { mean: norm.mean, std: norm.std },
    settings: { family: c.family, ...recordedArchitecture(c.recorded) },
  };
}

/** A saved run's checkpoint, at its own crop and normalisation (what its evaluations saw). */
export async function runBackbone(store: RunStore, runId: string): Promise<Backbone> {
  const { tensors, file, record, meta, norm } = await readSavedRun(store, runId);
  return {
    tensors, file, label: record.name ?? record.modelName, stage: 'after fine-tuning', crop: record.config.crop,
    norm, settings: { family: meta?.family, ...recordedArchitecture(meta) },
  };
}

/**
 * The lens on validation image `valIndex`. `createRunner` makes the session (through the worker's
 * queue); it is released here, whatever happens.
 */
export async function lensOn(b: Backbone, ds: Dataset, valIndex: number, createRunner: (g: CompiledGraph) => Promise<OwnedRunner>): Promise<LensResult> {
  if (!Number.isInteger(valIndex) || valIndex < 0 || valIndex >= ds.val.length) throw new Error(`validation image ${valIndex} does not exist (0…${ds.val.length - 1})`);
  const crop = centerCrop(await readSample(ds, ds.val[valIndex]), b.crop);
  return lensOnCrop(b, crop.image, createRunner);
}

/** The lens on one `b.crop` × `b.crop` RGB picture (a validation image's centre crop, or a photo resized to it). */
export async function lensOnCrop(b: Backbone, rgb: Uint8Array, createRunner: (g: CompiledGraph) => Promise<OwnedRunner>): Promise<LensResult> {
  // the decoder does not touch the features: one class keeps a checkpoint's head unused but cheap
  const numClasses = b.tensors.get('seg_head.weight')?.shape[0] ?? 1;
  const { model, evalGraph: graph } = prepareEval(b.tensors, b.file, numClasses, { ...b.settings, crop: b.crop, batch: 1, seed: 0 }, { features: true });
  const pixels = b.crop * b.crop;
  const image = new Float32Array(3 * pixels);
  normalizeInto(image, 0, rgb, pixels, b.norm.mean, b.norm.std);
  const params = Object.fromEntries([...model.weights].map(([k, t]) => [k, t.data]));
  const runner = await createRunner(graph);
  try {
    const lens = await featureLens(runner, params, image);
    return {
      grid: lens.grid, dim: lens.dim, features: lens.features, rgb: lens.pca.rgb, explained: lens.pca.explained,
      label: b.label, stage: b.stage, crop: b.crop, image: rgb,
    };
  } finally {
    await runner.release();
  }
}

/**
 * Scores a saved run on the loaded dataset exactly as its own evaluations scored it (its crop,
 * batch, normalisation, its recipe's windows and label filter), and saves the result with the run.
 */
export async function evaluateRunOn(
  store: RunStore, runId: string, data: LoadedData | undefined, withModel: <T>(fn: (m: SavedModel) => Promise<T>) => Promise<T>, onProgress?: (p: Progress) => void,
): Promise<CrossEvalResult> {
  if (!data) throw new Error('choose a dataset first: a run is evaluated on the loaded dataset');
  const record = await store.record(runId);
  if (!record) throw new Error(`run ${runId} is not saved in this browser`);
  const name = data.identity.name;
  if (record.dataset?.fingerprint === data.identity.fingerprint) {
    throw new Error(`run ${runId} was trained on ${name}: its own evaluation is its mIoU; load another dataset with the same classes`);
  }
  const trained = record.dataset?.classes;
  const why = trained && classMismatch(trained, `the run's (${record.datasetName})`, data.identity.classes, `${name}'s`);
  if (why) throw new Error(`run ${runId}: the run's classes are not those of ${name}: ${why}. Cross-dataset evaluation needs the same classes in the same order.`);
  const rules = runRules(record);
  // the model is held for the whole evaluation: it is not released under it
  const r = await withModel(async (m) => {
    if (m.numClasses !== data.ds.classes.length) throw new Error(`run ${runId} predicts ${m.numClasses} classes; ${name} has ${data.ds.classes.length}`);
    const { evaluation } = recipeOptions(rules, { ...record.config, ...m.norm });
    // the windows the viewer predicts with: the model file's record, else the run's rules
    return evaluateAcross({ logits: m.logits }, data.ds, data.summary.singleValued, rules.labelFilter, { ...evaluation, ...m.windows },
      (done, total) => onProgress?.({ task: 'cross-eval', done, total, detail: `${record.name ?? record.modelName} on ${name}` }));
  });
  const result = { dataset: name, mIoU: r.mIoU, perClassIoU: r.perClassIoU };
  await store.saveCross(runId, { ...result, fingerprint: data.identity.fingerprint, step: record.savedStep, at: Date.now() });
  return result;
}

/**
 * The newest cross-dataset evaluation of the run's saved step, for its listing; one of an earlier
 * step (the run trained on since) no longer describes the checkpoint and is not listed.
 */
export async function latestCross(store: RunStore, r: { id: string; savedStep: number }): Promise<{ dataset: string; mIoU: number } | undefined> {
  const all = await store.loadCross(r.id).catch((e: Error) => {
    console.warn(`run ${r.id}: cross.json is unreadable and is not listed (${e.message})`); // the listing goes on without it
    return {};
  });
  const entries = Object.values(all).filter((e) => e.step === r.savedStep);
  const newest = entries.sort((a, b) => b.at - a.at)[0];
  return newest && { dataset: newest.dataset, mIoU: newest.mIoU };
}
