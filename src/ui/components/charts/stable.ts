/**
 * @file Keeping values the same object while they are equal: recharts 3 keeps each axis's and
 * line's settings in its own store and dispatches them again (re-running its selectors for the whole
 * chart) whenever a prop is a new object, so a chart's ticks, domains and data must not be rebuilt
 * by value on every training step.
 */
import { useRef } from 'react';

/** Equal arrays of plain values, or of objects whose own fields are the same values (Object.is). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i];
    if (Object.is(x, y)) return true;
    if (typeof x !== 'object' || typeof y !== 'object' || !x || !y) return false;
    const kx = Object.keys(x), ky = Object.keys(y);
    return kx.length === ky.length && kx.every((k) => Object.is((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
  });
}

/** The previous array while the new one has the same items (see sameItems), else the new one. */
export function useStableItems<T extends readonly unknown[]>(value: T): T {
  const kept = useRef(value);
  if (!sameItems(kept.current, value)) kept.current = value;
  return kept.current;
}
