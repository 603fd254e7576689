/**
 * @file A liveness-based memory plan of a compiled graph: walk the nodes in the order they are
 * emitted (a topological order), allocate each node's output when it runs and free each value
 * after its last reader. The largest sum of values alive at once is what onnxruntime's own
 * allocation planner can at best reach for this schedule — unlike the sum of every intermediate,
 * which counts values that are never alive together.
 *
 * Model of the runtime, kept deliberately simple:
 * - inputs (parameters, data) and constants are alive for the whole run (their owner is the caller);
 * - graph outputs are alive for the whole run too: the GPU engine pre-binds them (gradients), so
 *   they are counted once, separately, and never in the transient workspace;
 * - a Reshape is a view of its input (onnxruntime aliases it), so it costs nothing and keeps its
 *   input alive until the view's last reader;
 * - a node's output is allocated before its inputs are released (no in-place reuse assumed).
 */
import type { DType, Tensor } from './tensor';

export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };
export const bytesOf = (t: Tensor) => t.size * BYTES[t.dtype];

export interface MemoryPlan {
  /** Graph inputs: parameters and data. */
  inputBytes: number;
  /** Constant tensors (initializers): resize matrices, index tables, scalars. */
  constantBytes: number;
  /** Graph outputs (loss, gradients, logits …). */
  outputBytes: number;
  /** The most bytes of intermediate (non-output) values alive at one time. */
  workspaceBytes: number;
  /** inputs + constants + outputs + workspace: the peak of the whole run. */
  peakBytes: number;
  /** The node at which the workspace peaks (for messages and for debugging a plan). */
  peakAt: { op: string; shape: number[] };
}

const isLeaf = (t: Tensor) => t.op === 'Input' || t.op === 'Param' || t.op === 'Constant';

/**
 * The order onnxruntime runs a graph's nodes in (its default `GraphViewer` order, the same in
 * onnxruntime-node and -web): a depth-first walk back from the nodes nobody reads, the last of
 * them first, visiting a node's inputs from the latest emitted, and running each node once all
 * its inputs have run. Not the emitted order: a value can live much longer here (a weight
 * gradient nobody reads waits until the walk reaches it), which is why the recompute gates read
 * the finished weight gradients (src/graph/recompute.ts).
 */
export function runtimeOrder(live: readonly Tensor[]): Tensor[] {
  const inGraph = new Set(live.map((t) => t.id));
  const read = new Set<number>();
  for (const t of live) for (const x of t.inputs) read.add(x.id);
  const stack: [Tensor, boolean][] = live.filter((t) => !read.has(t.id)).map((t) => [t, false]);
  const seen = new Set<number>();
  const order: Tensor[] = [];
  while (stack.length) {
    const [t, leave] = stack.pop()!;
    if (leave) { order.push(t); continue; }
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push([t, true]);
    const inputs = [...new Set(t.inputs)].filter((x) => inGraph.has(x.id)).sort((a, b) => a.id - b.id);
    for (const x of inputs) stack.push([x, false]);
  }
  return order;
}

/** `live`: the emitted tensors in the order they run (a schedule); `outputs`: the graph outputs. */
export function planMemory(live: readonly Tensor[], outputs: readonly Tensor[]): MemoryPlan {
  // A Reshape shares its input's buffer: everything is accounted on the root of its view chain.
  const root = new Map<number, Tensor>();
  const rootOf = (t: Tensor): Tensor => root.get(t.id) ?? t;
  for (const t of live) if (t.op === 'Reshape') root.set(t.id, rootOf(t.inputs[0]));

  const lastUse = new Map<number, number>();
  for (const t of live) for (const x of t.inputs) lastUse.set(rootOf(x).id, t.id);
  const outputRoots = new Set(outputs.map((t) => rootOf(t).id));

  let inputBytes = 0, constantBytes = 0, outputBytes = 0;
  for (const t of live) {
    if (t.op === 'Input' || t.op === 'Param') inputBytes += bytesOf(t);
    else if (t.op === 'Constant') constantBytes += bytesOf(t);
    else if (outputRoots.has(t.id) && !root.has(t.id)) outputBytes += bytesOf(t);
  }

  let alive = 0, workspaceBytes = 0;
  let peakAt = { op: '', shape: [] as number[] };
  const transient = (t: Tensor) => !isLeaf(t) && !outputRoots.has(t.id);
  for (const t of live) {
    if (isLeaf(t) || root.has(t.id)) continue;
    if (transient(t)) alive += bytesOf(t);
    if (alive > workspaceBytes) {
      workspaceBytes = alive;
      peakAt = { op: t.op, shape: [...t.shape] };
    }
    const released = new Set(t.inputs.map(rootOf).filter((r) => transient(r) && lastUse.get(r.id) === t.id));
    for (const r of released) alive -= bytesOf(r);
  }
  return { inputBytes, constantBytes, outputBytes, workspaceBytes, peakBytes: inputBytes + constantBytes + outputBytes + workspaceBytes, peakAt };
}
