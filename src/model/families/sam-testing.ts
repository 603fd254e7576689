/**
 * @file A tiny SAM encoder in timm's keys for tests (not part of the public API): grid 8 at
 * patch 4 (32 px), window 4, block 1 global, rel-pos tables of a checkpoint (15 and 7 rows, not
 * the benchmark's 2·n+1), and a neck as timm's checkpoints have.
 */
import type { HostTensor } from '../safetensors';
import { samParameterShapes, type SamConfig } from './sam';

export function makeTinySam(): Map<string, HostTensor> {
  const c: SamConfig = {
    embedDim: 16, depth: 2, heads: 1, patchSize: 4, mlpHidden: 32, clsTokens: 0, regTokens: 0, posEmbed: 'patch-only', layerScale: false, preNorm: false,
    qkvBias: true, patchBias: true, normEps: 1e-5, act: 'gelu', numClasses: 1, windowSize: 4, globalBlocks: [1], relPos: true, relPosLength: { global: 15, window: 7 },
  };
  const m = new Map<string, HostTensor>();
  for (const [k, shape] of samParameterShapes(c, [8, 8])) {
    if (!k.startsWith('seg_head.')) m.set(k, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, j) => Math.sin(j + k.length) * 0.1) });
  }
  m.set('neck.0.weight', { shape: [8, 16, 1, 1], data: new Float32Array(128) });
  return m;
}
