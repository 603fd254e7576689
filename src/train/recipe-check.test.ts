import { describe, expect, it } from 'vitest';
import { recipeProblems, type CheckedValues } from './recipe-check';

const ok: CheckedValues = {
  steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: true, evalEvery: 50, seed: 0,
};
const vit = { patchSize: 16, depth: 12 };

describe('recipeProblems', () => {
  it('accepts the demo recipe and the freeze options', () => {
    expect(recipeProblems(ok, vit)).toEqual({});
    for (const freeze of ['none', 'encoder', 'last:1', 'last:12']) expect(recipeProblems({ ...ok, freeze }, vit)).toEqual({});
  });

  it('names the field: steps 0, a fractional batch, accumulation NaN (an emptied field)', () => {
    expect(Object.keys(recipeProblems({ ...ok, steps: 0, batch: 1.5, accum: NaN }, vit)).sort()).toEqual(['accum', 'batch', 'steps']);
    expect(recipeProblems({ ...ok, steps: 0 }, vit).steps).toMatch(/steps must be a whole number ≥ 1/);
  });

  it('a crop that is not whole patches says which crops would do', () => {
    expect(recipeProblems({ ...ok, crop: 65 }, vit).crop).toBe('crop must be a multiple of the patch size 16 (e.g. 64 or 80)');
    expect(recipeProblems({ ...ok, crop: 10 }, vit).crop).toBe('crop must be a multiple of the patch size 16 (e.g. 16 or 32)');
    expect(recipeProblems({ ...ok, crop: 72 }, { patchSize: 8, depth: 2 })).toEqual({});
    expect(recipeProblems({ ...ok, crop: 0 }, vit).crop).toMatch(/≥ 1/);
  });

  it('negative rates, a fractional eval interval, a bad freeze, last:K beyond the depth', () => {
    const p = recipeProblems({ ...ok, lrHead: -1, weightDecay: NaN, evalEvery: 2.5, seed: 0.5, freeze: 'decoder' }, vit);
    expect(Object.keys(p).sort()).toEqual(['evalEvery', 'freeze', 'lrHead', 'seed', 'weightDecay']);
    expect(recipeProblems({ ...ok, freeze: 'last:13' }, vit).freeze).toBe('freeze must be none, encoder or last:K with 1 ≤ K ≤ 12');
    expect(recipeProblems({ ...ok, freeze: 'last:0' }, vit).freeze).toBe('freeze must be none, encoder or last:K with 1 ≤ K ≤ the depth');
  });
});
