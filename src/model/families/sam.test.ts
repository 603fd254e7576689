/**
 * The SAM encoder on the graph compiler against an independent loop-by-loop float64 forward
 * written here from timm's `vision_transformer_sam.py` (window padding, global blocks, rel-pos
 * tables resized by linear interpolation), plus whole train-step finite differences.
 */
import { describe, expect, it } from 'vitest';
import { Graph, crossEntropy, exportOnnx } from '../../graph';
import { checkGraph, rng } from '../../graph/testing/gradcheck';
import { float64Activation, roughWeights } from '../testing/float64';
import { erf } from '../../graph/testing/reference';
import { createNodeRunner } from '../../runtime/node';
import type { HostTensor } from '../safetensors';
import { decode } from '../vit';
import { compileTrainStep } from '../../train/graphs';
import { PRESETS } from '../presets';
import { loadFamilyModel } from './index';
import { inferSamConfig, isSamKeys, resampleSamPosEmbed, resizeRelPosTable, samEncoder, samParameterShapes, type SamConfig } from './sam';

type Mat = number[][];

function config(o: Partial<SamConfig> = {}): SamConfig {
  return {
    embedDim: 16, depth: 2, heads: 2, patchSize: 4, mlpHidden: 32, clsTokens: 0, regTokens: 0, posEmbed: 'patch-only',
    layerScale: false, preNorm: false, qkvBias: true, patchBias: true, normEps: 1e-5, act: 'gelu', numClasses: 3,
    windowSize: 2, globalBlocks: [1], relPos: true, relPosLength: { global: 7, window: 3 }, ...o,
  };
}

function checkpoint(c: SamConfig, grid: number, seed: number): Map<string, HostTensor> {
  const r = rng(seed);
  const m = new Map<string, HostTensor>();
  for (const [k, shape] of samParameterShapes(c, [grid, grid])) {
    const n = shape.reduce((a, b) => a * b, 1);
    const base = /norm.*\.weight$|gamma/.test(k) ? 1 : 0;
    const scale = /rel_pos/.test(k) ? 0.6 : /weight$/.test(k) ? 0.5 : 0.3;
    m.set(k, { shape, data: Float32Array.from({ length: n }, () => base + (r() * 2 - 1) * scale) });
  }
  return m;
}

// ---- independent reference (one image, float64) ----------------------------------------------
/** torch F.interpolate(mode='linear', align_corners=False) of a [L, C] table to `len` rows, row `r`. */
function interpRow(table: Float32Array, L: number, C: number, len: number, r: number): number[] {
  if (L === len) return Array.from(table.slice(r * C, (r + 1) * C));
  const src = Math.max((r + 0.5) * (L / len) - 0.5, 0);
  const i0 = Math.floor(src), i1 = Math.min(i0 + 1, L - 1), f = src - i0;
  return Array.from({ length: C }, (_, ch) => table[i0 * C + ch] * (1 - f) + table[i1 * C + ch] * f);
}

