/** A recipe's rules as the options both shells build their runs with, and the label filter. */
import { describe, expect, it } from 'vitest';
import { openDataset, validateDataset } from '../data/dataset';
import { memorySource } from '../data/index';
import { genericFiles } from '../data/testing';
import { RECIPE_NAMES, RECIPES } from './recipe';
import { applyLabelFilter, recipeOptions, rulesOf } from './rules';

const values = {
  batch: 2, crop: 16, augment: true, shuffle: false, seed: 3, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05,
  mean: [0.5, 0.5, 0.5] as [number, number, number], std: [0.2, 0.2, 0.2] as [number, number, number],
};

describe('recipe rules → run options', () => {
  it("a benchmark recipe selects torchvision augmentation, long-side windows, decay on all parameters and SAM's tables resized at load", () => {
    for (const name of ['benchmark', 'ade20k', 'voc', 'cityscapes'] as const) {
      const o = recipeOptions(rulesOf(name), values);
      expect(o.batches).toEqual({ batch: 2, crop: 16, augment: true, augmentation: 'torchvision', shuffle: false, seed: 3, mean: values.mean, std: values.std });
      expect(o.evaluation).toEqual({ crop: 16, batch: 2, mean: values.mean, std: values.std, layout: 'long-side', resize: 'antialias', miou: 'all-classes' });
      expect(o.optimizer).toEqual({ lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, weightDecayScope: 'all' });
      expect(o.model).toEqual({ resizeRelPos: true });
    }
  });

  it("the demo recipe (and a run recorded before recipes) selects the demo's", () => {
    for (const rules of [rulesOf('demo'), rulesOf(undefined)]) {
      const o = recipeOptions(rules, values);
      expect([o.batches.augmentation, o.evaluation.layout, o.evaluation.resize, o.evaluation.miou, o.optimizer.weightDecayScope, o.model.resizeRelPos]).toEqual(['demo', 'grid-2/3', 'bilinear', 'present-classes', 'matrices', false]);
      expect(rules.labelFilter).toBe('none');
    }
  });

  it('rulesOf returns a copy (a run cannot change the shared recipe)', () => {
    for (const n of RECIPE_NAMES) {
      const r = rulesOf(n);
      expect(r).toEqual(RECIPES[n].rules);
      expect(r).not.toBe(RECIPES[n].rules);
    }
  });
});

describe('applyLabelFilter (datasets/dataset.py: a sample is kept only when its label map has min ≠ max)', () => {
  const load = async () => {
    const ds = await openDataset(memorySource('shapes', genericFiles()));
    return { ds, summary: await validateDataset(ds) };
  };

  it("drops single-valued samples from both splits into a copy; the loaded dataset is left as it was", async () => {
    const { ds, summary } = await load();
    expect(summary.singleValued.map((r) => r.stem).sort()).toEqual(['c', 'v2']);
    const { ds: kept, dropped } = applyLabelFilter(ds, summary.singleValued, 'drop-single-value');
    expect(kept.train.map((r) => r.stem)).toEqual(ds.train.map((r) => r.stem).filter((s) => s !== 'c'));
    expect(kept.val.map((r) => r.stem)).toEqual(['v1']);
    expect(dropped.map((r) => r.stem).sort()).toEqual(['c', 'v2']);
    expect(ds.train).toHaveLength(3);
    expect(ds.val).toHaveLength(2);
  });

  it("'none' keeps everything", async () => {
    const { ds, summary } = await load();
    expect(applyLabelFilter(ds, summary.singleValued, 'none')).toEqual({ ds, dropped: [] });
  });

  it('a split the filter empties is refused, naming the dataset and the split', async () => {
    const { ds, summary } = await load();
    const onlyUniform = { ...ds, val: ds.val.filter((r) => r.stem === 'v2') };
    expect(() => applyLabelFilter(onlyUniform, summary.singleValued, 'drop-single-value')).toThrow(/shapes: every val mask holds a single value/);
  });
});
