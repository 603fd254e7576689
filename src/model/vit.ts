/**
 * @file ViT in timm's layout (`vision_transformer.py`), built on the graph compiler, plus the
 * linear segmentation decoder. Parameter names are timm's keys, used unchanged as ONNX input
 * names and safetensors keys. Reads like timm: `patchEmbed`, `posEmbed`, `attention`, `mlp`,
 * `block`, `segmenter`.
 */
import {
  add, concat, crossEntropyTerms, expand, gelu, geluTanh, layerNorm, linear, matmul, mul, quickGelu, reshape, resize2d,
  slice, softmax, transpose, weightedMean, type Tensor,
} from '../graph';
import { bilinearMatrix } from './resample';

/** Exact GELU (timm default), CLIP's QuickGELU, or the tanh approximation (timm `gelu_tanh`, SigLIP 2; chosen with the `act` option). */
export type Activation = 'gelu' | 'quickgelu' | 'gelu-tanh';

export interface VitConfig {
  embedDim: number;
  depth: number;
  heads: number;
  patchSize: number;
  mlpHidden: number;
  /** 1 with a class token, 0 without (SigLIP). */
  clsTokens: number;
  regTokens: number;
  /** 'patch-only': timm `no_embed_class` (added before the prefix tokens are prepended). */
  posEmbed: 'with-prefix' | 'patch-only' | 'none';
  layerScale: boolean;
  /** CLIP's `norm_pre` before the blocks. */
  preNorm: boolean;
  qkvBias: boolean;
  /** CLIP's patch embedding has no bias. */
  patchBias: boolean;
  normEps: number;
  act: Activation;
  numClasses: number;
}

/** Parameters by timm key. */
export type Params = Record<string, Tensor>;

export const numPrefixTokens = (c: VitConfig) => c.clsTokens + c.regTokens;

/**
 * Shapes of the stem every family shares: patch embedding, prefix tokens, position embedding
 * (timm's [1, N, D] unless the family gives its own layout) and CLIP's pre-norm.
 */
export function stemShapes(c: VitConfig, grid: [number, number], posEmbedShape?: number[]): Map<string, number[]> {
  const d = c.embedDim;
  const s = new Map<string, number[]>();
  s.set('patch_embed.proj.weight', [d, 3, c.patchSize, c.patchSize]);
  if (c.patchBias) s.set('patch_embed.proj.bias', [d]);
  if (c.clsTokens) s.set('cls_token', [1, 1, d]);
  if (c.regTokens) s.set('reg_token', [1, c.regTokens, d]);
  const patches = grid[0] * grid[1];
  if (c.posEmbed !== 'none') s.set('pos_embed', posEmbedShape ?? [1, c.posEmbed === 'with-prefix' ? patches + numPrefixTokens(c) : patches, d]);
  if (c.preNorm) { s.set('norm_pre.weight', [d]); s.set('norm_pre.bias', [d]); }
  return s;
}

/**
 * Block i's parameter shapes, in timm's order, added to `s`; `attnTables` are a family's extra
 * attention tables (SAM's `rel_pos_h`/`rel_pos_w`), placed after the qkv as in timm's state dict.
 */
export function blockShapes(s: Map<string, number[]>, c: VitConfig, i: number, attnTables: Record<string, number[]> = {}): void {
  const d = c.embedDim, b = `blocks.${i}`;
  s.set(`${b}.norm1.weight`, [d]); s.set(`${b}.norm1.bias`, [d]);
  s.set(`${b}.attn.qkv.weight`, [3 * d, d]);
  if (c.qkvBias) s.set(`${b}.attn.qkv.bias`, [3 * d]);
  for (const [name, shape] of Object.entries(attnTables)) s.set(`${b}.attn.${name}`, shape);
  s.set(`${b}.attn.proj.weight`, [d, d]); s.set(`${b}.attn.proj.bias`, [d]);
  if (c.layerScale) s.set(`${b}.ls1.gamma`, [d]);
  s.set(`${b}.norm2.weight`, [d]); s.set(`${b}.norm2.bias`, [d]);
  s.set(`${b}.mlp.fc1.weight`, [c.mlpHidden, d]); s.set(`${b}.mlp.fc1.bias`, [c.mlpHidden]);
  s.set(`${b}.mlp.fc2.weight`, [d, c.mlpHidden]); s.set(`${b}.mlp.fc2.bias`, [d]);
  if (c.layerScale) s.set(`${b}.ls2.gamma`, [d]);
}

