/**
 * @file Test harness: builds a small graph, checks its value against a reference and its
 * gradients against central finite differences, all run on onnxruntime-node.
 *
 * Tolerances: in float64 a step h = 1e-6 leaves truncation error O(h²) ≈ 1e-12 and rounding
 * error ε·|L|/h ≈ 1e-10, so 1e-6 relative is a strict check. Where the CPU EP has no float64
 * kernel we use float32 with h = 1e-2: truncation O(h²·f‴) ≈ 1e-4 and rounding 6e-8·|L|/h ≈ 1e-5
 * for |L| ≈ 1, so 5e-3 relative (+ 5e-3 absolute) still catches any wrong rule (a wrong VJP is
 * off by O(1)).
 *
 * Whole models (`directions: true`) need more than sampled entries: most gradient entries of a
 * small transformer are tiny, so an absolute tolerance passes them whatever their value. There we
 * also check, per parameter tensor, the derivative along one unit direction u (every entry at
 * once, partly random): g·u against central differences along u, relative to its own size, and
 * require that derivative to be far above the float64 noise so the comparison means something.
 */
import { expect } from 'vitest';
import { Graph, exportOnnx, grad, mul, reduceSum, type DType, type Tensor } from '../index';
import { createNodeRunner } from '../../runtime/node';
import { hostArray, isFloat } from '../tensor';
import type { Arr } from './reference';
import { mulberry32 } from '../../data/random';

export interface InputDesc {
  shape: number[];
  /** 'float' follows the case's float dtype. */
  dtype?: 'float' | 'int32' | 'bool';
  values?: number[];
  /** Not differentiated (e.g. labels, a constant exponent). */
  fixed?: boolean;
  /** Emitted as a graph constant rather than an input (e.g. Gather indices). */
  constant?: boolean;
}

export interface CheckOptions {
  dtype?: 'float32' | 'float64';
  /** Reference value of the output, from the inputs (float64 math). */
  reference?: (xs: Arr[]) => Arr;
  valueTol?: number;
  /** Skip the gradient check (ops without a VJP). */
  noGrad?: boolean;
  seed?: number;
  /** Check at most this many (random) elements per input; all of them when omitted. */
  sample?: number;
  /** Also check one random direction per parameter tensor with a relative tolerance (float64 only). */
  directions?: boolean;
}


/** A seeded generator (the project's one PRNG). */
export const rng = mulberry32;

