/**
 * @file EVA-02 (timm `eva.py`, `Eva` with `use_rot_pos_emb`, `swiglu_mlp`, `scale_mlp`) on the
 * graph compiler: 2-D RoPE on the patch tokens' q and k (prefix tokens untouched), SwiGLU MLP with
 * its inner LayerNorm (`mlp.norm`), q/v biases without a k bias, optional `attn.norm`
 * (`scale_attn_inner`, the EVA-02 CLIP variant) and layer scale (`gamma_1`/`gamma_2`).
 * Parameter names are timm's keys. The RoPE tables are constants computed for the crop's grid,
 * scaled to `ref_feat_shape` as timm does when a model runs at another size.
 */
import { blockDepth } from '../blocks';
import {
  add, concat, hostArray, layerNorm, linear, matmul, mul, reshape, sigmoid, slice, softmax, transpose, transposeLast, type Tensor,
} from '../../graph';
import { numPrefixTokens, patchEmbed, posEmbed, stemShapes, type Params, type VitConfig } from '../vit';
import type { HostTensor } from '../safetensors';

export interface Eva02Config extends VitConfig {
  /** Fused `attn.qkv.weight` + `attn.q_bias`/`attn.v_bias`; else `attn.q_proj`/`k_proj`/`v_proj` (both timm EVA-02 B checkpoints). */
  qkvFused: boolean;
  /** `scale_attn_inner`: LayerNorm `attn.norm` on the attention output before `attn.proj` (EVA-02 CLIP). */
  attnInnerNorm: boolean;
  /** `scale_mlp`: LayerNorm `mlp.norm` on the SwiGLU hidden units before `mlp.fc2`. */
  mlpInnerNorm: boolean;
  /**
   * `norm` (EVA-02 CLIP), or none: the benchmark builds EVA-02 MIM with `timm.create_model(name,
   * num_classes=0)`, which keeps `global_pool='avg'`, so `norm` is Identity and the checkpoint's final
   * norm (`fc_norm`) belongs to `forward_head`, never run. `fc_norm` only for vfm-lab models trained
   * with it on every token (before that was fixed), so that they predict as they were trained.
   */
  finalNorm: 'norm' | 'fc_norm' | 'none';
  /** timm `ref_feat_shape`: RoPE positions are scaled so that the grid spans this many steps ((16, 16) for EVA-02 B). */
  ropeRefGrid?: [number, number];
  /** RoPE frequency base (timm `rope_temperature`, 10000). */
  ropeTemperature: number;
}

