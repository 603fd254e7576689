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