function referenceSam(w: Map<string, HostTensor>, c: SamConfig, image: Float32Array, size: number): Mat {
  const get = (k: string) => { const t = w.get(k); if (!t) throw new Error(`missing ${k}`); return t; };
  const lin = (x: Mat, k: string): Mat => {
    const W = get(`${k}.weight`).data, b = get(`${k}.bias`).data, inF = x[0].length, out = W.length / inF;
    return x.map((row) => Array.from({ length: out }, (_, o) => row.reduce((s, v, i) => s + W[o * inF + i] * v, b[o])));
  };
  const ln = (x: Mat, k: string): Mat => x.map((row) => {
    const mu = row.reduce((a, v) => a + v, 0) / row.length;
    const va = row.reduce((a, v) => a + (v - mu) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mu) / Math.sqrt(va + c.normEps)) * get(`${k}.weight`).data[i] + get(`${k}.bias`).data[i]);
  });
  const p = c.patchSize, g = size / p, d = c.embedDim, hd = d / c.heads;
  let x: Mat = [];
  for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) {
    x.push(Array.from({ length: d }, (_, o) => {
      let s = get('patch_embed.proj.bias').data[o];
      for (let ch = 0; ch < 3; ch++) for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) {
        s += get('patch_embed.proj.weight').data[((o * 3 + ch) * p + py) * p + px] * image[(ch * size + gy * p + py) * size + gx * p + px];
      }
      return s + get('pos_embed').data[(gy * g + gx) * d + o];
    }));
  }
  /** Attention over an s×s grid of tokens (row-major), with decomposed rel-pos bias. */
  const attend = (tokens: Mat, s: number, k: string): Mat => {
    const qkv = lin(tokens, `${k}.qkv`);
    const th = get(`${k}.rel_pos_h`), tw = get(`${k}.rel_pos_w`);
    const out: Mat = tokens.map(() => new Array<number>(d).fill(0));
    for (let h = 0; h < c.heads; h++) {
      const q = (t: number) => qkv[t].slice(h * hd, (h + 1) * hd);
      for (let t = 0; t < tokens.length; t++) {
        const [y, xx] = [Math.floor(t / s), t % s];
        const scores = tokens.map((_, u) => {
          const [ky, kx] = [Math.floor(u / s), u % s];
          const rh = interpRow(th.data, th.shape[0], hd, 2 * s - 1, y - ky + s - 1);
          const rw = interpRow(tw.data, tw.shape[0], hd, 2 * s - 1, xx - kx + s - 1);
          let v = 0;
          for (let j = 0; j < hd; j++) v += (q(t)[j] * qkv[u][d + h * hd + j]) / Math.sqrt(hd) + q(t)[j] * (rh[j] + rw[j]);
          return v;
        });
        const mx = Math.max(...scores), e = scores.map((z) => Math.exp(z - mx)), Z = e.reduce((a, z) => a + z, 0);
        for (let j = 0; j < hd; j++) out[t][h * hd + j] = e.reduce((a, ev, u) => a + (ev / Z) * qkv[u][2 * d + h * hd + j], 0);
      }
    }
    return lin(out, `${k}.proj`);
  };
  for (let b = 0; b < c.depth; b++) {
    const k = `blocks.${b}`;
    const h = ln(x, `${k}.norm1`);
    let a: Mat;
    if (c.globalBlocks.includes(b)) a = attend(h, g, `${k}.attn`);
    else {
      const ws = c.windowSize, nw = Math.ceil(g / ws);
      a = x.map(() => []);
      for (let wy = 0; wy < nw; wy++) for (let wx = 0; wx < nw; wx++) {
        const at = (i: number) => [wy * ws + Math.floor(i / ws), wx * ws + (i % ws)];
        const tokens = Array.from({ length: ws * ws }, (_, i) => { const [y, xx] = at(i); return y < g && xx < g ? h[y * g + xx] : new Array<number>(d).fill(0); });
        attend(tokens, ws, `${k}.attn`).forEach((row, i) => { const [y, xx] = at(i); if (y < g && xx < g) a[y * g + xx] = row; });
      }
    }
    x = x.map((r, t) => r.map((v, i) => v + a[t][i]));
    const m = lin(lin(ln(x, `${k}.norm2`), `${k}.mlp.fc1`).map((r) => r.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)))), `${k}.mlp.fc2`);
    x = x.map((r, t) => r.map((v, i) => v + m[t][i]));
  }
  return x;
}

const image = (seed: number, size: number) => { const r = rng(seed); return Float32Array.from({ length: 3 * size * size }, () => r() * 2 - 1); };

async function features(w: Map<string, HostTensor>, c: SamConfig, img: Float32Array, size: number): Promise<Float32Array> {
  const g = new Graph();
  const params = Object.fromEntries([...w].map(([k, t]) => [k, g.param(k, t.shape)]));
  g.output('features', samEncoder(g.input('image', [1, 3, size, size]), params, c));
  const out = await (await createNodeRunner(exportOnnx(g))).run({ image: img, ...Object.fromEntries([...w].map(([k, t]) => [k, t.data])) });
  return out.features.data as Float32Array;
}

