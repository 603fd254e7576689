/**
 * @file Pacing the charts' live updates to what this machine can draw. The store hands over steps
 * at most every 100 ms; recharts needs tens of milliseconds per update on a slow laptop, so at 10 Hz
 * the page would spend most of its time redrawing. The charts take a new snapshot at most every
 * `paceGap(cost)` — four times what the last redraw cost, between 100 ms and 1 s — and always the
 * latest one in the end (nothing is dropped, only batched).
 */
import { useEffect, useRef, useState } from 'react';

/** The wait between two chart updates for a redraw costing `costMs`: the charts take at most ~¼ of the main thread. */
export const paceGap = (costMs: number): number => Math.min(1000, Math.max(100, 4 * costMs));

/** Passes on the latest pushed value at most once per `gap()` ms; a value pushed meanwhile follows when the gap is over. */
export class Pacer<T> {
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: { value: T } | undefined;
  constructor(private readonly emit: (value: T) => void, private readonly gap: () => number, private readonly now = () => performance.now()) {}

  /** `now`: pass it on at once (and restart the gap). */
  push(value: T, now = false): void {
    this.pending = { value };
    if (now) {
      clearTimeout(this.timer);
      return this.flush();
    }
    if (this.timer !== undefined) return;
    const wait = this.last + this.gap() - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.pending) return;
    const { value } = this.pending;
    this.pending = undefined;
    this.last = this.now();
    this.emit(value);
  }

  [Symbol.dispose](): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}

/**
 * `value`, updated at the pace of its redraws: the time from taking a snapshot to the end of the
 * work it caused (render, commit, and recharts' own store updates in effects) is the redraw cost.
 * A value for which `urgent(shown, value)` holds is shown at once.
 */
export function usePaced<T>(value: T, urgent?: (shown: T, value: T) => boolean): T {
  const [shown, setShown] = useState(value);
  const cost = useRef(0);
  const started = useRef<number | undefined>(undefined);
  const [pacer] = useState(() => new Pacer<T>((v) => {
    started.current = performance.now();
    setShown(() => v);
  }, () => paceGap(cost.current)));
  const latest = useRef(shown);
  latest.current = shown;
  const isUrgent = useRef(urgent);
  isUrgent.current = urgent;
  useEffect(() => pacer.push(value, value !== latest.current && !!isUrgent.current?.(latest.current, value)), [pacer, value]);
  useEffect(() => () => pacer[Symbol.dispose](), [pacer]);
  useEffect(() => {
    const t0 = started.current;
    if (t0 === undefined) return;
    // after this commit's effects and the synchronous re-renders they caused
    const measure = setTimeout(() => (cost.current = 0.5 * cost.current + 0.5 * (performance.now() - t0)));
    return () => clearTimeout(measure);
  }, [shown]);
  return shown;
}