/** The parameter shapes a config needs (for building graphs and checking checkpoints). */
export function parameterShapes(c: VitConfig, grid: [number, number]): Map<string, number[]> {
  const d = c.embedDim;
  const s = stemShapes(c, grid);
  for (let i = 0; i < c.depth; i++) blockShapes(s, c, i);
  s.set('norm.weight', [d]); s.set('norm.bias', [d]);
  s.set('seg_head.weight', [c.numClasses, d]);
  s.set('seg_head.bias', [c.numClasses]);
  return s;
}

/** [B, 3, H, W] → [B, N, D]: non-overlapping p×p patches times the conv kernel, as one Gemm. */
export function patchEmbed(image: Tensor, p: Params, patch: number): Tensor {
  const [b, ch, h, w] = image.shape;
  const [gh, gw] = [h / patch, w / patch];
  const patches = reshape(transpose(reshape(image, [b, ch, gh, patch, gw, patch]), [0, 2, 4, 1, 3, 5]), [b, gh * gw, ch * patch * patch]);
  const kernel = p['patch_embed.proj.weight'];
  return linear(patches, reshape(kernel, [kernel.shape[0], -1]), p['patch_embed.proj.bias']);
}

/** timm `_pos_embed`: prefix tokens and position embeddings in either of timm's two layouts. */
export function posEmbed(x: Tensor, p: Params, c: VitConfig): Tensor {
  const [b, , d] = x.shape;
  const prefix: Tensor[] = [];
  if (c.clsTokens) prefix.push(expand(p.cls_token, [b, 1, d]));
  if (c.regTokens) prefix.push(expand(p.reg_token, [b, c.regTokens, d]));
  if (c.posEmbed === 'patch-only') return concat([...prefix, add(x, p.pos_embed)], 1);
  const tokens = concat([...prefix, x], 1);
  return c.posEmbed === 'with-prefix' ? add(tokens, p.pos_embed) : tokens;
}

export function attention(x: Tensor, p: Params, prefix: string, heads: number): Tensor {
  const [b, n, d] = x.shape;
  const hd = d / heads;
  const qkv = transpose(reshape(linear(x, p[`${prefix}.qkv.weight`], p[`${prefix}.qkv.bias`]), [b, n, 3, heads, hd]), [2, 0, 3, 1, 4]);
  const [q, k, v] = [0, 1, 2].map((i) => reshape(slice(qkv, 0, i, i + 1), [b, heads, n, hd]));
  const scores = matmul(mul(q, hd ** -0.5), transpose(k, [0, 1, 3, 2]));
  const out = matmul(softmax(scores, -1), v);
  return linear(reshape(transpose(out, [0, 2, 1, 3]), [b, n, d]), p[`${prefix}.proj.weight`], p[`${prefix}.proj.bias`]);
}

export const ACTIVATIONS: Record<Activation, (x: Tensor) => Tensor> = {
  // exact GELU is one op whose backward keeps its input: fc2's weight gradient reads its output
  // rebuilt from that input, so the [B, N, 4D] output is not kept as well (the composites keep parts anyway)
  gelu: (x) => x.graph.rematerialize(gelu(x)),
  quickgelu: quickGelu,
  'gelu-tanh': geluTanh,
};

export function mlp(x: Tensor, p: Params, prefix: string, act: Activation): Tensor {
  const h = linear(x, p[`${prefix}.fc1.weight`], p[`${prefix}.fc1.bias`]);
  return linear(ACTIVATIONS[act](h), p[`${prefix}.fc2.weight`], p[`${prefix}.fc2.bias`]);
}

/** x + ls1·attn(norm1(x)), then x + ls2·mlp(norm2(x)). */
export function block(x: Tensor, p: Params, i: number, c: VitConfig): Tensor {
  const b = `blocks.${i}`;
  const scale = (y: Tensor, ls: string) => (c.layerScale ? mul(y, p[`${b}.${ls}.gamma`]) : y);
  x = add(x, scale(attention(layerNorm(x, p[`${b}.norm1.weight`], p[`${b}.norm1.bias`], c.normEps), p, `${b}.attn`, c.heads), 'ls1'));
  return add(x, scale(mlp(layerNorm(x, p[`${b}.norm2.weight`], p[`${b}.norm2.bias`], c.normEps), p, `${b}.mlp`, c.act), 'ls2'));
}

