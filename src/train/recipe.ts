/**
 * @file Recipes as data, shared by the CLI (`vfm-lab train --recipe NAME`) and the browser's
 * recipe panel. A recipe is a set of values (steps, crop, batch, learning rates…) and a set of
 * named rules (which parameters decay, how evaluation windows are laid out). Resolving a recipe
 * merges demo values ← recipe values ← explicit options, so an option given explicitly always
 * wins, and the result names every rule, so a run's config.json says exactly what it did.
 *
 * The benchmark is tue-mps/benchmark-vfm-ss (Kerssies et al.); citations are to its files:
 *   training/linear_semantic.py   lr 1e-4, weight_decay 0.05, poly power 0.9, lr_multiplier_encoder 0.1
 *   training/lightning_module.py  AdamW over every parameter with one weight_decay (no exemptions);
 *                                 window_imgs_semantic / revert_window_logits_semantic (evaluation)
 *   configs/ade20k_linear_semantic.yaml       max_steps 40000
 *   configs/pascal_voc_linear_semantic.yaml   max_steps 20000
 *   configs/cityscapes_linear_semantic.yaml   max_steps 20000
 *   configs/gta5_linear_semantic.yaml         max_steps 20000 (datasets/gta5.py: img_size 1024, batch_size 1;
 *                                             trains on GTA5, validates on Cityscapes val: src/data/gta5.ts)
 *   datasets/ade20k.py, pascal_voc.py (img_size 512), cityscapes.py (img_size 1024), batch_size 1
 *   models/encoder.py             interpolate_rel_pos: SAM's rel-pos tables resized once to 2·n+1
 *   training/lightning_module.py  mIoU = MulticlassJaccardIndex(average=None).compute().mean(): all classes
 * Accumulation 16 (the paper's effective batch of 16) is not in those files; it is the paper's.
 */

import type { MIoUDefinition } from './metrics';

export const RECIPE_NAMES = ['demo', 'benchmark', 'ade20k', 'voc', 'cityscapes', 'gta5'] as const;
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** `matrices`: decay ≥2-D weights except norms, tokens, position tables (the demo's). `all`: every parameter (the benchmark's). */
export type WeightDecayScope = 'matrices' | 'all';
/**
 * `grid-2/3`: short side to the crop, a 2-D grid of crop windows at stride ⌈2S/3⌉ (the demo's).
 * `long-side`: short side to the crop with antialias, ⌈L/S⌉ windows along the long side with the
 * overlap spread evenly (the benchmark's `window_imgs_semantic`).
 */
export type WindowLayout = 'grid-2/3' | 'long-side';
/**
 * `demo`: mmseg-like scale of the native size, crop, flip, additive YIQ jitter (src/data/augment.ts).
 * `torchvision`: the benchmark's datasets/transforms.py (src/data/augment-benchmark.ts).
 */
export type AugmentationFamily = 'demo' | 'torchvision';
/** `drop-single-value`: training and validation images whose label map holds one value are left out (datasets/dataset.py). */
export type LabelFilter = 'none' | 'drop-single-value';
/**
 * SAM only. `checkpoint-length`: the rel-pos tables keep the checkpoint's length, resized to the
 * window inside the graph (the demo's). `resized-once`: resized at load to 2·n+1 entries and
 * trained at that length (the benchmark's models/encoder.py; see src/model/families/sam.ts).
 */
export type SamRelPos = 'checkpoint-length' | 'resized-once';

export interface RecipeRules {
  weightDecayScope: WeightDecayScope;
  windowLayout: WindowLayout;
  augmentation: AugmentationFamily;
  labelFilter: LabelFilter;
  samRelPos: SamRelPos;
  /**
   * Which mean of the per-class IoUs is the run's mIoU (src/train/metrics.ts): the benchmark's is
   * over all classes. Absent in runs recorded before the rule: they reported `present-classes`.
   */
  miou?: MIoUDefinition;
}

/** The values a recipe sets; each has a CLI option that overrides it. */
export interface RecipeValues {
  steps: number;
  crop: number;
  batch: number;
  accum: number;
  lrHead: number;
  lrEncoder: number;
  weightDecay: number;
  schedule: 'poly' | 'constant';
  /** 'none' | 'encoder' | 'last:K' */
  freeze: string;
  augment: boolean;
}

export interface Recipe {
  name: RecipeName;
  title: string;
  rules: RecipeRules;
  /** What the recipe sets; anything missing comes from the demo recipe. */
  values: Partial<RecipeValues>;
}

const DEMO_VALUES: RecipeValues = {
  steps: 200, crop: 64, batch: 8, accum: 1, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true,
};
const BENCHMARK_RULES: RecipeRules = {
  weightDecayScope: 'all', windowLayout: 'long-side', augmentation: 'torchvision', labelFilter: 'drop-single-value', samRelPos: 'resized-once', miou: 'all-classes',
};
const DEMO_RULES: RecipeRules = { weightDecayScope: 'matrices', windowLayout: 'grid-2/3', augmentation: 'demo', labelFilter: 'none', samRelPos: 'checkpoint-length', miou: 'present-classes' };
/** training/linear_semantic.py: lr 1e-4, encoder ×0.1, weight_decay 0.05, PolynomialLR power 0.9, full fine-tuning. */
const BENCHMARK_OPTIMISATION: Partial<RecipeValues> = { lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true };
const perDataset = (crop: number, steps: number): Partial<RecipeValues> => ({ ...BENCHMARK_OPTIMISATION, crop, steps, batch: 1, accum: 16 });

export const RECIPES: Record<RecipeName, Recipe> = {
  demo: { name: 'demo', title: 'Demo (small, fast; decay on ≥2-D weights only, 2-D grid windows)', rules: DEMO_RULES, values: DEMO_VALUES },
  benchmark: { name: 'benchmark', title: "Benchmark rules at the demo's run size", rules: BENCHMARK_RULES, values: BENCHMARK_OPTIMISATION },
  ade20k: { name: 'ade20k', title: 'Benchmark, ADE20K: 512 px, 40 000 steps, 1 × 16', rules: BENCHMARK_RULES, values: perDataset(512, 40000) },
  voc: { name: 'voc', title: 'Benchmark, Pascal VOC: 512 px, 20 000 steps, 1 × 16', rules: BENCHMARK_RULES, values: perDataset(512, 20000) },
  cityscapes: { name: 'cityscapes', title: 'Benchmark, Cityscapes: 1024 px, 20 000 steps, 1 × 16', rules: BENCHMARK_RULES, values: perDataset(1024, 20000) },
  gta5: { name: 'gta5', title: 'Benchmark, GTA5 → Cityscapes val: 1024 px, 20 000 steps, 1 × 16', rules: BENCHMARK_RULES, values: perDataset(1024, 20000) },
};

export function isRecipeName(s: string): s is RecipeName {
  return (RECIPE_NAMES as readonly string[]).includes(s);
}

export interface ResolvedRecipe {
  recipe: RecipeName;
  rules: RecipeRules;
  values: RecipeValues;
  /** The values that came from an explicit option rather than the recipe. */
  overridden: (keyof RecipeValues)[];
}

/** demo values ← the recipe's ← explicit ones (undefined entries are "not given"). */
export function resolveRecipe(name: RecipeName, explicit: Partial<RecipeValues> = {}): ResolvedRecipe {
  const r = RECIPES[name];
  const given = Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined)) as Partial<RecipeValues>;
  return { recipe: name, rules: { ...r.rules }, values: { ...DEMO_VALUES, ...r.values, ...given }, overridden: Object.keys(given) as (keyof RecipeValues)[] };
}
