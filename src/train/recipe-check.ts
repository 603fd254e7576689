/**
 * @file The recipe's values checked before a run, one message per setting, so a form can flag the
 * field itself (and the run is refused with the same words). Pure: no DOM.
 */
import type { RecipeValues } from './recipe';

export type CheckedValues = RecipeValues & { evalEvery: number; seed: number };
export type RecipeProblems = Partial<Record<keyof CheckedValues, string>>;

/** What the model fixes: crops are whole patches, `last:K` needs K ≤ depth. */
export interface ModelShape {
  patchSize: number;
  depth: number;
}

const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;

export function recipeProblems(c: CheckedValues, model?: ModelShape): RecipeProblems {
  const out: RecipeProblems = {};
  const count = (key: 'steps' | 'batch' | 'accum', what: string) => {
    if (!whole(c[key], 1)) out[key] = `${what} must be a whole number ≥ 1`;
  };
  count('steps', 'steps');
  count('batch', 'batch');
  count('accum', 'accumulation');
  const patch = model?.patchSize ?? 1;
  if (!whole(c.crop, 1)) out.crop = 'crop must be a whole number of pixels ≥ 1';
  else if (c.crop % patch) {
    const above = Math.ceil(c.crop / patch) * patch;
    const below = above - patch >= patch ? above - patch : above + patch; // the two nearest whole-patch crops
    out.crop = `crop must be a multiple of the patch size ${patch} (e.g. ${Math.min(below, above)} or ${Math.max(below, above)})`;
  }
  for (const [key, what] of [['lrHead', 'decoder learning rate'], ['lrEncoder', 'encoder learning rate'], ['weightDecay', 'weight decay']] as const) {
    if (!Number.isFinite(c[key]) || c[key] < 0) out[key] = `${what} must be a number ≥ 0`;
  }
  if (!whole(c.evalEvery, 0)) out.evalEvery = 'eval every must be a whole number of steps ≥ 0 (0: at the end only)';
  if (!Number.isInteger(c.seed)) out.seed = 'seed must be a whole number';
  const last = /^last:(\d+)$/.exec(c.freeze);
  if (!last && c.freeze !== 'none' && c.freeze !== 'encoder') out.freeze = 'freeze must be none, encoder or last:K';
  else if (last && (Number(last[1]) < 1 || (model && Number(last[1]) > model.depth))) {
    out.freeze = `last:K trains the last K blocks: K from 1 to ${model?.depth ?? 'the depth'}`;
  }
  return out;
}
