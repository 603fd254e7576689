import { describe, expect, it } from 'vitest';
import { LogitAccumulator, extractWindow, shortSideSize, slidingWindowPlan } from './window';

/** Per-pixel coverage count of a plan (every pixel must be ≥ 1). */
function coverage(plan: ReturnType<typeof slidingWindowPlan>): Uint16Array {
  const n = new Uint16Array(plan.height * plan.width);
  for (const w of plan.windows) {
    expect(w.top + plan.crop).toBeLessThanOrEqual(plan.height);
    expect(w.left + plan.crop).toBeLessThanOrEqual(plan.width);
    for (let y = 0; y < plan.crop; y++) for (let x = 0; x < plan.crop; x++) n[(w.top + y) * plan.width + w.left + x]++;
  }
  return n;
}

describe('sliding windows', () => {
  it('uses one window when the image equals the crop', () => {
    expect(slidingWindowPlan(32, 32, 32)).toEqual({ crop: 32, height: 32, width: 32, windows: [{ top: 0, left: 0 }] });
  });

  it('resizes the short side to the crop, keeping the aspect ratio', () => {
    expect(shortSideSize(100, 200, 50)).toEqual({ height: 50, width: 100 });
    expect(shortSideSize(300, 150, 64)).toEqual({ height: 128, width: 64 });
    expect(shortSideSize(10, 12, 32)).toEqual({ height: 32, width: 38 }); // small images are enlarged
  });

  it.each([
    [32, 100, 32], [100, 32, 32], [64, 65, 64], [48, 160, 16], [512, 683, 512], [1024, 2048, 512],
  ])('covers a %i×%i image fully at crop %i, last window flush', (h, w, crop) => {
    const plan = slidingWindowPlan(h, w, crop);
    expect(Math.min(plan.height, plan.width)).toBe(crop);
    expect(coverage(plan).every((c) => c >= 1)).toBe(true);
    const last = plan.windows[plan.windows.length - 1];
    expect([last.top + crop, last.left + crop]).toEqual([plan.height, plan.width]);
  });

  it('steps at ⌈2S/3⌉', () => {
    const plan = slidingWindowPlan(30, 100, 30);
    expect(plan.windows.map((w) => w.left)).toEqual([0, 20, 40, 60, 70]);
  });

  it('averages overlapping logits and extracts windows in batch layout', () => {
    const plan = slidingWindowPlan(4, 6, 4, 2); // windows at left 0 and 2: columns 2,3 overlap
    const acc = new LogitAccumulator(2, plan.height, plan.width, 4);
    const batch = new Float32Array(2 * 2 * 16);
    plan.windows.forEach((w, i) => batch.fill(i === 0 ? 1 : 3, i * 32, i * 32 + 32));
    plan.windows.forEach((w, i) => acc.add(w, batch, i * 32));
    const avg = acc.average();
    expect(Array.from(avg.subarray(0, 6))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(Array.from(avg.subarray(24, 30))).toEqual([1, 1, 2, 2, 3, 3]); // class 1, row 0

    const chw = Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i);
    const out = new Float32Array(40);
    extractWindow(chw, 2, 4, 6, { top: 0, left: 2 }, 4, out, 8);
    expect(Array.from(out.subarray(8, 12))).toEqual([2, 3, 4, 5]);
    expect(Array.from(out.subarray(24, 28))).toEqual([26, 27, 28, 29]); // channel 1, row 0
  });

  it('refuses to average an uncovered map', () => {
    expect(() => new LogitAccumulator(1, 4, 8, 4).average()).toThrow(/covered by no window/);
  });
});
