/**
 * @file The recipe's values checked before a run, one message per setting, so a form can flag the
 * field itself (and the run is refused with the same words). The rules are the recipe schema's
 * (recipe-schema.ts, shared with the CLI and the saved queue); what the model fixes is added here.
 * Pure: no DOM.
 */
import { RECIPE_SETTINGS, freezeMust, settingProblem, type RecipeSettings } from './recipe-schema';

/** The settings the form's fields edit (the recipe and shuffle are a select and a checkbox: always valid). */
export type CheckedValues = Omit<RecipeSettings, 'recipe' | 'shuffle'>;
export type RecipeProblems = Partial<Record<keyof CheckedValues, string>>;

/** What the model fixes: crops are whole patches, `last:K` needs K ≤ depth. */
export interface ModelShape {
  patchSize: number;
  depth: number;
}

const FORM_KEYS = (Object.keys(RECIPE_SETTINGS) as (keyof RecipeSettings)[]).filter((k): k is keyof CheckedValues => k !== 'recipe' && k !== 'shuffle');

export function recipeProblems(c: CheckedValues, model?: ModelShape): RecipeProblems {
  const out: RecipeProblems = {};
  for (const key of FORM_KEYS) {
    const problem = settingProblem(key, c[key]);
    if (problem) out[key] = `${RECIPE_SETTINGS[key].label} ${problem}`;
  }
  if (!model) return out;
  const patch = model.patchSize;
  if (!out.crop && c.crop % patch) {
    const above = Math.ceil(c.crop / patch) * patch;
    const below = above - patch >= patch ? above - patch : above + patch; // the two nearest whole-patch crops
    out.crop = `crop must be a multiple of the patch size ${patch} (e.g. ${Math.min(below, above)} or ${Math.max(below, above)})`;
  }
  const last = /^last:(\d+)$/.exec(c.freeze);
  if (!out.freeze && last && Number(last[1]) > model.depth) out.freeze = `${RECIPE_SETTINGS.freeze.label} must be ${freezeMust(model.depth)}`;
  return out;
}
