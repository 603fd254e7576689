/** Composite layers (values + finite-difference gradients), the whole-graph check, pruning, errors. */
import { describe, expect, it } from 'vitest';
import * as G from './index';
import { ModelProto } from './onnx-schema';
import type { Tensor } from './tensor';
import * as R from './testing/reference';
import { checkGraph, rng } from './testing/gradcheck';

/** torch F.interpolate(mode='bilinear', align_corners=False) as a matrix, from the formula. */
function torchBilinear(inSize: number, outSize: number): number[] {
  const m = new Array<number>(outSize * inSize).fill(0);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const w1 = src - i0;
    m[o * inSize + i0] += 1 - w1;
    m[o * inSize + i1] += w1;
  }
  return m;
}

/** Reference layer norm over the last axis, by the definition. */
function layerNormRef(x: R.Arr, eps: number): R.Arr {
  const d = x.shape[x.shape.length - 1];
  const data = x.data.slice();
  for (let r = 0; r < data.length / d; r++) {
    const row = data.slice(r * d, (r + 1) * d);
    const mu = row.reduce((a, b) => a + b, 0) / d;
    const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / d;
    row.forEach((b, i) => (data[r * d + i] = (b - mu) / Math.sqrt(v + eps)));
  }
  return { data, shape: x.shape };
}

