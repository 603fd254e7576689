/**
 * @file What the CLI and the browser worker share around the loop: turning a checkpoint and a
 * dataset into compiled graphs, feeding validation images to the evaluator, and the metadata
 * a saved model carries so it can be reloaded (by `--model` or the app) exactly.
 */
import type { CompiledGraph } from '../graph';
import { readSample, type Dataset } from '../data/dataset';
import { centerCrop, normalizeInto } from '../data/augment';
import { BatchStream } from '../data/batches';
import type { LoadedModel } from '../model/checkpoint';
import { FAMILY_NAMES, detectFamily, loadFamilyModel, type SamConfig } from '../model/families';
import { NORMALISATION, type FamilyName, type Preset } from '../model/presets';
import { CheckpointError, type HostTensor } from '../model/safetensors';
import { z } from 'zod';
import type { Activation } from '../model/vit';
import type { Engine, Runner } from './engine';
import { evaluateImages, windowsOf, type EvalImage, type EvalProcedure, type EvalResult, type Windows } from './evaluate';
import { MIOU_DEFINITIONS, type MIoUDefinition } from './metrics';
import {
  compileEval, compileFeatureExtractor, compileProbeStep, compileTrainStep, isTrainable, parseFreeze, type Recompute,
} from './graphs';
import { chooseMemory, compileWithMemoryPolicy, configCost, type MemoryChoice, type MemoryRequest } from './memory-policy';
import type { WindowLayout } from './recipe';

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
  /** SAM: the window a saved vfm-lab checkpoint was trained with (its metadata). */
  windowSize?: number;
  /** SAM: rel-pos tables resized once at load to 2·n+1 (a recipe rule, src/train/rules.ts). */
  resizeRelPos?: boolean;
  classWeights?: Float32Array;
  /** With `freeze: 'encoder'`, no augmentation and a known training-set size, probe on cached features. */
  augment?: boolean;
  trainImages?: number;
  /** Recompute each block's activations in the backward pass; 'auto': only when the step needs more than `memoryBudget` bytes. */
  recompute?: Recompute | 'auto';
  memoryBudget?: number;
  /** The memory policy (src/train/memory-policy.ts): decided against `memoryBudget`; default lean. */
  memory?: MemoryRequest;
  /** What `memoryBudget` is, in the policy's reason ("free", "wasm heap"). */
  memoryBudgetName?: string;
}

export interface PreparedRun {
  model: LoadedModel;
  trainable: string[];
  trainGraph: CompiledGraph;
  evalGraph: CompiledGraph;
  /** Set when linear probing runs on cached encoder features (see `FeatureCache`). */
  extractor?: CompiledGraph;
  /** The memory configuration the sessions are created with, and why it was chosen. */
  memory: MemoryChoice;
}

/** Cached features must fit in memory; above this the probe runs the (frozen) encoder every step. */
const FEATURE_CACHE_LIMIT = 2 ** 30;

/** The model at the run's crop, as every graph of a run sees it (prepareRun, prepareTrainStep, prepareEval). */
export function loadRunModel(tensors: Map<string, HostTensor>, file: string, numClasses: number, s: Omit<ModelSettings, 'batch' | 'freeze'>): { model: LoadedModel; family: FamilyName } {
  const family = s.family ?? detectFamily(tensors.keys());
  // the benchmark runs every backbone at 16×16 patches: a patch-14 kernel is resampled
  const patch = tensors.get('patch_embed.proj.weight')?.shape[2];
  const model = loadFamilyModel(tensors, file, {
    numClasses, crop: s.crop, family, patchSize: patch === 14 ? 16 : undefined, heads: s.heads, act: s.act, normEps: s.normEps, seed: s.seed,
    windowSize: s.windowSize, resizeRelPos: s.resizeRelPos,
  });
  return { model, family };
}

export function prepareRun(tensors: Map<string, HostTensor>, file: string, numClasses: number, s: ModelSettings): PreparedRun {
  const { model, family } = loadRunModel(tensors, file, numClasses, s);
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  const step = { batch: s.batch, crop: s.crop };
  const evalGraph = compileEval(model.config, shapes, step, family);
  const { trainable, trainGraph, probe, memory } = trainStepOf(model, family, s);
  return { model, trainable, trainGraph, evalGraph, memory, ...(probe ? { extractor: compileFeatureExtractor(model.config, shapes, step, family) } : {}) };
}

/** The train step alone, as `prepareRun` compiles it (the memory plan shown before Start needs nothing else). */
export function prepareTrainStep(tensors: Map<string, HostTensor>, file: string, numClasses: number, s: ModelSettings): Pick<PreparedRun, 'model' | 'trainable' | 'trainGraph'> {
  const { model, family } = loadRunModel(tensors, file, numClasses, s);
  const { trainable, trainGraph } = trainStepOf(model, family, s);
  return { model, trainable, trainGraph };
}

