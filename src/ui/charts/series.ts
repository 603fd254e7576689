/**
 * @file The runs on the overlaid loss and mIoU charts (W&B-style): which runs are offered (the
 * current run live, the leaderboard's saved runs), which are shown, their fixed colours, and
 * their points thinned to what a chart can draw (computed once per run's metrics). Pure, unit-tested.
 */
import type { EvalMetric, StepMetric } from '../../worker/api';
import { ema } from '../store/metrics';
import { minMaxDecimate } from './decimate';

/** Okabe–Ito (colour-blind safe), in the order runs get them; yellow last, as it is faint on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

/** The live run before its first save has no id yet. */
export const LIVE = 'live';

/** What the current run is called until the runs list names it. */
export const THIS_RUN = 'this run';

/** A legend entry's words: the live run marked once ("this run" alone, never "this run (this run)"). */
export const legendLabel = (r: { label: string; live: boolean }): string => (r.live && r.label !== THIS_RUN ? `${r.label} (${THIS_RUN})` : r.label);

/** Points per line before the plot's width is known (two per pixel of a ~600 px plot). */
export const MAX_POINTS = 1200;

export interface RunSeries {
  /** The saved run's id (LIVE before the current run is saved). */
  id: string;
  label: string;
  color: string;
  steps: readonly StepMetric[];
  evals: readonly EvalMetric[];
  /** The run training (or opened) now, fed by the store's streamed metrics. */
  live: boolean;
}

/**
 * Each run's colour by its place among the runs in the order they started (oldest first), so a
 * run keeps its colour on every chart and as runs are added; the live run without an id gets the next.
 */
export function runColours(runs: readonly { id: string; createdAt: number }[]): Map<string, string> {
  const order = [...runs].sort((a, b) => a.createdAt - b.createdAt);
  const colours = new Map(order.map((r, i) => [r.id, PALETTE[i % PALETTE.length] as string]));
  colours.set(LIVE, PALETTE[order.length % PALETTE.length]);
  return colours;
}

/**
 * The runs a legend offers: the current run first (its live metrics, when it has any), then the
 * leaderboard's runs best first (the current one's saved copy left out: it is the live line).
 */
export function offeredSeries(o: {
  current?: { id?: string; label: string; steps: readonly StepMetric[]; evals: readonly EvalMetric[] };
  ranked: readonly { runId: string; model: string }[];
  metrics: Readonly<Record<string, { metrics: { steps: readonly StepMetric[]; evals: readonly EvalMetric[] } }>>;
  colours: ReadonlyMap<string, string>;
}): RunSeries[] {
  const out: RunSeries[] = [];
  const cur = o.current;
  if (cur && (cur.steps.length || cur.evals.length)) {
    const id = cur.id ?? LIVE;
    out.push({ id, label: cur.label, color: o.colours.get(id) ?? o.colours.get(LIVE)!, steps: cur.steps, evals: cur.evals, live: true });
  }
  for (const row of o.ranked) {
    const m = o.metrics[row.runId]?.metrics;
    if (!m || row.runId === cur?.id) continue;
    out.push({ id: row.runId, label: row.model, color: o.colours.get(row.runId) ?? PALETTE[0], steps: m.steps, evals: m.evals, live: false });
  }
  return out;
}

/**
 * Which offered runs are drawn: the user's legend clicks, else the default — the current run and
 * the leaderboard's `top` best; in talk mode the race: the current run and every run of `race`
 * (the benchmark queue's runs), or every run when there is no queue.
 */
export function shownIds(series: readonly RunSeries[], picks: Readonly<Record<string, boolean>>, race?: ReadonlySet<string> | 'all', top = 5): Set<string> {
  const saved = series.filter((s) => !s.live).map((s) => s.id);
  const raced = race === undefined ? saved.slice(0, top) : race === 'all' ? saved : saved.filter((id) => race.has(id));
  const byDefault = new Set([...series.filter((s) => s.live).map((s) => s.id), ...raced]);
  return new Set(series.map((s) => s.id).filter((id) => picks[id] ?? byDefault.has(id)));
}

export type LossPoint = { step: number; loss: number; smoothed: number };
export type MiouPoint = { step: number; mIoU: number };

/** A run's loss line: raw and smoothed (the EMA over every step, before thinning), at most `max` points. */
export function lossPoints(steps: readonly StepMetric[], smoothing: number, max = MAX_POINTS): readonly LossPoint[] {
  const smooth = ema(steps.map((s) => s.loss), smoothing);
  return minMaxDecimate(steps.map((s, i) => ({ step: s.step, loss: s.loss, smoothed: smooth[i] })), ['loss', 'smoothed'], max);
}

/** A run's mIoU line in percent. */
export const miouPoints = (evals: readonly EvalMetric[], max = MAX_POINTS): readonly MiouPoint[] =>
  minMaxDecimate(evals.map((e) => ({ step: e.step, mIoU: 100 * e.mIoU })), ['mIoU'], max);

export interface RunLines {
  run: RunSeries;
  loss: readonly LossPoint[];
  miou: readonly MiouPoint[];
}

/**
 * Each run's drawn lines, computed once per metrics array (and smoothing and budget): a saved run's
 * metrics are replaced only when the board reads a new save, so a training step recomputes the live
 * run's lines alone, and the saved lines keep their identity (recharts redraws a line whose data changed).
 */
export function lineCache(): (run: RunSeries, smoothing: number, max: number) => RunLines {
  const loss = new WeakMap<readonly StepMetric[], { smoothing: number; max: number; points: readonly LossPoint[] }>();
  const miou = new WeakMap<readonly EvalMetric[], { max: number; points: readonly MiouPoint[] }>();
  return (run, smoothing, max) => {
    let l = loss.get(run.steps);
    if (!l || l.smoothing !== smoothing || l.max !== max) loss.set(run.steps, (l = { smoothing, max, points: lossPoints(run.steps, smoothing, max) }));
    let m = miou.get(run.evals);
    if (!m || m.max !== max) miou.set(run.evals, (m = { max, points: miouPoints(run.evals, max) }));
    return { run, loss: l.points, miou: m.points };
  };
}

/** The value of a line at a step: its last point at or before it (undefined before its first). */
export function valueAt<T extends { step: number }>(points: readonly T[], step: number): T | undefined {
  let lo = 0, hi = points.length - 1, found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].step <= step) (found = points[mid]), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found;
}
