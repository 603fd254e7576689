/**
 * @file The SAM image encoder (timm `vision_transformer_sam.py`, `VisionTransformerSAM` with
 * `use_rel_pos`) on the graph compiler: no class token, an absolute `pos_embed` [1, h, w, D] on
 * the patch grid, windowed attention (pad with zeros to a multiple of the window, partition,
 * attend, unpartition, crop) in every block except the global ones, and decomposed relative
 * position biases (`rel_pos_h`/`rel_pos_w`, linearly resized to 2·size−1 inside the graph as
 * timm's `get_rel_pos` does). By default the parameters keep the checkpoint's shapes; under the
 * benchmark's rule they are first resized once, at load, to 2·size+1 (`benchmarkRelPosTables`).
 * The `neck.*` is ignored: features are the last block's tokens (SAM has no final `norm`).
 */
import { blockDepth } from '../blocks';
import { add, hostArray, type Graph, layerNorm, linear, matmul, mul, pad, reshape, slice, softmax, transpose, transposeLast, type Tensor } from '../../graph';
import { bilinearMatrix, resamplePosEmbed } from '../resample';
import type { HostTensor } from '../safetensors';
import { blockShapes, mlp, patchEmbed, stemShapes, type Params, type VitConfig } from '../vit';

export interface SamConfig extends VitConfig {
  /** Window side of the local-attention blocks (14 for SAM). */
  windowSize: number;
  /** Blocks with global attention ([2, 5, 8, 11] for SAM ViT-B). */
  globalBlocks: number[];
  /** Decomposed relative position bias in attention (`attn.rel_pos_h` / `attn.rel_pos_w`). */
  relPos: boolean;
  /** Lengths of the checkpoint's rel-pos tables (2·size−1 of the size it was trained at): global blocks, window blocks. */
  relPosLength: { global: number; window: number };
}

const isGlobal = (c: SamConfig, i: number) => c.windowSize === 0 || c.globalBlocks.includes(i);

/** The parameter shapes a SAM config needs, by timm key (`pos_embed` at the crop's grid). */
export function samParameterShapes(c: SamConfig, grid: [number, number]): Map<string, number[]> {
  const d = c.embedDim, hd = d / c.heads;
  const s = stemShapes(c, grid, [1, grid[0], grid[1], d]); // SAM: pos_embed [1, h, w, D], no prefix tokens
  for (let i = 0; i < c.depth; i++) {
    const len = isGlobal(c, i) ? c.relPosLength.global : c.relPosLength.window;
    blockShapes(s, c, i, c.relPos ? { rel_pos_h: [len, hd], rel_pos_w: [len, hd] } : {});
  }
  s.set('seg_head.weight', [c.numClasses, d]);
  s.set('seg_head.bias', [c.numClasses]);
  return s;
}

/**
 * timm `get_rel_pos` for q_size = k_size = n as one [n·n, L] matrix G: row (i, j) picks entry
 * i − j + n − 1 of the table linearly resized (F.interpolate 'linear') from L to 2n − 1 rows.
 */
export function relPosMatrix(n: number, tableLength: number): Float64Array {
  const len = 2 * n - 1;
  const resize = len === tableLength ? undefined : bilinearMatrix(tableLength, len);
  const g = new Float64Array(n * n * tableLength);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const r = i - j + n - 1, row = (i * n + j) * tableLength;
    if (!resize) g[row + r] = 1;
    else for (let l = 0; l < tableLength; l++) g[row + l] = resize[r * tableLength + l];
  }
  return g;
}

/** One constant per (graph, n, L, dtype): blocks share their selection matrices. */
const relPosConstants = new WeakMap<Graph, Map<string, Tensor>>();

/** The resized table gathered per (query, key) position: [n, n, hd]. */
function relPos(table: Tensor, n: number): Tensor {
  const [len, hd] = table.shape;
  const cache = relPosConstants.get(table.graph) ?? new Map<string, Tensor>();
  relPosConstants.set(table.graph, cache);
  const key = `${n}/${len}/${table.dtype}`;
  let g = cache.get(key);
  if (!g) cache.set(key, (g = table.graph.constant(hostArray(table.dtype, relPosMatrix(n, len)), [n * n, len], table.dtype)));
  return reshape(matmul(g, table), [n, n, hd]);
}

