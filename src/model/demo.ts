/**
 * @file The tiny demo backbone: a randomly initialised ViT in timm's layout (timm's init: trunc-normal
 * std 0.02 for weights and tokens, zero biases, unit norms). The app ships none of a real model's
 * weights; this is what the embedded demo and `vfm-lab make-demo` train, and what tests use.
 */
import { mulberry32 } from '../data/random';
import type { HostTensor } from './safetensors';
import { parameterShapes, type VitConfig } from './vit';

export interface TinyVitOptions {
  embedDim?: number;
  depth?: number;
  patchSize?: number;
  /** Grid side of the position embedding (crop / patch). */
  grid?: number;
  regTokens?: number;
  layerScale?: boolean;
  /** timm `no_embed_class`: position embeddings for patches only. */
  noEmbedClass?: boolean;
  /** false: no class token (SigLIP). */
  classToken?: boolean;
  /** CLIP's `norm_pre` before the blocks. */
  preNorm?: boolean;
  /** false: no patch-embedding bias (CLIP). */
  patchBias?: boolean;
  /** Include a `seg_head` for this many classes. */
  numClasses?: number;
  seed?: number;
}

/** The embedded demo backbone: depth 2, width 64, 8×8 patches on 64×64 crops. */
export const DEMO_MODEL: TinyVitOptions = { embedDim: 64, depth: 2, patchSize: 8, grid: 8 };

export function tinyVitConfig(o: TinyVitOptions = {}): VitConfig {
  const embedDim = o.embedDim ?? 64;
  return {
    embedDim, depth: o.depth ?? 2, heads: Math.max(1, Math.round(embedDim / 64)), patchSize: o.patchSize ?? 8,
    mlpHidden: 4 * embedDim, clsTokens: o.classToken === false ? 0 : 1, regTokens: o.regTokens ?? 0,
    posEmbed: o.noEmbedClass || o.classToken === false ? 'patch-only' : 'with-prefix', layerScale: o.layerScale ?? false,
    preNorm: o.preNorm ?? false, qkvBias: true, patchBias: o.patchBias ?? true, normEps: 1e-6, act: 'gelu', numClasses: o.numClasses ?? 1,
  };
}

/** A timm-style state dict for a tiny ViT (with `seg_head` only if `numClasses` is given). */
export function makeTinyVit(o: TinyVitOptions = {}): Map<string, HostTensor> {
  const config = tinyVitConfig(o);
  const rand = mulberry32(o.seed ?? 0);
  // trunc_normal(std=0.02) via Box–Muller, resampled outside ±2σ
  const normal = () => {
    for (;;) {
      const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      if (Math.abs(z) <= 2) return z * 0.02;
    }
  };
  const out = new Map<string, HostTensor>();
  const grid = o.grid ?? 8;
  for (const [name, shape] of parameterShapes(config, [grid, grid])) {
    if (name.startsWith('seg_head.') && o.numClasses === undefined) continue;
    const n = shape.reduce((a, b) => a * b, 1);
    const leaf = name.split('.').pop()!;
    const data = new Float32Array(n);
    if (leaf === 'gamma') data.fill(o.layerScale ? 1e-1 : 1);
    else if (leaf === 'weight' && /norm/.test(name)) data.fill(1);
    else if (leaf === 'bias') data.fill(0);
    else for (let i = 0; i < n; i++) data[i] = normal();
    out.set(name, { shape, data });
  }
  return out;
}
