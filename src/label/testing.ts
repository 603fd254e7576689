/**
 * @file Test helper (not exported by index.ts): a typed array that records which indices were
 * read or written, to check that a tool touches only its bounding box.
 */
export function watched<T extends Uint8Array | Int32Array>(array: T): { array: T; touched: Set<number> } {
  const touched = new Set<number>();
  const note = (key: string | symbol) => {
    if (typeof key === 'string' && /^\d+$/.test(key)) touched.add(Number(key));
  };
  const proxy = new Proxy(array, {
    get(target, key) {
      note(key);
      const value = Reflect.get(target, key);
      // typed-array methods and getters need the real array as `this`
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(target, key, value) {
      note(key);
      return Reflect.set(target, key, value);
    },
  });
  return { array: proxy, touched };
}

/** Indices (x, y) of a width-wide image that lie outside the box. */
export function outside(indices: Iterable<number>, width: number, box: { x0: number; y0: number; x1: number; y1: number }): number[][] {
  return [...indices].map((i) => [i % width, Math.floor(i / width)]).filter(([x, y]) => x < box.x0 || x >= box.x1 || y < box.y0 || y >= box.y1);
}
