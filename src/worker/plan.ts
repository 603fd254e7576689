/**
 * @file The memory a Start would need, from the compiler's own plan of the train step a new run
 * compiles (`runSettings`, the run's own set-up: the label filter, the recorded architecture, SAM's
 * rel-pos rule; src/runtime/memory.ts), shown before Start next to what the backend allows.
 */
import { describeMemory, estimateMemory } from '../runtime/memory';
import { rulesOf } from '../train/rules';
import { prepareTrainStep } from '../train/session';
import type { MemoryPlanInfo, TrainConfig } from './api';
import type { LoadedCheckpoint, LoadedData } from './loading';
import type { Compute } from './compute';
import { backendMemory, freshNorm, runSettings } from './prepare';

export function planMemory(checkpoint: LoadedCheckpoint, data: LoadedData, config: TrainConfig, where: Compute['where'] | undefined): MemoryPlanInfo {
  const { ds, settings } = runSettings(checkpoint, data, config, rulesOf(config.recipe), freshNorm(checkpoint), checkpoint.recorded);
  const { trainGraph } = prepareTrainStep(checkpoint.tensors, checkpoint.name, ds.classes.length, { ...settings, ...backendMemory(where) });
  const e = estimateMemory(trainGraph.manifest, config.accum);
  return { totalBytes: e.totalBytes, largestBinding: e.largestBinding, summary: describeMemory(e, trainGraph.manifest) };
}
