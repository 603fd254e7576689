/**
 * @file The timed train step, shared by the Node rows (bench/train-step.ts) and the browser's wasm
 * row (bench/browser-step-worker.ts), so both time the same thing: ViT weights with timm shapes,
 * one synthetic batch, `steps` steady steps after one warm-up step (accumulate + AdamW update), the
 * median wall time. No Node or DOM imports.
 */
import { makeTinyVit, tinyVitConfig } from '../src/model/demo';
import type { Engine } from '../src/train/engine';
import { compileEval, compileTrainStep, type Recompute } from '../src/train/graphs';
import type { CompiledGraph } from '../src/graph';
import type { HostTensor } from '../src/model/safetensors';

export interface VitSize { name: string; dim: number; depth: number; heads: number }
export const VIT_S: VitSize = { name: 'ViT-S/16', dim: 384, depth: 12, heads: 6 };
export const VIT_B: VitSize = { name: 'ViT-B/16', dim: 768, depth: 12, heads: 12 };

export interface StepGraphs { weights: Map<string, HostTensor>; trainGraph: CompiledGraph; evalGraph: CompiledGraph; compileMs: number }

export function stepGraphs(s: VitSize, o: { crop: number; batch: number; classes: number; recompute?: Recompute; rebuildValues: boolean }): StepGraphs {
  const cfg = { ...tinyVitConfig({ embedDim: s.dim, depth: s.depth, patchSize: 16, numClasses: o.classes }), heads: s.heads };
  const weights = makeTinyVit({ embedDim: s.dim, depth: s.depth, patchSize: 16, grid: o.crop / 16, numClasses: o.classes });
  const shapes = new Map([...weights].map(([k, t]) => [k, t.shape]));
  const t0 = performance.now();
  const trainGraph = compileTrainStep(cfg, shapes, o, 'none', undefined, 'vit', o.recompute ?? 'none', o.rebuildValues);
  const evalGraph = compileEval(cfg, shapes, o);
  return { weights, trainGraph, evalGraph, compileMs: performance.now() - t0 };
}

/** Median ms of `steps` steps after a warm-up one (which includes the sessions' first-run set-up). */
export async function medianStepMs(engine: Engine, o: { crop: number; batch: number; classes: number; steps: number }): Promise<number> {
  const images = Float32Array.from({ length: o.batch * 3 * o.crop * o.crop }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: o.batch * o.crop * o.crop }, (_, i) => i % o.classes);
  const times: number[] = [];
  for (let i = 0; i <= o.steps; i++) {
    const t = performance.now();
    await engine.accumulate(images, labels);
    await engine.update({ head: 1e-4, encoder: 1e-5 });
    if (i > 0) times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}