/**
 * timm `get_decomposed_rel_pos_bias` for q [B', heads, qh·qw, hd]: rel_h[y,x,ky] = q[y,x]·Rh[y,ky],
 * rel_w[y,x,kx] = q[y,x]·Rw[x,kx]; bias[(y,x),(ky,kx)] = rel_h + rel_w, as [B', heads, N, N].
 */
export function decomposedRelPosBias(q: Tensor, tableH: Tensor, tableW: Tensor, qh: number, qw: number): Tensor {
  const [b, heads, n, hd] = q.shape;
  const bh = b * heads;
  const q4 = reshape(q, [bh, qh, qw, hd]);
  // per row y: [BH·qw, hd] · Rh[y]ᵀ [hd, kh] → [qh, BH·qw, kh] → [BH, qh, qw, kh]
  const qy = reshape(transpose(q4, [1, 0, 2, 3]), [qh, bh * qw, hd]);
  const relH = transpose(reshape(matmul(qy, transposeLast(relPos(tableH, qh))), [qh, bh, qw, qh]), [1, 0, 2, 3]);
  // per column x: [BH·qh, hd] · Rw[x]ᵀ [hd, kw] → [qw, BH·qh, kw] → [BH, qh, qw, kw]
  const qx = reshape(transpose(q4, [2, 0, 1, 3]), [qw, bh * qh, hd]);
  const relW = transpose(reshape(matmul(qx, transposeLast(relPos(tableW, qw))), [qw, bh, qh, qw]), [1, 2, 0, 3]);
  const bias = add(reshape(relH, [bh, qh, qw, qh, 1]), reshape(relW, [bh, qh, qw, 1, qw]));
  return reshape(bias, [b, heads, n, n]);
}

/** SAM Attention on x [B', h, w, D]: qkv → softmax(q·kᵀ/√d + rel bias)·v → proj. */
export function samAttention(x: Tensor, p: Params, prefix: string, c: SamConfig): Tensor {
  const [b, h, w, d] = x.shape;
  const n = h * w, hd = d / c.heads;
  const qkv = transpose(reshape(linear(reshape(x, [b, n, d]), p[`${prefix}.qkv.weight`], p[`${prefix}.qkv.bias`]), [b, n, 3, c.heads, hd]), [2, 0, 3, 1, 4]);
  const [q, k, v] = [0, 1, 2].map((i) => reshape(slice(qkv, 0, i, i + 1), [b, c.heads, n, hd]));
  let scores = matmul(mul(q, hd ** -0.5), transposeLast(k));
  if (c.relPos) scores = add(scores, decomposedRelPosBias(q, p[`${prefix}.rel_pos_h`], p[`${prefix}.rel_pos_w`], h, w));
  const out = reshape(transpose(matmul(softmax(scores, -1), v), [0, 2, 1, 3]), [b, n, d]);
  return reshape(linear(out, p[`${prefix}.proj.weight`], p[`${prefix}.proj.bias`]), [b, h, w, d]);
}

/** timm `window_partition`: [B, H, W, C] → zero-pad to multiples of ws → [B·nW, ws, ws, C]. */
export function windowPartition(x: Tensor, ws: number): Tensor {
  const [b, h, w, ch] = x.shape;
  const [ph, pw] = [(ws - (h % ws)) % ws, (ws - (w % ws)) % ws];
  const padded = pad(x, [0, 0, 0, 0, 0, ph, pw, 0]);
  const [hp, wp] = [h + ph, w + pw];
  return reshape(transpose(reshape(padded, [b, hp / ws, ws, wp / ws, ws, ch]), [0, 1, 3, 2, 4, 5]), [-1, ws, ws, ch]);
}

/** timm `window_unpartition`: [B·nW, ws, ws, C] → [B, Hp, Wp, C] → crop to [B, H, W, C]. */
export function windowUnpartition(windows: Tensor, ws: number, h: number, w: number): Tensor {
  const [hp, wp] = [Math.ceil(h / ws) * ws, Math.ceil(w / ws) * ws];
  const ch = windows.shape[3];
  const b = windows.shape[0] / ((hp / ws) * (wp / ws));
  const x = reshape(transpose(reshape(windows, [b, hp / ws, wp / ws, ws, ws, ch]), [0, 1, 3, 2, 4, 5]), [b, hp, wp, ch]);
  return slice(x, [1, 2], [0, 0], [h, w]);
}

