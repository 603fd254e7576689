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
