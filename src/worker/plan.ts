/**
 * @file The memory a Start would need, from the compiler's own plan (the same graph the run
 * compiles, src/runtime/memory.ts), shown before Start next to what the backend allows.
 */
import { describeMemory, estimateMemory } from '../runtime/memory';
import { prepareRun } from '../train/session';
import type { MemoryPlanInfo, TrainConfig } from './api';
import type { LoadedCheckpoint, LoadedData } from './loading';

export function planMemory(checkpoint: LoadedCheckpoint, data: LoadedData, config: TrainConfig): MemoryPlanInfo {
  const r = checkpoint.recorded;
  const prepared = prepareRun(checkpoint.tensors, checkpoint.name, data.ds.classes.length, {
    ...config, family: checkpoint.family, trainImages: data.ds.train.length,
    heads: r?.heads, act: r?.act, normEps: r?.normEps, windowSize: r?.windowSize,
  });
  const manifest = prepared.trainGraph.manifest;
  const e = estimateMemory(manifest, config.accum);
  return { totalBytes: e.totalBytes, largestBinding: e.largestBinding, summary: describeMemory(e, manifest) };
}
