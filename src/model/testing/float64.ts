/**
 * @file Whole-model gradient checks run in float64 (see src/graph/testing/gradcheck.ts), but
 * onnxruntime-node's CPU EP has no float64 Gelu or Erf kernel. Those checks therefore run exact
 * GELU's tanh approximation, built from float64-capable ops; the exact GELU's own gradient rule is
 * checked in float32 in ops.test.ts. Everything else in the model is unchanged.
 */
import { mulberry32 } from '../../data/random';
import type { HostTensor } from '../safetensors';
import type { Activation } from '../vit';

export function float64Activation<C extends { act: Activation }>(config: C): C {
  return config.act === 'gelu' ? { ...config, act: 'gelu-tanh' } : config;
}

/**
 * A copy of `weights` with seeded uniform noise of ±0.5 added to every entry. Tiny models at
 * timm's init have near-uniform attention and gradients too small to compare relatively; with
 * this noise every parameter tensor's directional derivative is ≥ 1e-5, far above float64 noise.
 */
export function roughWeights(weights: Map<string, HostTensor>, seed = 99): Map<string, HostTensor> {
  const r = mulberry32(seed);
  return new Map([...weights].map(([k, t]) => [k, { shape: t.shape, data: Float32Array.from(t.data, (v) => v + r() - 0.5) }]));
}