describe('composite layers', () => {
  it('linear = x·Wᵀ + b as a Gemm, with gradients', async () => {
    await checkGraph([{ shape: [2, 3, 4] }, { shape: [5, 4] }, { shape: [5] }], ([x, w, b]) => G.linear(x, w, b), {
      reference: ([x, w, b]) => R.elementwise([R.matmul(x, R.transpose(w, [1, 0])), b], (u, v) => u + v),
    });
  });

  it('layerNorm (two-pass variance) with affine parameters', async () => {
    await checkGraph([{ shape: [2, 3, 5] }, { shape: [5] }, { shape: [5] }], ([x, w, b]) => G.layerNorm(x, w, b, 1e-6), {
      reference: ([x, w, b]) => R.elementwise([layerNormRef(x, 1e-6), w, b], (y, ww, bb) => y * ww + bb),
    });
  });

  it('layerNorm stays accurate for a large mean (where E[x²]−E[x]² would cancel)', async () => {
    const values = Array.from({ length: 8 }, (_, i) => 1e4 + i * 1e-2);
    const { value } = await checkGraph([{ shape: [1, 8], values }], ([x]) => G.layerNorm(x, undefined, undefined, 0), {
      dtype: 'float32', noGrad: true,
    });
    const ref = layerNormRef({ data: values.map(Math.fround), shape: [1, 8] }, 0).data;
    Array.from(value).forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(2e-2));
  });

  it('logSoftmax = x − max − log Σ exp(x − max), stable for large logits', async () => {
    await checkGraph([{ shape: [2, 4] }], ([x]) => G.logSoftmax(x, -1), {
      reference: ([x]) => R.elementwise([R.softmax(x, 1)], Math.log),
    });
    const big = [1000, 1001, 999, 1002];
    const { value } = await checkGraph([{ shape: [1, 4], values: big }], ([x]) => G.logSoftmax(x, -1), { dtype: 'float32', noGrad: true });
    const lse = 1002 + Math.log(big.reduce((s, v) => s + Math.exp(v - 1002), 0));
    Array.from(value).forEach((v, i) => expect(v).toBeCloseTo(big[i] - lse, 4));
  });

  it('sigmoid and QuickGELU', async () => {
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    await checkGraph([{ shape: [2, 3] }], ([x]) => G.sigmoid(G.mul(x, 4)), { reference: ([x]) => R.elementwise([x], (v) => sig(4 * v)) });
    await checkGraph([{ shape: [2, 3] }], ([x]) => G.quickGelu(G.mul(x, 3)), { reference: ([x]) => R.elementwise([x], (v) => 3 * v * sig(1.702 * 3 * v)) });
    // log-softmax's default axis is the last one
    await checkGraph([{ shape: [1, 2, 3] }], ([x]) => G.logSoftmax(x), { noGrad: true, reference: ([x]) => R.elementwise([R.softmax(x, 2)], Math.log) });
    // the tanh GELU (stands in for exact GELU in the float64 whole-model checks): PyTorch's formula
    await checkGraph([{ shape: [2, 3] }], ([x]) => G.geluTanh(G.mul(x, 3)), {
      reference: ([x]) => R.elementwise([x], (v) => 0.5 * 3 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (3 * v + 0.044715 * (3 * v) ** 3)))),
    });
  });

  it('fused Gelu equals x·½(1 + erf(x/√2))', async () => {
    const values = Array.from({ length: 12 }, (_, i) => -3 + i * 0.5);
    const a = await checkGraph([{ shape: [12], values }], ([x]) => G.gelu(x), { dtype: 'float32', noGrad: true });
    const b = await checkGraph([{ shape: [12], values }], ([x]) => G.geluErf(x), { dtype: 'float32' });
    Array.from(a.value).forEach((v, i) => expect(v).toBeCloseTo(b.value[i], 6));
  });

  it('oneHot by Equal + Cast; 255 gives an all-zero row', async () => {
    const { value } = await checkGraph([{ shape: [3], dtype: 'int32', values: [2, 255, 0] }], ([l]) => G.oneHot(l, 3, -1, 'float64'), { noGrad: true });
    expect(Array.from(value)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0]);
  });

  it('crossEntropy ignores 255 and averages over labelled pixels', async () => {
    const labels = [0, 2, 255, 1, 1, 255, 0, 2];
    const ce = (logits: R.Arr) => {
      const [, c, h, w] = logits.shape;
      let sum = 0, n = 0;
      labels.forEach((y, p) => {
        if (y === 255) return;
        const b = Math.floor(p / (h * w)), pix = p % (h * w);
        const z = Array.from({ length: c }, (_, k) => logits.data[(b * c + k) * h * w + pix]);
        const m = Math.max(...z);
        sum += -(z[y] - m - Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)));
        n++;
      });
      return { data: [sum / n], shape: [] };
    };
    await checkGraph([{ shape: [2, 3, 2, 2] }, { shape: [2, 2, 2], dtype: 'int32', values: labels }], ([x, l]) => G.crossEntropy(x, l), {
      reference: ([x]) => ce(x),
    });
  });

  it('class-weighted crossEntropy is Σ w_y·nll / Σ w_y', async () => {
    const labels = [0, 1, 1, 255];
    const weights = new Float64Array([2, 0.5]);
    const { value } = await checkGraph([{ shape: [1, 2, 2, 2], values: [0.1, -0.3, 0.7, 0.2, 0.5, 0.4, -0.2, 0.9] }, { shape: [1, 2, 2], dtype: 'int32', values: labels }],
      ([x, l]) => G.crossEntropy(x, l, weights));
    const z = [[0.1, 0.5], [-0.3, 0.4], [0.7, -0.2]];
    const nll = z.map((zz, p) => -(zz[labels[p]] - Math.log(Math.exp(zz[0]) + Math.exp(zz[1]))));
    const expected = (2 * nll[0] + 0.5 * nll[1] + 0.5 * nll[2]) / 3;
    expect(value[0]).toBeCloseTo(expected, 10);
  });

  it('resize2d with bilinear matrices matches the per-pixel torch formula (odd sizes) and has gradient Rhᵀ·dY·Rw', async () => {
    const [h, w, oh, ow] = [3, 5, 7, 4];
    const direct = (x: R.Arr) => {
      const out: number[] = [];
      const rh = torchBilinear(h, oh), rw = torchBilinear(w, ow);
      for (let c = 0; c < 2; c++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
        let s = 0;
        for (let a = 0; a < h; a++) for (let b = 0; b < w; b++) s += rh[i * h + a] * rw[j * w + b] * x.data[c * h * w + a * w + b];
        out.push(s);
      }
      return { data: out, shape: [1, 2, oh, ow] };
    };
    await checkGraph([{ shape: [1, 2, h, w] }], ([x]) => G.resize2d(x, torchBilinear(h, oh), oh, torchBilinear(w, ow), ow), { reference: ([x]) => direct(x) });
  });

  it('split and attention', async () => {
    await checkGraph([{ shape: [2, 6] }], ([x]) => G.split(x, 3, 1)[1], { reference: ([x]) => R.slice(x, 1, 2, 4) });
    await checkGraph([{ shape: [1, 2, 3, 4] }, { shape: [1, 2, 3, 4] }, { shape: [1, 2, 3, 4] }], ([q, k, v]) => G.attention(q, k, v), {
      reference: ([q, k, v]) => R.matmul(R.softmax(R.elementwise([R.matmul(q, R.transpose(k, [0, 1, 3, 2]))], (s) => s * 0.5), 3), v),
    });
  });
});

