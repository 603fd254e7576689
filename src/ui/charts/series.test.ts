import { describe, expect, it } from 'vitest';
import { ema } from '../store/metrics';
import { LIVE, MAX_POINTS, PALETTE, legendLabel, lineCache, lossPoints, offeredSeries, runColours, shownIds, valueAt, type RunSeries } from './series';

const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), lrHead: 0, lrEncoder: 0, ms: 1 }));
const evals = (mIoU: number) => [{ step: 2, mIoU, perClassIoU: [mIoU] }];

describe('overlaid runs', () => {
  it('a run keeps its colour when newer runs are added; the unsaved live run gets the next one', () => {
    const two = runColours([{ id: 'b', createdAt: 2 }, { id: 'a', createdAt: 1 }]);
    const three = runColours([{ id: 'c', createdAt: 3 }, { id: 'b', createdAt: 2 }, { id: 'a', createdAt: 1 }]);
    expect([two.get('a'), two.get('b')]).toEqual([PALETTE[0], PALETTE[1]]);
    expect([three.get('a'), three.get('b'), three.get('c')]).toEqual([PALETTE[0], PALETTE[1], PALETTE[2]]);
    expect(two.get(LIVE)).toBe(three.get('c')); // the live run's colour stays when it is saved as c
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
  });

  it('offers the current run live (not again as saved) and the ranked saved runs, each named and coloured', () => {
    const colours = runColours([{ id: 'a', createdAt: 1 }, { id: 'b', createdAt: 2 }]);
    const metrics = { a: { metrics: { steps: steps(2), evals: evals(0.3) } }, b: { metrics: { steps: steps(3), evals: evals(0.6) } } };
    const ranked = [{ runId: 'b', model: 'run b' }, { runId: 'a', model: 'run a' }];
    const live = offeredSeries({ current: { id: 'b', label: 'run b', steps: steps(4), evals: [] }, ranked, metrics, colours });
    expect(live.map((s) => [s.id, s.label, s.color, s.live, s.steps.length])).toEqual([
      ['b', 'run b', PALETTE[1], true, 4], ['a', 'run a', PALETTE[0], false, 2],
    ]);
    const fresh = offeredSeries({ current: { label: 'this run', steps: steps(1), evals: [] }, ranked, metrics, colours });
    expect(fresh.map((s) => [s.id, s.color])).toEqual([[LIVE, PALETTE[2]], ['b', PALETTE[1]], ['a', PALETTE[0]]]);
    expect([...live, ...fresh].map(legendLabel)).toEqual(['run b (this run)', 'run a', 'this run', 'run b', 'run a']);
    // nothing trained yet: only the saved runs
    expect(offeredSeries({ current: { label: 'x', steps: [], evals: [] }, ranked, metrics, colours }).map((s) => s.id)).toEqual(['b', 'a']);
  });

  it('shows the current run and the top five by default, the queue\'s runs (else every run) in talk mode, and follows legend clicks', () => {
    const s = (id: string, live = false) => ({ id, live }) as RunSeries;
    const series = [s('now', true), ...['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((id) => s(id))];
    expect([...shownIds(series, {})]).toEqual(['now', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect([...shownIds(series, {}, 'all')]).toHaveLength(8);
    expect([...shownIds(series, {}, new Set(['r7', 'r6', 'gone']))]).toEqual(['now', 'r6', 'r7']); // talk mode: the queue's race
    expect([...shownIds(series, { r7: true, now: false, r1: false })]).toEqual(['r2', 'r3', 'r4', 'r5', 'r7']);
  });

  it('thins long lines to at most the budget, keeping the first and last; the loss is smoothed before thinning', () => {
    const long = steps(12_345);
    const points = lossPoints(long, 0.9);
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(points.length).toBeGreaterThan(MAX_POINTS / 4); // ≥ one point per key and bucket
    expect([points[0].step, points.at(-1)!.step]).toEqual([1, 12_345]);
    expect(points.every((p, i) => i === 0 || p.step > points[i - 1].step)).toBe(true);
    expect(lossPoints(steps(3), 0.9)).toHaveLength(3);
    const direct = ema(long.map((x) => x.loss), 0.9);
    for (const p of [points[0], points[250], points.at(-1)!]) expect(p.smoothed).toBe(direct[p.step - 1]);
    expect(lossPoints(long, 0.9, 100).length).toBeLessThanOrEqual(100);
  });

  it('computes a run\'s lines once per metrics array: a saved run keeps its lines while the live run\'s change', () => {
    const lines = lineCache();
    const saved = { id: 'a', label: 'a', color: PALETTE[0], steps: steps(50), evals: evals(0.3), live: false };
    const first = lines(saved, 0.6, 1000);
    // the board's next read makes new RunSeries objects around the same metrics arrays
    const again = lines({ ...saved }, 0.6, 1000);
    expect(again.loss).toBe(first.loss);
    expect(again.miou).toBe(first.miou);
    const grown = lines({ ...saved, steps: steps(51) }, 0.6, 1000);
    expect(grown.loss).toHaveLength(51);
    expect(grown.miou).toBe(first.miou);
    expect(lines(saved, 0.7, 1000).loss).not.toBe(first.loss); // another smoothing is another line
    expect(lines(saved, 0.6, 30).loss).not.toBe(first.loss);
  });

  it('reads a line\'s value at a step: its last point at or before it', () => {
    const pts = [{ step: 2 }, { step: 5 }, { step: 9 }];
    expect([1, 2, 4, 5, 8, 9, 100].map((t) => valueAt(pts, t)?.step)).toEqual([undefined, 2, 2, 5, 5, 9, 9]);
  });
});
