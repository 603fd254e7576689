/** @file Learning-rate schedules, per optimizer step t = 0…T−1. */

/** poly: lr·(1 − t/T)^power (power 0.9, as the benchmark); constant: lr. */
export function learningRate(kind: 'poly' | 'constant', base: number, t: number, total: number, power = 0.9): number {
  if (kind === 'constant') return base;
  return base * Math.max(0, 1 - t / total) ** power;
}
