/**
 * @file Test harness: builds a small graph, checks its value against a reference and its
 * gradients against central finite differences, all run on onnxruntime-node.
 *
 * Tolerances: in float64 a step h = 1e-6 leaves truncation error O(h²) ≈ 1e-12 and rounding
 * error ε·|L|/h ≈ 1e-10, so 1e-6 relative is a strict check. Where the CPU EP has no float64
 * kernel we use float32 with h = 1e-2: truncation O(h²·f‴) ≈ 1e-4 and rounding 6e-8·|L|/h ≈ 1e-5
 * for |L| ≈ 1, so 5e-3 relative (+ 5e-3 absolute) still catches any wrong rule (a wrong VJP is
 * off by O(1)).
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
    }
  }
  await runner.release();
  return { value: base.y.data as ArrayLike<number>, grads };
}
