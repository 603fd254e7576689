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

  it("the all-classes mean is torchmetrics' MulticlassJaccardIndex(average=None).mean(): a class with zero union scores 0 and counts", () => {
    // brute force from the pixels, as torchmetrics 1.3's _jaccard_index_reduce: tp / (|pred = c| + |label = c| − tp), 0/0 → 0
    const labels = [0, 0, 1, 1, 1, 255, 0, 2, 2, 1];
    const preds = [0, 1, 1, 1, 0, 3, 0, 0, 2, 1];
    const classes = 5; // class 3 only predicted where ignored, class 4 nowhere: both zero union
    const direct = Array.from({ length: classes }, (_, c) => {
      let tp = 0, p = 0, l = 0;
      labels.forEach((y, i) => {
        if (y === 255) return;
        if (y === c) l++;
        if (preds[i] === c) p++;
        if (y === c && preds[i] === c) tp++;
      });
      return p + l - tp === 0 ? 0 : tp / (p + l - tp);
    });
    const cm = new ConfusionMatrix(classes);
    cm.add(preds, labels);
    const allClasses = direct.reduce((a, b) => a + b, 0) / classes;
    expect(cm.meanIoU('all-classes')).toBeCloseTo(allClasses, 12);
    expect(cm.meanIoU('present-classes')).toBeCloseTo((direct[0] + direct[1] + direct[2]) / 3, 12);
    expect(cm.meanIoUs()).toEqual({ 'present-classes': cm.meanIoU('present-classes'), 'all-classes': cm.meanIoU('all-classes') });
    expect(cm.meanIoU('all-classes')).toBeLessThan(cm.meanIoU('present-classes'));
  });

  it('refuses labels out of range', () => {
    expect(() => new ConfusionMatrix(2).add([0], [7])).toThrow('label 7 is outside 0…1');
  });
});
