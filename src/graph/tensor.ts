/**
 * @file The graph IR: a `Graph` owns `Tensor`s; each tensor is a graph input, a parameter, a
 * constant, or the single output of one op node. Tensors are created in topological order, so
 * sorting by `id` is a valid schedule — no recursion is ever needed to walk the graph.
 */
import { GraphError, fmt, numel, type Shape } from './shape';
import { OPS, type OpAttrs, type OpType } from './ops';

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';
export type FloatDType = 'float32' | 'float64';
export type HostArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export const isFloat = (d: DType): d is FloatDType => d === 'float32' || d === 'float64';

export type Source = 'Input' | 'Param' | 'Constant';

export class Tensor {
  /** Set by the autodiff: the forward node whose VJP created this tensor (names backward nodes). */
  gradOf?: number;
  constructor(
    readonly graph: Graph,
    readonly id: number,
    readonly op: OpType | Source,
    readonly inputs: readonly Tensor[],
    readonly attrs: Record<string, unknown>,
    readonly shape: Shape,
    readonly dtype: DType,
    /** Graph inputs and parameters carry their external name (a timm key for parameters). */
    readonly name?: string,
    readonly trainable = false,
    readonly data?: HostArray,
    /** Autodiff treats this tensor as a constant (used for the max in log-softmax). */
    readonly stopGradient = false,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return numel(this.shape);
  }
  toString(): string {
    return `${this.name ?? this.op}#${this.id}(${this.dtype} ${fmt(this.shape)})`;
  }
}

export class Graph {
  readonly tensors: Tensor[] = [];
  readonly outputs = new Map<string, Tensor>();
  private readonly names = new Set<string>();
  private readonly scalars = new Map<string, Tensor>();
  /** While the autodiff runs, new nodes are tagged with the forward node they differentiate. */
  gradScope?: number;
  /**
   * Id ranges [start, end) of recomputable segments (one per transformer block): with
   * `grad(…, { recompute: true })` their activations are rebuilt in the backward pass instead of kept.
   */
  readonly segments: { start: number; end: number }[] = [];

  /** Ids of values that the backward pass rebuilds from their inputs instead of keeping (`rematerialize`). */
  readonly rematerialized = new Set<number>();

  /**
   * Marks `t` as cheap to rebuild from values the backward pass keeps anyway (an elementwise op of
   * such values, e.g. GELU's output beside its input): the VJPs that read it read a copy made when
   * the backward reaches them, so `t` itself dies after its forward readers (src/graph/recompute.ts).
   */
  rematerialize(t: Tensor): Tensor {
    if (t.graph !== this || t.op === 'Input' || t.op === 'Param' || t.op === 'Constant') {
      throw new GraphError(`rematerialize: ${t} is not an op of this graph`);
    }
    this.rematerialized.add(t.id);
    return t;
  }

  /** Marks the nodes `build` creates as one recomputable segment (gradient checkpointing). */
  checkpoint<T>(build: () => T): T {
    const start = this.tensors.length;
    const y = build();
    this.segments.push({ start, end: this.tensors.length });
    return y;
  }

  input(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.leaf('Input', name, shape, dtype);
  }

  param(name: string, shape: Shape, { trainable = true, dtype = 'float32' as FloatDType } = {}): Tensor {
    return this.leaf('Param', name, shape, dtype, trainable);
  }

  constant(data: HostArray, shape: Shape, dtype: DType): Tensor {
    if (data.length !== numel(shape)) {
      throw new GraphError(`constant: ${data.length} values do not fill shape ${fmt(shape)}`);
    }
    return this.add(new Tensor(this, this.tensors.length, 'Constant', [], {}, [...shape], dtype, undefined, false, data));
  }

  /** A scalar constant, shared between all uses of the same value and dtype. */
  scalar(value: number, dtype: DType = 'float32'): Tensor {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let t = this.scalars.get(key);
    if (!t) {
      t = this.constant(hostArray(dtype, [value]), [], dtype);
      this.scalars.set(key, t);
    }
    return t;
  }

  /** Creates one op node; the op's shape rule checks the inputs and infers the output. */
  node<K extends OpType>(op: K, inputs: Tensor[], attrs: OpAttrs[K], opts: { stopGradient?: boolean } = {}): Tensor {
    const def = OPS[op];
    if (!def) throw new GraphError(`unknown op ${String(op)}`);
    for (const t of inputs) {
      if (t.graph !== this) throw new GraphError(`${op}: input ${t} belongs to another graph`);
    }
    const { shape, dtype } = def.infer(inputs, attrs);
    const t = new Tensor(this, this.tensors.length, op, inputs, attrs as Record<string, unknown>, shape, dtype,
      undefined, false, undefined, opts.stopGradient ?? false);
    t.gradOf = this.gradScope;
    return this.add(t);
  }

  output(name: string, t: Tensor): void {
    if (this.outputs.has(name)) throw new GraphError(`output "${name}" is defined twice`);
    this.outputs.set(name, t);
  }

  get params(): Tensor[] {
    return this.tensors.filter((t) => t.op === 'Param');
  }

  private leaf(op: Source, name: string, shape: Shape, dtype: DType, trainable = false): Tensor {
    if (this.names.has(name)) throw new GraphError(`the name "${name}" is used twice`);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new GraphError(`${name}: bad shape ${fmt(shape)}`);
    this.names.add(name);
    return this.add(new Tensor(this, this.tensors.length, op, [], {}, [...shape], dtype, name, trainable));
  }

  private add(t: Tensor): Tensor {
    this.tensors.push(t);
    return t;
  }
}

export function hostArray(dtype: DType, values: ArrayLike<number> | number): HostArray {
  const src = typeof values === 'number' ? new Array<number>(values).fill(0) : Array.from(values);
  switch (dtype) {
    case 'float32': return Float32Array.from(src);
    case 'float64': return Float64Array.from(src);
    case 'int32': return Int32Array.from(src);
    case 'int64': return BigInt64Array.from(src, (v) => BigInt(v));
    case 'bool': return Uint8Array.from(src, (v) => (v ? 1 : 0));
  }
}
