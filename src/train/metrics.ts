/**
 * @file Dataset-level confusion matrix and IoU. Rows are ground-truth classes, columns are
 * predictions; pixels labelled `ignore` (255) are not counted.
 * IoU_c = TP / (TP + FP + FN); a class with zero union (in neither labels nor predictions) is
 * absent (null in `iou()`). Two means over the classes, named by `MIoUDefinition`.
 */

/**
 * `present-classes`: the mean over the classes with a non-zero union (the demo's).
 * `all-classes`: the mean over all classes, a class with zero union scoring 0 — what the benchmark
 * reports (training/lightning_module.py: `MulticlassJaccardIndex(average=None).compute().mean()`;
 * torchmetrics 1.3.1, functional/classification/jaccard.py `_jaccard_index_reduce` returns
 * `_safe_divide(tp, union)` for `average=None`, and `_safe_divide` turns 0/0 into 0).
 */
export type MIoUDefinition = 'present-classes' | 'all-classes';
export const MIOU_DEFINITIONS: readonly MIoUDefinition[] = ['present-classes', 'all-classes'];

/** How a label names a definition ("mIoU (all classes)"), for the UI, leaderboards and logs. */
export const MIOU_WORDS: Record<MIoUDefinition, string> = {
  'present-classes': 'mean over the classes present in labels or predictions',
  'all-classes': 'mean over all classes, absent ones scoring 0 (torchmetrics, as the benchmark)',
};
export class ConfusionMatrix {
  readonly counts: Float64Array;

  constructor(readonly numClasses: number, readonly ignore = 255) {
    this.counts = new Float64Array(numClasses * numClasses);
  }

  add(pred: ArrayLike<number>, label: ArrayLike<number>): void {
    if (pred.length !== label.length) throw new Error(`confusion: ${pred.length} predictions for ${label.length} labels`);
    const c = this.numClasses;
    for (let i = 0; i < label.length; i++) {
      const y = label[i];
      if (y === this.ignore) continue;
      if (y < 0 || y >= c) throw new Error(`confusion: label ${y} is outside 0…${c - 1} (and not the ignore label ${this.ignore})`);
      const p = pred[i];
      if (p < 0 || p >= c) throw new Error(`confusion: prediction ${p} is outside 0…${c - 1}`);
      this.counts[y * c + p]++;
    }
  }

  merge(other: ConfusionMatrix): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
  }

  iou(): (number | null)[] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, k) => {
      let row = 0, col = 0;
      for (let j = 0; j < c; j++) {
        row += this.counts[k * c + j];
        col += this.counts[j * c + k];
      }
      const tp = this.counts[k * c + k];
      const union = row + col - tp;
      return union === 0 ? null : tp / union;
    });
  }

  meanIoU(definition: MIoUDefinition = 'present-classes'): number {
    const iou = this.iou();
    const scores = definition === 'all-classes' ? iou.map((v) => v ?? 0) : iou.filter((v): v is number => v !== null);
    return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
  }

  /** Both means, named: what eval.json keeps. */
  meanIoUs(): Record<MIoUDefinition, number> {
    return { 'present-classes': this.meanIoU('present-classes'), 'all-classes': this.meanIoU('all-classes') };
  }

  pixelAccuracy(): number {
    let tp = 0, total = 0;
    for (let k = 0; k < this.numClasses; k++) tp += this.counts[k * this.numClasses + k];
    for (const v of this.counts) total += v;
    return total ? tp / total : 0;
  }

  toJSON(): number[][] {
    const c = this.numClasses;
    return Array.from({ length: c }, (_, k) => Array.from(this.counts.subarray(k * c, (k + 1) * c)));
  }
}