export async function checkGraph(
  inputs: InputDesc[],
  build: (xs: Tensor[]) => Tensor,
  opts: CheckOptions = {},
): Promise<{ value: ArrayLike<number>; grads: ArrayLike<number>[] }> {
  const dtype = opts.dtype ?? 'float64';
  const rand = rng(opts.seed ?? 1);
  const values = inputs.map((d) => d.values ?? Array.from({ length: d.shape.reduce((a, b) => a * b, 1) }, () => rand() * 2 - 1));
  const dtypes: DType[] = inputs.map((d) => (d.dtype === 'int32' ? 'int32' : d.dtype === 'bool' ? 'bool' : dtype));

  const g = new Graph();
  const tensors = inputs.map((d, i) => {
    if (d.constant) return g.constant(hostArray(dtypes[i], values[i]), d.shape, dtypes[i]);
    if (isFloat(dtypes[i]) && !d.fixed) return g.param(`x${i}`, d.shape, { dtype });
    return g.input(`x${i}`, d.shape, dtypes[i]);
  });
  const y = build(tensors);
  const params = tensors.filter((t) => t.op === 'Param');
  g.output('y', y);
  if (!opts.noGrad) {
    const projection = g.constant(hostArray(dtype, Array.from({ length: y.size }, () => rand() * 2 - 1)), y.shape, dtype);
    const loss = reduceSum(mul(y, projection));
    g.output('loss', loss);
    grad(loss, params).forEach((gp, i) => g.output(`grad${i}`, gp));
  }
  const runner = await createNodeRunner(exportOnnx(g));
  const feeds: Record<string, ReturnType<typeof hostArray>> = {};
  inputs.forEach((d, i) => {
    if (!d.constant) feeds[`x${i}`] = hostArray(dtypes[i], values[i]);
  });
  const base = await runner.run(feeds);

  if (opts.reference) {
    const ref = opts.reference(values.map((data, i) => ({ data, shape: inputs[i].shape })));
    expect(base.y.dims).toEqual(ref.shape);
    const tol = opts.valueTol ?? (dtype === 'float64' ? 1e-10 : 2e-6);
    const got = Array.from(base.y.data as ArrayLike<number>, Number);
    got.forEach((v, i) => expect(Math.abs(v - ref.data[i]), `value[${i}] ${v} vs ${ref.data[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(ref.data[i]))));
  }
  const grads: ArrayLike<number>[] = [];
  if (!opts.noGrad) {
    const h = dtype === 'float64' ? 1e-6 : 1e-2;
    const [rtol, atol] = dtype === 'float64' ? [1e-6, 1e-8] : [5e-3, 5e-3];
    const lossAt = async () => Number((await runner.run(feeds, ['loss'])).loss.data[0]);
    let p = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (tensors[i].op !== 'Param') continue;
      const analytic = base[`grad${p++}`].data as Float64Array;
      grads.push(analytic);
      const x = feeds[`x${i}`] as Float64Array | Float32Array;
      const picks = opts.sample && opts.sample < x.length
        ? Array.from({ length: opts.sample }, () => Math.floor(rand() * x.length))
        : Array.from(x.keys());
      for (const j of picks) {
        const orig = x[j];
        x[j] = orig + h;
        const up = await lossAt();
        x[j] = orig - h;
        const down = await lossAt();
        x[j] = orig;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(analytic[j] - numeric), `d/dx${i}[${j}]: analytic ${analytic[j]} vs numeric ${numeric}`)
          .toBeLessThanOrEqual(atol + rtol * Math.abs(numeric));
      }
      if (opts.directions) await checkDirection(i, analytic, x, lossAt, rand, dtype);
    }
  }
  await runner.release();
  return { value: base.y.data as ArrayLike<number>, grads };
}

/**
 * In float64 with h = 1e-4 (|u| = 1) and Richardson extrapolation: truncation O(h⁴), rounding
 * ε·|L|/h ≈ 1e-12 (measured ≈ 5e-13), so a per-tensor relative tolerance of 1e-6 holds for a
 * right rule once the derivative is above 1e-5 (then the noise is < 1e-7 of it). A rule that drops a term is
 * off by far more (the softmax rule without its Σ term: 1.4 relative on the ViT's patch embedding).
 */
async function checkDirection(
  input: number, analytic: ArrayLike<number>, x: Float64Array | Float32Array, lossAt: () => Promise<number>, rand: () => number, dtype: string,
): Promise<void> {
  if (dtype !== 'float64') throw new Error('gradcheck: directional checks need float64 (float32 noise is too large for a relative tolerance)');
  const h = 1e-4;
  // u = (ρ/|ρ| + g/|g|)/|…| with ρ random: its derivative is ≈ |g|/√2 (never a near-orthogonal
  // direction with a derivative lost in noise), yet an error in g still shows along ρ.
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((a, e) => a + e * e, 0));
    return n > 0 ? v.map((e) => e / n) : v;
  };
  const rho = unit(Array.from(x, () => rand() * 2 - 1));
  const gHat = unit(Array.from(analytic));
  const u = unit(rho.map((r, j) => r + gHat[j]));
  const orig = Float64Array.from(x);
  const at = async (s: number) => {
    u.forEach((uj, j) => (x[j] = orig[j] + s * h * uj));
    return lossAt();
  };
  const central = async (step: number) => ((await at(step)) - (await at(-step))) / (2 * step * h);
  // Richardson: (4·D(h/2) − D(h))/3 cancels the h² term, leaving O(h⁴) ≈ 1e-16 relative
  const numeric = (4 * (await central(0.5)) - (await central(1))) / 3;
  x.set(orig);
  const dot = u.reduce((acc, uj, j) => acc + uj * analytic[j], 0);
  const what = `x${input} along a random direction: analytic ${dot} vs numeric ${numeric}`;
  expect(Math.abs(numeric), `${what} — too small to check; scale the weights`).toBeGreaterThan(1e-5);
  expect(Math.abs(dot - numeric), what).toBeLessThanOrEqual(1e-6 * Math.abs(numeric));
}
