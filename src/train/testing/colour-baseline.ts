/**
 * @file The per-pixel colour baseline for learning tests: every validation pixel gets the class
 * whose mean training colour is nearest (RGB distance). What a model scores above this it owes
 * to more than the colour of single pixels.
 */
import { readSample, type Dataset } from '../../data/dataset';
import { ConfusionMatrix } from '../metrics';

export async function nearestColourBaseline(ds: Dataset): Promise<{ mIoU: number; perClassIoU: (number | null)[] }> {
  const k = ds.classes.length;
  const sum = Array.from({ length: k }, () => [0, 0, 0, 0]);
  for (const ref of ds.train) {
    const s = await readSample(ds, ref);
    s.mask.forEach((cls, p) => {
      for (let c = 0; c < 3; c++) sum[cls][c] += s.image[p * 3 + c];
      sum[cls][3]++;
    });
  }
  const means = sum.map(([r, g, b, n]) => [r / n, g / n, b / n]);
  const cm = new ConfusionMatrix(k);
  for (const ref of ds.val) {
    const s = await readSample(ds, ref);
    const pred = new Uint8Array(s.mask.length);
    for (let p = 0; p < pred.length; p++) {
      const d = means.map((m) => (m[0] - s.image[p * 3]) ** 2 + (m[1] - s.image[p * 3 + 1]) ** 2 + (m[2] - s.image[p * 3 + 2]) ** 2);
      pred[p] = d.indexOf(Math.min(...d));
    }
    cm.add(pred, s.mask);
  }
  return { mIoU: cm.meanIoU(), perClassIoU: cm.iou() };
}
