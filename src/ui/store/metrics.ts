/** @file Pure helpers for streamed metrics: smoothing and batched appends (unit-tested). */
import type { StepMetric } from '../../worker/api';

/** Exponential moving average with bias correction (TensorBoard-style): s_t = α·s_{t−1} + (1−α)·x_t, divided by 1 − αᵗ. */
export function ema(values: readonly number[], alpha = 0.9): number[] {
  const out: number[] = [];
  let s = 0;
  values.forEach((x, i) => {
    s = alpha * s + (1 - alpha) * x;
    out.push(s / (1 - alpha ** (i + 1)));
  });
  return out;
}

/** Collects values from a fast producer and hands them over in batches at most every `ms`. */
export class Throttle<T> {
  private buffer: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(private readonly flush: (items: T[]) => void, private readonly ms = 100) {}

  push(item: T): void {
    this.buffer.push(item);
    this.timer ??= setTimeout(() => this.drain(), this.ms);
  }

  drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer.length) return;
    const items = this.buffer;
    this.buffer = [];
    this.flush(items);
  }
}

/** Images per second from consecutive step metrics (batch × accumulation per step). */
export function throughput(steps: readonly StepMetric[], imagesPerStep: number): { step: number; imgPerS: number }[] {
  return steps.map((s) => ({ step: s.step, imgPerS: s.ms > 0 ? (1000 * imagesPerStep) / s.ms : 0 }));
}

/**
 * About `count` evenly spaced round ticks (steps of 1, 2, 2.5 or 5 × 10^k) covering [min, max]:
 * the loss axis gets these as its domain and ticks, so labels never collide or jump between renders.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max - min < 1e-12) [min, max] = [min - 0.5 * Math.max(Math.abs(min), 1e-3), max + 0.5 * Math.max(Math.abs(max), 1e-3)];
  const raw = (max - min) / Math.max(1, count - 1);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const first = Math.floor(min / step + 1e-9), last = Math.ceil(max / step - 1e-9);
  // k·step, rounded to the step's decimals so 0.1 + 0.2 prints as 0.3
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(decimals)));
}

/**
 * Throughput over the last `window` steps: their images divided by their total time (not a mean of
 * per-step rates), so one fast or slow step (a compile, a save) moves the line only a little.
 */
export function windowedThroughput(steps: readonly StepMetric[], imagesPerStep: number, window = 10): { step: number; imgPerS: number }[] {
  let ms = 0;
  return steps.map((s, i) => {
    ms += s.ms;
    if (i >= window) ms -= steps[i - window].ms;
    const n = Math.min(i + 1, window);
    return { step: s.step, imgPerS: ms > 0 ? (1000 * imagesPerStep * n) / ms : 0 };
  });
}
