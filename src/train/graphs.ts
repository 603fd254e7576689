/**
 * @file The two compiled graphs of a run. The train step takes every parameter (by timm key),
 * `image` [B,3,S,S] and `labels` [B,S,S] (int32, 255 = ignore) and returns `loss` and one
 * `grad.<key>` per trainable parameter; frozen parameters are plain inputs whose backward pass
 * is pruned away. The eval graph returns `logits` [B,C,S,S] only: callers arg-max (window-averaged)
 * logits on the host, and an int64 ArgMax would run on the CPU in the WebGPU EP (a sync per call).
 */
import { Graph, exportOnnx, grad, type CompiledGraph, type Tensor } from '../graph';
import { familyEncoder, familySegmentationLoss } from '../model/families';
import type { FamilyName } from '../model/presets';
import { decode, decodeLoss, type VitConfig } from '../model/vit';
import { freezeMust } from './recipe-schema';

export type FreezeMode = 'none' | 'encoder' | `last:${number}`;

export function parseFreeze(mode: string, depth: number): FreezeMode {
  if (mode === 'none' || mode === 'encoder') return mode;
  const m = /^last:(\d+)$/.exec(mode);
  // last:0 would be the encoder frozen without its cached features: the recipe's rules refuse it too
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= depth) return mode as FreezeMode;
  throw new Error(`--freeze must be ${freezeMust(depth)}; got "${mode}"`);
}

/** Which parameters train: all; the decoder only; or the last K blocks + final norm + decoder. */
export function isTrainable(name: string, freeze: FreezeMode, depth: number): boolean {
  if (name.startsWith('seg_head.') || freeze === 'none') return true;
  if (freeze === 'encoder') return false;
  const k = Number(freeze.slice(5));
  if (name.startsWith('norm.')) return k > 0;
  const m = /^blocks\.(\d+)\./.exec(name);
  return !!m && Number(m[1]) >= depth - k;
}

/** Recompute each transformer block's activations in the backward pass (gradient checkpointing) or keep them. */
export type Recompute = 'none' | 'blocks';

export function parseRecompute(mode: string): Recompute | 'auto' {
  if (mode === 'none' || mode === 'blocks' || mode === 'auto') return mode;
  throw new Error(`--recompute must be none, blocks or auto; got "${mode}"`);
}

/** What a train step needs at its peak: the compiler's plan plus AdamW's two moments per gradient. */
export function stepPeakBytes(m: CompiledGraph['manifest']): number {
  const gradBytes = m.outputs.filter((o) => o.name.startsWith('grad.')).reduce((s, o) => s + 4 * o.shape.reduce((a, b) => a * b, 1), 0);
  return m.plan.peakBytes + 2 * gradBytes;
}

/**
 * 'auto': keep activations when the step fits `budgetBytes`, else recompute each block (and say
 * so). The notice names both plans, so a user sees what recomputation bought.
 */
export function compileWithRecompute(compile: (r: Recompute) => CompiledGraph, mode: Recompute | 'auto', budgetBytes = Infinity): { graph: CompiledGraph; notice?: string } {
  const graph = compile(mode === 'blocks' ? 'blocks' : 'none');
  if (mode !== 'auto' || stepPeakBytes(graph.manifest) <= budgetBytes) return { graph };
  const rebuilt = compile('blocks');
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return {
    graph: rebuilt,
    notice: `recomputing block activations in the backward pass: the step needs ${gib(stepPeakBytes(graph.manifest))} keeping them, ` +
      `${gib(stepPeakBytes(rebuilt.manifest))} recomputing, and ${gib(budgetBytes)} are available`,
  };
}

export interface StepShape {
  batch: number;
  crop: number;
}

function declareParams(g: Graph, shapes: Map<string, readonly number[]>, trainable: (name: string) => boolean): Record<string, Tensor> {
  return Object.fromEntries([...shapes].map(([name, shape]) => [name, g.param(name, shape, { trainable: trainable(name) })]));
}

