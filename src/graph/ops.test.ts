/**
 * One value check and one finite-difference gradient check per entry of the op table. `CASES`
 * is typed over every `OpType`, so adding an op without a test fails to compile.
 */
import { describe, expect, it } from 'vitest';
import * as G from './index';
import type { OpType } from './ops';
import type { Tensor } from './tensor';
import * as R from './testing/reference';
import { checkGraph, type CheckOptions, type InputDesc } from './testing/gradcheck';

interface Case extends CheckOptions {
  name: string;
  inputs: InputDesc[];
  build: (xs: Tensor[]) => Tensor;
}

const f = (...shape: number[]): InputDesc => ({ shape });
const positive = (...shape: number[]): InputDesc => ({ shape, values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.5 + ((i * 7) % 11) / 7) });
const ew = (fn: (...v: number[]) => number) => (xs: R.Arr[]) => R.elementwise(xs, fn);

function binaryCases(op: 'add' | 'sub' | 'mul' | 'div' | 'pow', fn: (a: number, b: number) => number): Case[] {
  const build = ([a, b]: Tensor[]) => G[op](a, b);
  const lhs = op === 'pow' ? positive : f;
  const rhs = op === 'div' ? positive : f;
  return [
    { name: 'same shape', inputs: [lhs(2, 3), rhs(2, 3)], build, reference: ew(fn) },
    { name: 'broadcast [2,1,3]·[4,1]', inputs: [lhs(2, 1, 3), rhs(4, 1)], build, reference: ew(fn) },
    { name: 'broadcast scalar rhs', inputs: [lhs(3, 2), rhs()], build, reference: ew(fn) },
  ];
}

