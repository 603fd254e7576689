/**
 * @file What the charts print: axis ticks (integer steps, distinct learning rates, percentages),
 * tooltip lines and the one-line summaries screen readers get. Pure, unit-tested.
 */
import { niceTicks } from '../store/metrics';

/** Up to ~`count` integer ticks from 0 (or `min`) to `max`: steps never read 1, 1.5, 2. */
export function stepTicks(min: number, max: number, count = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [0, 1];
  const lo = Math.floor(min), hi = Math.max(Math.ceil(max), lo + 1);
  const raw = (hi - lo) / Math.max(1, count - 1);
  const pow = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(raw, 1))));
  const step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const first = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let t = first; t < hi + step; t += step) out.push(t);
  return out;
}

/** `digits` significant digits, without trailing zeros: 0.08854985 → "0.0885". */
export const sig = (v: number, digits = 3): string => (Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v));

/**
 * Learning-rate ticks in short exponent form, exact for round ticks, so neighbours always differ:
 * 0, 2.5e-4, 5e-4, 7.5e-4, 1e-3 (never "5e-4, 5e-4, 5e-4", never 2.5e-4 rounded to "3e-4").
 */
export function lrTickLabels(ticks: readonly number[]): string[] {
  // six significant digits hide float noise (7.500000000000001e-4); toExponential() then prints the shortest form
  return ticks.map((v) => (v === 0 ? '0' : Number(v.toPrecision(6)).toExponential()));
}

/** Round learning-rate ticks from 0 to the largest rate, labelled distinctly. */
export function lrTicks(maxLr: number): { ticks: number[]; labels: Map<number, string> } {
  const ticks = niceTicks(0, maxLr > 0 ? maxLr : 1e-3);
  const labels = lrTickLabels(ticks);
  return { ticks, labels: new Map(ticks.map((t, i) => [t, labels[i]])) };
}

export const percent = (v: number, decimals = 0): string => `${v.toFixed(decimals)}%`;

/** "step 135 · loss 0.0885 (smoothed 0.091)"; the smoothed part only when smoothing is on. */
export function lossLine(step: number, loss: number, smoothed?: number): string {
  return `step ${step} · loss ${sig(loss)}${smoothed === undefined ? '' : ` (smoothed ${sig(smoothed)})`}`;
}

/** "loss, 135 steps, last 0.088" (what a screen reader hears for a chart); "no data yet" while empty. */
export function chartSummary(what: string, points: number, last: string | undefined, unit = 'steps'): string {
  return points === 0 || last === undefined ? `${what}, no data yet` : `${what}, ${points} ${points === 1 ? unit.replace(/s$/, '') : unit}, last ${last}`;
}