export function compileTrainStep(
  config: VitConfig,
  shapes: Map<string, readonly number[]>,
  { batch, crop }: StepShape,
  freeze: FreezeMode,
  classWeights?: Float32Array,
  family: FamilyName = 'vit',
  recompute: Recompute = 'none',
  /** Rebuild the values marked with `graph.rematerialize` in the backward pass (the lean memory configuration) or keep them (fast). */
  rebuildValues = true,
): CompiledGraph {
  const g = new Graph();
  const params = declareParams(g, shapes, (n) => isTrainable(n, freeze, config.depth));
  const image = g.input('image', [batch, 3, crop, crop]);
  const labels = g.input('labels', [batch, crop, crop], 'int32');
  const loss = familySegmentationLoss(family, image, labels, params, config, classWeights);
  g.output('loss', loss);
  const trainable = Object.values(params).filter((p) => p.trainable);
  grad(loss, trainable, { recompute: recompute === 'blocks', rematerialize: rebuildValues }).forEach((gr, i) => g.output(`grad.${trainable[i].name}`, gr));
  return exportOnnx(g, 'train_step');
}

/**
 * `features: true` adds a second output, the encoder's patch features [B, N, D] (after the final
 * norm, prefix tokens dropped) that the decoder reads: the feature lens's input, from the same graph.
 */
export function compileEval(config: VitConfig, shapes: Map<string, readonly number[]>, { batch, crop }: StepShape, family: FamilyName = 'vit', { features = false } = {}): CompiledGraph {
  const g = new Graph();
  const params = declareParams(g, shapes, () => false);
  const image = g.input('image', [batch, 3, crop, crop]);
  const encoded = familyEncoder(family, image, params, config);
  g.output('logits', decode(encoded, params, config, crop, crop));
  if (features) g.output('features', encoded);
  return exportOnnx(g, 'eval');
}

/**
 * Linear probing with cached features (frozen encoder, no augmentation): the encoder runs once per
 * training image (`compileFeatureExtractor`), and each step trains the decoder on those features
 * (`compileProbeStep`: `features` [B, N, D] + `labels` → `loss`, `grad.seg_head.*`).
 */
export function compileFeatureExtractor(config: VitConfig, shapes: Map<string, readonly number[]>, { batch, crop }: StepShape, family: FamilyName = 'vit'): CompiledGraph {
  const g = new Graph();
  const params = declareParams(g, new Map([...shapes].filter(([k]) => !k.startsWith('seg_head.'))), () => false);
  g.output('features', familyEncoder(family, g.input('image', [batch, 3, crop, crop]), params, config));
  return exportOnnx(g, 'features');
}

export function compileProbeStep(config: VitConfig, { batch, crop }: StepShape, classWeights?: Float32Array): CompiledGraph {
  const g = new Graph();
  const n = (crop / config.patchSize) ** 2;
  const params = {
    'seg_head.weight': g.param('seg_head.weight', [config.numClasses, config.embedDim]),
    'seg_head.bias': g.param('seg_head.bias', [config.numClasses]),
  };
  const features = g.input('features', [batch, n, config.embedDim]);
  const labels = g.input('labels', [batch, crop, crop], 'int32');
  const loss = decodeLoss(features, params, config, crop, crop, labels, classWeights);
  g.output('loss', loss);
  const trainable = Object.values(params);
  grad(loss, trainable).forEach((gr, i) => g.output(`grad.${trainable[i].name}`, gr));
  return exportOnnx(g, 'probe_step');
}

/** The one non-parameter float input of a train graph (`image`, or `features` when probing). */
export function dataInput(m: CompiledGraph['manifest']): string {
  const data = m.inputs.filter((i) => i.kind === 'input' && i.dtype === 'float32');
  if (data.length !== 1) throw new Error(`expected one float data input, found ${data.map((d) => d.name).join(', ') || 'none'}`);
  return data[0].name;
}
