import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { cosineSimilarity, patchNorms, patchPca } from './features';

/** Gaussian features [n, d] with decreasing spread per direction, mixed by a random rotation: clear eigengaps. */
function features(n: number, d: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const basis: number[][] = [];
  while (basis.length < d) {
    const v = Array.from({ length: d }, gauss);
    for (const b of basis) {
      const s = b.reduce((acc, x, i) => acc + x * v[i], 0);
      b.forEach((x, i) => (v[i] -= s * x));
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  const out = new Float32Array(n * d);
  for (let j = 0; j < n; j++) {
    for (let c = 0; c < d; c++) {
      const z = gauss() * 8 / (c + 1) ** 1.2 + (c === 0 ? 3 : 0); // an offset too, which centring must remove
      for (let k = 0; k < d; k++) out[j * d + k] += z * basis[c][k];
    }
  }
  return out;
}

/** The reference: explicit covariance and power iteration with deflation, written apart from the code under test. */
function powerPca(f: Float32Array, n: number, d: number, k: number) {
  const mean = Array.from({ length: d }, (_, c) => { let s = 0; for (let j = 0; j < n; j++) s += f[j * d + c]; return s / n; });
  const cov = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += (f[j * d + a] - mean[a]) * (f[j * d + b] - mean[b]);
    return s / n;
  }));
  const axes: number[][] = [], variances: number[] = [];
  for (let c = 0; c < k; c++) {
    let v = Array.from({ length: d }, (_, i) => 1 + i / d);
    for (let it = 0; it < 20000; it++) {
      const w = cov.map((row) => row.reduce((s, x, i) => s + x * v[i], 0));
      const norm = Math.hypot(...w);
      const next = w.map((x) => x / norm);
      const change = Math.hypot(...next.map((x, i) => x - v[i]));
      v = next;
      if (change < 1e-14) break;
    }
    const lambda = cov.reduce((s, row, a) => s + v[a] * row.reduce((t, x, b) => t + x * v[b], 0), 0);
    cov.forEach((row, a) => row.forEach((_, b) => (row[b] -= lambda * v[a] * v[b])));
    const big = v.reduce((best, x, i) => (Math.abs(x) > Math.abs(v[best]) ? i : best), 0);
    axes.push(v[big] < 0 ? v.map((x) => -x) : v);
    variances.push(lambda);
  }
  const proj = axes.map((v) => Array.from({ length: n }, (_, j) => v.reduce((s, x, i) => s + (f[j * d + i] - mean[i]) * x, 0)));
  const rgb = proj.map((p) => { const [lo, hi] = [Math.min(...p), Math.max(...p)]; return p.map((x) => (x - lo) / (hi - lo)); });
  return { axes, variances, rgb };
}

