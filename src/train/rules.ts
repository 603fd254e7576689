/**
 * @file A recipe's rules turned into the options of the code that runs them. The CLI
 * (src/cli/train.ts) and the browser worker (src/worker/prepare.ts, trainer.ts) both build their
 * batches, evaluation, optimizer and training set through `recipeOptions` and `applyLabelFilter`,
 * so a rule cannot apply in one shell and not in the other.
 */
import type { BatchOptions } from '../data/batches';
import type { Dataset, SampleRef } from '../data/dataset';
import { windowsOf, type EvalProcedure } from './evaluate';
import { RECIPES, type LabelFilter, type RecipeName, type RecipeRules, type WeightDecayScope } from './recipe';
import { MIOU_WORDS, type MIoUDefinition } from './metrics';
import type { ModelSettings } from './session';

/** The rules of a recipe; a run recorded before recipes existed (no name) followed the demo's. */
export function rulesOf(recipe: RecipeName | undefined): RecipeRules {
  return { ...RECIPES[recipe ?? 'demo'].rules };
}

/** What both shells know about a run when they build its parts. */
export interface RunValues {
  batch: number;
  crop: number;
  augment: boolean;
  shuffle: boolean;
  seed: number;
  lrHead: number;
  lrEncoder: number;
  weightDecay: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export interface RecipeOptions {
  /** For `BatchStream` / `FeatureCache`: the augmentation family is the recipe's. */
  batches: BatchOptions;
  /** For `evaluateDataset`, the model file's record and the viewer's predictions: the windows and the mIoU are the recipe's. */
  evaluation: EvalProcedure & { batch: number };
  /** For the engines (HostEngine, GpuEngine): which parameters decay is the recipe's. */
  optimizer: { lrHead: number; lrEncoder: number; weightDecay: number; weightDecayScope: WeightDecayScope };
  /** For `prepareRun`: how SAM's rel-pos tables are loaded is the recipe's. */
  model: Pick<ModelSettings, 'resizeRelPos'>;
}

export function recipeOptions(rules: RecipeRules, v: RunValues): RecipeOptions {
  const { batch, crop, mean, std } = v;
  return {
    batches: { batch, crop, augment: v.augment, augmentation: rules.augmentation, shuffle: v.shuffle, seed: v.seed, mean, std },
    evaluation: { ...evaluationProcedure(rules, crop, mean, std), batch },
    optimizer: { lrHead: v.lrHead, lrEncoder: v.lrEncoder, weightDecay: v.weightDecay, weightDecayScope: rules.weightDecayScope },
    model: { resizeRelPos: rules.samRelPos === 'resized-once' },
  };
}

/** The procedure a run's evaluation follows under `rules` at `crop` with this normalisation. */
export function evaluationProcedure(rules: Pick<RecipeRules, 'windowLayout' | 'miou'>, crop: number, mean: [number, number, number], std: [number, number, number]): EvalProcedure {
  return { crop, ...windowsOf(rules), mean, std, miou: rules.miou ?? 'present-classes' };
}

/**
 * The benchmark's label filter (datasets/dataset.py keeps a sample only when its label map's
 * min ≠ max): a copy of the dataset without the single-valued samples of either split. The given
 * dataset is left as it is (the browser keeps it loaded for other runs and the viewer). A split
 * the filter empties is an error naming the dataset.
 */
export function applyLabelFilter(ds: Dataset, singleValued: SampleRef[], filter: LabelFilter): { ds: Dataset; dropped: SampleRef[] } {
  if (filter === 'none' || !singleValued.length) return { ds, dropped: [] };
  const kept: Dataset = { ...ds, train: keptRefs(ds.train, singleValued, filter), val: keptRefs(ds.val, singleValued, filter) };
  for (const split of ['train', 'val'] as const) {
    if (!kept[split].length) {
      throw new Error(`${ds.name}: every ${split} mask holds a single value, and the benchmark recipe's label filter leaves such images out; use the demo recipe to keep them`);
    }
  }
  return { ds: kept, dropped: singleValued.filter((r) => ds.train.includes(r) || ds.val.includes(r)) };
}

/** The samples of one split that the label filter keeps (all of them under 'none'). */
export function keptRefs(refs: SampleRef[], singleValued: SampleRef[], filter: LabelFilter): SampleRef[] {
  if (filter === 'none' || !singleValued.length) return refs;
  const drop = new Set(singleValued);
  return refs.filter((r) => !drop.has(r));
}

/** One line naming what the label filter left out. */
export function describeDropped(dropped: SampleRef[]): string {
  return `label filter: left out ${dropped.length} image(s) whose mask holds a single value (${dropped.slice(0, 3).map((r) => r.mask).join(', ')}${dropped.length > 3 ? ', …' : ''})`;
}

/**
 * Which mIoU a table of runs shows, in one line ("mIoU: mean over all classes, … (ade20k, voc);
 * mean over the classes present … (custom)"): each row's own definition (its run's recipe rule;
 * rows without one: the mean over the classes present), named by the recipe labels it shows.
 */
export function describeMIoUs(rows: { recipe: string; mIoUDefinition?: MIoUDefinition }[]): string {
  const byDefinition = new Map<string, Set<string>>();
  for (const r of rows) {
    const words = MIOU_WORDS[r.mIoUDefinition ?? 'present-classes'];
    byDefinition.set(words, (byDefinition.get(words) ?? new Set()).add(r.recipe));
  }
  return `mIoU: ${[...byDefinition].map(([words, names]) => `${words} (${[...names].join(', ')})`).join('; ')}`;
}

/** The rules in words: the CLI's log, the browser's notices and its recipe panel. */
export function ruleWords(r: RecipeRules): string {
  return `weight decay on ${r.weightDecayScope === 'all' ? 'all parameters' : '≥2-D weights'}, ${r.windowLayout} evaluation windows, ${r.augmentation} augmentation, ${r.labelFilter} label filter, SAM rel-pos tables ${r.samRelPos}, mIoU ${MIOU_WORDS[r.miou ?? 'present-classes']}`;
}

export function describeRules(recipe: RecipeName, r: RecipeRules): string {
  return `recipe ${recipe}: ${ruleWords(r)}`;
}
