/**
 * @file Reverse-mode autodiff over the graph IR (micrograd's walk, tinygrad's table).
 * `grad(loss, wrt)` appends the backward nodes to the same graph and returns one gradient per
 * tensor in `wrt`. Only nodes that depend on something in `wrt` are differentiated, so frozen
 * parameters (not in `wrt`) cost no backward work at all.
 */
import { OPS, add, expand, mul, reshape } from './ops';
import { Recompute, Rematerialize } from './recompute';
import { GraphError, fmt } from './shape';
import { isFloat, type Tensor } from './tensor';

export interface GradOptions {
  /** Rebuild the activations of each `graph.checkpoint` segment in the backward pass instead of keeping them. */
  recompute?: boolean;
  /** Rebuild the values marked with `graph.rematerialize` for the VJPs that read them (default; off only to compare). */
  rematerialize?: boolean;
}

export function grad(loss: Tensor, wrt: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const graph = loss.graph;
  if (loss.size !== 1) throw new GraphError(`grad: the loss must be a scalar, got shape ${fmt(loss.shape)}`);
  if (!isFloat(loss.dtype)) throw new GraphError(`grad: the loss must be float, got ${loss.dtype}`);
  for (const w of wrt) {
    if (w.graph !== graph) throw new GraphError(`grad: ${w} belongs to another graph`);
    if (!isFloat(w.dtype)) throw new GraphError(`grad: cannot differentiate with respect to ${w} (not float)`);
  }

  // Ids are a topological order, so one ascending pass over the loss's ancestors marks the
  // "active" tensors: those that depend on some tensor in `wrt`.
  const ancestors = ancestorsOf([loss]);
  const active = new Set<number>(wrt.map((w) => w.id));
  for (const t of ancestors) {
    if (active.has(t.id) || t.stopGradient || t.op === 'Input' || t.op === 'Param' || t.op === 'Constant') continue;
    if (OPS[t.op].vjp !== 'noGrad' && t.inputs.some((x) => active.has(x.id))) active.add(t.id);
  }

  // One descending pass: each active node hands its cotangent to its active inputs; fan-out
  // adds up (the `+=` of micrograd).
  // The seed is 1 + 0·loss (exactly 1 for a finite loss), so the backward pass reads the loss: a
  // runtime that orders nodes by walking back from the outputs (onnxruntime) then computes the loss
  // before the backward pass, not after it, and the values only the loss reads (the head's
  // full-resolution logits) are freed there instead of being held through the whole backward pass.
  const cotangent = new Map<number, Tensor>([[loss.id, add(graph.scalar(1, loss.dtype), mul(loss, 0))]]);
  const recompute = opts.recompute ? new Recompute(graph, ancestors) : undefined;
  // recomputed blocks rebuild everything inside them already
  const remat = !recompute && opts.rematerialize !== false && graph.rematerialized.size > 0 ? new Rematerialize(graph) : undefined;
  // Gradients of `wrt` that are complete once the walk is below their first reader (ids descend).
  const firstUse = new Map<number, number>();
  for (const t of ancestors) for (const x of t.inputs) if (!firstUse.has(x.id)) firstUse.set(x.id, t.id);
  let pending = wrt.filter((w) => firstUse.has(w.id));
  const finished = (below: number) => {
    const done = pending.filter((w) => firstUse.get(w.id)! > below);
    pending = pending.filter((w) => firstUse.get(w.id)! <= below);
    return done.map((w) => cotangent.get(w.id)).filter((t): t is Tensor => !!t);
  };
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = cotangent.get(t.id);
    cotangent.set(t.id, prev ? add(prev, g) : g);
  };
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const y = ancestors[i];
    const g = cotangent.get(y.id);
    if (!g || !active.has(y.id) || y.op === 'Input' || y.op === 'Param' || y.op === 'Constant') continue;
    const rule = OPS[y.op].vjp;
    if (rule === 'noGrad') continue;
    const needs = y.inputs.map((x) => active.has(x.id));
    graph.gradScope = y.id;
    try {
      // with recomputation, the rule reads the rebuilt copies of the segment's values
      const at = recompute ? recompute.valuesFor(y, g, () => finished(y.id)) : remat ? remat.valuesFor(g) : (t: Tensor) => t;
      const grads = (rule as (...a: unknown[]) => (Tensor | null)[])(g, at(y), y.inputs.map(at), y.attrs, needs);
      y.inputs.forEach((x, j) => {
        if (!needs[j]) return;
        const gx = grads[j];
        if (!gx) throw new GraphError(`failed to compute gradient for ${y.op} input ${j} (${x})`);
        if (gx.size !== x.size) throw new GraphError(`${y.op}: gradient shape ${fmt(gx.shape)} does not match input ${x}`);
        accumulate(x, reshape(gx, x.shape));
      });
    } finally {
      graph.gradScope = undefined;
    }
  }
  // A parameter the loss does not depend on gets an explicit zero gradient.
  return wrt.map((w) => cotangent.get(w.id) ?? expand(graph.scalar(0, w.dtype), w.shape));
}

/** All tensors the given ones depend on (including themselves), in ascending id order. */
export function ancestorsOf(roots: readonly Tensor[]): Tensor[] {
  const seen = new Set<number>();
  const stack = [...roots];
  const found: Tensor[] = [];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    found.push(t);
    for (const x of t.inputs) if (!seen.has(x.id)) stack.push(x);
  }
  return found.sort((a, b) => a.id - b.id);
}
