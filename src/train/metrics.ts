/**
 * @file Dataset-level confusion matrix and IoU. Rows are ground-truth classes, columns are
 * predictions; pixels labelled `ignore` (255) are not counted.
 * IoU_c = TP / (TP + FP + FN); a class with zero union is absent (null) and left out of the mean.
 */
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

  meanIoU(): number {
    const present = this.iou().filter((v): v is number => v !== null);
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
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
