/**
 * @file Train-step benchmark on onnxruntime-node: ViT-S/16 and ViT-B/16 (random weights, timm
 * shapes) at 224 px, batch 2, full fine-tuning, with the PyTorch CPU peer in the same invocation.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createNodeRunner } from '../src/runtime/node';
import { stepPeakBytes, type Recompute } from '../src/train/graphs';
import { HostEngine } from '../src/train/engine';
import { MEMORY_CONFIGS, configCost, type MemoryMode } from '../src/train/memory-policy';
import { medianStepMs, stepGraphs, type VitSize } from './step-loop';

export { VIT_B, VIT_S, type VitSize } from './step-loop';

/** Forward FLOPs: 2·(matmul params)·tokens per linear, plus QKᵀ and A·V (2·2·N²·D per block). */
export function forwardFlops(s: VitSize, crop: number, batch: number, classes: number): number {
  const n = (crop / 16) ** 2 + 1;
  const perBlock = 2 * n * (3 * s.dim * s.dim + s.dim * s.dim + 8 * s.dim * s.dim) + 4 * n * n * s.dim;
  const embed = 2 * (n - 1) * 3 * 256 * s.dim;
  const head = 2 * (n - 1) * s.dim * classes + 2 * classes * crop * crop * (crop / 16) * 2;
  return batch * (embed + s.depth * perBlock + head);
}

export interface StepOptions {
  crop: number; batch: number; classes: number; steps: number; threads: number; recompute?: Recompute;
  /** The memory configuration (src/train/memory-policy.ts); default lean. */
  memory?: MemoryMode;
}

export async function benchTrainStep(s: VitSize, opts: StepOptions) {
  const { crop, batch, classes, steps } = opts;
  const memory = MEMORY_CONFIGS[opts.memory ?? 'lean'];
  const { weights, trainGraph, evalGraph, compileMs } = stepGraphs(s, { crop, batch, classes, recompute: opts.recompute, rebuildValues: memory.rebuildValues });
  const engine = new HostEngine(
    await createNodeRunner(trainGraph, { threads: opts.threads, memory }), await createNodeRunner(evalGraph, { threads: opts.threads, memory }),
    weights, trainGraph.manifest.inputs.filter((i) => i.trainable).map((i) => i.name), { lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05 },
  );
  const ms = await medianStepMs(engine, { crop, batch, classes, steps });
  const flops = 3 * forwardFlops(s, crop, batch, classes);
  await engine.release();
  return {
    model: s.name, msPerStep: ms, imgPerS: (1000 * batch) / ms, gflopPerStep: flops / 1e9, gflops: flops / 1e9 / (ms / 1000), compileMs,
    onnxKB: trainGraph.onnx.length / 1024,
    // the plan's peak + AdamW moments (what the browser preflight counts), and what the memory policy expects this configuration to hold
    planBytes: stepPeakBytes(trainGraph.manifest), policyBytes: configCost(opts.memory ?? 'lean', trainGraph.manifest),
  };
}

/** Debian's PyTorch (with OpenBLAS pthread) on the same step, or null when it is not installed. */
export function benchTorch(s: VitSize, opts: StepOptions): { msPerStep: number; torch: string; peakRssBytes: number } | null {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return null;
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const out = execFileSync(python, [new URL('./torch_step.py', import.meta.url).pathname,
    ...[s.dim, s.depth, s.heads, opts.crop, opts.batch, opts.classes, opts.steps, opts.threads].map(String)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  return { msPerStep: r.ms_per_step, torch: r.torch, peakRssBytes: r.peak_rss_bytes };
}