const CASES: { [K in OpType]: Case[] } = {
  Add: binaryCases('add', (a, b) => a + b),
  Sub: binaryCases('sub', (a, b) => a - b),
  Mul: binaryCases('mul', (a, b) => a * b),
  Div: binaryCases('div', (a, b) => a / b),
  Pow: binaryCases('pow', (a, b) => a ** b),
  Sqrt: [{ name: 'sqrt', inputs: [positive(2, 3)], build: ([x]) => G.sqrt(x), reference: ew(Math.sqrt) }],
  Reciprocal: [{ name: '1/x', inputs: [positive(2, 3)], build: ([x]) => G.reciprocal(x), reference: ew((v) => 1 / v) }],
  Exp: [{ name: 'exp', inputs: [f(2, 3)], build: ([x]) => G.exp(x), reference: ew(Math.exp) }],
  Log: [{ name: 'log', inputs: [positive(2, 3)], build: ([x]) => G.log(x), reference: ew(Math.log) }],
  Tanh: [{ name: 'tanh', inputs: [f(2, 3)], build: ([x]) => G.tanh(x), reference: ew(Math.tanh) }],
  // onnxruntime's CPU EP has Erf and Gelu for float32 only
  Erf: [{ name: 'erf', dtype: 'float32', inputs: [f(2, 3)], build: ([x]) => G.erf(x), reference: ew(R.erf) }],
  Gelu: [{ name: 'exact gelu', dtype: 'float32', inputs: [f(2, 3)], build: ([x]) => G.gelu(x), reference: ew((v) => 0.5 * v * (1 + R.erf(v / Math.SQRT2))) }],
  MatMul: [
    { name: '2-D', inputs: [f(2, 3), f(3, 4)], build: ([a, b]) => G.matmul(a, b), reference: ([a, b]) => R.matmul(a, b) },
    { name: 'batched with broadcast', inputs: [f(2, 1, 2, 3), f(3, 3, 2)], build: ([a, b]) => G.matmul(a, b), reference: ([a, b]) => R.matmul(a, b) },
  ],
  Gemm: ([[false, false], [true, false], [false, true], [true, true]] as const).map(([ta, tb]) => ({
    name: `transA=${ta} transB=${tb} + bias`,
    inputs: [ta ? f(3, 2) : f(2, 3), tb ? f(4, 3) : f(3, 4), f(4)],
    build: ([a, b, c]: Tensor[]) => G.gemm(a, b, ta, tb, c),
    reference: ([a, b, c]: R.Arr[]) =>
      R.elementwise([R.matmul(ta ? R.transpose(a, [1, 0]) : a, tb ? R.transpose(b, [1, 0]) : b), c], (u, v) => u + v),
  })),
  Transpose: [{ name: '3-D perm', inputs: [f(2, 3, 4)], build: ([x]) => G.transpose(x, [2, 0, 1]), reference: ([x]) => R.transpose(x, [2, 0, 1]) }],
  Reshape: [{ name: 'with -1', inputs: [f(2, 3, 2)], build: ([x]) => G.reshape(x, [3, -1]), reference: ([x]) => ({ data: x.data, shape: [3, 4] }) }],
  Expand: [{ name: '[3,1] → [2,3,4]', inputs: [f(3, 1)], build: ([x]) => G.expand(x, [2, 3, 4]), reference: ([x]) => R.elementwise([x, { data: new Array(24).fill(0), shape: [2, 3, 4] }], (a) => a) }],
  Concat: [{ name: 'axis 1', inputs: [f(2, 1, 2), f(2, 3, 2)], build: (xs) => G.concat(xs, 1), reference: (xs) => R.concat(xs, 1) }],
  Slice: [{ name: 'middle of axis 1', inputs: [f(2, 5)], build: ([x]) => G.slice(x, 1, 1, 4), reference: ([x]) => R.slice(x, 1, 1, 4) }],
  Pad: [{ name: 'zeros around', inputs: [f(2, 3)], build: ([x]) => G.pad(x, [1, 0, 0, 2]), reference: ([x]) => R.pad(x, [1, 0, 0, 2]) }],
  ReduceSum: [
    { name: 'axis 1 keepdims', inputs: [f(2, 3, 2)], build: ([x]) => G.reduceSum(x, [1], true), reference: ([x]) => R.reduce(x, [1], true, 'sum') },
    { name: 'all', inputs: [f(2, 3)], build: ([x]) => G.reduceSum(x), reference: ([x]) => R.reduce(x, [0, 1], false, 'sum') },
  ],
  ReduceMean: [{ name: 'axes 0,2', inputs: [f(2, 3, 2)], build: ([x]) => G.reduceMean(x, [0, 2]), reference: ([x]) => R.reduce(x, [0, 2], false, 'mean') }],
  ReduceMax: [{ name: 'last axis', inputs: [f(3, 4)], build: ([x]) => G.reduceMax(x, [-1]), reference: ([x]) => R.reduce(x, [1], false, 'max') }],
  Softmax: [{ name: 'last axis', inputs: [f(2, 4)], build: ([x]) => G.softmax(x, -1), reference: ([x]) => R.softmax(x, 1) },
    { name: 'axis 1 of 3', inputs: [f(2, 3, 2)], build: ([x]) => G.softmax(x, 1), reference: ([x]) => R.softmax(x, 1) }],
  Where: [{
    name: 'broadcast branches',
    inputs: [{ shape: [2, 3], dtype: 'bool', values: [1, 0, 1, 0, 0, 1] }, f(2, 3), f(3)],
    build: ([c, a, b]) => G.where(c, a, b),
    reference: ew((c, a, b) => (c ? a : b)),
  }],
  Equal: [{ name: 'int32 broadcast', noGrad: true, inputs: [{ shape: [2, 3], dtype: 'int32', values: [0, 1, 2, 2, 1, 0] }, { shape: [3], dtype: 'int32', values: [0, 1, 0] }],
    build: ([a, b]) => G.cast(G.equal(a, b), 'float32'), reference: ew((a, b) => Number(a === b)) }],
  Cast: [{ name: 'float32 → float64 → float32 carries the gradient', dtype: 'float32', inputs: [f(2, 2)], build: ([x]) => G.cast(G.cast(x, 'float64'), 'float32'), reference: ew(Math.fround) }],
  ArgMax: [{ name: 'last axis', noGrad: true, inputs: [{ shape: [2, 3], values: [1, 5, 2, 7, 0, 3] }], build: ([x]) => G.cast(G.argmax(x, -1), 'float64'),
    reference: () => ({ data: [1, 0], shape: [2] }) }],
  Gather: [{
    name: 'rows by constant indices (repeats add up)',
    inputs: [f(4, 3), { shape: [2, 2], dtype: 'int32', values: [3, 0, 3, 1], constant: true }],
    build: ([x, i]) => G.gather(x, i, 0),
    reference: ([x]) => R.gather0(x, [3, 0, 3, 1], [2, 2]),
  }],
  GatherElements: [{
    name: 'one index per position along axis 1 (the cross-entropy pick)',
    inputs: [f(2, 3, 2), { shape: [2, 1, 2], dtype: 'int32', values: [2, 0, 1, 1], constant: true }],
    build: ([x, i]) => G.gatherElements(x, i, 1),
    reference: ([x]) => ({ data: [[0, 2, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]].map(([b, k, j]) => x.data[(b * 3 + k) * 2 + j]), shape: [2, 1, 2] }),
  }],
  Clip: [{
    name: 'clamped entries get no gradient',
    inputs: [{ shape: [2, 3], values: [-0.9, -0.2, 0.1, 0.4, 0.8, -0.6] }],
    build: ([x]) => G.clip(x, -0.5, 0.5),
    reference: ew((v) => Math.min(0.5, Math.max(-0.5, v))),
  }],
  ScatterND: [{
    name: 'reduction add',
    noGrad: true,
    inputs: [f(4, 2), f(3, 2)],
    build: ([data, upd]) => G.scatterAdd(data, data.graph.constant(G.hostArray('int64', [1, 3, 1]), [3, 1], 'int64'), upd),
    reference: ([d, u]) => {
      const out = [...d.data];
      [1, 3, 1].forEach((r, k) => { out[r * 2] += u.data[k * 2]; out[r * 2 + 1] += u.data[k * 2 + 1]; });
      return { data: out, shape: [4, 2] };
    },
  }],
};

describe('op table: value and finite-difference gradient of every op', () => {
  for (const [op, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${op}: ${c.name}`, async () => {
        await checkGraph(c.inputs, c.build, c);
      });
    }
  }
  it('has a test case for every op in the table', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(G.OPS).sort());
  });
});