/** patchify → linear → LN → attention → GELU MLP → linear → bilinear upsample → masked CE. */
function tinySegmenter(image: Tensor, labels: Tensor, p: Record<string, Tensor>, act = G.gelu): Tensor {
  const [b, c, hh, ww] = image.shape;
  const ps = 4, gh = hh / ps, gw = ww / ps, d = 8, heads = 2;
  const patches = G.reshape(G.transpose(G.reshape(image, [b, c, gh, ps, gw, ps]), [0, 2, 4, 1, 3, 5]), [b, gh * gw, c * ps * ps]);
  let x = G.linear(patches, p.embed_w, p.embed_b);
  const y = G.layerNorm(x, p.ln_w, p.ln_b);
  const qkv = G.reshape(G.linear(y, p.qkv_w), [b, gh * gw, 3, heads, d / heads]);
  const [q, k, v] = [0, 1, 2].map((i) => G.transpose(G.reshape(G.slice(qkv, 2, i, i + 1), [b, gh * gw, heads, d / heads]), [0, 2, 1, 3]));
  x = G.add(x, G.reshape(G.transpose(G.attention(q, k, v), [0, 2, 1, 3]), [b, gh * gw, d]));
  x = G.add(x, G.linear(act(G.linear(x, p.fc1_w, p.fc1_b)), p.fc2_w));
  const logits = G.reshape(G.transpose(G.linear(x, p.head_w, p.head_b), [0, 2, 1]), [b, 3, gh, gw]);
  const up = G.resize2d(logits, torchBilinear(gh, hh), hh, torchBilinear(gw, ww), ww);
  return G.crossEntropy(up, labels);
}
const PARAMS: Record<string, number[]> = {
  embed_w: [8, 48], embed_b: [8], ln_w: [8], ln_b: [8], qkv_w: [24, 8], fc1_w: [16, 8], fc1_b: [16], fc2_w: [8, 16], head_w: [3, 8], head_b: [3],
};

