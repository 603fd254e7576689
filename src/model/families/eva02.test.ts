/**
 * EVA-02 on the graph compiler against an independent loop-by-loop float64 forward written here
 * from timm's `eva.py` / `pos_embed_sincos.py`, plus whole train-step finite differences.
 */
import { describe, expect, it } from 'vitest';
import { Graph, crossEntropy, exportOnnx } from '../../graph';
import { checkGraph, rng } from '../../graph/testing/gradcheck';
import { float64Activation, roughWeights } from '../testing/float64';
import { createNodeRunner } from '../../runtime/node';
import type { HostTensor } from '../safetensors';
import { decode } from '../vit';
import { eva02Encoder, eva02ParameterShapes, inferEva02Config, isEva02Keys, type Eva02Config } from './eva02';

type Mat = number[][];
const CROP = 16;

function config(o: Partial<Eva02Config>): Eva02Config {
  return {
    embedDim: 16, depth: 2, heads: 2, patchSize: 4, mlpHidden: 24, clsTokens: 1, regTokens: 0, posEmbed: 'with-prefix',
    layerScale: false, preNorm: false, qkvBias: true, patchBias: true, normEps: 1e-6, act: 'gelu', numClasses: 3,
    qkvFused: false, attnInnerNorm: false, mlpInnerNorm: true, finalNorm: 'norm', ropeRefGrid: [3, 3], ropeTemperature: 10000, ...o,
  };
}

function checkpoint(c: Eva02Config, seed: number): Map<string, HostTensor> {
  const r = rng(seed);
  const m = new Map<string, HostTensor>();
  for (const [k, shape] of eva02ParameterShapes(c, [CROP / c.patchSize, CROP / c.patchSize])) {
    const n = shape.reduce((a, b) => a * b, 1);
    const base = /norm.*\.weight$|gamma/.test(k) ? 1 : 0;
    const scale = /proj\.weight$|fc1|fc2|qkv|seg_head/.test(k) ? 0.5 : 0.3;
    m.set(k, { shape, data: Float32Array.from({ length: n }, () => base + (r() * 2 - 1) * scale) });
  }
  return m;
}

// ---- independent reference (one image, float64) ----------------------------------------------
function referenceEva02(w: Map<string, HostTensor>, c: Eva02Config, image: Float32Array, size: number): Mat {
  const get = (k: string) => { const t = w.get(k); if (!t) throw new Error(`missing ${k}`); return t.data; };
  const lin = (x: Mat, k: string, bias = true): Mat => {
    const W = get(`${k}.weight`), b = bias ? get(`${k}.bias`) : undefined, inF = x[0].length, out = W.length / inF;
    return x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + W[o * inF + i] * v, b ? b[o] : 0)));
  };
  const ln = (x: Mat, k: string): Mat => x.map((row) => {
    const mu = row.reduce((a, v) => a + v, 0) / row.length;
    const va = row.reduce((a, v) => a + (v - mu) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mu) / Math.sqrt(va + c.normEps)) * get(`${k}.weight`)[i] + get(`${k}.bias`)[i]);
  });
  const p = c.patchSize, g = size / p, d = c.embedDim, hd = d / c.heads, nb = hd / 4;
  let x: Mat = [];
  for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) {
    x.push(Array.from({ length: d }, (_, o) => {
      let s = get('patch_embed.proj.bias')[o];
      for (let ch = 0; ch < 3; ch++) for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) {
        s += get('patch_embed.proj.weight')[((o * 3 + ch) * p + py) * p + px] * image[(ch * size + gy * p + py) * size + gx * p + px];
      }
      return s;
    }));
  }
  x = [Array.from(get('cls_token')), ...x].map((row, t) => row.map((v, i) => v + get('pos_embed')[t * d + i]));
  // RoPE of patch token t (grid y, x) on head-dim index j: angle of pair ⌊j/2⌋ (first nb pairs: y, then x)
  const angle = (t: number, j: number) => {
    const m = Math.floor(j / 2), y = Math.floor(t / g), xx = t % g;
    const ref = c.ropeRefGrid ?? [g, g];
    const pos = m < nb ? (y / g) * ref[0] : (xx / g) * ref[1];
    return pos / c.ropeTemperature ** ((m % nb) / nb);
  };
  const rope = (v: number[], t: number) => v.map((u, j) => u * Math.cos(angle(t, j)) + (j % 2 ? v[j - 1] : -v[j + 1]) * Math.sin(angle(t, j)));
  for (let b = 0; b < c.depth; b++) {
    const k = `blocks.${b}`;
    const h = ln(x, `${k}.norm1`);
    let q: Mat, kk: Mat, v: Mat;
    if (c.qkvFused) {
      const qkv = lin(h, `${k}.attn.qkv`, false);
      q = qkv.map((r) => r.slice(0, d).map((u, i) => u + get(`${k}.attn.q_bias`)[i]));
      kk = qkv.map((r) => r.slice(d, 2 * d));
      v = qkv.map((r) => r.slice(2 * d).map((u, i) => u + get(`${k}.attn.v_bias`)[i]));
    } else {
      [q, kk, v] = [lin(h, `${k}.attn.q_proj`), lin(h, `${k}.attn.k_proj`, false), lin(h, `${k}.attn.v_proj`)];
    }
    let out: Mat = x.map(() => new Array<number>(d).fill(0));
    for (let hh = 0; hh < c.heads; hh++) {
      const head = (m: Mat, t: number) => { const r = m[t].slice(hh * hd, (hh + 1) * hd); return t === 0 ? r : rope(r, t - 1); };
      for (let t = 0; t < x.length; t++) {
        const qt = head(q, t);
        const s = x.map((_, u) => head(kk, u).reduce((a, kv, j) => a + kv * qt[j], 0) / Math.sqrt(hd));
        const mx = Math.max(...s), e = s.map((z) => Math.exp(z - mx)), Z = e.reduce((a, z) => a + z, 0);
        for (let j = 0; j < hd; j++) out[t][hh * hd + j] = e.reduce((a, ev, u) => a + (ev / Z) * v[u][hh * hd + j], 0);
      }
    }
    if (c.attnInnerNorm) out = ln(out, `${k}.attn.norm`);
    const a = lin(out, `${k}.attn.proj`);
    const ls = (m: Mat, gname: string) => (c.layerScale ? m.map((r) => r.map((u, i) => u * get(`${k}.${gname}`)[i])) : m);
    x = x.map((r, t) => r.map((u, i) => u + ls(a, 'gamma_1')[t][i]));
    const h2 = ln(x, `${k}.norm2`);
    const gate = lin(h2, `${k}.mlp.fc1_g`), val = lin(h2, `${k}.mlp.fc1_x`);
    let hid = gate.map((r, t) => r.map((z, i) => (z / (1 + Math.exp(-z))) * val[t][i]));
    if (c.mlpInnerNorm) hid = ln(hid, `${k}.mlp.norm`);
    const m = ls(lin(hid, `${k}.mlp.fc2`), 'gamma_2');
    x = x.map((r, t) => r.map((u, i) => u + m[t][i]));
  }
  if (c.finalNorm !== 'none') x = ln(x, c.finalNorm);
  return x.slice(1);
}

