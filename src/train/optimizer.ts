/**
 * @file AdamW with PyTorch semantics — the one reference implementation of the update rule. The
 * host engine (CLI, wasm) runs it as is; the WGSL pass in src/runtime is tested against it.
 * Two parameter groups: `seg_head.*` (decoder lr) and everything else (encoder lr). Which tensors
 * decay is a recipe rule: the demo's `matrices` (≥ 2 dims, never norms, biases, position
 * embeddings or prefix tokens) or the benchmark's `all` (training/lightning_module.py builds one
 * AdamW with `weight_decay` over every parameter, exempting none).
 */
import type { WeightDecayScope } from './recipe';

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/**
 * One step, in place (t is 1-based):
 *   p ← p − lr·wd·p
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
 *   p ← p − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 */
export function adamwUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, t: number, h: AdamWHyper): void {
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = 1 - h.beta2 ** t;
  const decay = 1 - h.lr * h.weightDecay;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = (m[i] = h.beta1 * m[i] + (1 - h.beta1) * g);
    const vi = (v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g);
    param[i] = param[i] * decay - (h.lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + h.eps);
  }
}

export function paramGroup(name: string): 'head' | 'encoder' {
  return name.startsWith('seg_head.') ? 'head' : 'encoder';
}

const NO_DECAY = /(^|\.)(pos_embed|cls_token|reg_token|mask_token|rel_pos_h|rel_pos_w)$|(^|\.)(norm[^.]*|ls\d)\.|\.bias$|\.gamma$/;

/** `matrices`: weights with ≥ 2 dims, never biases, norms, layer scales, position embeddings or tokens. `all`: every tensor. */
export function appliesWeightDecay(name: string, shape: readonly number[], scope: WeightDecayScope = 'matrices'): boolean {
  return scope === 'all' || (shape.length >= 2 && !NO_DECAY.test(name));
}

export interface AdamWState {
  step: number;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  private t = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  constructor(
    private readonly params: Map<string, { shape: readonly number[]; data: Float32Array }>,
    private readonly opts: { weightDecay: number; weightDecayScope?: WeightDecayScope; beta1?: number; beta2?: number; eps?: number },
  ) {
    for (const [name, p] of params) {
      this.m.set(name, new Float32Array(p.data.length));
      this.v.set(name, new Float32Array(p.data.length));
    }
  }

  /** Applies one step with per-group learning rates to every parameter that has a gradient. */
  step(grads: Map<string, Float32Array>, lr: { head: number; encoder: number }): void {
    this.t++;
    for (const [name, p] of this.params) {
      const g = grads.get(name);
      if (!g) continue;
      adamwUpdate(p.data, g, this.m.get(name)!, this.v.get(name)!, this.t, {
        lr: paramGroup(name) === 'head' ? lr.head : lr.encoder,
        beta1: this.opts.beta1 ?? ADAMW_DEFAULTS.beta1,
        beta2: this.opts.beta2 ?? ADAMW_DEFAULTS.beta2,
        eps: this.opts.eps ?? ADAMW_DEFAULTS.eps,
        weightDecay: appliesWeightDecay(name, p.shape, this.opts.weightDecayScope) ? this.opts.weightDecay : 0,
      });
    }
  }

  state(): AdamWState {
    return { step: this.t, m: this.m, v: this.v };
  }

  restore(s: AdamWState): void {
    this.t = s.step;
    for (const [name, m] of s.m) this.m.get(name)?.set(m);
    for (const [name, v] of s.v) this.v.get(name)?.set(v);
  }
}
