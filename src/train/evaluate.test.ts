/** Sliding-window evaluation: one window when the image is the crop, full coverage otherwise. */
import { describe, expect, it } from 'vitest';
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
    const scores = await slidingLogits({ chw, height: h, width: w, label }, crop, 2, classes, model);
    expect(scores.length).toBe(classes * h * w);
    expect(argmaxClasses(scores, classes, h * w)[w - 1]).toBe(1);
  });
});