const image = (seed: number) => { const r = rng(seed); return Float32Array.from({ length: 3 * CROP * CROP }, () => r() * 2 - 1); };

const VARIANTS: [string, Partial<Eva02Config>][] = [
  ['EVA-02 MIM layout: q_proj/k_proj/v_proj, SwiGLU with mlp.norm, fc_norm', { finalNorm: 'fc_norm' }],
  ['EVA-02 CLIP layout: + attn.norm, final norm', { attnInnerNorm: true }],
  ['fused qkv + q_bias/v_bias, layer scale, no RoPE rescaling', { qkvFused: true, layerScale: true, ropeRefGrid: undefined }],
];

describe('EVA-02', () => {
  for (const [name, o] of VARIANTS) {
    it(`forward matches the independent implementation: ${name}`, async () => {
      const c = config(o);
      const w = checkpoint(c, 7);
      expect(isEva02Keys(w.keys())).toBe(true);
      const inferred = inferEva02Config(w, { numClasses: 3, heads: 2 });
      expect({ ...inferred, ropeRefGrid: c.ropeRefGrid }).toEqual(c);
      const g = new Graph();
      const params = Object.fromEntries([...w].map(([k, t]) => [k, g.param(k, t.shape)]));
      g.output('features', eva02Encoder(g.input('image', [1, 3, CROP, CROP]), params, c));
      const img = image(3);
      const out = await (await createNodeRunner(exportOnnx(g))).run({ image: img, ...Object.fromEntries([...w].map(([k, t]) => [k, t.data])) });
      const got = out.features.data as Float32Array;
      const ref = referenceEva02(w, c, img, CROP).flat();
      expect(got.length).toBe(ref.length);
      ref.forEach((v, i) => expect(Math.abs(got[i] - v), `feature ${i}`).toBeLessThan(2e-4 * (1 + Math.abs(v))));
    }, 60_000);
  }

  it('whole train-step gradients (every parameter tensor) match finite differences in float64', async () => {
    const c = float64Activation(config({ attnInnerNorm: true, layerScale: true }));
    const w = roughWeights(checkpoint(c, 9));
    const names = [...w.keys()];
    const labels = Array.from({ length: CROP * CROP }, (_, i) => (i % 13 === 0 ? 255 : (i * 7) % 3));
    await checkGraph(
      [
        { shape: [1, 3, CROP, CROP], values: Array.from(image(4)), fixed: true },
        { shape: [1, CROP, CROP], dtype: 'int32', values: labels },
        ...names.map((n) => ({ shape: w.get(n)!.shape, values: Array.from(w.get(n)!.data) })),
      ],
      ([img, lab, ...ps]) => {
        const p = Object.fromEntries(names.map((n, i) => [n, ps[i]]));
        return crossEntropy(decode(eva02Encoder(img, p, c), p, c, CROP, CROP), lab);
      },
      { sample: 6, directions: true },
    );
  }, 180_000);
});
