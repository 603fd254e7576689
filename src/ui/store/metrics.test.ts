import { expect, it } from 'vitest';
import { ema, windowedThroughput } from './metrics';

const step = (i: number, ms: number) => ({ step: i, loss: 1, lrHead: 0, lrEncoder: 0, ms });

it('the smoothing slider: weight 0 leaves the values as they are, a higher weight smooths more, the first point is not pulled to 0', () => {
  const xs = [4, 0, 4, 0, 4, 0];
  expect(ema(xs, 0)).toEqual(xs);
  const spread = (v: number[]) => Math.max(...v.slice(2)) - Math.min(...v.slice(2));
  expect(spread(ema(xs, 0.9))).toBeLessThan(spread(ema(xs, 0.5)));
  expect(ema(xs, 0.99)[0]).toBeCloseTo(4, 9); // debiased: not 0.04
});

it('throughput over a window is its images over its time, so one slow step does not send the line to 0', () => {
  const steps = [step(1, 100), step(2, 100), step(3, 10_000), step(4, 100), step(5, 100)];
  expect(windowedThroughput(steps, 8, 2).map((p) => p.imgPerS)).toEqual([80, 80, 16000 / 10_100, 16000 / 10_100, 80]);
  expect(windowedThroughput(steps, 8, 2).map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
  expect(windowedThroughput([step(1, 0)], 8)).toEqual([{ step: 1, imgPerS: 0 }]);
});
