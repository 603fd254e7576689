/**
 * Every shape and dtype rule refuses bad input with a message that names the op and what it got
 * (one expectation per `throw` in ops.ts, nn.ts and shape.ts; the common ones are in nn.test.ts);
 * and the builders add no node they do not need (identities, a gradient nobody asked for).
 */
import { describe, expect, it } from 'vitest';
import * as G from './index';
import { hostArray } from './tensor';

describe('shape rules refuse bad input, naming the op and the shapes', () => {
  const g = new G.Graph();
  const a = g.input('a', [2, 3]), b = g.input('b', [4, 3]), v = g.input('v', [3]);
  const x4 = g.input('x4', [1, 2, 4, 4]);
  const ids = g.input('ids', [2], 'int32');
  const flag = g.input('flag', [2, 3], 'bool');

  it('MatMul and Gemm', () => {
    expect(() => G.matmul(v, a)).toThrow('MatMul: needs rank ≥ 2, got [3] and [2,3]');
    expect(() => G.matmul(a, v)).toThrow('MatMul: needs rank ≥ 2, got [2,3] and [3]');
    expect(() => G.gemm(v, a)).toThrow('Gemm: needs 2-D inputs, got [3] and [2,3]');
    expect(() => G.gemm(a, x4)).toThrow('Gemm: needs 2-D inputs, got [2,3] and [1,2,4,4]');
    expect(() => G.gemm(a, b)).toThrow('Gemm: inner dimensions differ, [2,3] · [4,3] (transA=false, transB=false)');
    expect(() => G.gemm(a, b, true, true)).toThrow('Gemm: inner dimensions differ, [2,3] · [4,3] (transA=true, transB=true)');
    expect(G.gemm(a, b, false, true).shape).toEqual([2, 4]);
    expect(G.gemm(a, a, true, false).shape).toEqual([3, 3]);
    expect(() => g.node('Gemm', [a], { transA: false, transB: false } as never)).toThrow('Gemm: expects 2 or 3 inputs, got 1');
    expect(() => g.node('Exp', [a, a], {} as never)).toThrow('Exp: expects 1 inputs, got 2');
    expect(() => g.node('MatMul', [a], {} as never)).toThrow('MatMul: expects 2 inputs, got 1');
  });

  it('Transpose, Reshape, Expand', () => {
    expect(() => G.transpose(a, [0, 0])).toThrow('Transpose: perm [0,0] is not a permutation of rank 2 ([2,3])');
    expect(() => G.transpose(a, [0])).toThrow('Transpose: perm [0] is not a permutation of rank 2 ([2,3])');
    expect(() => G.transpose(a, [1, 2])).toThrow('Transpose: perm [1,2] is not a permutation of rank 2 ([2,3])');
    expect(() => G.reshape(a, [4, -1])).toThrow('Reshape: cannot reshape [2,3] to [4,-1]');
    expect(G.reshape(a, [3, -1]).shape).toEqual([3, 2]);
    // a shape whose product is right but whose dims are negative
    expect(() => g.node('Reshape', [a], { shape: [-2, -3] } as never)).toThrow('Reshape: cannot reshape [2,3] to [-2,-3]');
    expect(() => G.expand(b, [2, 3])).toThrow('Expand: shapes [4,3] and [2,3] cannot be broadcast');
    expect(() => G.expand(b, [3])).toThrow('Expand: [4,3] does not expand to [3]');
    expect(G.expand(v, [2, 3]).shape).toEqual([2, 3]);
  });

  it('Concat, Slice, Pad', () => {
    expect(() => g.node('Concat', [], { axis: 0 } as never)).toThrow('Concat: needs at least one input');
    expect(() => G.concat([a, b], 1)).toThrow('Concat: shapes [2,3] and [4,3] differ off axis 1');
    expect(G.concat([a, b], 0).shape).toEqual([6, 3]);
    // another rank whose dims agree as far as they go
    expect(() => G.concat([a, g.input('v2', [2])], 1)).toThrow('Concat: shapes [2,3] and [2] differ off axis 1');
    expect(() => G.slice(a, 1, 2, 5)).toThrow('Slice: range 2:5 is outside axis 1 of [2,3]');
    expect(() => G.slice(a, 0, -1, 1)).toThrow('Slice: range -1:1 is outside axis 0 of [2,3]');
    expect(() => G.slice(a, 0, 2, 1)).toThrow('Slice: range 2:1 is outside axis 0 of [2,3]');
    expect(G.slice(a, 1, 1, 3).shape).toEqual([2, 2]);
    expect(() => G.pad(a, [1, 1])).toThrow('Pad: pads [1,1] do not fit [2,3]');
    expect(() => G.pad(a, [0, -1, 0, 0])).toThrow('Pad: pads [0,-1,0,0] do not fit [2,3]');
    expect(G.pad(a, [0, 1, 2, 0]).shape).toEqual([4, 4]);
  });

  it('Where, Gather, ScatterND, axes, scalars', () => {
    expect(() => G.where(a, a, a)).toThrow('Where: condition must be bool, got float32 [2,3]');
    expect(G.where(flag, a, 0).shape).toEqual([2, 3]);
    expect(() => G.gather(a, G.cast(a, 'float32'))).toThrow('Gather: indices must be int32, got float32');
    expect(G.gather(a, ids).shape).toEqual([2, 3]);
    const idx64 = g.constant(hostArray('int64', [0, 1]), [2, 1], 'int64');
    expect(() => G.scatterAdd(a, g.constant(hostArray('int32', [0, 1]), [2, 1], 'int32'), a)).toThrow('ScatterND: indices must be int64, got int32');
    expect(G.scatterAdd(a, idx64, a).shape).toEqual([2, 3]);
    expect(() => G.softmax(a, 2)).toThrow('Softmax: axis 2 is out of range for rank 2');
    expect(() => G.softmax(a, -3)).toThrow('Softmax: axis -3 is out of range for rank 2');
    expect(G.softmax(a, -2).shape).toEqual([2, 3]);
    expect(G.softmax(x4).attrs.axis).toBe(3); // the last axis by default
    expect(() => G.add(1 as never, 2 as never)).toThrow('Add: needs at least one tensor');
  });

  it('a wrong input count or mixed dtypes name the op', () => {
    const counts: [string, number][] = [
      ['MatMul', 2], ['Transpose', 1], ['Reshape', 1], ['Expand', 1], ['Slice', 1], ['Pad', 1], ['Where', 3], ['Cast', 1],
      ['Gather', 2], ['GatherElements', 2], ['ScatterND', 3],
    ];
    for (const [op, n] of counts) {
      expect(() => g.node(op as never, Array<G.Tensor>(n + 1).fill(a), {} as never)).toThrow(`${op}: expects ${n} inputs, got ${n + 1}`);
    }
    const ai = g.input('ai', [2, 3], 'int32'), bi = g.input('bi', [3, 2], 'int32');
    expect(() => G.matmul(a, bi)).toThrow('MatMul: dtype mismatch, float32 [2,3] vs int32 [3,2]');
    expect(() => G.gemm(a, bi)).toThrow('Gemm: dtype mismatch, float32 [2,3] vs int32 [3,2]');
    expect(() => G.gemm(a, b, false, true, g.input('ci', [4], 'int32'))).toThrow('Gemm: dtype mismatch, float32 [2,3] vs int32 [4]');
    expect(() => G.gemm(a, b, false, true, g.input('c5', [5]))).toThrow('Gemm: shapes [5] and [2,4] cannot be broadcast');
    expect(G.gemm(a, b, false, true, g.input('c4', [4])).shape).toEqual([2, 4]);
    expect(() => G.concat([a, ai], 0)).toThrow('Concat: dtype mismatch, float32 [2,3] vs int32 [2,3]');
    expect(() => G.where(flag, a, ai)).toThrow('Where: dtype mismatch, float32 [2,3] vs int32 [2,3]');
  });

  it('GatherElements and Clip refuse what they cannot compute', () => {
    const x3 = g.input('x3', [2, 3, 2]);
    expect(() => G.gatherElements(x3, g.input('gi', [2, 1, 3], 'int32'), 1)).toThrow('GatherElements: indices [2,1,3] must match data [2,3,2] off axis 1');
    expect(() => G.gatherElements(x3, g.input('gr', [2, 1], 'int32'), 1)).toThrow('GatherElements: indices [2,1] must match data [2,3,2] off axis 1');
    expect(() => G.gatherElements(x3, g.input('gf', [2, 1, 2]), 1)).toThrow('GatherElements: indices must be int32, got float32 [2,1,2]');
    expect(G.gatherElements(x3, g.input('gk', [2, 5, 2], 'int32'), 1).shape).toEqual([2, 5, 2]);
    expect(() => G.clip(a, 1, 0)).toThrow('Clip: min 1 > max 0');
    expect(G.clip(a, 0, 0).shape).toEqual([2, 3]);
  });

  it('Gather and GatherElements say which gradients they do not define', () => {
    const h = new G.Graph();
    const x = h.input('x', [3, 2]), x3 = h.input('x3', [2, 3, 2]);
    const rows = h.input('rows', [2], 'int32'); // an input, not a constant
    expect(() => G.grad(G.reduceSum(G.gather(x, rows)), [x])).toThrow('Gather: the gradient is defined for axis 0 with constant indices (got axis 0');
    const cols = h.constant(hostArray('int32', [0, 1, 1]), [3, 1], 'int32');
    expect(() => G.grad(G.reduceSum(G.gather(x, cols, 1)), [x])).toThrow('Gather: the gradient is defined for axis 0 with constant indices (got axis 1');
    const two = h.constant(hostArray('int32', [0, 1, 2, 0, 1, 2, 0, 1]), [2, 2, 2], 'int32');
    expect(() => G.grad(G.reduceSum(G.gatherElements(x3, two, 1)), [x3])).toThrow('GatherElements: the gradient needs one index along axis 1, got indices [2,2,2]');
  });

  it('builders add no node for an identity (transpose, reshape, expand, concat of one, full slice, zero pad, same-dtype cast)', () => {
    const h = new G.Graph();
    const x = h.input('x', [2, 3]);
    const before = h.tensors.length;
    expect(G.transpose(x, [0, 1])).toBe(x);
    expect(G.reshape(x, [2, -1])).toBe(x);
    expect(G.expand(x, [2, 3])).toBe(x);
    expect(G.concat([x], 1)).toBe(x);
    expect(G.slice(x, [0, 1], [0, 0], [2, 3])).toBe(x);
    expect(G.pad(x, [0, 0, 0, 0])).toBe(x);
    expect(G.cast(x, 'float32')).toBe(x);
    expect(h.tensors.length).toBe(before);
    // and one that is not an identity adds one
    expect(G.slice(x, [0, 1], [0, 1], [2, 3]).shape).toEqual([2, 2]);
    expect(G.transpose(x, [1, 0]).shape).toEqual([3, 2]);
    expect(h.tensors.length).toBe(before + 2);
  });

  it('Gemm builds no gradient for a weight or bias nobody differentiates', () => {
    const h = new G.Graph();
    const x = h.input('x', [2, 3]), w = h.input('w', [4, 3]), bias = h.input('bias', [4]);
    const loss = G.reduceSum(G.gemm(x, w, false, true, bias));
    const count = (op: string) => h.tensors.filter((t) => t.op === op).length;
    G.grad(loss, [x]);
    // the forward Gemm and dX; the loss's own sum (the bias's gradient would be a sum over the batch)
    expect([count('Gemm'), count('ReduceSum')]).toEqual([2, 1]);
    G.grad(loss, [bias]);
    expect([count('Gemm'), count('ReduceSum')]).toEqual([2, 2]);
    G.grad(loss, [w]);
    expect([count('Gemm'), count('ReduceSum')]).toEqual([3, 2]);
  });

  it('Concat and Where build no gradient for an input nobody differentiates', () => {
    const h = new G.Graph();
    const p = h.input('p', [2, 3]), q = h.input('q', [2, 3]), c = h.input('c', [2, 3], 'bool');
    const count = (op: string) => h.tensors.filter((t) => t.op === op).length;
    G.grad(G.reduceSum(G.concat([p, q], 0)), [p]);
    expect(count('Slice')).toBe(1); // p's rows of the cotangent, not q's
    G.grad(G.reduceSum(G.where(c, p, q)), [q]);
    expect(count('Where')).toBe(2); // the forward and q's
  });

  it('ops reached without their builder (which normalises axes) still name themselves', () => {
    for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax'] as const) {
      expect(() => g.node(op, [a], { axes: [2], keepdims: false })).toThrow(`${op}: axis 2 is out of range for rank 2`);
      expect(() => g.node(op, [a, a], { axes: [0], keepdims: false })).toThrow(`${op}: expects 1 inputs, got 2`);
    }
    expect(() => g.node('Softmax', [a], { axis: 2 })).toThrow('Softmax: axis 2 is out of range for rank 2');
    expect(() => g.node('Softmax', [a, a], { axis: 0 })).toThrow('Softmax: expects 1 inputs, got 2');
    expect(() => g.node('Concat', [a, b], { axis: 2 })).toThrow('Concat: axis 2 is out of range for rank 2');
    expect(() => g.node('Slice', [a], { starts: [0], ends: [1], axes: [2] })).toThrow('Slice: axis 2 is out of range for rank 2');
    // edges the builders allow: a Concat of one input, an empty slice, a reshape with a zero dim
    expect(g.node('Concat', [a], { axis: 0 }).shape).toEqual([2, 3]);
    expect(G.slice(a, 1, 2, 2).shape).toEqual([2, 0]);
    expect(g.node('Reshape', [g.input('e', [0, 3])], { shape: [3, 0] }).shape).toEqual([3, 0]);
  });

  it('Where, ArgMax and Gather: broadcasting, shapes, int64 indices and axes', () => {
    expect(() => G.where(flag, a, g.input('w4', [4]))).toThrow('Where: shapes [2,3] and [4] cannot be broadcast');
    expect(() => G.where(g.input('f4', [4], 'bool'), a, a)).toThrow('Where: shapes [4] and [2,3] cannot be broadcast');
    expect(G.argmax(a, 1).shape).toEqual([2]);
    expect(g.node('ArgMax', [a], { axis: 1, keepdims: false }).dtype).toBe('int64'); // ONNX's; the builder casts to int32
    expect(() => g.node('Equal', [a], {} as never)).toThrow('Equal: expects 2 inputs, got 1');
    expect(G.argmax(a, 0, true).shape).toEqual([1, 3]);
    expect(() => g.node('ArgMax', [a], { axis: 2, keepdims: false })).toThrow('ArgMax: axis 2 is out of range for rank 2');
    expect(G.gather(a, g.input('i64', [2], 'int64')).shape).toEqual([2, 3]);
    expect(() => G.gather(a, ids, 2)).toThrow('Gather: axis 2 is out of range for rank 2');
    expect(() => G.argmax(a, 2)).toThrow('ArgMax: axis 2 is out of range for rank 2');
    expect(() => G.slice(a, 2, 0, 1)).toThrow('Slice: axis 2 is out of range for rank 2');
    expect(() => G.gatherElements(a, g.input('ge', [2, 1], 'int32'), 2)).toThrow('GatherElements: axis 2 is out of range for rank 2');
  });

  it('the layers in nn.ts', () => {
    expect(() => G.linear(a, g.input('w', [5, 4]))).toThrow('linear: input [2,3] does not match weight [5,4]');
    const logits = g.input('logits', [1, 2, 4, 4]);
    expect(() => G.crossEntropy(logits, g.input('lf', [1, 4, 4]))).toThrow('crossEntropy: labels must be int32, got float32');
    expect(() => G.crossEntropy(logits, g.input('l3', [1, 4, 3], 'int32'))).toThrow('crossEntropy: labels [1,4,3] do not match logits [1,2,4,4]');
    expect(() => G.crossEntropy(logits, g.input('l2', [4, 4], 'int32'))).toThrow('crossEntropy: labels [4,4] do not match logits [1,2,4,4]');
    const labels = g.input('l', [1, 4, 4], 'int32');
    expect(() => G.crossEntropy(logits, labels, new Float32Array(3))).toThrow('crossEntropy: 3 class weights for 2 classes');
    expect(() => G.resize2d(x4, [1, 0, 0, 1], 3, [1], 1)).toThrow('resize2d: matrices 4/1 values do not fit 4×4 → 3×1');
    expect(() => G.split(a, 2, 1)).toThrow('split: axis 1 of [2,3] does not split into 2');
    expect(G.split(a, 3, -1).map((t) => t.shape)).toEqual([[2, 1], [2, 1], [2, 1]]);
    expect(() => G.crossEntropy(logits, g.input('l4', [1, 4, 4, 1], 'int32'))).toThrow('crossEntropy: labels [1,4,4,1] do not match logits [1,2,4,4]');
    expect(() => G.crossEntropy(logits, g.input('lb', [2, 4, 4], 'int32'))).toThrow('crossEntropy: labels [2,4,4] do not match logits [1,2,4,4]');
    expect(() => G.crossEntropy(logits, g.input('lh', [1, 3, 4], 'int32'))).toThrow('crossEntropy: labels [1,3,4] do not match logits [1,2,4,4]');
  });

  it('default axes are the last one; oneHot is float32 by default', () => {
    const t = g.input('t3', [2, 4, 6]);
    expect(G.split(t, 2).map((s) => s.shape)).toEqual([[2, 4, 3], [2, 4, 3]]);
    expect(G.split(t, 2, 0).map((s) => s.shape)).toEqual([[1, 4, 6], [1, 4, 6]]);
    const hot = G.oneHot(g.input('lab', [2, 4], 'int32'), 3);
    expect([hot.shape, hot.dtype]).toEqual([[2, 4, 3], 'float32']);
  });
});