describe('whole graph', () => {
  // float64 (the CPU EP has no float64 Gelu: the tanh GELU stands in), every entry and one direction per tensor
  it('a tiny segmenter passes a whole-graph finite-difference check in float64', async () => {
    const r = rng(7);
    const labels = Array.from({ length: 2 * 8 * 8 }, (_, i) => (i % 11 === 0 ? 255 : Math.floor(r() * 3)));
    const names = Object.keys(PARAMS);
    await checkGraph(
      [{ shape: [2, 3, 8, 8], fixed: true }, { shape: [2, 8, 8], dtype: 'int32', values: labels }, ...names.map((n) => ({ shape: PARAMS[n] }))],
      ([img, lab, ...ps]) => tinySegmenter(img, lab, Object.fromEntries(names.map((n, i) => [n, ps[i]])), G.geluTanh),
      { directions: true },
    );
  }, 120_000);

  function build(frozen: Set<string>) {
    const g = new G.Graph();
    const img = g.input('image', [1, 3, 8, 8]);
    const lab = g.input('labels', [1, 8, 8], 'int32');
    const ps = Object.fromEntries(Object.entries(PARAMS).map(([n, s]) => [n, g.param(n, s, { trainable: !frozen.has(n) })]));
    const loss = tinySegmenter(img, lab, ps);
    g.output('loss', loss);
    const trainable = Object.values(ps).filter((t) => t.trainable);
    G.grad(loss, trainable).forEach((gr, i) => g.output(`grad.${trainable[i].name}`, gr));
    return G.exportOnnx(g);
  }
  const decode = (bytes: Uint8Array) => ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
    opsetImport: { version: number }[]; graph: { node: { name: string; opType: string; input: string[] }[]; initializer?: { name: string }[]; input: { name: string }[] };
  };

  it('emits opset 20, weights as inputs, and only op types on the WebGPU allow-list', () => {
    const m = decode(build(new Set()).onnx);
    expect(m.opsetImport[0].version).toBe(20);
    expect(m.graph.input.map((i) => i.name)).toEqual(expect.arrayContaining(Object.keys(PARAMS)));
    expect((m.graph.initializer ?? []).map((i) => i.name)).not.toEqual(expect.arrayContaining(['embed_w']));
    for (const n of m.graph.node) expect(G.WEBGPU_OPS.has(n.opType), `${n.opType} not allowed`).toBe(true);
  });

  it('prunes the backward pass of frozen parameters', () => {
    const everything = decode(build(new Set()).onnx).graph.node.filter((n) => n.name.startsWith('grad'));
    const frozenNames = ['embed_w', 'embed_b', 'ln_w', 'ln_b', 'qkv_w', 'fc1_w', 'fc1_b', 'fc2_w'];
    const headOnly = decode(build(new Set(frozenNames)).onnx).graph.node.filter((n) => n.name.startsWith('grad'));
    // with only the head trainable, no backward node reads a frozen weight …
    expect(headOnly.flatMap((n) => n.input).filter((i) => frozenNames.includes(i))).toEqual([]);
    // … while full training does (e.g. dX = dY·W through the MLP)
    expect(everything.flatMap((n) => n.input).filter((i) => frozenNames.includes(i)).length).toBeGreaterThan(0);
    expect(headOnly.length).toBeLessThan(everything.length / 3);
  });
});

describe('errors name the op and the shapes', () => {
  const g = new G.Graph();
  const a = g.input('a', [2, 3]);
  const b = g.input('b', [4, 3]);
  const i = g.input('i', [2, 3], 'int32');
  it('shape mismatch', () => {
    expect(() => G.add(a, b)).toThrow('Add: shapes [2,3] and [4,3] cannot be broadcast');
    expect(() => G.matmul(a, b)).toThrow('MatMul: inner dimensions differ, [2,3] · [4,3]');
    expect(() => G.reshape(a, [4, 2])).toThrow('Reshape: cannot reshape [2,3] to [4,2]');
  });
  it('dtype mismatch', () => {
    expect(() => G.mul(a, i)).toThrow('Mul: dtype mismatch, float32 [2,3] vs int32 [2,3]');
    expect(() => G.exp(i)).toThrow('Exp: needs a float tensor, got int32 [2,3]');
  });
  it('grad of a non-scalar', () => {
    const w = g.param('w', [3, 3]);
    expect(() => G.grad(G.matmul(a, w), [w])).toThrow('grad: the loss must be a scalar, got shape [2,3]');
  });
  it('unknown op', () => {
    expect(() => g.node('Conv2dTranspose' as never, [a], {} as never)).toThrow('unknown op Conv2dTranspose');
  });
  it('a duplicate name', () => {
    expect(() => g.input('a', [1])).toThrow('the name "a" is used twice');
  });
  it('every op in the table is on the WebGPU allow-list', () => {
    for (const op of Object.keys(G.OPS)) expect(G.WEBGPU_OPS.has(op), op).toBe(true);
  });
});
