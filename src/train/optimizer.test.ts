/** AdamW, its weight-decay groups and the schedule against direct float64 formulas over several steps. */
import { describe, expect, it } from 'vitest';
import { AdamW, adamwUpdate, appliesWeightDecay, paramGroup } from './optimizer';
import { learningRate } from './schedule';

/** PyTorch's AdamW written out in float64, one scalar at a time. */
function reference(p0: number, grads: number[], lrs: number[], wd: number) {
  let p = p0, m = 0, v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    p = p - lrs[i] * wd * p;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p = p - (lrs[i] * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
  });
  return p;
}

describe('AdamW', () => {
  it('matches the direct formula over several steps, per group, with and without decay', () => {
    const params = new Map([
      ['seg_head.weight', { shape: [2, 2], data: Float32Array.from([0.5, -0.2, 0.1, 0.9]) }],
      ['seg_head.bias', { shape: [2], data: Float32Array.from([0.3, -0.4]) }],
      ['blocks.0.mlp.fc1.weight', { shape: [1, 2], data: Float32Array.from([1.5, -2]) }],
      ['pos_embed', { shape: [1, 1, 2], data: Float32Array.from([0.7, 0.2]) }],
    ]);
    const initial = new Map([...params].map(([k, t]) => [k, Array.from(t.data)]));
    const opt = new AdamW(params, { weightDecay: 0.05 });
    const steps = 5, total = 5;
    const gradAt = (name: string, i: number, t: number) => Math.sin(1 + i + 3 * t + name.length);
    const lrs = { head: [] as number[], encoder: [] as number[] };
    for (let t = 0; t < steps; t++) {
      const lr = { head: learningRate('poly', 1e-2, t, total), encoder: learningRate('poly', 1e-3, t, total) };
      lrs.head.push(lr.head);
      lrs.encoder.push(lr.encoder);
      opt.step(new Map([...params].map(([k, p]) => [k, Float32Array.from(p.data, (_, i) => gradAt(k, i, t))])), lr);
    }
    for (const [name, p] of params) {
      const group = paramGroup(name);
      const wd = appliesWeightDecay(name, p.shape) ? 0.05 : 0;
      initial.get(name)!.forEach((p0, i) => {
        const expected = reference(p0, Array.from({ length: steps }, (_, t) => gradAt(name, i, t)), lrs[group], wd);
        expect(p.data[i]).toBeCloseTo(expected, 6);
      });
    }
  });

  it('decays only ≥2-D weights, never biases, norms, pos_embed or tokens', () => {
    expect(appliesWeightDecay('blocks.0.attn.qkv.weight', [6, 2])).toBe(true);
    expect(appliesWeightDecay('seg_head.weight', [3, 2])).toBe(true);
    expect(appliesWeightDecay('blocks.0.attn.qkv.bias', [6])).toBe(false);
    expect(appliesWeightDecay('norm.weight', [2])).toBe(false);
    expect(appliesWeightDecay('pos_embed', [1, 5, 2])).toBe(false);
    expect(appliesWeightDecay('cls_token', [1, 1, 2])).toBe(false);
    expect(appliesWeightDecay('reg_token', [1, 4, 2])).toBe(false);
    // 1-D by shape alone (EVA-02's q_bias is not named `.bias`)
    expect(appliesWeightDecay('blocks.0.attn.q_bias', [6])).toBe(false);
    expect(paramGroup('seg_head.bias')).toBe('head');
    expect(paramGroup('blocks.3.mlp.fc2.weight')).toBe('encoder');
  });

  it("under the benchmark's rule (weight decay scope 'all') every tensor decays, biases, norms, tokens and pos_embed included", () => {
    const params = new Map([
      ['seg_head.bias', { shape: [2], data: Float32Array.from([0.3, -0.4]) }],
      ['norm.weight', { shape: [2], data: Float32Array.from([1, 1.2]) }],
      ['pos_embed', { shape: [1, 1, 2], data: Float32Array.from([0.7, 0.2]) }],
      ['cls_token', { shape: [1, 1, 2], data: Float32Array.from([-0.6, 0.8]) }],
      ['blocks.0.mlp.fc1.weight', { shape: [1, 2], data: Float32Array.from([1.5, -2]) }],
    ]);
    const initial = new Map([...params].map(([k, t]) => [k, Array.from(t.data)]));
    const opt = new AdamW(params, { weightDecay: 0.05, weightDecayScope: 'all' });
    const lr = { head: 1e-2, encoder: 1e-3 };
    const gradAt = (i: number, t: number) => Math.cos(2 + i + t);
    for (let t = 0; t < 3; t++) opt.step(new Map([...params].map(([k, p]) => [k, Float32Array.from(p.data, (_, i) => gradAt(i, t))])), lr);
    for (const [name, p] of params) {
      const lrs = Array(3).fill(lr[paramGroup(name)]);
      initial.get(name)!.forEach((p0, i) => expect(p.data[i]).toBeCloseTo(reference(p0, [0, 1, 2].map((t) => gradAt(i, t)), lrs, 0.05), 6));
    }
    expect(appliesWeightDecay('norm.weight', [2], 'all')).toBe(true);
    expect(appliesWeightDecay('norm.weight', [2], 'matrices')).toBe(false);
  });

  it('adamwUpdate is the in-place rule the GPU pass implements', () => {
    const p = Float32Array.from([1]), m = new Float32Array(1), v = new Float32Array(1);
    adamwUpdate(p, Float32Array.from([2]), m, v, 1, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5 });
    // first step: m̂ = g, v̂ = g², so p = p(1 − lr·wd) − lr·g/(|g| + ε)
    expect(p[0]).toBeCloseTo(1 * (1 - 0.05) - 0.1, 6);
    // ε is added to √v̂: a gradient of 1e-8 moves p by lr·g/(|g| + ε) = lr/2
    const q = Float32Array.from([1]);
    adamwUpdate(q, Float32Array.from([1e-8]), new Float32Array(1), new Float32Array(1), 1, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    expect(q[0]).toBeCloseTo(1 - 0.05, 6);
  });

  it('skips parameters without a gradient (frozen), leaving them and their moments untouched', () => {
    const params = new Map([['a', { shape: [2], data: Float32Array.from([1, 2]) }], ['b', { shape: [2], data: Float32Array.from([3, 4]) }]]);
    const opt = new AdamW(params, { weightDecay: 0 });
    opt.step(new Map([['a', Float32Array.from([1, 1])]]), { head: 0.1, encoder: 0.1 });
    expect(Array.from(params.get('b')!.data)).toEqual([3, 4]);
    expect(Array.from(opt.state().m.get('b')!)).toEqual([0, 0]);
    expect(params.get('a')!.data[0]).toBeCloseTo(0.9, 6);
  });

  it('saves and restores its state exactly (tensors it does not own are ignored)', () => {
    const mk = () => new Map([['w', { shape: [1, 2], data: Float32Array.from([1, 2]) }]]);
    const a = mk(), b = mk();
    const oa = new AdamW(a, { weightDecay: 0.1 }), ob = new AdamW(b, { weightDecay: 0.1 });
    // different gradients per step, so the moments and the step count matter
    const g1 = new Map([['w', Float32Array.from([0.3, -0.1])]]), g2 = new Map([['w', Float32Array.from([-0.5, 0.02])]]);
    oa.step(g1, { head: 1e-2, encoder: 1e-2 });
    const saved = structuredClone(oa.state());
    saved.m.set('gone', new Float32Array(3));
    saved.v.set('gone', new Float32Array(3));
    ob.restore(saved);
    b.get('w')!.data.set(a.get('w')!.data);
    oa.step(g2, { head: 1e-2, encoder: 1e-2 });
    ob.step(g2, { head: 1e-2, encoder: 1e-2 });
    expect(Array.from(b.get('w')!.data)).toEqual(Array.from(a.get('w')!.data));
    expect(ob.state().step).toBe(2);
  });
});