/** SAM Block on x [B, H, W, D]: x + ls1·attn(norm1(x)) (windowed unless global), then x + ls2·mlp(norm2(x)). */
export function samBlock(x: Tensor, p: Params, i: number, c: SamConfig): Tensor {
  const [b, h, w, d] = x.shape;
  const k = `blocks.${i}`;
  const scale = (y: Tensor, ls: string) => (c.layerScale ? mul(y, p[`${k}.${ls}.gamma`]) : y);
  let y = layerNorm(x, p[`${k}.norm1.weight`], p[`${k}.norm1.bias`], c.normEps);
  if (isGlobal(c, i)) y = samAttention(y, p, `${k}.attn`, c);
  else y = windowUnpartition(samAttention(windowPartition(y, c.windowSize), p, `${k}.attn`, c), c.windowSize, h, w);
  x = reshape(add(x, scale(y, 'ls1')), [b, h * w, d]);
  x = add(x, scale(mlp(layerNorm(x, p[`${k}.norm2.weight`], p[`${k}.norm2.bias`], c.normEps), p, `${k}.mlp`, c.act), 'ls2'));
  return reshape(x, [b, h, w, d]);
}

/** Patch features [B, N, D] of the SAM encoder (the last block's tokens; no class token, no final norm). */
export function samEncoder(image: Tensor, p: Params, c: SamConfig): Tensor {
  const [b, , h, w] = image.shape;
  const [gh, gw] = [h / c.patchSize, w / c.patchSize];
  let x = reshape(patchEmbed(image, p, c.patchSize), [b, gh, gw, c.embedDim]);
  if (c.posEmbed !== 'none') x = add(x, p.pos_embed);
  if (c.preNorm) x = layerNorm(x, p['norm_pre.weight'], p['norm_pre.bias'], c.normEps);
  for (let i = 0; i < c.depth; i++) x = x.graph.checkpoint(() => samBlock(x, p, i, c));
  return reshape(x, [b, gh * gw, c.embedDim]);
}

/** timm `resample_abs_pos_embed_nhwc` (bicubic, antialias) of a [1, h, w, D] pos_embed to a new grid, at load time. */
export function resampleSamPosEmbed(pos: HostTensor, grid: [number, number]): HostTensor {
  const [, h, w, d] = pos.shape;
  if (h === grid[0] && w === grid[1]) return pos;
  const out = resamplePosEmbed({ shape: [1, h * w, d], data: pos.data }, 0, grid, [h, w]);
  return { shape: [1, grid[0], grid[1], d], data: out.data };
}

/**
 * SAM's attention windows cover a fixed fraction of the image, as the benchmark adapts them
 * (`encoder.py`: window × new grid / pretrained grid, e.g. 14 → 7 at a 512 crop of the 1024 model);
 * the rel-pos tables are resized to the new window inside the graph. `window` is the checkpoint's
 * (from its rel-pos tables, or the one a vfm-lab checkpoint records, as its `pos_embed` is already
 * at its training crop). Where the ratio is not whole (the benchmark refuses such crops) the
 * window is rounded, with a notice.
 */
export function samWindowAtCrop(window: number, checkpointGrid: number | undefined, grid: number): { windowSize: number; notice?: string } {
  if (!checkpointGrid || checkpointGrid === grid || window === 0) return { windowSize: window };
  const exact = (window * grid) / checkpointGrid;
  const windowSize = Math.max(1, Math.round(exact));
  const rounded = Number.isInteger(exact) ? '' : ` (rounded from ${exact.toFixed(2)}; crops where ${window}·grid/${checkpointGrid} is whole keep the benchmark's exact ratio)`;
  return { windowSize, notice: `SAM attention windows scaled with the crop from ${window}×${window} (on a ${checkpointGrid}×${checkpointGrid} grid) to ${windowSize}×${windowSize}${rounded}` };
}

/** torch `F.interpolate(table[None].permute(0, 2, 1), size=length, mode='linear')` of a [L, C] table, back as [length, C]. */
export function resizeRelPosTable(table: HostTensor, length: number): HostTensor {
  const [len, ch] = table.shape;
  if (len === length) return table;
  const m = bilinearMatrix(len, length); // 1-D linear, align_corners=False, no antialias: F.interpolate's 'linear'
  const out = new Float32Array(length * ch);
  for (let r = 0; r < length; r++) {
    for (let l = 0; l < len; l++) {
      const w = m[r * len + l];
      if (w) for (let c = 0; c < ch; c++) out[r * ch + c] += w * table.data[l * ch + c];
    }
  }
  return { shape: [length, ch], data: out };
}

