/** mIoU against a hand-computed confusion matrix, including absent classes and ignored pixels. */
import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './metrics';

describe('ConfusionMatrix', () => {
  it('counts labelled pixels only and computes IoU = TP/(TP+FP+FN)', () => {
    const cm = new ConfusionMatrix(4);
    //          label: 0  0  1  1  1  255 0  2
    cm.add([0, 1, 1, 1, 0, 3, 0, 0], [0, 0, 1, 1, 1, 255, 0, 2]);
    // rows = label, cols = prediction
    expect(cm.toJSON()).toEqual([
      [2, 1, 0, 0],
      [1, 2, 0, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const iou = cm.iou();
    expect(iou[0]).toBeCloseTo(2 / (2 + 2 + 1)); // TP 2, FN 1, FP 2 (from classes 1 and 2)
    expect(iou[1]).toBeCloseTo(2 / (2 + 1 + 1));
    expect(iou[2]).toBe(0); // present in labels, never predicted
    expect(iou[3]).toBeNull(); // absent everywhere: excluded from the mean
    expect(cm.meanIoU()).toBeCloseTo((2 / 5 + 2 / 4 + 0) / 3);
    expect(cm.pixelAccuracy()).toBeCloseTo(4 / 7);
  });

  it('refuses labels out of range', () => {
    expect(() => new ConfusionMatrix(2).add([0], [7])).toThrow('label 7 is outside 0…1');
  });
});
