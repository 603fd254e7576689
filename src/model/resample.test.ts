/** Resampling matrices against PyTorch's per-pixel formulas, pos-embed and FlexiViT patch-embed resampling. */
import { describe, expect, it } from 'vitest';
import { bicubicMatrix, bilinearMatrix, cubicKernel, pinvTranspose, resamplePatchEmbed, resamplePosEmbed, resizeChannels } from './resample';

/** torch upsample_bicubic2d (align_corners=False), one output pixel at a time, from the formula. */
function torchBicubic1d(x: number[], outSize: number): number[] {
  const n = x.length, scale = n / outSize, A = -0.75;
  const w1 = (t: number) => ((A + 2) * t - (A + 3)) * t * t + 1; // |t| ≤ 1
  const w2 = (t: number) => ((A * t - 5 * A) * t + 8 * A) * t - 4 * A; // 1 < |t| < 2
  return Array.from({ length: outSize }, (_, o) => {
    const real = scale * (o + 0.5) - 0.5;
    const i = Math.floor(real), t = real - i;
    const at = (k: number) => x[Math.min(Math.max(k, 0), n - 1)];
    return at(i - 1) * w2(t + 1) + at(i) * w1(t) + at(i + 1) * w1(1 - t) + at(i + 2) * w2(2 - t);
  });
}

/** torch bilinear (align_corners=False), from the formula. */
function torchBilinear1d(x: number[], outSize: number): number[] {
  const n = x.length, scale = n / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const real = Math.max(scale * (o + 0.5) - 0.5, 0);
    const i0 = Math.floor(real), i1 = Math.min(i0 + 1, n - 1), l = real - i0;
    return (1 - l) * x[i0] + l * x[i1];
  });
}

/** torch's antialiased bicubic (PIL-style, a = −0.5): weights over [centre ± support], renormalised. */
function torchBicubicAA1d(x: number[], outSize: number): number[] {
  const n = x.length, scale = n / outSize;
  const support = scale >= 1 ? 2 * scale : 2, inv = scale >= 1 ? 1 / scale : 1;
  return Array.from({ length: outSize }, (_, o) => {
    const centre = scale * (o + 0.5);
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0), hi = Math.min(Math.trunc(centre + support + 0.5), n);
    let s = 0, total = 0;
    for (let j = lo; j < hi; j++) {
      const w = cubicKernel((j - centre + 0.5) * inv, -0.5);
      s += w * x[j];
      total += w;
    }
    return s / total;
  });
}

const apply = (m: Float64Array, x: number[], out: number) => Array.from({ length: out }, (_, o) => x.reduce((s, v, i) => s + m[o * x.length + i] * v, 0));
const signal = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(1.3 * i) + 0.1 * i);

