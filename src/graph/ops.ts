/**
 * @file The op set. Every op is an ONNX operator (opset 20) and lives in one table entry that
 * holds its shape/dtype rule and its VJP, so forward and gradient cannot drift apart. The table
 * is a mapped type over `OpType`: an op without a rule (or an explicit 'noGrad') fails to compile.
 * Below the table are the builder functions that model code calls; VJP rules use them too, so
 * the backward pass is ordinary forward code.
 */
import { GraphError, broadcastShapes, fmt, normalizeAxis, numel, sameShape, type Shape } from './shape';
import { hostArray, isFloat, type DType, type Tensor } from './tensor';

type NoAttrs = Record<string, never>;

export interface OpAttrs {
  Add: NoAttrs; Sub: NoAttrs; Mul: NoAttrs; Div: NoAttrs; Pow: NoAttrs;
  Sqrt: NoAttrs; Reciprocal: NoAttrs; Exp: NoAttrs; Log: NoAttrs; Tanh: NoAttrs; Erf: NoAttrs;
  /** Exact (erf) GELU; ONNX Gelu exists from opset 20. */
  Gelu: NoAttrs;
  MatMul: NoAttrs;
  Gemm: { transA: boolean; transB: boolean };
  Transpose: { perm: number[] };
  Reshape: { shape: number[] };
  Expand: { shape: number[] };
  Concat: { axis: number };
  /** Step 1 only; `starts`/`ends` are per axis in `axes`. */
  Slice: { starts: number[]; ends: number[]; axes: number[] };
  /** Constant zero padding, ONNX layout [b1..bn, e1..en]. */
  Pad: { pads: number[] };
  ReduceSum: { axes: number[]; keepdims: boolean };
  ReduceMean: { axes: number[]; keepdims: boolean };
  ReduceMax: { axes: number[]; keepdims: boolean };
  Softmax: { axis: number };
  Where: NoAttrs;
  Equal: NoAttrs;
  Cast: { to: DType };
  ArgMax: { axis: number; keepdims: boolean };
  Gather: { axis: number };
  /** out[…i…] = data[…idx[…i…]…] along `axis`; the output has the indices' shape. */
  GatherElements: { axis: number };
  /** Clamps to [min, max] (floats; the bounds become constant inputs at export). */
  Clip: { min: number; max: number };
  /** ScatterND with reduction 'add' (the gradient of Gather). Indices are int64. */
  ScatterND: NoAttrs;
}
export type OpType = keyof OpAttrs;

type Inferred = { shape: number[]; dtype: DType };
/** Returns one cotangent per input (null where none is needed or defined). */
type VjpRule<K extends OpType> = (
  g: Tensor, y: Tensor, x: readonly Tensor[], attrs: OpAttrs[K], needs: readonly boolean[],
) => (Tensor | null)[];
interface OpDef<K extends OpType> {
  infer(x: readonly Tensor[], attrs: OpAttrs[K]): Inferred;
  vjp: VjpRule<K> | 'noGrad';
}

// ---------------------------------------------------------------------------------------------
// Shape rules shared by several ops
// ---------------------------------------------------------------------------------------------

