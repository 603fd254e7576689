/**
 * @file Gradient checkpointing for the autodiff. A segment marked with `graph.checkpoint` (one
 * transformer block) keeps only its input from the forward pass: when the backward walk first
 * reaches the segment, its forward nodes are emitted again, and the segment's VJP rules read
 * those copies. The forward activations then die right after the forward, so only one block's
 * activations are alive at a time in the backward.
 *
 * The copies would be identical nodes on identical inputs, which onnxruntime's common-subexpression
 * elimination merges back into the forward (undoing the recomputation), and which a scheduler may
 * run early. So each value entering the segment from outside goes through `x + 0·g₀`, where g₀ is
 * one element of the cotangent that reaches the segment: exactly x (for finite gradients), but
 * a new value that exists only once the backward pass has reached this block.
 *
 * `Rematerialize` does the same for single cheap values (`graph.rematerialize`) in the graph that
 * keeps its block activations.
 */
import { add, mul, reshape, slice, type OpType } from './ops';
import { GraphError } from './shape';
import { isFloat, type DType, type Graph, type Tensor } from './tensor';

const isLeaf = (t: Tensor) => t.op === 'Input' || t.op === 'Param' || t.op === 'Constant';

/** One element of `t` as a [1] tensor: what a gate reads of a value that must exist first. */
const firstElement = (t: Tensor) => slice(reshape(t, [t.size]), 0, 0, 1);

/** Whether `x` enters a copy through a gate `x + zero` of dtype `dtype` (leaves are never merged or run early). */
const gateable = (x: Tensor, dtype: DType) => !isLeaf(x) && isFloat(x.dtype) && x.dtype === dtype;

/** A new node computing what `t` computes, from `inputs`. */
const cloneNode = (graph: Graph, t: Tensor, inputs: Tensor[]) =>
  graph.node(t.op as OpType, inputs, t.attrs as never, { stopGradient: t.stopGradient });

export class Recompute {
  private readonly segmentOf = new Map<number, { start: number; end: number }>();
  private readonly copies = new Map<number, Tensor>();
  private readonly done = new Set<{ start: number; end: number }>();
  private readonly needed: Set<number>;

  constructor(private readonly graph: Graph, ancestors: readonly Tensor[]) {
    this.needed = new Set(ancestors.map((t) => t.id));
    let last = -1;
    for (const seg of graph.segments) {
      if (seg.start < last) throw new GraphError(`recompute: checkpoint segments overlap (ids ${seg.start}–${seg.end})`);
      last = seg.end;
      for (let id = seg.start; id < seg.end; id++) this.segmentOf.set(id, seg);
    }
  }

  /**
   * The values the VJP of `y` should read: rebuilt copies inside a segment, the originals elsewhere.
   * `finished`: the parameter gradients already complete when the walk reaches `y`.
   */
  valuesFor(y: Tensor, cotangent: Tensor, finished: () => Tensor[] = () => []): (t: Tensor) => Tensor {
    const seg = this.segmentOf.get(y.id);
    if (seg && !this.done.has(seg)) {
      this.done.add(seg);
      this.rebuild(seg, cotangent, finished());
    }
    return (t) => this.copies.get(t.id) ?? t;
  }

  /**
   * The gate also reads one element of every parameter gradient finished so far (the previous
   * block's): a runtime that orders nodes by its own search (onnxruntime walks back from each
   * output in turn) must then compute those weight gradients — and free the rebuilt activations
   * they read — before it rebuilds this segment, instead of after the whole backward pass.
   */
  private rebuild(seg: { start: number; end: number }, cotangent: Tensor, finished: Tensor[]): void {
    const zero = mul(finished.filter((t) => t.dtype === cotangent.dtype).reduce((s, t) => add(s, firstElement(t)), firstElement(cotangent)), 0);
    const entry = new Map<number, Tensor>();
    const enter = (x: Tensor) => {
      if (!gateable(x, zero.dtype)) return x;
      let e = entry.get(x.id);
      if (!e) entry.set(x.id, (e = add(x, zero)));
      return e;
    };
    for (let id = seg.start; id < seg.end; id++) {
      const t = this.graph.tensors[id];
      if (isLeaf(t) || !this.needed.has(id)) continue;
      const inputs = t.inputs.map((x) => this.copies.get(x.id) ?? (x.id < seg.start ? enter(x) : x));
      this.copies.set(id, cloneNode(this.graph, t, inputs));
    }
  }
}

/**
 * Cheap values rebuilt in the backward pass of the graph that keeps its activations: a VJP that
 * reads a value marked with `graph.rematerialize` (or a Reshape of one) reads a copy built from the
 * value's inputs, each entering through the same gate as a recomputed segment (`x + 0·g₀`, g₀ one
 * element of that VJP's cotangent). Copies and gates are made once, by the first VJP that needs
 * them; later VJPs read the gated input too (GELU's own VJP reads its gated input: else onnxruntime's
 * order would compute GELU's derivative, [B, N, 4D], during the forward pass and keep it).
 */
export class Rematerialize {
  private readonly copies = new Map<number, Tensor>();
  private readonly entered = new Map<number, Tensor>();

  constructor(private readonly graph: Graph) {}

  private marked(t: Tensor): boolean {
    return this.graph.rematerialized.has(t.id) || (t.op === 'Reshape' && this.marked(t.inputs[0]));
  }

  /** The values the VJP whose cotangent is `cotangent` should read. */
  valuesFor(cotangent: Tensor): (t: Tensor) => Tensor {
    let zero: Tensor | undefined;
    const enter = (x: Tensor) => {
      if (!gateable(x, cotangent.dtype)) return x;
      let e = this.entered.get(x.id);
      if (!e) this.entered.set(x.id, (e = add(x, (zero ??= mul(firstElement(cotangent), 0)))));
      return e;
    };
    const copy = (t: Tensor): Tensor => {
      let c = this.copies.get(t.id);
      if (!c) {
        const inputs = t.inputs.map((x) => (this.marked(x) ? copy(x) : enter(x)));
        this.copies.set(t.id, (c = cloneNode(this.graph, t, inputs)));
      }
      return c;
    };
    return (t) => (this.marked(t) ? copy(t) : this.entered.get(t.id) ?? t);
  }
}
