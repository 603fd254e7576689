/** @file Shape helpers shared by the op shape rules: sizes, axes, numpy broadcasting. */

export type Shape = readonly number[];

export class GraphError extends Error {
  override name = 'GraphError';
}

export const fmt = (s: Shape): string => `[${s.join(',')}]`;

export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** Negative axes count from the end, as in PyTorch and ONNX. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new GraphError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** numpy broadcasting: align right, each dimension equal or 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new GraphError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export const sameShape = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);