/** The parameter shapes an EVA-02 config needs, by timm key. */
export function eva02ParameterShapes(c: Eva02Config, grid: [number, number]): Map<string, number[]> {
  const d = c.embedDim, h = c.mlpHidden;
  const s = stemShapes(c, grid);
  const norm = (k: string, n: number) => { s.set(`${k}.weight`, [n]); s.set(`${k}.bias`, [n]); };
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`;
    norm(`${b}.norm1`, d);
    if (c.qkvFused) {
      s.set(`${b}.attn.qkv.weight`, [3 * d, d]);
      if (c.qkvBias) { s.set(`${b}.attn.q_bias`, [d]); s.set(`${b}.attn.v_bias`, [d]); }
    } else {
      s.set(`${b}.attn.q_proj.weight`, [d, d]);
      if (c.qkvBias) s.set(`${b}.attn.q_proj.bias`, [d]);
      s.set(`${b}.attn.k_proj.weight`, [d, d]);
      s.set(`${b}.attn.v_proj.weight`, [d, d]);
      if (c.qkvBias) s.set(`${b}.attn.v_proj.bias`, [d]);
    }
    if (c.attnInnerNorm) norm(`${b}.attn.norm`, d);
    s.set(`${b}.attn.proj.weight`, [d, d]); s.set(`${b}.attn.proj.bias`, [d]);
    if (c.layerScale) s.set(`${b}.gamma_1`, [d]);
    norm(`${b}.norm2`, d);
    s.set(`${b}.mlp.fc1_g.weight`, [h, d]); s.set(`${b}.mlp.fc1_g.bias`, [h]);
    s.set(`${b}.mlp.fc1_x.weight`, [h, d]); s.set(`${b}.mlp.fc1_x.bias`, [h]);
    if (c.mlpInnerNorm) norm(`${b}.mlp.norm`, h);
    s.set(`${b}.mlp.fc2.weight`, [d, h]); s.set(`${b}.mlp.fc2.bias`, [d]);
    if (c.layerScale) s.set(`${b}.gamma_2`, [d]);
  }
  if (c.finalNorm !== 'none') norm(c.finalNorm, d);
  s.set('seg_head.weight', [c.numClasses, d]);
  s.set('seg_head.bias', [c.numClasses]);
  return s;
}

/**
 * timm `RotaryEmbeddingCat(in_pixels=False)` tables for a grid, as [N, headDim] sin and cos
 * (row-major, float64). Positions t = i·ref/size; bands ω_j = T^(−j/(hd/4)); per token the
 * sin/cos of [y·ω, x·ω] with each value repeated twice (interleaved layout). `prefix` rows come
 * first with sin 0 and cos 1, so rotating every token equals timm's "prefix tokens untouched".
 */
export function ropeTables(grid: [number, number], headDim: number, c: Pick<Eva02Config, 'ropeRefGrid' | 'ropeTemperature'>, prefix = 0): { sin: Float64Array; cos: Float64Array } {
  if (headDim % 4) throw new Error(`EVA-02 RoPE needs a head dim divisible by 4, got ${headDim}`);
  const nb = headDim / 4;
  const bands = Array.from({ length: nb }, (_, j) => 1 / c.ropeTemperature ** (j / nb));
  const [gh, gw] = grid;
  const pos = (i: number, size: number, axis: number) => (c.ropeRefGrid ? (i / size) * c.ropeRefGrid[axis] : i);
  const n = prefix + gh * gw;
  const sin = new Float64Array(n * headDim), cos = new Float64Array(n * headDim).fill(1);
  for (let y = 0; y < gh; y++) for (let x = 0; x < gw; x++) {
    const row = (prefix + y * gw + x) * headDim;
    const angles = [...bands.map((w) => pos(y, gh, 0) * w), ...bands.map((w) => pos(x, gw, 1) * w)];
    angles.forEach((a, j) => {
      for (const r of [0, 1]) { sin[row + 2 * j + r] = Math.sin(a); cos[row + 2 * j + r] = Math.cos(a); }
    });
  }
  return { sin, cos };
}

/** timm `rot`: [x0, x1, x2, x3, …] → [−x1, x0, −x3, x2, …] on the last axis. */
function rot(x: Tensor): Tensor {
  const hd = x.shape[x.rank - 1];
  const pairs = reshape(x, [...x.shape.slice(0, -1), hd / 2, 2]);
  const [even, odd] = [0, 1].map((i) => slice(pairs, pairs.rank - 1, i, i + 1));
  return reshape(concat([mul(odd, -1), even], pairs.rank - 1), x.shape);
}

/** timm `apply_rot_embed_cat`: x·cos + rot(x)·sin. */
export const applyRope = (x: Tensor, sin: Tensor, cos: Tensor) => add(mul(x, cos), mul(rot(x), sin));

export interface Rope { sin: Tensor; cos: Tensor }

/** EvaAttention: q, k, v (no k bias) → RoPE on q, k → softmax(q·kᵀ/√d)·v → optional norm → proj. */
export function evaAttention(x: Tensor, p: Params, prefix: string, c: Eva02Config, rope: Rope): Tensor {
  const [b, n, d] = x.shape;
  const hd = d / c.heads;
  const heads = (t: Tensor) => transpose(reshape(t, [b, n, c.heads, hd]), [0, 2, 1, 3]);
  let q: Tensor, k: Tensor, v: Tensor;
  if (c.qkvFused) {
    const w = p[`${prefix}.qkv.weight`];
    const zeros = x.graph.constant(hostArray(x.dtype, d), [d], x.dtype); // timm's k_bias buffer
    const bias = c.qkvBias ? concat([p[`${prefix}.q_bias`], zeros, p[`${prefix}.v_bias`]], 0) : undefined;
    const qkv = linear(x, w, bias);
    [q, k, v] = [0, 1, 2].map((i) => heads(slice(qkv, 2, i * d, (i + 1) * d)));
  } else {
    q = heads(linear(x, p[`${prefix}.q_proj.weight`], p[`${prefix}.q_proj.bias`]));
    k = heads(linear(x, p[`${prefix}.k_proj.weight`]));
    v = heads(linear(x, p[`${prefix}.v_proj.weight`], p[`${prefix}.v_proj.bias`]));
  }
  q = applyRope(q, rope.sin, rope.cos);
  k = applyRope(k, rope.sin, rope.cos);
  const attn = softmax(matmul(mul(q, hd ** -0.5), transposeLast(k)), -1);
  let out = reshape(transpose(matmul(attn, v), [0, 2, 1, 3]), [b, n, d]);
  if (c.attnInnerNorm) out = layerNorm(out, p[`${prefix}.norm.weight`], p[`${prefix}.norm.bias`], c.normEps);
  return linear(out, p[`${prefix}.proj.weight`], p[`${prefix}.proj.bias`]);
}

/** SiLU: x·σ(x). */
const silu = (x: Tensor) => mul(x, sigmoid(x));

/** timm `SwiGLU`: fc2(norm(silu(fc1_g(x)) · fc1_x(x))). */
export function swiGlu(x: Tensor, p: Params, prefix: string, c: Eva02Config): Tensor {
  const gate = linear(x, p[`${prefix}.fc1_g.weight`], p[`${prefix}.fc1_g.bias`]);
  let h = mul(silu(gate), linear(x, p[`${prefix}.fc1_x.weight`], p[`${prefix}.fc1_x.bias`]));
  if (c.mlpInnerNorm) h = layerNorm(h, p[`${prefix}.norm.weight`], p[`${prefix}.norm.bias`], c.normEps);
  return linear(h, p[`${prefix}.fc2.weight`], p[`${prefix}.fc2.bias`]);
}

/** EvaBlock: x + γ1·attn(norm1(x)), then x + γ2·mlp(norm2(x)). */
export function evaBlock(x: Tensor, p: Params, i: number, c: Eva02Config, rope: Rope): Tensor {
  const b = `blocks.${i}`;
  const scale = (y: Tensor, g: string) => (c.layerScale ? mul(y, p[`${b}.${g}`]) : y);
  x = add(x, scale(evaAttention(layerNorm(x, p[`${b}.norm1.weight`], p[`${b}.norm1.bias`], c.normEps), p, `${b}.attn`, c, rope), 'gamma_1'));
  return add(x, scale(swiGlu(layerNorm(x, p[`${b}.norm2.weight`], p[`${b}.norm2.bias`], c.normEps), p, `${b}.mlp`, c), 'gamma_2'));
}

/** Patch features [B, N, D] of an EVA-02 encoder after the final norm, prefix tokens dropped. */
export function eva02Encoder(image: Tensor, p: Params, c: Eva02Config): Tensor {
  const [, , h, w] = image.shape;
  const grid: [number, number] = [h / c.patchSize, w / c.patchSize];
  let x = posEmbed(patchEmbed(image, p, c.patchSize), p, c);
  if (c.preNorm) x = layerNorm(x, p['norm_pre.weight'], p['norm_pre.bias'], c.normEps);
  const prefix = numPrefixTokens(c);
  const tables = ropeTables(grid, c.embedDim / c.heads, c, prefix);
  const constant = (t: Float64Array) => image.graph.constant(hostArray(image.dtype, t), [x.shape[1], c.embedDim / c.heads], image.dtype);
  const rope = { sin: constant(tables.sin), cos: constant(tables.cos) };
  for (let i = 0; i < c.depth; i++) x = x.graph.checkpoint(() => evaBlock(x, p, i, c, rope));
  if (c.finalNorm !== 'none') x = layerNorm(x, p[`${c.finalNorm}.weight`], p[`${c.finalNorm}.bias`], c.normEps);
  return slice(x, 1, prefix, x.shape[1]);
}

/** Whether a key set is an EVA-02 checkpoint (separate or fused q/v biases, SwiGLU). */
export const isEva02Keys = (keys: Iterable<string>) =>
  [...keys].some((k) => /\.attn\.(q_bias|k_proj\.weight)$|\.mlp\.fc1_g\.weight$/.test(k));

/** Keys of timm EVA-02 checkpoints that the segmenter does not use. */
export const EVA02_IGNORED = [/^head\./, /^fc_norm\./, /^rope\./, /^mask_token$/, /^lm_head\./];

/** timm's `ref_feat_shape` for every EVA-02 model (224 px at patch 14), the CLIP B/16 included. */
export const EVA02_ROPE_REF_GRID: [number, number] = [16, 16];

/**
 * The config a timm EVA-02 state dict implies (heads default to dim/64, timm's EVA-02 B/L).
 * `patchSize` is the size the model runs at (the loader resamples a 14×14 kernel to 16×16).
 */
export function inferEva02Config(t: Map<string, HostTensor>, o: { numClasses: number; patchSize?: number; heads?: number; normEps?: number }): Eva02Config {
  const need = (k: string) => {
    const v = t.get(k);
    if (!v) throw new Error(`missing required tensor "${k}" (is this a timm EVA-02 checkpoint?)`);
    return v;
  };
  const [embedDim, , patch] = need('patch_embed.proj.weight').shape;
  const depth = blockDepth(t.keys());
  const clsTokens = t.has('cls_token') ? 1 : 0, regTokens = t.get('reg_token')?.shape[1] ?? 0;
  const pos = t.get('pos_embed');
  const isSquare = (v: number) => v > 0 && Number.isInteger(Math.sqrt(v));
  const prefix = clsTokens + regTokens;
  const posEmbed: VitConfig['posEmbed'] = !pos ? 'none' : prefix && isSquare(pos.shape[1] - prefix) ? 'with-prefix' : 'patch-only';
  const qkvFused = t.has('blocks.0.attn.qkv.weight');
  return {
    embedDim, depth, heads: o.heads ?? Math.max(1, Math.round(embedDim / 64)), patchSize: o.patchSize ?? patch,
    mlpHidden: need('blocks.0.mlp.fc1_g.weight').shape[0], clsTokens, regTokens, posEmbed,
    layerScale: t.has('blocks.0.gamma_1'), preNorm: t.has('norm_pre.weight'),
    qkvBias: t.has(qkvFused ? 'blocks.0.attn.q_bias' : 'blocks.0.attn.q_proj.bias'), patchBias: t.has('patch_embed.proj.bias'),
    normEps: o.normEps ?? 1e-6, act: 'gelu', numClasses: o.numClasses,
    qkvFused, attnInnerNorm: t.has('blocks.0.attn.norm.weight'), mlpInnerNorm: t.has('blocks.0.mlp.norm.weight'),
    finalNorm: t.has('norm.weight') ? 'norm' : t.has('fc_norm.weight') && t.has('seg_head.weight') ? 'fc_norm' : 'none',
    ropeRefGrid: EVA02_ROPE_REF_GRID, ropeTemperature: 10000,
  };
}