describe('resize matrices', () => {
  for (const [n, m] of [[5, 7], [7, 3], [14, 16], [37, 32], [3, 11]]) {
    it(`${n} → ${m} match the per-pixel torch formulas`, () => {
      const x = signal(n);
      expect(apply(bilinearMatrix(n, m), x, m).map((v) => +v.toFixed(12))).toEqual(torchBilinear1d(x, m).map((v) => +v.toFixed(12)));
      expect(apply(bicubicMatrix(n, m), x, m).map((v) => +v.toFixed(12))).toEqual(torchBicubic1d(x, m).map((v) => +v.toFixed(12)));
      expect(apply(bicubicMatrix(n, m, true), x, m).map((v) => +v.toFixed(12))).toEqual(torchBicubicAA1d(x, m).map((v) => +v.toFixed(12)));
    });
  }

  it("antialiased bilinear (torchvision resize(antialias=True)) halves with the triangle filter's 1/8, 3/8, 3/8, 1/8 taps and equals plain bilinear when enlarging", () => {
    const x = signal(8);
    const expected = [0, 1, 2, 3].map((i) => {
      // taps 2i−1 … 2i+2 (the first renormalised at the border: 3/8 and 1/8 over 7/8)
      if (i === 0) return (0.375 * x[0] + 0.375 * x[1] + 0.125 * x[2]) / 0.875;
      if (i === 3) return (0.125 * x[5] + 0.375 * x[6] + 0.375 * x[7]) / 0.875;
      return 0.125 * x[2 * i - 1] + 0.375 * x[2 * i] + 0.375 * x[2 * i + 1] + 0.125 * x[2 * i + 2];
    });
    apply(bilinearMatrix(8, 4, true), x, 4).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    apply(bilinearMatrix(5, 9, true), signal(5), 9).forEach((v, i) => expect(v).toBeCloseTo(torchBilinear1d(signal(5), 9)[i], 12));
  });

  it('rows sum to one, so constants stay constant', () => {
    for (const [mat, n] of [[bilinearMatrix(5, 9), 5], [bicubicMatrix(9, 4), 9], [bicubicMatrix(4, 9, true), 4], [bicubicMatrix(16, 7, true), 16]] as const) {
      for (let o = 0; o < mat.length / n; o++) expect(mat.slice(o * n, (o + 1) * n).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    const img = new Float32Array(2 * 5 * 7).fill(3);
    for (const v of resizeChannels(img, 2, 5, 7, 9, 4, 'bicubic')) expect(v).toBeCloseTo(3, 5);
    for (const v of resizeChannels(img, 2, 5, 7, 9, 4, 'bilinear')) expect(v).toBeCloseTo(3, 5);
  });
});

describe('position embeddings', () => {
  const d = 3;
  const pos = (prefix: number, g: number) => ({ shape: [1, prefix + g * g, d], data: Float32Array.from({ length: (prefix + g * g) * d }, (_, i) => Math.cos(i)) });

  it('is the identity when the grid does not change', () => {
    const p = pos(1, 4);
    expect(resamplePosEmbed(p, 1, [4, 4])).toBe(p);
  });

  it('keeps the prefix tokens and resizes the patch grid bicubically (antialiased, as timm)', () => {
    const p = pos(2, 4);
    const r = resamplePosEmbed(p, 2, [6, 6]);
    expect(r.shape).toEqual([1, 2 + 36, d]);
    expect(Array.from(r.data.slice(0, 2 * d))).toEqual(Array.from(p.data.slice(0, 2 * d)));
    // channel 1 of the patch part, as an image, resized with the same matrices
    const grid = Array.from({ length: 16 }, (_, t) => p.data[(2 + t) * d + 1]);
    const expected = resizeChannels(grid, 1, 4, 4, 6, 6, 'bicubic', true);
    for (let t = 0; t < 36; t++) expect(r.data[(2 + t) * d + 1]).toBeCloseTo(expected[t], 5);
  });
});

describe('FlexiViT patch-embed resampling', () => {
  const kernel = { shape: [2, 3, 14, 14], data: Float32Array.from({ length: 2 * 3 * 196 }, (_, i) => Math.sin(0.37 * i) * 0.1) };
  const resized = resamplePatchEmbed(kernel, [16, 16]);

  it('is the pseudo-inverse formula: W_new = pinv(Rᵀ)·W_old with pinv(Rᵀ) = R(RᵀR)⁻¹', () => {
    const r = bicubicMatrix(14, 16, true);
    const p = pinvTranspose(r, 16, 14);
    // Rᵀ·P = I (P is a right inverse of Rᵀ)
    for (let i = 0; i < 14; i++) for (let j = 0; j < 14; j++) {
      let s = 0;
      for (let k = 0; k < 16; k++) s += r[k * 14 + i] * p[k * 14 + j];
      expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
    }
    expect(resized.shape).toEqual([2, 3, 16, 16]);
  });

  it('keeps tokens: ⟨resize(x), W_new⟩ = ⟨x, W_old⟩ for any 14×14 patch x, and on a constant image', () => {
    for (const x of [Float32Array.from({ length: 3 * 196 }, (_, i) => Math.cos(0.11 * i)), new Float32Array(3 * 196).fill(0.7)]) {
      const up = resizeChannels(x, 3, 14, 14, 16, 16, 'bicubic', true);
      for (let o = 0; o < 2; o++) {
        let old = 0, now = 0;
        for (let i = 0; i < 3 * 196; i++) old += x[i] * kernel.data[o * 3 * 196 + i];
        for (let i = 0; i < 3 * 256; i++) now += up[i] * resized.data[o * 3 * 256 + i];
        expect(now).toBeCloseTo(old, 4);
      }
    }
  });
});