/** Patch features [B, N, D] after the final norm, prefix tokens dropped. */
export function encoder(image: Tensor, p: Params, c: VitConfig): Tensor {
  let x = posEmbed(patchEmbed(image, p, c.patchSize), p, c);
  if (c.preNorm) x = layerNorm(x, p['norm_pre.weight'], p['norm_pre.bias'], c.normEps);
  for (let i = 0; i < c.depth; i++) x = x.graph.checkpoint(() => block(x, p, i, c)); // recomputable (--recompute blocks)
  x = layerNorm(x, p['norm.weight'], p['norm.bias'], c.normEps);
  const prefix = numPrefixTokens(c);
  return slice(x, 1, prefix, x.shape[1]);
}

/** Linear decoder on every patch token, then bilinear upsampling to the crop: logits [B, C, H, W]. */
export function segmenter(image: Tensor, p: Params, c: VitConfig): Tensor {
  const [, , h, w] = image.shape;
  return decode(encoder(image, p, c), p, c, h, w);
}

/** The linear decoder on the patch grid: patch features [B, N, D] → class scores [B, C, gh, gw]. */
function classGrid(features: Tensor, p: Params, c: VitConfig, h: number, w: number): Tensor {
  const tokens = linear(features, p['seg_head.weight'], p['seg_head.bias']);
  return reshape(transpose(tokens, [0, 2, 1]), [features.shape[0], c.numClasses, h / c.patchSize, w / c.patchSize]);
}

/** The linear decoder: patch features [B, N, D] → class logits [B, C, H, W] at the crop's size. */
export function decode(features: Tensor, p: Params, c: VitConfig, h: number, w: number): Tensor {
  const [gh, gw] = [h / c.patchSize, w / c.patchSize];
  return resize2d(classGrid(features, p, c, h, w), bilinearMatrix(gh, h), h, bilinearMatrix(gw, w), w);
}

/** The most bytes of full-resolution logits that one band of the loss builds (see `decodeLoss`). */
const BAND_BYTES = 32 * 2 ** 20;

/**
 * Decoder + pixel cross-entropy (ignore 255), with the full-resolution logits built in horizontal
 * bands: each band's [B, C, rows, W] values live on their own (at 512 px and 150 classes the whole
 * map is 150 MB per image and its loss and gradient need three such at once), and each band is a
 * recomputable segment, so with recomputation the backward rebuilds one band at a time. Equals
 * `crossEntropy(decode(…))` up to the order of float sums; small crops are one band.
 */
export function decodeLoss(
  features: Tensor, p: Params, c: VitConfig, h: number, w: number, labels: Tensor, classWeights?: Float32Array, bandBytes = BAND_BYTES,
): Tensor {
  const [gh, gw] = [h / c.patchSize, w / c.patchSize];
  const grid = classGrid(features, p, c, h, w);
  const bands = bandCount(h, grid.shape[0] * c.numClasses * w * 4, bandBytes);
  const rows = h / bands;
  const rh = bilinearMatrix(gh, h), rw = bilinearMatrix(gw, w);
  const terms = Array.from({ length: bands }, (_, i) => features.graph.checkpoint(() => crossEntropyTerms(
    resize2d(grid, rh.subarray(i * rows * gh, (i + 1) * rows * gh), rows, rw, w), slice(labels, 1, i * rows, (i + 1) * rows), classWeights)));
  return weightedMean(terms);
}

/** The fewest bands that divide the height with each band's logits under `bandBytes`. */
function bandCount(h: number, bytesPerRow: number, bandBytes: number): number {
  for (let k = 1; k < h; k++) if (h % k === 0 && (h / k) * bytesPerRow <= bandBytes) return k;
  return h;
}

export function segmentationLoss(image: Tensor, labels: Tensor, p: Params, c: VitConfig, classWeights?: Float32Array): Tensor {
  const [, , h, w] = image.shape;
  return decodeLoss(encoder(image, p, c), p, c, h, w, labels, classWeights);
}
