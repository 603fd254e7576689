/** @file AdamW state (step, m, v) to and from safetensors, for runs saved in OPFS. */
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import type { AdamWState } from '../train/optimizer';

export function encodeOptimizerState(s: AdamWState): Uint8Array {
  const tensors = new Map<string, HostTensor>();
  for (const [k, m] of s.m) tensors.set(`m.${k}`, { shape: [m.length], data: m });
  for (const [k, v] of s.v) tensors.set(`v.${k}`, { shape: [v.length], data: v });
  return writeSafetensors(tensors, { step: String(s.step) });
}

export function decodeOptimizerState(bytes: Uint8Array): AdamWState {
  const { tensors, metadata } = readSafetensorsWithMetadata(bytes, 'optimizer.safetensors');
  const state: AdamWState = { step: Number(metadata.step ?? 0), m: new Map(), v: new Map() };
  for (const [k, t] of tensors) (k.startsWith('m.') ? state.m : state.v).set(k.slice(2), t.data);
  return state;
}

/** Refuses saved moments that do not fit the model they would be restored into, naming the tensor. */
export function checkOptimizerState(s: AdamWState, weights: Map<string, { shape: number[]; data: { length: number } }>, trainable: readonly string[], file: string): void {
  for (const name of trainable) {
    const want = weights.get(name)?.data.length ?? 0;
    for (const [kind, moments] of [['m', s.m], ['v', s.v]] as const) {
      const got = moments.get(name);
      if (!got) throw new Error(`${file}: no saved ${kind} for the trainable parameter ${name}; it cannot be resumed with this recipe (freeze setting changed?)`);
      if (got.length !== want) throw new Error(`${file}: the saved ${kind} of ${name} has ${got.length} values, the model's parameter [${weights.get(name)?.shape}] has ${want}`);
    }
  }
}