describe('SAM encoder', () => {
  const CASES: [string, number, Partial<SamConfig>][] = [
    ['grid 5: windows padded 5 → 6, global rel-pos resized 7 → 9', 20, {}],
    ['grid 4: no padding, tables at their trained size', 16, {}],
    ['grid 6, global block first, window 3', 24, { globalBlocks: [0], windowSize: 3, relPosLength: { global: 11, window: 5 } }],
  ];
  for (const [name, size, o] of CASES) {
    it(`forward matches the independent implementation: ${name}`, async () => {
      const c = config(o);
      const w = checkpoint(c, size / 4, 5);
      expect(isSamKeys(w.keys())).toBe(true);
      expect(inferSamConfig(w, { numClasses: 3, heads: 2 })).toEqual(c);
      const img = image(2, size);
      const got = await features(w, c, img, size);
      const ref = referenceSam(w, c, img, size).flat();
      expect(got.length).toBe(ref.length);
      ref.forEach((v, i) => expect(Math.abs(got[i] - v), `feature ${i}`).toBeLessThan(2e-4 * (1 + Math.abs(v))));
    }, 60_000);
  }

  it('pos_embed [1, h, w, D] resamples to the crop grid (identity at the same size)', () => {
    const pos = { shape: [1, 4, 4, 2], data: Float32Array.from({ length: 32 }, (_, i) => i % 2 ? 1 : i / 2) };
    expect(resampleSamPosEmbed(pos, [4, 4])).toBe(pos);
    const out = resampleSamPosEmbed(pos, [6, 5]);
    expect(out.shape).toEqual([1, 6, 5, 2]);
    for (let t = 0; t < 30; t++) expect(out.data[2 * t + 1]).toBeCloseTo(1, 5); // a constant channel stays constant
  });

  it('whole train-step gradients (every parameter tensor) match finite differences in float64', async () => {
    const size = 20;
    const c = float64Activation(config({ layerScale: true }));
    const w = roughWeights(checkpoint(c, size / 4, 8));
    const names = [...w.keys()];
    const labels = Array.from({ length: size * size }, (_, i) => (i % 11 === 0 ? 255 : (i * 5) % 3));
    await checkGraph(
      [
        { shape: [1, 3, size, size], values: Array.from(image(6, size)), fixed: true },
        { shape: [1, size, size], dtype: 'int32', values: labels },
        ...names.map((n) => ({ shape: w.get(n)!.shape, values: Array.from(w.get(n)!.data) })),
      ],
      ([img, lab, ...ps]) => {
        const p = Object.fromEntries(names.map((n, i) => [n, ps[i]]));
        return crossEntropy(decode(samEncoder(img, p, c), p, c, size, size), lab);
      },
      { sample: 6, directions: true },
    );
  }, 180_000);
});