function arity(op: string, x: readonly Tensor[], n: number): void {
  if (x.length !== n) throw new GraphError(`${op}: expects ${n} inputs, got ${x.length}`);
}
function sameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new GraphError(`${op}: dtype mismatch, ${a.dtype} ${fmt(a.shape)} vs ${b.dtype} ${fmt(b.shape)}`);
  }
}
function needFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new GraphError(`${op}: needs a float tensor, got ${t.dtype} ${fmt(t.shape)}`);
}
const binary = (op: string) => (x: readonly Tensor[]): Inferred => {
  arity(op, x, 2);
  sameDType(op, x[0], x[1]);
  return { shape: broadcastShapes(op, x[0].shape, x[1].shape), dtype: x[0].dtype };
};
const unary = (op: string) => (x: readonly Tensor[]): Inferred => {
  arity(op, x, 1);
  needFloat(op, x[0]);
  return { shape: [...x[0].shape], dtype: x[0].dtype };
};
function reduced(op: string, x: readonly Tensor[], a: { axes: number[]; keepdims: boolean }): Inferred {
  arity(op, x, 1);
  const axes = a.axes.map((ax) => normalizeAxis(ax, x[0].rank, op));
  const shape = x[0].shape.flatMap((d, i) => (axes.includes(i) ? (a.keepdims ? [1] : []) : [d]));
  return { shape, dtype: x[0].dtype };
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export const OPS: { [K in OpType]: OpDef<K> } = {
  // d(a+b) = da + db
  Add: { infer: binary('Add'), vjp: (g, _y, [a, b]) => [unbroadcast(g, a.shape), unbroadcast(g, b.shape)] },
  // d(a−b) = da − db
  Sub: { infer: binary('Sub'), vjp: (g, _y, [a, b], _, n) => [unbroadcast(g, a.shape), n[1] ? unbroadcast(neg(g), b.shape) : null] },
  // d(a·b) = b·da + a·db
  Mul: {
    infer: binary('Mul'),
    vjp: (g, _y, [a, b], _, n) => [n[0] ? unbroadcast(mul(g, b), a.shape) : null, n[1] ? unbroadcast(mul(g, a), b.shape) : null],
  },
  // d(a/b) = da/b − (a/b)·db/b
  Div: {
    infer: binary('Div'),
    vjp: (g, y, [a, b], _, n) => [
      n[0] ? unbroadcast(div(g, b), a.shape) : null,
      n[1] ? unbroadcast(neg(div(mul(g, y), b)), b.shape) : null,
    ],
  },
  // d(a^b) = b·a^(b−1)·da + a^b·log(a)·db
  Pow: {
    infer: binary('Pow'),
    vjp: (g, y, [a, b], _, n) => [
      n[0] ? unbroadcast(mul(g, mul(b, pow(a, sub(b, 1)))), a.shape) : null,
      n[1] ? unbroadcast(mul(g, mul(y, log(a))), b.shape) : null,
    ],
  },
  // d√x = dx / (2√x)
  Sqrt: { infer: unary('Sqrt'), vjp: (g, y) => [div(mul(g, 0.5), y)] },
  // d(1/x) = −dx/x²
  Reciprocal: { infer: unary('Reciprocal'), vjp: (g, y) => [neg(mul(g, mul(y, y)))] },
  // d eˣ = eˣ dx
  Exp: { infer: unary('Exp'), vjp: (g, y) => [mul(g, y)] },
  // d log x = dx / x
  Log: { infer: unary('Log'), vjp: (g, _y, [x]) => [div(g, x)] },
  // d tanh x = (1 − tanh²x) dx
  Tanh: { infer: unary('Tanh'), vjp: (g, y) => [mul(g, rsub(1, mul(y, y)))] },
  // d erf x = 2/√π · e^(−x²) dx
  Erf: { infer: unary('Erf'), vjp: (g, _y, [x]) => [mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))] },
  // d gelu x = (Φ(x) + x·φ(x)) dx, Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π)
  Gelu: {
    infer: unary('Gelu'),
    vjp: (g, _y, [x]) => {
      const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = mul(exp(mul(mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return [mul(g, add(cdf, mul(x, pdf)))];
    },
  },
  // C = A·B (batched): dA = dC·Bᵀ, dB = Aᵀ·dC, summed over broadcast batch dims
  MatMul: {
    infer(x) {
      arity('MatMul', x, 2);
      const [a, b] = x;
      sameDType('MatMul', a, b);
      if (a.rank < 2 || b.rank < 2) throw new GraphError(`MatMul: needs rank ≥ 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
      const [m, k] = a.shape.slice(-2);
      const [k2, n] = b.shape.slice(-2);
      if (k !== k2) throw new GraphError(`MatMul: inner dimensions differ, ${fmt(a.shape)} · ${fmt(b.shape)}`);
      const batch = broadcastShapes('MatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { shape: [...batch, m, n], dtype: a.dtype };
    },
    vjp: (g, _y, [a, b], _, n) => [
      n[0] ? unbroadcast(matmul(g, transposeLast(b)), a.shape) : null,
      n[1] ? unbroadcast(matmul(transposeLast(a), g), b.shape) : null,
    ],
  },
  // Y = op(A)·op(B) (+ C): see the derivation in each branch
  Gemm: {
    infer(x, { transA, transB }) {
      if (x.length !== 2 && x.length !== 3) throw new GraphError(`Gemm: expects 2 or 3 inputs, got ${x.length}`);
      const [a, b] = x;
      sameDType('Gemm', a, b);
      if (a.rank !== 2 || b.rank !== 2) throw new GraphError(`Gemm: needs 2-D inputs, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
      const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
      const [k2, nn] = transB ? [b.shape[1], b.shape[0]] : b.shape;
      if (k !== k2) throw new GraphError(`Gemm: inner dimensions differ, ${fmt(a.shape)} · ${fmt(b.shape)} (transA=${transA}, transB=${transB})`);
      if (x[2]) { sameDType('Gemm', a, x[2]); broadcastShapes('Gemm', x[2].shape, [m, nn]); }
      return { shape: [m, nn], dtype: a.dtype };
    },
    vjp: (g, _y, [a, b, c], { transA, transB }, n) => [
      // d op(A) = dY·op(B)ᵀ; if A is stored transposed, dA = op(B)·dYᵀ
      n[0] ? (transA ? gemm(b, g, transB, true) : gemm(g, b, false, !transB)) : null,
      // d op(B) = op(A)ᵀ·dY; if B is stored transposed, dB = dYᵀ·op(A)
      n[1] ? (transB ? gemm(g, a, true, transA) : gemm(a, g, !transA, false)) : null,
      c && n[2] ? unbroadcast(g, c.shape) : null,
    ],
  },
  Transpose: {
    infer(x, { perm }) {
      arity('Transpose', x, 1);
      const r = x[0].rank;
      if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
        throw new GraphError(`Transpose: perm [${perm}] is not a permutation of rank ${r} (${fmt(x[0].shape)})`);
      }
      return { shape: perm.map((p) => x[0].shape[p]), dtype: x[0].dtype };
    },
    // the inverse permutation
    vjp: (g, _y, _x, { perm }) => [transpose(g, perm.map((_, i) => perm.indexOf(i)))],
  },
  Reshape: {
    infer(x, { shape }) {
      arity('Reshape', x, 1);
      if (numel(shape) !== x[0].size || shape.some((d) => d < 0)) {
        throw new GraphError(`Reshape: cannot reshape ${fmt(x[0].shape)} to ${fmt(shape)}`);
      }
      return { shape: [...shape], dtype: x[0].dtype };
    },
    vjp: (g, _y, [x]) => [reshape(g, x.shape)],
  },
  // the gradient of a broadcast is a sum
  Expand: {
    infer: (x, { shape }) => {
      arity('Expand', x, 1);
      const out = broadcastShapes('Expand', x[0].shape, shape);
      if (!sameShape(out, shape)) throw new GraphError(`Expand: ${fmt(x[0].shape)} does not expand to ${fmt(shape)}`);
      return { shape: out, dtype: x[0].dtype };
    },
    vjp: (g, _y, [x]) => [unbroadcast(g, x.shape)],
  },
  Concat: {
    infer(x, { axis }) {
      if (x.length < 1) throw new GraphError('Concat: needs at least one input');
      const ax = normalizeAxis(axis, x[0].rank, 'Concat');
      const shape = [...x[0].shape];
      for (const t of x.slice(1)) {
        sameDType('Concat', x[0], t);
        if (t.rank !== shape.length || t.shape.some((d, i) => i !== ax && d !== shape[i])) {
          throw new GraphError(`Concat: shapes ${fmt(x[0].shape)} and ${fmt(t.shape)} differ off axis ${axis}`);
        }
        shape[ax] += t.shape[ax];
      }
      return { shape, dtype: x[0].dtype };
    },
    // each input gets its slice of the cotangent
    vjp: (g, _y, x, { axis }, n) => {
      const ax = normalizeAxis(axis, g.rank, 'Concat');
      let start = 0;
      return x.map((t, i) => {
        const s = start;
        start += t.shape[ax];
        return n[i] ? slice(g, ax, s, s + t.shape[ax]) : null;
      });
    },
  },
  Slice: {
    infer(x, { starts, ends, axes }) {
      arity('Slice', x, 1);
      const shape = [...x[0].shape];
      axes.forEach((a, i) => {
        const ax = normalizeAxis(a, shape.length, 'Slice');
        if (!(starts[i] >= 0 && starts[i] <= ends[i] && ends[i] <= shape[ax])) {
          throw new GraphError(`Slice: range ${starts[i]}:${ends[i]} is outside axis ${a} of ${fmt(x[0].shape)}`);
        }
        shape[ax] = ends[i] - starts[i];
      });
      return { shape, dtype: x[0].dtype };
    },
    // zeros around the slice
    vjp: (g, _y, [x], { starts, ends, axes }) => {
      const pads = new Array<number>(2 * x.rank).fill(0);
      axes.forEach((a, i) => {
        const ax = normalizeAxis(a, x.rank, 'Slice');
        pads[ax] = starts[i];
        pads[x.rank + ax] = x.shape[ax] - ends[i];
      });
      return [pad(g, pads)];
    },
  },
  Pad: {
    infer(x, { pads }) {
      arity('Pad', x, 1);
      const r = x[0].rank;
      if (pads.length !== 2 * r || pads.some((p) => p < 0)) throw new GraphError(`Pad: pads [${pads}] do not fit ${fmt(x[0].shape)}`);
      return { shape: x[0].shape.map((d, i) => d + pads[i] + pads[r + i]), dtype: x[0].dtype };
    },
    vjp: (g, _y, [x], { pads }) => [
      slice(g, x.shape.map((_, i) => i), x.shape.map((_, i) => pads[i]), x.shape.map((d, i) => pads[i] + d)),
    ],
  },
  // d Σx = broadcast(dy)
  ReduceSum: { infer: (x, a) => reduced('ReduceSum', x, a), vjp: (g, _y, [x], a) => [expand(keepDims(g, x, a), x.shape)] },
  // d mean x = broadcast(dy) / count
  ReduceMean: {
    infer: (x, a) => reduced('ReduceMean', x, a),
    vjp: (g, _y, [x], a) => [mul(expand(keepDims(g, x, a), x.shape), 1 / reducedCount(x, a.axes))],
  },
  // d max x = dy on the arg-max positions (shared equally between ties)
  ReduceMax: {
    infer: (x, a) => reduced('ReduceMax', x, a),
    vjp: (g, y, [x], a) => {
      const hit = cast(equal(x, expand(keepDims(y, x, a), x.shape)), x.dtype);
      const share = div(hit, expand(reduceSum(hit, a.axes, true), x.shape));
      return [mul(share, expand(keepDims(g, x, a), x.shape))];
    },
  },
  // d softmax = y ⊙ (dy − Σ dy ⊙ y)
  Softmax: {
    infer: (x, { axis }) => {
      const r = unary('Softmax')(x);
      normalizeAxis(axis, r.shape.length, 'Softmax');
      return r;
    },
    vjp: (g, y, _x, { axis }) => [mul(y, sub(g, reduceSum(mul(g, y), [axis], true)))],
  },
  // the cotangent goes to the branch that was chosen
  Where: {
    infer(x) {
      arity('Where', x, 3);
      const [c, a, b] = x;
      if (c.dtype !== 'bool') throw new GraphError(`Where: condition must be bool, got ${c.dtype} ${fmt(c.shape)}`);
      sameDType('Where', a, b);
      return { shape: broadcastShapes('Where', c.shape, broadcastShapes('Where', a.shape, b.shape)), dtype: a.dtype };
    },
    vjp: (g, _y, [c, a, b], _, n) => {
      const zero = g.graph.scalar(0, g.dtype);
      return [null, n[1] ? unbroadcast(where(c, g, zero), a.shape) : null, n[2] ? unbroadcast(where(c, zero, g), b.shape) : null];
    },
  },
  Equal: { infer: (x) => ({ ...binary('Equal')(x), dtype: 'bool' }), vjp: 'noGrad' },
  Cast: {
    infer: (x, { to }) => {
      arity('Cast', x, 1);
      return { shape: [...x[0].shape], dtype: to };
    },
    // only a float → float cast carries a gradient
    vjp: (g, y, [x]) => [isFloat(x.dtype) && isFloat(y.dtype) ? cast(g, x.dtype) : null],
  },
  ArgMax: {
    infer: (x, { axis, keepdims }) => ({ ...reduced('ArgMax', x, { axes: [axis], keepdims }), dtype: 'int64' }),
    vjp: 'noGrad',
  },
  Gather: {
    infer(x, { axis }) {
      arity('Gather', x, 2);
      const [data, idx] = x;
      if (idx.dtype !== 'int32' && idx.dtype !== 'int64') throw new GraphError(`Gather: indices must be int32, got ${idx.dtype}`);
      const ax = normalizeAxis(axis, data.rank, 'Gather');
      return { shape: [...data.shape.slice(0, ax), ...idx.shape, ...data.shape.slice(ax + 1)], dtype: data.dtype };
    },
    // scatter-add the cotangent rows back to the rows they were gathered from
    vjp: (g, _y, [data, idx], { axis }) => {
      if (normalizeAxis(axis, data.rank, 'Gather') !== 0 || idx.op !== 'Constant') {
        throw new GraphError(`Gather: the gradient is defined for axis 0 with constant indices (got axis ${axis}, indices ${idx})`);
      }
      const rows = data.shape[0];
      const positions = Array.from(idx.data as ArrayLike<number>, (v) => (Number(v) + rows) % rows);
      const idx64 = g.graph.constant(hostArray('int64', positions), [...idx.shape, 1], 'int64');
      const zeros = expand(g.graph.scalar(0, g.dtype), data.shape);
      return [scatterAdd(zeros, idx64, g), null];
    },
  },
  GatherElements: {
    infer(x, { axis }) {
      arity('GatherElements', x, 2);
      const [data, idx] = x;
      if (idx.dtype !== 'int32') throw new GraphError(`GatherElements: indices must be int32, got ${idx.dtype} ${fmt(idx.shape)}`);
      const ax = normalizeAxis(axis, data.rank, 'GatherElements');
      if (idx.rank !== data.rank || idx.shape.some((d, i) => i !== ax && d !== data.shape[i])) {
        throw new GraphError(`GatherElements: indices ${fmt(idx.shape)} must match data ${fmt(data.shape)} off axis ${axis}`);
      }
      return { shape: [...idx.shape], dtype: data.dtype };
    },
    // with one index per position along the axis, d data = where(iota == idx, dy, 0)
    // (Equal + Where: no ScatterElements, which is not on the WebGPU allow-list)
    vjp: (g, _y, [data, idx], { axis }) => {
      const ax = normalizeAxis(axis, data.rank, 'GatherElements');
      if (idx.shape[ax] !== 1) {
        throw new GraphError(`GatherElements: the gradient needs one index along axis ${axis}, got indices ${fmt(idx.shape)}`);
      }
      const iotaShape = data.shape.map((d, i) => (i === ax ? d : 1));
      const iota = g.graph.constant(hostArray('int32', Array.from({ length: data.shape[ax] }, (_, i) => i)), iotaShape, 'int32');
      return [where(equal(iota, idx), g, g.graph.scalar(0, g.dtype)), null];
    },
  },
  // d clip(x) = dx inside [min, max], 0 where clamped (PyTorch's clamp)
  Clip: {
    infer: (x, { min, max }) => {
      if (!(min <= max)) throw new GraphError(`Clip: min ${min} > max ${max}`);
      return unary('Clip')(x);
    },
    vjp: (g, y, [x]) => [where(equal(y, x), g, g.graph.scalar(0, g.dtype))],
  },
  ScatterND: {
    infer(x) {
      arity('ScatterND', x, 3);
      if (x[1].dtype !== 'int64') throw new GraphError(`ScatterND: indices must be int64, got ${x[1].dtype}`);
      return { shape: [...x[0].shape], dtype: x[0].dtype };
    },
    vjp: 'noGrad',
  },
};

// ---------------------------------------------------------------------------------------------
// Builders (what model code and VJP rules call)
// ---------------------------------------------------------------------------------------------

type Operand = Tensor | number;
/** A JS number becomes a shared scalar constant of the other operand's dtype. */
function lift(a: Operand, like: Tensor): Tensor {
  return typeof a === 'number' ? like.graph.scalar(a, like.dtype) : a;
}
function bin(op: 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Equal', a: Operand, b: Operand): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new GraphError(`${op}: needs at least one tensor`);
  const ta = lift(a, (typeof a === 'number' ? b : a) as Tensor);
  const tb = lift(b, ta);
  return ta.graph.node(op, [ta, tb], {} as never);
}

export const add = (a: Operand, b: Operand) => bin('Add', a, b);
export const sub = (a: Operand, b: Operand) => bin('Sub', a, b);
export const mul = (a: Operand, b: Operand) => bin('Mul', a, b);
export const div = (a: Operand, b: Operand) => bin('Div', a, b);
export const pow = (a: Operand, b: Operand) => bin('Pow', a, b);
export const equal = (a: Operand, b: Operand) => bin('Equal', a, b);
/** c − x */
export const rsub = (c: number, x: Tensor) => sub(c, x);
/** −x, as a multiplication (Neg is not on the WebGPU allow-list). */
export const neg = (x: Tensor) => mul(x, -1);

const un = (op: 'Sqrt' | 'Reciprocal' | 'Exp' | 'Log' | 'Tanh' | 'Erf' | 'Gelu') => (x: Tensor) => x.graph.node(op, [x], {});
export const sqrt = un('Sqrt');
export const reciprocal = un('Reciprocal');
export const exp = un('Exp');
export const log = un('Log');
export const tanh = un('Tanh');
export const erf = un('Erf');
export const gelu = un('Gelu');

export const matmul = (a: Tensor, b: Tensor) => a.graph.node('MatMul', [a, b], {});
export function gemm(a: Tensor, b: Tensor, transA = false, transB = false, c?: Tensor): Tensor {
  return a.graph.node('Gemm', c ? [a, b, c] : [a, b], { transA, transB });
}
export function transpose(x: Tensor, perm: number[]): Tensor {
  return perm.every((p, i) => p === i) && perm.length === x.rank ? x : x.graph.node('Transpose', [x], { perm });
}
/** Swaps the last two axes. */
export function transposeLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return transpose(x, perm);
}
/** One dimension may be -1 (inferred), as in PyTorch. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (resolved.some((d) => !Number.isInteger(d))) throw new GraphError(`Reshape: cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
  return sameShape(resolved, x.shape) ? x : x.graph.node('Reshape', [x], { shape: resolved });
}
export function expand(x: Tensor, shape: Shape): Tensor {
  return sameShape(x.shape, shape) ? x : x.graph.node('Expand', [x], { shape: [...shape] });
}
export function concat(xs: Tensor[], axis: number): Tensor {
  return xs.length === 1 ? xs[0] : xs[0].graph.node('Concat', xs, { axis });
}
/** `x[..., start:end, ...]` along one axis, or several axes at once. */
export function slice(x: Tensor, axes: number | number[], starts: number | number[], ends: number | number[]): Tensor {
  const ax = ([] as number[]).concat(axes).map((a) => normalizeAxis(a, x.rank, 'Slice'));
  const st = ([] as number[]).concat(starts);
  const en = ([] as number[]).concat(ends);
  if (ax.every((a, i) => st[i] === 0 && en[i] === x.shape[a])) return x;
  return x.graph.node('Slice', [x], { starts: st, ends: en, axes: ax });
}
export const pad = (x: Tensor, pads: number[]) => (pads.every((p) => p === 0) ? x : x.graph.node('Pad', [x], { pads }));

const reduce = (op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax') =>
  (x: Tensor, axes?: number[], keepdims = false, opts?: { stopGradient?: boolean }) =>
    x.graph.node(op, [x], { axes: (axes ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank, op)), keepdims }, opts);
export const reduceSum = reduce('ReduceSum');
export const reduceMean = reduce('ReduceMean');
export const reduceMax = reduce('ReduceMax');

export const softmax = (x: Tensor, axis = -1) => x.graph.node('Softmax', [x], { axis: normalizeAxis(axis, x.rank, 'Softmax') });
export const where = (c: Tensor, a: Operand, b: Operand) => {
  const like = typeof a === 'number' ? (b as Tensor) : a;
  return c.graph.node('Where', [c, lift(a, like), lift(b, like)], {});
};
export const cast = (x: Tensor, to: DType) => (x.dtype === to ? x : x.graph.node('Cast', [x], { to }));
/** Arg-max as int32 (int64 ops fall back to the CPU in the WebGPU EP). */
export const argmax = (x: Tensor, axis: number, keepdims = false) =>
  cast(x.graph.node('ArgMax', [x], { axis: normalizeAxis(axis, x.rank, 'ArgMax'), keepdims }), 'int32');
export const gather = (x: Tensor, indices: Tensor, axis = 0) => x.graph.node('Gather', [x, indices], { axis });
export const gatherElements = (x: Tensor, indices: Tensor, axis: number) =>
  x.graph.node('GatherElements', [x, indices], { axis: normalizeAxis(axis, x.rank, 'GatherElements') });
export const clip = (x: Tensor, min: number, max: number) => x.graph.node('Clip', [x], { min, max });
export const scatterAdd = (data: Tensor, indices: Tensor, updates: Tensor) => data.graph.node('ScatterND', [data, indices, updates], {});

// ---------------------------------------------------------------------------------------------
// Gradient helpers
// ---------------------------------------------------------------------------------------------

/** Sums a cotangent over the axes that broadcasting added or stretched, back to `shape`. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  return reshape(axes.length ? reduceSum(g, axes, true) : g, shape);
}
/** Reinserts reduced axes as size 1 so a reduced cotangent broadcasts against the input. */
function keepDims(g: Tensor, x: Tensor, a: { axes: number[]; keepdims: boolean }): Tensor {
  if (a.keepdims) return g;
  const axes = a.axes.map((ax) => normalizeAxis(ax, x.rank, 'Reduce'));
  return reshape(g, x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
}
function reducedCount(x: Tensor, axes: number[]): number {
  return axes.map((a) => x.shape[normalizeAxis(a, x.rank, 'Reduce')]).reduce((p, q) => p * q, 1);
}
