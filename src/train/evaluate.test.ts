/** Sliding-window evaluation: one window when the image is the crop, full coverage otherwise. */
import { describe, expect, it } from 'vitest';
import { longSideWindowPlan, roundHalfEven } from '../data/window';
import { resizeChannels } from '../model/resample';
import { argmaxClasses, evaluateImages, slidingLogits } from './evaluate';

describe('sliding-window evaluation', () => {
  it('equals single-window evaluation when the image equals the crop', async () => {
    const crop = 8, classes = 3;
    const chw = Float32Array.from({ length: 3 * crop * crop }, (_, i) => Math.sin(i));
    // a "model" whose class scores are linear in the pixels
    const model = async (x: Float32Array) => {
      const b = x.length / (3 * crop * crop);
      return Float32Array.from({ length: b * classes * crop * crop }, (_, i) => {
        const n = Math.floor(i / (classes * crop * crop)), c = Math.floor(i / (crop * crop)) % classes, p = i % (crop * crop);
        return x[(n * 3 + c) * crop * crop + p] * (c + 1);
      });
    };
    const direct = await model(chw);
    const windowed = await slidingLogits({ chw, height: crop, width: crop, label: new Uint8Array(crop * crop) }, crop, 2, classes, model);
    expect(Array.from(windowed)).toEqual(Array.from(direct));
  });

  it('evaluates a non-square image end to end (averaged overlaps, resize back to the label size)', async () => {
    const crop = 8, classes = 2, h = 8, w = 20;
    // the right half of the image is bright: class 1; the model predicts it from the pixels
    const chw = new Float32Array(3 * h * w);
    const label = new Uint8Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const bright = x >= w / 2 ? 1 : -1;
      for (let c = 0; c < 3; c++) chw[(c * h + y) * w + x] = bright;
      label[y * w + x] = bright > 0 ? 1 : 0;
    }
    const model = async (x: Float32Array) => {
      const b = x.length / (3 * crop * crop);
      const out = new Float32Array(b * classes * crop * crop);
      for (let n = 0; n < b; n++) for (let p = 0; p < crop * crop; p++) {
        out[(n * classes + 1) * crop * crop + p] = x[n * 3 * crop * crop + p];
      }
      return out;
    };
    const r = await evaluateImages([{ chw, height: h, width: w, label }], { crop, batch: 2, numClasses: classes, logits: model });
    // every pixel's score is exactly ±1 against 0, so the answer is exact: no pixel may be wrong
    expect(r.mIoU).toBe(1);
    expect(r.pixelAccuracy).toBe(1);
    expect(r.confusion).toEqual([[h * w / 2, 0], [0, h * w / 2]]);
    // a third class in neither labels nor predictions: the benchmark's mean counts it as 0
    const three = await evaluateImages([{ chw, height: h, width: w, label }], { crop, batch: 2, numClasses: 3, logits: async (x) => {
      const two = await model(x), n = x.length / (3 * crop * crop), out = new Float32Array(n * 3 * crop * crop).fill(-9);
      for (let i = 0; i < n; i++) out.set(two.subarray(i * 2 * crop * crop, (i + 1) * 2 * crop * crop), i * 3 * crop * crop);
      return out;
    }, miou: 'all-classes' });
    expect([three.mIoU, three.mIoUDefinition, three.mIoUs]).toEqual([2 / 3, 'all-classes', { 'present-classes': 1, 'all-classes': 2 / 3 }]);
    const scores = await slidingLogits({ chw, height: h, width: w, label }, crop, 2, classes, model);
    expect(scores.length).toBe(classes * h * w);
    expect(argmaxClasses(scores, classes, h * w)[w - 1]).toBe(1);
  });

  describe("the benchmark's layout (recipe rule 'long-side')", () => {
    const classes = 4;
    /** A position-sensitive "model": overlapping windows disagree, so the layout shows in the result. */
    const modelFor = (S: number) => async (x: Float32Array) => {
      const b = x.length / (3 * S * S);
      const out = new Float32Array(b * classes * S * S);
      for (let n = 0; n < b; n++) for (let c = 0; c < classes; c++) for (let y = 0; y < S; y++) for (let xx = 0; xx < S; xx++) {
        const p = y * S + xx;
        out[((n * classes + c) * S + y) * S + xx] = x[(n * 3 + (c % 3)) * S * S + p] * (c + 1) + (0.3 * c * (y + 2 * xx)) / S;
      }
      return out;
    };

    /** training/lightning_module.py window_imgs_semantic + revert_window_logits_semantic, line by line (windows one at a time). */
    async function benchmarkDirect(chw: Float32Array, H: number, W: number, S: number) {
      const model = modelFor(S);
      const factor = Math.max(S / H, S / W); // scale_img_size_semantic
      const [h, w] = [H, W].map((s) => Math.round(s * factor)); // (no .5 ties at these sizes)
      const img = resizeChannels(chw, 3, H, W, h, w, 'bilinear', true); // torchvision resize, antialias=True
      const numCrops = Math.ceil(Math.max(h, w) / Math.min(S, S));
      const overlap = numCrops * S - Math.max(h, w);
      const overlapPerCrop = overlap > 0 ? overlap / (numCrops - 1) : 0;
      const sums = new Float64Array(classes * h * w), counts = new Float64Array(classes * h * w);
      for (let j = 0; j < numCrops; j++) {
        const start = Math.trunc(j * (S - overlapPerCrop));
        const crop = new Float32Array(3 * S * S);
        const vertical = h > w;
        for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
          crop[(c * S + y) * S + x] = vertical ? img[(c * h + start + y) * w + x] : img[(c * h + y) * w + start + x];
        }
        const logits = await model(crop);
        for (let c = 0; c < classes; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
          const at = vertical ? (c * h + start + y) * w + x : (c * h + y) * w + start + x;
          sums[at] += logits[(c * S + y) * S + x];
          counts[at] += 1;
        }
      }
      const mean = Float32Array.from(sums, (v, i) => v / counts[i]);
      return resizeChannels(mean, classes, h, w, H, W, 'bilinear'); // F.interpolate(mode="bilinear")
    }

    it('lays ⌈L/S⌉ windows along the long side with the overlap spread evenly (starts int(j·(S − overlap/(n−1))))', () => {
      // 170·32/48 = 113.3 → 113; n = 4; overlap 15; 5 per window
      expect(longSideWindowPlan(48, 170, 32)).toEqual({ crop: 32, height: 32, width: 113, windows: [0, 27, 54, 81].map((left) => ({ top: 0, left })) });
      // tall: 100×40 at 16 → 40×16; n = 3; overlap 8
      expect(longSideWindowPlan(100, 40, 16).windows).toEqual([0, 12, 24].map((top) => ({ top, left: 0 })));
      expect(longSideWindowPlan(16, 16, 16).windows).toEqual([{ top: 0, left: 0 }]);
      expect([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
    });

    for (const [H, W, S] of [[48, 170, 32], [100, 40, 16], [24, 61, 24]]) {
      it(`a ${H}×${W} image at crop ${S} gives the benchmark's logits (direct implementation of its window layout)`, async () => {
        const chw = Float32Array.from({ length: 3 * H * W }, (_, i) => Math.sin(0.37 * i) + Math.cos(0.011 * i * i));
        const img = { chw, height: H, width: W, label: new Uint8Array(H * W) };
        const ours = await slidingLogits(img, S, 3, classes, modelFor(S), { layout: 'long-side', resize: 'antialias' });
        const direct = await benchmarkDirect(chw, H, W, S);
        ours.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 4));
        // and the demo's 2-D grid is a different evaluation on the same wide image
        const grid = await slidingLogits(img, S, 3, classes, modelFor(S), { layout: 'grid-2/3', resize: 'bilinear' });
        expect(grid.some((v, i) => Math.abs(v - direct[i]) > 1e-3)).toBe(true);
      });
    }
  });
});
