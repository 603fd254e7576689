/**
 * @file Recipe presets for the form: the shared recipes of src/train/recipe.ts as full browser
 * configs. The demo keeps the browser's own (higher) learning rates for the tiny embedded model.
 */
import { RECIPE_NAMES, RECIPES, resolveRecipe, type RecipeName } from '../../train/recipe';
import type { TrainConfig } from '../../worker/api';

/** The embedded demo: a tiny model that learns in a few hundred steps, so higher learning rates. */
export const DEMO_RECIPE: TrainConfig = {
  recipe: 'demo', steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 50,
};

/** The benchmark's rules and optimisation settings (Kerssies et al.): full fine-tuning, AdamW, poly decay. Crop and batch stay the user's. */
export const BENCHMARK_SETTINGS: Partial<TrainConfig> = {
  recipe: 'benchmark', lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true,
};

/**
 * Every field of the form for each recipe: the demo's run size where the recipe has none
 * (`benchmark`), the dataset's crop, steps and 1 × 16 otherwise; evaluation every 1000 steps
 * as the benchmark's configs (`val_check_interval: 1000`), or the demo's 50 for short runs.
 */
export const RECIPE_PRESETS: Record<RecipeName, TrainConfig> = Object.fromEntries(RECIPE_NAMES.map((name) => {
  if (name === 'demo') return [name, DEMO_RECIPE];
  const explicit = RECIPES[name].values.steps ? {} : { steps: DEMO_RECIPE.steps, crop: DEMO_RECIPE.crop, batch: DEMO_RECIPE.batch, accum: DEMO_RECIPE.accum };
  const v = resolveRecipe(name, explicit).values;
  return [name, { ...DEMO_RECIPE, ...v, recipe: name, evalEvery: v.steps >= 10000 ? 1000 : DEMO_RECIPE.evalEvery }];
})) as Record<RecipeName, TrainConfig>;

/** The recipe whose every field the config equals, or undefined once a field was edited. */
export function activeRecipe(config: TrainConfig): RecipeName | undefined {
  const keys = Object.keys(DEMO_RECIPE) as (keyof TrainConfig)[];
  return RECIPE_NAMES.find((n) => keys.every((k) => RECIPE_PRESETS[n][k] === config[k]));
}
