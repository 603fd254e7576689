/**
 * @file What the CLI and the browser worker share around the loop: turning a checkpoint and a
 * dataset into compiled graphs, feeding validation images to the evaluator, and the metadata
 * a saved model carries so it can be reloaded (by `--model` or the app) exactly.
 */
import type { CompiledGraph } from '../graph';
import { readSample, type Dataset } from '../data/dataset';
import { normalizeInto } from '../data/augment';
import { detectFamily, loadModel, type LoadedModel } from '../model/checkpoint';
import { NORMALISATION, type FamilyName, type Preset } from '../model/presets';
import type { HostTensor } from '../model/safetensors';
import type { Activation } from '../model/vit';
import type { Engine } from './engine';
import { evaluateImages, type EvalImage, type EvalResult } from './evaluate';
import { compileEval, compileTrainStep, isTrainable, parseFreeze } from './graphs';

export type RGB = [number, number, number];
export const IMAGENET_MEAN: RGB = NORMALISATION.imagenet.mean;
export const IMAGENET_STD: RGB = NORMALISATION.imagenet.std;

/** The pixel normalisation a model was pretrained with: its preset's, else its family's. */
export function normalisationFor(family: FamilyName, preset?: Preset): { mean: RGB; std: RGB } {
  if (preset) return NORMALISATION[preset.normalisation];
  return NORMALISATION[family === 'clip' || family === 'clip-quickgelu' || family === 'eva02' ? 'clip' : family === 'siglip' ? 'inception' : 'imagenet'];
}

export interface ModelSettings {
  crop: number;
  batch: number;
  freeze: string;
  seed: number;
  heads?: number;
  /** Norms and activation by family; by default detected from the checkpoint's keys. */
  family?: FamilyName;
  act?: Activation;
  normEps?: number;
  classWeights?: Float32Array;
}

export interface PreparedRun {
  model: LoadedModel;
  trainable: string[];
  trainGraph: CompiledGraph;
  evalGraph: CompiledGraph;
}

export function prepareRun(tensors: Map<string, HostTensor>, file: string, numClasses: number, s: ModelSettings): PreparedRun {
  const family = s.family ?? detectFamily(tensors.keys());
  // the benchmark runs every backbone at 16×16 patches: a patch-14 kernel is resampled
  const patch = tensors.get('patch_embed.proj.weight')?.shape[2];
  const model = loadModel(tensors, file, {
    numClasses, crop: s.crop, family, patchSize: patch === 14 ? 16 : undefined, heads: s.heads, act: s.act, normEps: s.normEps, seed: s.seed,
  });
  const freeze = parseFreeze(s.freeze, model.config.depth);
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  const trainGraph = compileTrainStep(model.config, shapes, { batch: s.batch, crop: s.crop }, freeze, s.classWeights);
  const evalGraph = compileEval(model.config, shapes, { batch: s.batch, crop: s.crop });
  const trainable = [...model.weights.keys()].filter((k) => isTrainable(k, freeze, model.config.depth));
  return { model, trainable, trainGraph, evalGraph };
}

/** Validation images, normalised, one at a time (decoded lazily). */
export async function* validationImages(ds: Dataset, mean: RGB, std: RGB, indices?: number[]): AsyncGenerator<EvalImage> {
  for (const i of indices ?? ds.val.map((_, k) => k)) {
    const s = await readSample(ds, ds.val[i]);
    const pixels = s.width * s.height;
    const chw = new Float32Array(3 * pixels);
    normalizeInto(chw, 0, s.image, pixels, mean, std);
    yield { chw, height: s.height, width: s.width, label: s.mask };
  }
}

export function evaluateDataset(engine: Engine, ds: Dataset, o: { crop: number; batch: number; mean: RGB; std: RGB; onImage?: (done: number, total: number) => void }): Promise<EvalResult> {
  return evaluateImages(validationImages(ds, o.mean, o.std), {
    crop: o.crop, batch: o.batch, numClasses: ds.classes.length, logits: (x) => engine.logits(x),
    onImage: (d) => o.onImage?.(d, ds.val.length),
  });
}

/** What a saved model.safetensors records about itself (in `__metadata__.vfm_lab`). */
export interface ModelMetadata {
  classes: { name: string; color: RGB }[];
  crop: number;
  mean: RGB;
  std: RGB;
  heads: number;
  act: Activation;
  normEps: number;
  family?: FamilyName;
}

export function metadataOf(m: LoadedModel, classes: ModelMetadata['classes'], crop: number, mean: RGB, std: RGB, family?: FamilyName): Record<string, string> {
  const meta: ModelMetadata = { classes, crop, mean, std, heads: m.config.heads, act: m.config.act, normEps: m.config.normEps, family };
  return { format: 'pt', vfm_lab: JSON.stringify(meta) };
}

export function parseMetadata(meta: Record<string, string>): ModelMetadata | undefined {
  try {
    return meta.vfm_lab ? (JSON.parse(meta.vfm_lab) as ModelMetadata) : undefined;
  } catch {
    return undefined;
  }
}
