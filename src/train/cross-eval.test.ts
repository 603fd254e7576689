/**
 * `evaluateAcross`: the run's label filter applies to what cross-evaluation scores, the second
 * dataset's val split, and to nothing else — a dataset whose train masks all hold a single value
 * is still evaluated on its val images.
 */
import { describe, expect, it } from 'vitest';
import { openDataset, validateDataset } from '../data/dataset';
import { memorySource } from '../data/index';
import { halves, maskPng, pngRgb, type FileList } from '../data/testing';
import { evaluateAcross } from './cross-eval';
import { evaluateDataset } from './session';

const crop = 8, classes = 3;
const evaluation = { crop, batch: 2, mean: [0.5, 0.5, 0.5] as [number, number, number], std: [0.25, 0.25, 0.25] as [number, number, number], layout: 'long-side' as const, resize: 'antialias' as const, miou: 'all-classes' as const };
// a "model" whose score for class c is the image's channel c: the prediction follows the colours
const model = {
  logits: async (x: Float32Array) => {
    const n = x.length / (3 * crop * crop);
    const out = new Float32Array(n * classes * crop * crop);
    for (let b = 0; b < n; b++) out.set(x.subarray(b * 3 * crop * crop, (b + 1) * 3 * crop * crop), b * classes * crop * crop);
    return out;
  },
};

/** Train masks of one value each; val: v1 and v3 with two classes, v2 of class 1 alone and seen as class 2 (unless `valSingle`: all of one value). */
async function load(valSingle = false) {
  const files: FileList = [];
  // the image's colour says the class the model predicts: the mask's, or `seen` everywhere
  const add = (split: string, stem: string, a: number, b: number, seen?: number) => {
    const shown = (x: number) => seen ?? (x < 4 ? a : b);
    files.push({ path: `${split}/images/${stem}.png`, bytes: pngRgb(8, 8, (x) => [0, 1, 2].map((c) => (c === shown(x) ? 250 : 10))) });
    files.push({ path: `${split}/masks/${stem}.png`, bytes: maskPng(8, 8, halves(8, a, b)) });
  };
  add('train', 'a', 0, 0); add('train', 'b', 1, 1); add('train', 'c', 2, 2);
  if (valSingle) { add('val', 'v1', 0, 0); add('val', 'v2', 2, 2); } else { add('val', 'v1', 2, 0); add('val', 'v2', 1, 1, 2); add('val', 'v3', 0, 1); }
  const ds = await openDataset(memorySource('uniform-train', files));
  return { ds, summary: await validateDataset(ds) };
}

describe('evaluateAcross', () => {
  it('filters only the val split it scores: train masks that all hold one value do not stop it; equals the direct evaluation on the kept val images', async () => {
    const { ds, summary } = await load();
    expect(ds.classes).toHaveLength(classes);
    expect(summary.singleValued.map((r) => r.stem).sort()).toEqual(['a', 'b', 'c', 'v2']);
    const across = await evaluateAcross(model, ds, summary.singleValued, 'drop-single-value', evaluation);
    const direct = await evaluateDataset(model, { ...ds, val: ds.val.filter((r) => r.stem !== 'v2') }, evaluation);
    const unfiltered = await evaluateAcross(model, ds, summary.singleValued, 'none', evaluation);
    expect(across).toEqual(direct);
    expect(unfiltered.mIoU).not.toBe(direct.mIoU); // v2 counts when nothing filters it
  });

  it('every val mask single-valued: refused as an evaluation, naming the dataset and the label filter', async () => {
    const { ds, summary } = await load(true);
    await expect(evaluateAcross(model, ds, summary.singleValued, 'drop-single-value', evaluation))
      .rejects.toThrow(/^uniform-train: every val mask holds a single value, and the run's recipe label filter \(drop-single-value\) leaves such images out, so there is nothing to evaluate/);
  });
});
