/**
 * @file CPU memory preflight for `vfm-lab train`: the GPU path's estimator (src/runtime/memory)
 * against the machine's free memory, refusing a run that cannot fit with the same advice text,
 * instead of being killed by the kernel minutes later with no message.
 */
import { freemem } from 'node:os';
import type { Manifest } from '../graph';
import { estimateMemory, formatBytes, smallerRun } from '../runtime/memory';
import { CliError } from './args';

interface Settings {
  crop: number;
  batch: number;
  accum: number;
}

function refuse(needed: number, what: string, free: number, s: Settings): never {
  throw new CliError(`this run needs ${what} ${formatBytes(needed)} of memory, but this machine has ${formatBytes(free)} free. Try ${smallerRun(s)}`);
}

/**
 * Before compiling: the batch's own tensors (images, labels, and logits with their gradient for
 * `classes` classes) are a lower bound of any step; a crop of 100000 is refused here, not by a
 * failed typed-array allocation inside the compiler.
 */
export function preflightBatch(s: Settings, classes: number, free = freemem()): void {
  const bytes = 4 * s.batch * s.crop * s.crop * (3 + 1 + 2 * Math.max(1, classes));
  if (bytes > free) refuse(bytes, 'at least', free, s);
}

/** After compiling: the full estimate (weights, gradients, AdamW moments, accumulators, activations). */
export function preflightRun(train: Manifest, s: Settings, free = freemem()): void {
  const e = estimateMemory(train, s.accum);
  if (e.totalBytes > free) refuse(e.totalBytes, 'an estimated', free, s);
}
