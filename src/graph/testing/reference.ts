/**
 * @file Independent float64 reference implementations on plain arrays, written directly from the
 * definitions (index arithmetic, no graph code), for checking op values in tests.
 */
export type Arr = { data: number[]; shape: number[] };

export const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
export const stridesOf = (s: readonly number[]) => {
  const st = new Array<number>(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) st[i] = st[i + 1] * s[i + 1];
  return st;
};
const coordsOf = (i: number, s: readonly number[]) => {
  const c = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    c[d] = i % s[d];
    i = Math.floor(i / s[d]);
  }
  return c;
};
const offsetOf = (c: readonly number[], s: readonly number[]) => c.reduce((o, ci, d) => o * s[d] + ci, 0);

/** Reads `x` at output coordinates `c` of a broadcast result (right-aligned, size-1 dims repeat). */
function atBroadcast(x: Arr, c: number[]): number {
  const lead = c.length - x.shape.length;
  return x.data[offsetOf(x.shape.map((d, i) => (d === 1 ? 0 : c[lead + i])), x.shape)];
}
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => Math.max(a[a.length - r + i] ?? 1, b[b.length - r + i] ?? 1));
}
export function elementwise(xs: Arr[], f: (...v: number[]) => number): Arr {
  const shape = xs.map((x) => x.shape).reduce(broadcastShape);
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    return f(...xs.map((x) => atBroadcast(x, c)));
  });
  return { data, shape };
}
export function matmul(a: Arr, b: Arr): Arr {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    const bc = c.slice(0, -2);
    const [r, col] = c.slice(-2);
    let s = 0;
    for (let j = 0; j < k; j++) s += atBroadcast(a, [...bc, r, j]) * atBroadcast(b, [...bc, j, col]);
    return s;
  });
  return { data, shape };
}
export function transpose(x: Arr, perm: number[]): Arr {
  const shape = perm.map((p) => x.shape[p]);
  const data = Array.from({ length: x.data.length }, (_, i) => {
    const c = coordsOf(i, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, d) => (src[p] = c[d]));
    return x.data[offsetOf(src, x.shape)];
  });
  return { data, shape };
}
export function reduce(x: Arr, axes: number[], keep: boolean, kind: 'sum' | 'mean' | 'max'): Arr {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(sizeOf(kept)).fill(kind === 'max' ? -Infinity : 0);
  x.data.forEach((v, i) => {
    const c = coordsOf(i, x.shape).map((ci, d) => (axes.includes(d) ? 0 : ci));
    const o = offsetOf(c, kept);
    acc[o] = kind === 'max' ? Math.max(acc[o], v) : acc[o] + v;
  });
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  const data = kind === 'mean' ? acc.map((v) => v / count) : acc;
  return { data, shape: keep ? kept : x.shape.filter((_, i) => !axes.includes(i)) };
}
export function softmax(x: Arr, axis: number): Arr {
  const m = reduce(x, [axis], true, 'max');
  const e = elementwise([x, m], (v, mm) => Math.exp(v - mm));
  const s = reduce(e, [axis], true, 'sum');
  return elementwise([e, s], (v, ss) => v / ss);
}
export function slice(x: Arr, axis: number, start: number, end: number): Arr {
  const shape = [...x.shape];
  shape[axis] = end - start;
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    c[axis] += start;
    return x.data[offsetOf(c, x.shape)];
  });
  return { data, shape };
}
export function pad(x: Arr, pads: number[]): Arr {
  const r = x.shape.length;
  const shape = x.shape.map((d, i) => d + pads[i] + pads[r + i]);
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape).map((ci, d) => ci - pads[d]);
    return c.every((ci, d) => ci >= 0 && ci < x.shape[d]) ? x.data[offsetOf(c, x.shape)] : 0;
  });
  return { data, shape };
}
export function concat(xs: Arr[], axis: number): Arr {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    let k = 0;
    while (c[axis] >= xs[k].shape[axis]) c[axis] -= xs[k++].shape[axis];
    return xs[k].data[offsetOf(c, xs[k].shape)];
  });
  return { data, shape };
}
export function gather0(x: Arr, idx: number[], idxShape: number[]): Arr {
  const row = sizeOf(x.shape.slice(1));
  const data = idx.flatMap((r) => x.data.slice(r * row, (r + 1) * row));
  return { data, shape: [...idxShape, ...x.shape.slice(1)] };
}

/** erf to ~1e-14 (Taylor series for |x| < 3, continued fraction beyond). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax, sum = ax;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = (n / 2) / (ax + f);
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f));
}
