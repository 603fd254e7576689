/** @file Seeded randomness: mulberry32, keyed by several integers so every draw is reproducible. */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator for (seed, a, b, …): the same keys always give the same stream. */
export function keyedRng(...keys: number[]): Rng {
  let h = 0x811c9dc5;
  for (const k of keys) h = Math.imul(h ^ (k >>> 0), 0x01000193) ^ Math.imul(k / 4294967296 | 0, 0x85ebca6b);
  return mulberry32(h);
}

export const uniform = (r: Rng, lo: number, hi: number) => lo + (hi - lo) * r();