describe("SAM rel-pos tables under the benchmark's rule (models/encoder.py interpolate_rel_pos)", () => {
  it("resizeRelPosTable is torch's F.interpolate(mode='linear') of each column (direct formula)", () => {
    const r = rng(4);
    const table = { shape: [7, 3], data: Float32Array.from({ length: 21 }, () => r() * 2 - 1) };
    expect(resizeRelPosTable(table, 7)).toBe(table);
    for (const len of [15, 9, 5, 3, 27]) {
      const out = resizeRelPosTable(table, len);
      expect(out.shape).toEqual([len, 3]);
      for (let row = 0; row < len; row++) {
        interpRow(table.data, 7, 3, len, row).forEach((v, ch) => expect(out.data[row * 3 + ch]).toBeCloseTo(v, 6));
      }
    }
  });

  // pretrained at grid 8 (32 px, patch 4) with window 4; trained at crop 16 (grid 4): window 4·4/8 = 2
  const pretrained = config({ windowSize: 4, globalBlocks: [1], relPosLength: { global: 15, window: 7 } });
  const load = (resizeRelPos: boolean) => loadFamilyModel(checkpoint(pretrained, 8, 11), 'sam.safetensors', { numClasses: 3, crop: 16, family: 'sam', heads: 2, resizeRelPos });

  it('resized once at load to 2·window+1 (window blocks) and 2·grid+1 (global blocks); the forward is timm\'s get_rel_pos on them', async () => {
    const source = checkpoint(pretrained, 8, 11);
    const m = load(true);
    const c = m.config as SamConfig;
    expect(c.windowSize).toBe(2);
    expect(c.relPosLength).toEqual({ window: 5, global: 9 });
    for (const axis of ['h', 'w']) {
      const win = m.weights.get(`blocks.0.attn.rel_pos_${axis}`)!, glob = m.weights.get(`blocks.1.attn.rel_pos_${axis}`)!;
      expect(win.shape).toEqual([5, 8]);
      expect(glob.shape).toEqual([9, 8]);
      const src = source.get(`blocks.0.attn.rel_pos_${axis}`)!;
      for (let row = 0; row < 5; row++) interpRow(src.data, 7, 8, 5, row).forEach((v, ch) => expect(win.data[row * 8 + ch]).toBeCloseTo(v, 6));
    }
    expect(m.notices.join('\n')).toMatch(/SAM rel-pos tables resized once at load to 2·n\+1 entries \(7 → 5, 15 → 9\)/);
    // the graph resizes 2n+1 → 2n−1 in each forward, as timm's attention does (the reference's interpRow)
    const encoderWeights = new Map([...m.weights].filter(([k]) => !k.startsWith('seg_head.')));
    const img = image(3, 16);
    const got = await features(encoderWeights, c, img, 16);
    referenceSam(encoderWeights, c, img, 16).flat().forEach((v, i) => expect(Math.abs(got[i] - v), `feature ${i}`).toBeLessThan(2e-4 * (1 + Math.abs(v))));
    // and those tables are what trains: the train step returns their gradients at that length
    const shapes = new Map([...m.weights].map(([k, t]) => [k, t.shape]));
    const step = compileTrainStep(c, shapes, { batch: 1, crop: 16 }, 'none', undefined, 'sam');
    const grads = new Map(step.manifest.outputs.map((o) => [o.name, o.shape]));
    expect(grads.get('grad.blocks.0.attn.rel_pos_h')).toEqual([5, 8]);
    expect(grads.get('grad.blocks.1.attn.rel_pos_w')).toEqual([9, 8]);
  }, 60_000);

  it("without the rule (the demo's) the tables keep the checkpoint's length; a table already at 2·n+1 is kept as it is", () => {
    const m = load(false);
    expect((m.config as SamConfig).relPosLength).toEqual({ window: 7, global: 15 });
    expect(m.weights.get('blocks.0.attn.rel_pos_h')!.shape).toEqual([7, 8]);
    // a vfm-lab checkpoint trained under the rule (its window recorded in its metadata) loads unchanged
    const trained = load(true);
    const again = loadFamilyModel(trained.weights, 'trained.safetensors', { numClasses: 3, crop: 16, family: 'sam', heads: 2, windowSize: 2, resizeRelPos: true });
    expect(again.notices.join('\n')).not.toMatch(/rel-pos/);
    for (const [k, t] of trained.weights) expect(again.weights.get(k)).toEqual(t);
  });

  it('the SAM preset at the ADE20K setting (crop 512): windows 14 → 7, tables 27 → 15 (window blocks) and 127 → 65 (global)', () => {
    const preset = PRESETS.find((p) => p.family === 'sam')!;
    expect(preset.name).toBe('samvit_base_patch16.sa1b');
    const grid = preset.imageSize / preset.patchSize; // 64
    // the preset's geometry (depth 12, window 14, global blocks 2, 5, 8, 11) at a narrow width
    const narrow = config({ depth: 12, patchSize: 16, windowSize: 14, globalBlocks: [2, 5, 8, 11], relPosLength: { global: 2 * grid - 1, window: 27 } });
    const m = loadFamilyModel(checkpoint(narrow, grid, 1), preset.name, { numClasses: 150, crop: 512, family: 'sam', heads: 2, resizeRelPos: true });
    const c = m.config as SamConfig;
    expect(c.windowSize).toBe(7);
    expect(c.globalBlocks).toEqual([2, 5, 8, 11]);
    for (let i = 0; i < 12; i++) expect(m.weights.get(`blocks.${i}.attn.rel_pos_h`)!.shape[0]).toBe(c.globalBlocks.includes(i) ? 65 : 15);
  });
});
