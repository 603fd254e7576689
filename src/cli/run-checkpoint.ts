/**
 * @file A run's checkpoint, OUTDIR/checkpoint.safetensors: every parameter, both AdamW moments,
 * the optimizer's step and the metrics rows so far, in one file written through temp + rename,
 * so it is always whole and consistent (a kill -9 leaves the previous one). Shuffling and
 * augmentation need no saved generator state: they are keyed by (seed, step, index), so the
 * seed in config.json and the step here restore them exactly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AdamWState } from '../train/optimizer';
import { CheckpointError, readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { writeAtomic } from './files';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
const M = 'adamw.m:', V = 'adamw.v:';

/** A metrics.jsonl row: a step (loss, learning rates, time) or an evaluation (mIoU). */
export type MetricsRow = Record<string, number>;

const STATE = z.object({
  step: z.number().int().min(0),
  optimizerStep: z.number().int().min(0),
  rows: z.array(z.record(z.string(), z.number())),
});

export interface RunCheckpoint {
  /** Completed optimizer steps. */
  step: number;
  weights: Map<string, HostTensor>;
  /** Model metadata (`vfm_lab`) as a saved model carries it, so the weights load like one. */
  metadata: Record<string, string>;
  optimizer: AdamWState;
  rows: MetricsRow[];
}

export async function saveCheckpoint(out: string, c: RunCheckpoint): Promise<void> {
  const tensors = new Map(c.weights);
  for (const [name, m] of c.optimizer.m) tensors.set(M + name, { shape: [m.length], data: m });
  for (const [name, v] of c.optimizer.v) tensors.set(V + name, { shape: [v.length], data: v });
  const state = JSON.stringify({ step: c.step, optimizerStep: c.optimizer.step, rows: c.rows });
  await writeAtomic(join(out, CHECKPOINT_FILE), writeSafetensors(tensors, { ...c.metadata, vfm_lab_run: state }));
}

/** The checkpoint in `out`, or undefined when there is none. */
export async function loadCheckpoint(out: string): Promise<RunCheckpoint | undefined> {
  const path = join(out, CHECKPOINT_FILE);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new CheckpointError(`${path}: cannot read the checkpoint (${e.code ?? e.message})`);
  });
  if (!bytes) return undefined;
  const { tensors, metadata } = readSafetensorsWithMetadata(new Uint8Array(bytes), path);
  const { vfm_lab_run: run, ...model } = metadata;
  let state: z.infer<typeof STATE>;
  try {
    state = STATE.parse(JSON.parse(run ?? ''));
  } catch {
    throw new CheckpointError(`${path}: not a vfm-lab run checkpoint (its run state is missing or malformed)`);
  }
  const weights = new Map<string, HostTensor>();
  const m = new Map<string, Float32Array>(), v = new Map<string, Float32Array>();
  for (const [name, t] of tensors) {
    if (name.startsWith(M)) m.set(name.slice(M.length), t.data);
    else if (name.startsWith(V)) v.set(name.slice(V.length), t.data);
    else weights.set(name, t);
  }
  return { step: state.step, weights, metadata: model, optimizer: { step: state.optimizerStep, m, v }, rows: state.rows };
}
