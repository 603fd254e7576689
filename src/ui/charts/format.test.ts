import { describe, expect, it } from 'vitest';
import { chartSummary, lossLine, lrTickLabels, lrTicks, percent, sig, stepTicks } from './format';

describe('step axis', () => {
  it('has integer ticks only, early and late in a run', () => {
    expect(stepTicks(1, 2)).toEqual([1, 2]);
    expect(stepTicks(0, 3)).toEqual([0, 1, 2, 3]);
    expect(stepTicks(1, 135)).toEqual([0, 50, 100, 150]);
    expect(stepTicks(0, 12)).toEqual([0, 5, 10, 15]);
    for (const max of [1, 2, 7, 10, 33, 99, 1000, 12345]) {
      const t = stepTicks(1, max);
      expect(t.every(Number.isInteger), `max ${max}: ${t}`).toBe(true);
      expect(t[0]).toBeLessThanOrEqual(1);
      expect(t.at(-1)).toBeGreaterThanOrEqual(max);
      expect(t.length).toBeLessThanOrEqual(8);
    }
  });
});

describe('tick and tooltip text', () => {
  it('learning-rate ticks are short and distinct', () => {
    expect(lrTickLabels([0, 2.5e-4, 5e-4, 7.5e-4, 1e-3])).toEqual(['0', '2.5e-4', '5e-4', '7.5e-4', '1e-3']);
    expect(lrTickLabels([0, 1e-5, 2e-5])).toEqual(['0', '1e-5', '2e-5']);
    for (const max of [1e-3, 7.3e-4, 2e-3, 1e-5, 3.3e-2]) {
      const labels = [...lrTicks(max).labels.values()];
      expect(new Set(labels).size, labels.join(', ')).toBe(labels.length);
    }
  });

  it('percent ticks read 100%, losses keep three significant digits', () => {
    expect([0, 50, 100].map((v) => percent(v))).toEqual(['0%', '50%', '100%']);
    expect(sig(0.08854985237121582)).toBe('0.0885');
    expect(sig(1.23456)).toBe('1.23');
  });

  it('tooltip and summary lines', () => {
    expect(lossLine(135, 0.08854985237121582, 0.0910123)).toBe('step 135 · loss 0.0885 (smoothed 0.091)');
    expect(lossLine(3, 1.5)).toBe('step 3 · loss 1.5');
    expect(chartSummary('loss', 135, '0.088')).toBe('loss, 135 steps, last 0.088');
    expect(chartSummary('mIoU', 1, '40%', 'evaluations')).toBe('mIoU, 1 evaluation, last 40%');
    expect(chartSummary('loss', 0, undefined)).toBe('loss, no data yet');
  });
});
