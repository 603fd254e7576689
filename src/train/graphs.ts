/**
 * @file The two compiled graphs of a run. The train step takes every parameter (by timm key),
 * `image` [B,3,S,S] and `labels` [B,S,S] (int32, 255 = ignore) and returns `loss` and one
 * `grad.<key>` per trainable parameter; frozen parameters are plain inputs whose backward pass
 * is pruned away. The eval graph returns `logits` [B,C,S,S] and `pred` [B,S,S] (int32).
 */
import { Graph, exportOnnx, grad, type CompiledGraph, type Tensor } from '../graph';
import { predictLabels, segmenter, segmentationLoss, type VitConfig } from '../model/vit';

export type FreezeMode = 'none' | 'encoder' | `last:${number}`;

export function parseFreeze(mode: string, depth: number): FreezeMode {
  if (mode === 'none' || mode === 'encoder') return mode;
  const m = /^last:(\d+)$/.exec(mode);
  if (m && Number(m[1]) >= 0 && Number(m[1]) <= depth) return mode as FreezeMode;
  throw new Error(`--freeze must be none, encoder or last:K with 0 ≤ K ≤ ${depth}; got "${mode}"`);
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
): CompiledGraph {
  const g = new Graph();
  const params = declareParams(g, shapes, (n) => isTrainable(n, freeze, config.depth));
  const image = g.input('image', [batch, 3, crop, crop]);
  const labels = g.input('labels', [batch, crop, crop], 'int32');
  const loss = segmentationLoss(image, labels, params, config, classWeights);
  g.output('loss', loss);
  const trainable = Object.values(params).filter((p) => p.trainable);
  grad(loss, trainable).forEach((gr, i) => g.output(`grad.${trainable[i].name}`, gr));
  return exportOnnx(g, 'train_step');
}

export function compileEval(config: VitConfig, shapes: Map<string, readonly number[]>, { batch, crop }: StepShape): CompiledGraph {
  const g = new Graph();
  const params = declareParams(g, shapes, () => false);
  const image = g.input('image', [batch, 3, crop, crop]);
  const logits = segmenter(image, params, config);
  g.output('logits', logits);
  g.output('pred', predictLabels(logits));
  return exportOnnx(g, 'eval');
}