describe('learning-rate schedules', () => {
  it('poly = lr·(1 − t/T)^0.9 for t = 0…T−1; constant = lr', () => {
    // 2e-4·(1 − t/10)^0.9 for t = 0…9, computed independently (Python float64)
    const expected = [
      2e-4, 1.8190651521659244e-4, 1.6361042921017168e-4, 1.45083569387444e-4, 1.2628917349787107e-4,
      1.0717734625362932e-4, 8.76766581108174e-5, 6.767669238032997e-5, 4.698475772352075e-5, 2.5178508235883343e-5,
    ];
    expected.forEach((lr, t) => expect(learningRate('poly', 2e-4, t, 10)).toBeCloseTo(lr, 18));
    // the exponent is 0.9, not 1: halfway is 0.5^0.9 = 0.5358867312681466, not 0.5
    expect(learningRate('poly', 1, 50, 100)).toBeCloseTo(0.5358867312681466, 15);
    // an explicit power, and past the end the rate stays at 0 (never negative or NaN)
    expect(learningRate('poly', 1, 1, 4, 2)).toBeCloseTo(0.5625, 15);
    expect(learningRate('poly', 1e-3, 12, 10)).toBe(0);
    expect(learningRate('constant', 3e-5, 7, 10)).toBe(3e-5);
  });
});