/**
 * The eval graph alone, as `prepareRun` compiles it: a saved model that only predicts or is
 * evaluated; `features`: with the encoder-features output (the feature lens).
 */
export function prepareEval(
  tensors: Map<string, HostTensor>, file: string, numClasses: number, s: Omit<ModelSettings, 'freeze'>, o: { features?: boolean } = {},
): Pick<PreparedRun, 'model' | 'evalGraph'> {
  const { model, family } = loadRunModel(tensors, file, numClasses, s);
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  return { model, evalGraph: compileEval(model.config, shapes, { batch: s.batch, crop: s.crop }, family, o) };
}

/** The run's train step: the probe on cached features where they fit (`probe`), else the full step; and its memory configuration. */
function trainStepOf(model: LoadedModel, family: FamilyName, s: ModelSettings): { trainable: string[]; trainGraph: CompiledGraph; probe: boolean; memory: MemoryChoice } {
  const freeze = parseFreeze(s.freeze, model.config.depth);
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  const step = { batch: s.batch, crop: s.crop };
  const trainable = [...model.weights.keys()].filter((k) => isTrainable(k, freeze, model.config.depth));
  const budget = s.memoryBudget ?? Infinity;
  // a frozen encoder without augmentation sees each image the same way every epoch: cache its features
  const cacheBytes = (s.trainImages ?? Infinity) * (s.crop / model.config.patchSize) ** 2 * model.config.embedDim * 4;
  if (freeze === 'encoder' && s.augment === false && cacheBytes <= FEATURE_CACHE_LIMIT) {
    const trainGraph = compileProbeStep(model.config, step, s.classWeights); // nothing to rebuild or recompute in it
    const costs = { fast: configCost('fast', trainGraph.manifest), lean: configCost('lean', trainGraph.manifest) };
    return { trainable, trainGraph, probe: true, memory: chooseMemory(s.memory ?? 'lean', costs, budget, s.memoryBudgetName) };
  }
  const { graph: trainGraph, choice, notice } = compileWithMemoryPolicy(
    (r, rebuild) => compileTrainStep(model.config, shapes, step, freeze, s.classWeights, family, r, rebuild), s.memory ?? 'lean', s.recompute ?? 'none', budget, s.memoryBudgetName);
  if (notice) model.notices.push(notice);
  return { trainable, trainGraph, probe: false, memory: choice };
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

/** Scores the val split under the procedure `o` (windows and mIoU default to the demo's). */
export function evaluateDataset(
  engine: Pick<Engine, 'logits'>, ds: Dataset,
  o: { crop: number; batch: number; mean: RGB; std: RGB } & Partial<Windows> & { miou?: MIoUDefinition; onImage?: (done: number, total: number) => void },
): Promise<EvalResult> {
  const windows: Windows | undefined = o.layout && { ...windowsOf({ windowLayout: o.layout }), ...(o.resize && { resize: o.resize }) };
  return evaluateImages(validationImages(ds, o.mean, o.std), {
    crop: o.crop, batch: o.batch, numClasses: ds.classes.length, logits: (x) => engine.logits(x), windows, miou: o.miou,
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
  /** SAM's attention window at this crop (the rel-pos tables alone cannot tell it). */
  windowSize?: number;
  /**
   * The rest of the run's evaluation procedure (crop, mean and std are above): `vfm-lab predict`
   * and cross-dataset evaluation repeat it. Absent in files saved before it was recorded.
   */
  evaluation?: Pick<EvalProcedure, 'layout' | 'resize' | 'miou'>;
}

export function metadataOf(
  m: LoadedModel, classes: ModelMetadata['classes'], crop: number, mean: RGB, std: RGB, family?: FamilyName, evaluation?: EvalProcedure,
): Record<string, string> {
  const windowSize = 'windowSize' in m.config ? (m.config as SamConfig).windowSize : undefined;
  const recorded = evaluation && { layout: evaluation.layout, resize: evaluation.resize, miou: evaluation.miou };
  const meta: ModelMetadata = { classes, crop, mean, std, heads: m.config.heads, act: m.config.act, normEps: m.config.normEps, family, windowSize, evaluation: recorded };
  return { format: 'pt', vfm_lab: JSON.stringify(meta) };
}

const rgb = z.tuple([z.number(), z.number(), z.number()]);
const positiveInt = z.number().int().positive();
/** The schema of `ModelMetadata`: a saved model's metadata is checked field by field, never cast. */
const METADATA = z.object({
  classes: z.array(z.object({ name: z.string(), color: rgb })),
  crop: positiveInt,
  mean: rgb,
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  heads: positiveInt,
  act: z.enum(['gelu', 'quickgelu', 'gelu-tanh']),
  normEps: z.number().positive(),
  family: z.enum(FAMILY_NAMES as [FamilyName, ...FamilyName[]]).optional(),
  windowSize: z.number().int().min(0).optional(),
  evaluation: z.object({
    layout: z.enum(['grid-2/3', 'long-side']), resize: z.enum(['antialias', 'bilinear']), miou: z.enum(MIOU_DEFINITIONS as [MIoUDefinition, ...MIoUDefinition[]]),
  }).optional(),
}) satisfies z.ZodType<ModelMetadata>;

/** The architecture a vfm-lab model records (unset fields: its family's defaults), to rebuild it as it was trained. */
export const recordedArchitecture = (m: Partial<ModelMetadata> | undefined) => ({ heads: m?.heads, act: m?.act, normEps: m?.normEps, windowSize: m?.windowSize });

/** The windows a saved model's run evaluated with; undefined when the file predates the record. */
export function recordedWindows(m: ModelMetadata | undefined): Windows | undefined {
  return m?.evaluation && { layout: m.evaluation.layout, resize: m.evaluation.resize };
}

/** The evaluation procedure a saved model records, whole; undefined when the file predates the record. */
export function recordedProcedure(m: ModelMetadata): EvalProcedure | undefined {
  return m.evaluation && { ...m.evaluation, crop: m.crop, mean: m.mean, std: m.std };
}

/**
 * The `vfm_lab` metadata of a saved model, or undefined when the file has none (any timm
 * checkpoint). Present but malformed is a CheckpointError naming the file and the field.
 */
export function parseMetadata(meta: Record<string, string>, file = 'the checkpoint'): ModelMetadata | undefined {
  if (meta.vfm_lab === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(meta.vfm_lab);
  } catch {
    throw new CheckpointError(`${file}: __metadata__.vfm_lab is not valid JSON`);
  }
  const r = METADATA.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CheckpointError(`${file}: __metadata__.vfm_lab.${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Encoder features of every training image, computed once (linear probing without augmentation),
 * served in the same batch order as `BatchStream` (the no-shuffle contract holds).
 */
export class FeatureCache {
  private constructor(
    private readonly features: Float32Array[],
    private readonly labels: Int32Array[],
    private readonly order: BatchStream,
    private readonly batchSize: number,
  ) {}

  static async build(
    extract: Runner, weights: Map<string, HostTensor>, ds: Dataset,
    o: { batch: number; crop: number; mean: RGB; std: RGB; shuffle: boolean; seed: number },
    onProgress?: (done: number, total: number) => void,
  ): Promise<FeatureCache> {
    const pixels = o.crop * o.crop;
    const params = Object.fromEntries([...weights].filter(([k]) => !k.startsWith('seg_head.')).map(([k, t]) => [k, t.data]));
    const features: Float32Array[] = [];
    const labels: Int32Array[] = [];
    for (let first = 0; first < ds.train.length; first += o.batch) {
      const refs = ds.train.slice(first, first + o.batch);
      const images = new Float32Array(o.batch * 3 * pixels); // the last batch is zero-padded
      for (const [i, ref] of refs.entries()) {
        const c = centerCrop(await readSample(ds, ref), o.crop);
        normalizeInto(images, i * 3 * pixels, c.image, pixels, o.mean, o.std);
        labels.push(Int32Array.from(c.mask));
      }
      const out = (await extract.run({ ...params, image: images }, ['features'])).features.data as Float32Array;
      const per = out.length / o.batch;
      refs.forEach((_, i) => features.push(out.slice(i * per, (i + 1) * per)));
      onProgress?.(Math.min(first + o.batch, ds.train.length), ds.train.length);
    }
    const order = new BatchStream(ds, { batch: o.batch, crop: o.crop, augment: false, shuffle: o.shuffle, seed: o.seed, mean: o.mean, std: o.std });
    return new FeatureCache(features, labels, order, o.batch);
  }

  /** Micro-batch t: features [B, N, D] and labels [B, S, S] of samples (t·B + i) in stream order. */
  async batch(t: number): Promise<{ images: Float32Array; labels: Int32Array }> {
    const per = this.features[0].length, pixels = this.labels[0].length;
    const images = new Float32Array(this.batchSize * per);
    const labels = new Int32Array(this.batchSize * pixels);
    for (let i = 0; i < this.batchSize; i++) {
      const k = this.order.sampleAt(t * this.batchSize + i);
      images.set(this.features[k], i * per);
      labels.set(this.labels[k], i * pixels);
    }
    return { images, labels };
  }
}
