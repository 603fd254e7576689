/** @file onnxruntime-node sessions for the CLI, tests and benchmarks (CPU EP). */
import * as ort from 'onnxruntime-node';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CompiledGraph } from '../graph';
import { MEMORY_CONFIGS, type MemoryConfig } from '../train/memory-policy';
import { GraphRunner, type OrtModule } from './host';

/**
 * The environment the `vfm-lab` process starts with (bin/vfm-lab.mjs's first line sets the same;
 * bench/paper.ts starts its children with it). With the CPU arena off, onnxruntime mallocs and
 * frees each intermediate tensor; glibc's default mmap threshold climbs with every large block
 * freed (up to 32 MiB), after which such blocks come from the heap and their pages stay resident
 * when freed: a ViT-B/16 512 px step with recomputation then held its peak for the rest of the
 * step. A fixed threshold returns every large tensor's pages to the system when it is freed.
 * Measured (peak RSS of two steps, 2 threads, several runs each): 2081–2116 → 1892–1976 MiB with 4 MiB, at
 * the same CPU time; 128 KiB gave no more (1887 MiB). 1 MiB, because a ViT-B/16 token tensor at 512 px
 * ([1025, 768], 3 MiB) stayed under 4 MiB: the step keeping its activations left ~330–450 MiB of freed
 * such tensors resident in the heap after its first run, on top of the next run's peak (peak RSS
 * 3040 → 2751 MiB, and 3421 → 3033 MiB before the graph kept less; one run each).
 * glibc reads it at start-up only, so it cannot be set from here; other C libraries ignore it.
 */
export const HOST_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(2 ** 20) } as const;

export interface NodeSessionOptions {
  /** Intra-op threads; defaults to onnxruntime's choice (all cores). */
  threads?: number;
  /**
   * The memory configuration (src/train/memory-policy.ts); default lean. The CPU arena saves the
   * malloc/free of every intermediate — ViT-S/16 224 px b2, one thread, steps interleaved in one
   * process, CPU time per step 0.77 -> 0.63-0.65 s (median of 8, -17 %) — but keeps its peak:
   * one ViT-B/16 512 px step with recomputation grew RSS by 1615 MiB with it, 1156 MiB without.
   */
  memory?: MemoryConfig;
  /** onnxruntime's profiler (bench/cpu-step.ts --profile): a JSON trace per session in the working directory. */
  profile?: boolean;
}

export function createNodeRunner(graph: CompiledGraph, opts: NodeSessionOptions = {}): Promise<GraphRunner> {
  const memory = opts.memory ?? MEMORY_CONFIGS.lean;
  return GraphRunner.create(ort as unknown as OrtModule, graph.onnx, graph.manifest, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    enableCpuMemArena: memory.cpuArena,
    enableMemPattern: memory.memPattern,
    ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    ...(opts.profile ? { enableProfiling: true, profileFilePrefix: 'onnxruntime_profile' } : {}),
  }, memory.collectGarbage ? collectGarbage : undefined); // fast: V8 collects the copies when it chooses
}

/**
 * onnxruntime-node returns a fresh JS copy of every output, also of those it wrote into our
 * arrays: for a ViT-B step, 330 MiB of gradient copies per step that V8 otherwise collected only
 * during the next step, on top of its peak. Measured (ViT-B/16 512 px, recompute, 2 steps): peak RSS 2435 → 2108 MiB.
 * The lean configuration only: a forced full collection costs time every step.
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  (gc ??= exposedGc())();
}

/**
 * `gc` as Node exposes it with `--expose-gc` (bin/vfm-lab.mjs and the bench's child processes
 * start with it). A process started without it (Vitest's workers, `node bin/vfm-lab.mjs`, an app
 * embedding this module) gets the flag now: V8 then installs `gc` on every context created later,
 * so a fresh context hands it over. Node documents flags set after start-up as unsupported in
 * general; this one only adds that function, and the tests run through this path.
 */
function exposedGc(): () => void {
  const started = (globalThis as { gc?: () => void }).gc;
  if (started) return started;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