describe('patch PCA', () => {
  it('matches a closed form in 2-D: a cross of four points rotated by 30°', () => {
    const [a, b, phi] = [3, 1, Math.PI / 6];
    const u = [Math.cos(phi), Math.sin(phi)], w = [-Math.sin(phi), Math.cos(phi)];
    const pts = [[a, 0], [-a, 0], [0, b], [0, -b]].map(([s, t]) => [s * u[0] + t * w[0] + 5, s * u[1] + t * w[1] - 2]);
    const r = patchPca(pts.flat(), 4, 2);
    expect(r.count).toBe(2);
    // covariance R diag(a²/2, b²/2) Rᵀ: axes u and w (largest entry positive), variances 4.5 and 0.5
    expect([...r.components].map((x) => x.toFixed(12))).toEqual([...u, ...w].map((x) => x.toFixed(12)));
    expect(r.variances[0]).toBeCloseTo(4.5, 12);
    expect(r.variances[1]).toBeCloseTo(0.5, 12);
    expect(r.explained[0]).toBeCloseTo(0.9, 12);
    // projections ±3, 0, 0 and 0, 0, ±1 min-max scaled; no third axis in 2-D: blue stays 0
    const expected = [1, 0.5, 0, 0, 0.5, 0, 0.5, 1, 0, 0.5, 0, 0];
    [...r.rgb].forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
  });

  for (const [n, d, what] of [[60, 8, 'covariance, solved at once'], [200, 24, 'covariance, block iteration'], [6, 20, 'Gram matrix, solved at once'], [16, 40, 'Gram matrix, block iteration']] as const) {
    it(`agrees with power iteration on an explicit covariance: ${n} patches × ${d} channels (${what})`, () => {
      const f = features(n, d, n * 1000 + d);
      const r = patchPca(f, n, d);
      const ref = powerPca(f, n, d, 3);
      expect(r.converged).toBe(true);
      for (let c = 0; c < 3; c++) {
        expect(r.variances[c] / ref.variances[c]).toBeCloseTo(1, 8);
        const axis = [...r.components.subarray(c * d, (c + 1) * d)];
        axis.forEach((x, i) => expect(x).toBeCloseTo(ref.axes[c][i], 6)); // same sign too: the largest entry is positive
        for (let j = 0; j < n; j++) expect(r.rgb[j * 3 + c]).toBeCloseTo(ref.rgb[c][j], 5);
      }
    });
  }

  it('gives the same colours whatever the order of the patches', () => {
    const [n, d] = [50, 12];
    const f = features(n, d, 7);
    const order = Array.from({ length: n }, (_, j) => (j * 17) % n);
    const shuffled = new Float32Array(n * d);
    order.forEach((src, dst) => shuffled.set(f.subarray(src * d, (src + 1) * d), dst * d));
    const [a, b] = [patchPca(f, n, d), patchPca(shuffled, n, d)];
    order.forEach((src, dst) => { for (let c = 0; c < 3; c++) expect(b.rgb[dst * 3 + c]).toBeCloseTo(a.rgb[src * 3 + c], 5); });
  });

  it('handles fewer independent directions than components: two patches give one axis, the rest constant', () => {
    const r = patchPca([1, 2, 3, 4, 5, 3, 2, 1, 0, -1], 2, 5);
    expect(r.count).toBe(2);
    expect(r.variances[1]).toBeCloseTo(0, 12);
    expect([r.rgb[0], r.rgb[3]].sort()).toEqual([0, 1]);
    expect([r.rgb[1], r.rgb[4], r.rgb[2], r.rgb[5]]).toEqual([0, 0, 0, 0]);
  });

  it('refuses features that are not [N, D]', () => {
    expect(() => patchPca(new Float32Array(10), 3, 4)).toThrow(/length 10 are not \[3, 4\]/);
  });
});

describe('cosine similarity of one patch to all', () => {
  it('matches the direct formula, is 1 for the patch itself, and 0 for a zero vector', () => {
    const [n, d] = [30, 6];
    const f = features(n, d, 3);
    f.fill(0, 5 * d, 6 * d);
    const s = cosineSimilarity(f, n, d, 2);
    const v = (j: number) => [...f.subarray(j * d, (j + 1) * d)];
    for (let j = 0; j < n; j++) {
      const [x, y] = [v(2), v(j)];
      const direct = j === 5 ? 0 : x.reduce((acc, xi, i) => acc + xi * y[i], 0) / (Math.hypot(...x) * Math.hypot(...y));
      expect(s[j]).toBeCloseTo(direct, 6);
    }
    expect(s[2]).toBeCloseTo(1, 6);
    expect(s[5]).toBe(0);
    expect(() => cosineSimilarity(f, n, d, n)).toThrow(/patch 30 is not one of the 30 patches/);
  });

  it('patch norms match a direct computation, and a probe uses the norms it is given (none recomputed per hover)', () => {
    const n = 12, d = 7;
    const f = features(n, d, 3);
    const norms = patchNorms(f, n, d);
    for (let j = 0; j < n; j++) expect(norms[j]).toBeCloseTo(Math.hypot(...f.subarray(j * d, (j + 1) * d)), 5);
    expect([...cosineSimilarity(f, n, d, 4, norms)]).toEqual([...cosineSimilarity(f, n, d, 4)]);
    // doubled norms halve every similarity: the given norms are the ones divided by
    const doubled = cosineSimilarity(f, n, d, 4, norms.map((x) => 2 * x));
    const plain = cosineSimilarity(f, n, d, 4);
    for (let j = 0; j < n; j++) expect(doubled[j]).toBeCloseTo(plain[j] / 4, 6);
    expect(() => cosineSimilarity(f, n, d, 0, norms.subarray(1))).toThrow(/11 norms for 12 patches/);
  });
});
