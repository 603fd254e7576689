/**
 * @file An independent, loop-by-loop float64 ViT segmenter forward (single image), written from
 * timm's definitions without the graph compiler, for checking the compiled model in tests.
 */
import { erf } from '../../graph/testing/reference';
import type { HostTensor } from '../safetensors';
import type { VitConfig } from '../vit';

type Mat = number[][]; // [tokens][features]

const get = (w: Map<string, HostTensor>, k: string) => {
  const t = w.get(k);
  if (!t) throw new Error(`reference: missing ${k}`);
  return t;
};

function linear(x: Mat, w: HostTensor, b?: HostTensor): Mat {
  const [out, inF] = w.shape;
  return x.map((row) => Array.from({ length: out }, (_, o) => {
    let s = b ? b.data[o] : 0;
    for (let i = 0; i < inF; i++) s += w.data[o * inF + i] * row[i];
    return s;
  }));
}

function layerNorm(x: Mat, w: HostTensor, b: HostTensor, eps: number): Mat {
  return x.map((row) => {
    const mu = row.reduce((a, v) => a + v, 0) / row.length;
    const v = row.reduce((a, u) => a + (u - mu) ** 2, 0) / row.length;
    return row.map((u, i) => ((u - mu) / Math.sqrt(v + eps)) * w.data[i] + b.data[i]);
  });
}

const ACT: Record<VitConfig['act'], (v: number) => number> = {
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  quickgelu: (v) => v / (1 + Math.exp(-1.702 * v)),
  'gelu-tanh': (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
};
const act = (kind: VitConfig['act']) => ACT[kind];

/** torch bilinear (align_corners=False) source taps for one output index. */
function taps(o: number, inSize: number, outSize: number): [number, number, number, number] {
  const src = Math.max((o + 0.5) * (inSize / outSize) - 0.5, 0);
  const i0 = Math.floor(src);
  return [i0, Math.min(i0 + 1, inSize - 1), 1 - (src - i0), src - i0];
}

/** Logits [C][H][W] for one CHW image. */
export function referenceSegmenter(w: Map<string, HostTensor>, c: VitConfig, image: Float32Array | Float64Array, size: number): number[][][] {
  const p = c.patchSize, g = size / p, d = c.embedDim;
  const proj = get(w, 'patch_embed.proj.weight');
  const bias = c.patchBias ? get(w, 'patch_embed.proj.bias') : undefined;
  let x: Mat = [];
  for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) {
    x.push(Array.from({ length: d }, (_, o) => {
      let s = bias ? bias.data[o] : 0;
      for (let ch = 0; ch < 3; ch++) for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) {
        s += proj.data[((o * 3 + ch) * p + py) * p + px] * image[(ch * size + gy * p + py) * size + gx * p + px];
      }
      return s;
    }));
  }
  const prefix: Mat = [];
  if (c.clsTokens) prefix.push(Array.from(get(w, 'cls_token').data));
  for (let r = 0; r < c.regTokens; r++) prefix.push(Array.from(get(w, 'reg_token').data.slice(r * d, (r + 1) * d)));
  const pos = c.posEmbed === 'none' ? undefined : get(w, 'pos_embed').data;
  const addPos = (m: Mat) => m.map((row, t) => row.map((v, i) => v + pos![t * d + i]));
  x = c.posEmbed === 'patch-only' ? [...prefix, ...addPos(x)] : c.posEmbed === 'with-prefix' ? addPos([...prefix, ...x]) : [...prefix, ...x];
  if (c.preNorm) x = layerNorm(x, get(w, 'norm_pre.weight'), get(w, 'norm_pre.bias'), c.normEps);

  const hd = d / c.heads;
  for (let b = 0; b < c.depth; b++) {
    const k = (s: string) => get(w, `blocks.${b}.${s}`);
    const ls = (m: Mat, name: string) => (c.layerScale ? m.map((row) => row.map((v, i) => v * k(`${name}.gamma`).data[i])) : m);
    const qkv = linear(layerNorm(x, k('norm1.weight'), k('norm1.bias'), c.normEps), k('attn.qkv.weight'), c.qkvBias ? k('attn.qkv.bias') : undefined);
    const attended: Mat = x.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < c.heads; h++) {
      const q = (t: number, j: number) => qkv[t][h * hd + j];
      const kk = (t: number, j: number) => qkv[t][d + h * hd + j];
      const v = (t: number, j: number) => qkv[t][2 * d + h * hd + j];
      for (let t = 0; t < x.length; t++) {
        const scores = x.map((_, u) => {
          let s = 0;
          for (let j = 0; j < hd; j++) s += q(t, j) * kk(u, j);
          return s / Math.sqrt(hd);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, v2) => a + v2, 0);
        for (let j = 0; j < hd; j++) attended[t][h * hd + j] = e.reduce((a, ev, u) => a + (ev / z) * v(u, j), 0);
      }
    }
    const a = ls(linear(attended, k('attn.proj.weight'), k('attn.proj.bias')), 'ls1');
    x = x.map((row, t) => row.map((v2, i) => v2 + a[t][i]));
    const hidden = linear(layerNorm(x, k('norm2.weight'), k('norm2.bias'), c.normEps), k('mlp.fc1.weight'), k('mlp.fc1.bias')).map((r) => r.map(act(c.act)));
    const m = ls(linear(hidden, k('mlp.fc2.weight'), k('mlp.fc2.bias')), 'ls2');
    x = x.map((row, t) => row.map((v2, i) => v2 + m[t][i]));
  }
  x = layerNorm(x, get(w, 'norm.weight'), get(w, 'norm.bias'), c.normEps).slice(c.clsTokens + c.regTokens);
  const logits = linear(x, get(w, 'seg_head.weight'), get(w, 'seg_head.bias')); // [g*g][C]
  return Array.from({ length: c.numClasses }, (_, cls) => Array.from({ length: size }, (_, oy) => {
    const [y0, y1, wy0, wy1] = taps(oy, g, size);
    return Array.from({ length: size }, (_, ox) => {
      const [x0, x1, wx0, wx1] = taps(ox, g, size);
      const at = (yy: number, xx: number) => logits[yy * g + xx][cls];
      return wy0 * (wx0 * at(y0, x0) + wx1 * at(y0, x1)) + wy1 * (wx0 * at(y1, x0) + wx1 * at(y1, x1));
    });
  }));
}
