/** @file onnxruntime-node sessions for the CLI, tests and benchmarks (CPU EP). */
import * as ort from 'onnxruntime-node';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CompiledGraph } from '../graph';
import { GraphRunner, type OrtModule } from './host';

export interface NodeSessionOptions {
  /** Intra-op threads; defaults to onnxruntime's choice (all cores). */
  threads?: number;
}

export function createNodeRunner(graph: CompiledGraph, opts: NodeSessionOptions = {}): Promise<GraphRunner> {
  return GraphRunner.create(ort as unknown as OrtModule, graph.onnx, graph.manifest, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    // no CPU arena: it grows by doubling and keeps what it took. Measured on one ViT-B/16 512 px
    // step with recomputation: RSS grew 1615 MiB with it, 1156 MiB without, at the same speed (29 s)
    enableCpuMemArena: false,
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
  }, collectGarbage);
}

/**
 * onnxruntime-node returns a fresh JS copy of every output, also of those it wrote into our
 * arrays: for a ViT-B step, 330 MiB of gradient copies per step that V8 otherwise collected only
 * during the next step, on top of its peak. Measured (ViT-B/16 512 px, recompute, 2 steps): peak RSS 2435 → 2108 MiB.
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