/**
 * The benchmark's SAM tables (tue-mps/benchmark-vfm-ss, models/encoder.py `Encoder.__init__` and
 * `interpolate_rel_pos`): once, when the model is built, every block's `rel_pos_h`/`rel_pos_w`
 * is resized linearly to 2·n+1 entries — n the block's new window (window blocks) or the new
 * patch grid (global blocks) — and those become the trained parameters. timm's attention
 * (`vision_transformer_sam.py` `get_rel_pos`) still resizes them to 2·n−1 in every forward, as
 * our graph does (`relPosMatrix`), so the benchmark's forward is the composition of the two.
 * Tables already at 2·n+1 (a vfm-lab checkpoint trained this way) are kept as they are.
 */
export function benchmarkRelPosTables(tensors: Map<string, HostTensor>, c: SamConfig, grid: number): { tensors: Map<string, HostTensor>; notice?: string } {
  const lengths = { global: 2 * grid + 1, window: 2 * c.windowSize + 1 };
  const out = new Map(tensors);
  const resized = new Set<string>();
  for (let i = 0; i < c.depth; i++) {
    const length = isGlobal(c, i) ? lengths.global : lengths.window;
    for (const axis of ['h', 'w']) {
      const key = `blocks.${i}.attn.rel_pos_${axis}`;
      const t = tensors.get(key);
      if (!t || t.shape[0] === length) continue;
      resized.add(`${t.shape[0]} → ${length}`);
      out.set(key, resizeRelPosTable(t, length));
    }
  }
  c.relPosLength = lengths;
  if (!resized.size) return { tensors: out };
  return {
    tensors: out,
    notice: `SAM rel-pos tables resized once at load to 2·n+1 entries (${[...resized].join(', ')}), as the benchmark trains them; attention resizes them to 2·n−1 in each forward, as timm does`,
  };
}

/** Whether a key set is a SAM image encoder. */
export const isSamKeys = (keys: Iterable<string>) => [...keys].some((k) => /\.attn\.rel_pos_h$/.test(k));

/** Keys of timm SAM checkpoints that the segmenter does not use. */
export const SAM_IGNORED = [/^neck\./, /^head\./];

/** timm's SAM ViT-B/L/H: window 14, global attention in every third block ([2, 5, 8, 11] for depth 12). */
export const samGlobalBlocks = (depth: number) => Array.from({ length: 4 }, (_, i) => ((i + 1) * depth) / 4 - 1);

/**
 * The config a timm SAM state dict implies. Global blocks are the ones whose rel-pos tables are
 * longer than the window's (2·14−1); `windowSize` comes from those tables.
 */
export function inferSamConfig(t: Map<string, HostTensor>, o: { numClasses: number; patchSize?: number; heads?: number; normEps?: number }): SamConfig {
  const need = (k: string) => {
    const v = t.get(k);
    if (!v) throw new Error(`missing required tensor "${k}" (is this a timm SAM checkpoint?)`);
    return v;
  };
  const [embedDim, , patch] = need('patch_embed.proj.weight').shape;
  const depth = blockDepth(t.keys());
  const lengths = Array.from({ length: depth }, (_, i) => t.get(`blocks.${i}.attn.rel_pos_h`)?.shape[0] ?? 0);
  const window = Math.min(...lengths), global = Math.max(...lengths);
  const relPos = window > 0;
  const globalBlocks = relPos && window !== global ? lengths.flatMap((l, i) => (l === global ? [i] : [])) : samGlobalBlocks(depth);
  return {
    embedDim, depth, heads: o.heads ?? Math.max(1, Math.round(embedDim / 64)), patchSize: o.patchSize ?? patch,
    mlpHidden: need('blocks.0.mlp.fc1.weight').shape[0], clsTokens: 0, regTokens: 0, posEmbed: t.has('pos_embed') ? 'patch-only' : 'none',
    layerScale: t.has('blocks.0.ls1.gamma'), preNorm: t.has('norm_pre.weight'), qkvBias: t.has('blocks.0.attn.qkv.bias'),
    patchBias: t.has('patch_embed.proj.bias'), normEps: o.normEps ?? 1e-5, act: 'gelu', numClasses: o.numClasses,
    windowSize: relPos ? (window + 1) / 2 : 14, globalBlocks, relPos, relPosLength: { global, window },
  };
}
