import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer, paceGap } from './paced';

describe('chart pacing', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits four redraw costs between updates, at least 100 ms and at most 1 s', () => {
    expect([0, 10, 25, 60, 300, 5000].map(paceGap)).toEqual([100, 100, 100, 240, 1000, 1000]);
  });

  it('passes the first value at once, batches the next ones to one per gap, and always delivers the latest', () => {
    const seen: number[] = [];
    const pacer = new Pacer<number>((v) => seen.push(v), () => 250, () => Date.now());
    pacer.push(1);
    expect(seen).toEqual([1]);
    for (const v of [2, 3, 4]) { vi.advanceTimersByTime(50); pacer.push(v); }
    expect(seen).toEqual([1]); // 150 ms after the first: still inside the gap
    vi.advanceTimersByTime(100);
    expect(seen).toEqual([1, 4]); // the latest, not each one
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 4]); // nothing new pushed, nothing emitted
    pacer.push(5);
    expect(seen).toEqual([1, 4, 5]); // the gap is over: at once
  });

  it('passes an urgent value at once, replacing a waiting one', () => {
    const seen: number[] = [];
    const pacer = new Pacer<number>((v) => seen.push(v), () => 250, () => Date.now());
    pacer.push(1);
    pacer.push(2);
    pacer.push(3, true);
    expect(seen).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 3]);
  });

  it('drops its timer when disposed', () => {
    const seen: number[] = [];
    const pacer = new Pacer<number>((v) => seen.push(v), () => 250, () => Date.now());
    pacer.push(1);
    pacer.push(2);
    pacer[Symbol.dispose]();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1]);
  });
});
