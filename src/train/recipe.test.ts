/** Recipes as data: demo ← recipe ← explicit values, and every recipe names its rules. */
import { describe, expect, it } from 'vitest';
import { RECIPE_NAMES, RECIPES, resolveRecipe } from './recipe';

describe('recipes', () => {
  it('ade20k is the benchmark on ADE20K: 512 px, 40 000 steps, batch 1 × 16, lr 1e-4 / 1e-5, wd 0.05 on all parameters, long-side windows', () => {
    const r = resolveRecipe('ade20k');
    expect(r.values).toEqual({ crop: 512, steps: 40000, batch: 1, accum: 16, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true });
    expect(r.rules).toEqual({ weightDecayScope: 'all', windowLayout: 'long-side', augmentation: 'torchvision', labelFilter: 'drop-single-value', samRelPos: 'resized-once', miou: 'all-classes' });
    expect(r.overridden).toEqual([]);
  });

  it('voc and cityscapes carry their own crop and iterations (configs/*_linear_semantic.yaml, datasets/*.py)', () => {
    expect(resolveRecipe('voc').values).toMatchObject({ crop: 512, steps: 20000, batch: 1, accum: 16 });
    expect(resolveRecipe('cityscapes').values).toMatchObject({ crop: 1024, steps: 20000, batch: 1, accum: 16 });
  });

  it('gta5 is configs/gta5_linear_semantic.yaml: 20 000 steps, 1024 px, batch 1 × 16, the benchmark rules', () => {
    expect(resolveRecipe('gta5').values).toEqual(resolveRecipe('cityscapes').values);
    expect(resolveRecipe('gta5').rules).toEqual(resolveRecipe('ade20k').rules);
  });

  it("benchmark keeps the demo's run size with the benchmark's rules; demo keeps its own rules, named", () => {
    const demo = resolveRecipe('demo'), bench = resolveRecipe('benchmark');
    expect(bench.values).toEqual({ ...demo.values, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05 });
    expect(bench.rules).toEqual(RECIPES.ade20k.rules);
    expect(demo.rules).toEqual({ weightDecayScope: 'matrices', windowLayout: 'grid-2/3', augmentation: 'demo', labelFilter: 'none', samRelPos: 'checkpoint-length', miou: 'present-classes' });
  });

  it('an explicit value overrides the recipe, an undefined one does not', () => {
    const r = resolveRecipe('ade20k', { crop: 64, steps: 3, batch: undefined, weightDecay: 0 });
    expect(r.values).toMatchObject({ crop: 64, steps: 3, batch: 1, accum: 16, weightDecay: 0 });
    expect(r.overridden.sort()).toEqual(['crop', 'steps', 'weightDecay']);
    expect(r.rules.weightDecayScope).toBe('all');
  });

  it('every name has a recipe of that name', () => {
    for (const n of RECIPE_NAMES) expect(RECIPES[n].name).toBe(n);
  });
});
