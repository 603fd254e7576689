/**
 * @file A run's recipe settings described once: for every field, its type, range, whole-number
 * rule or allowed values, the words that say what a good value is, the name the form gives it and
 * the `vfm-lab train` option that sets it. Every check of a recipe derives from this table:
 *   - the browser form's inline messages (`recipeProblems` in recipe-check.ts: "steps must be …"),
 *   - `vfm-lab train`'s options and its recorded config.json (src/cli/train-options.ts: "--steps must be …"),
 *   - a saved benchmark queue's config (src/worker/queue.ts: "config.steps: must be …").
 * What depends on the model (a crop of whole patches, last:K within the depth) is checked where
 * the model is known. Pure: zod only.
 */
import { z } from 'zod';
import { RECIPE_NAMES, type RecipeName, type RecipeValues } from './recipe';

/** Everything a run's recipe sets: the recipe's values plus what every run chooses besides. */
export interface RecipeSettings extends RecipeValues {
  /** The recipe whose rules the run follows; runs and queues saved before recipes existed: the demo's. */
  recipe: RecipeName;
  shuffle: boolean;
  seed: number;
  evalEvery: number;
}

type Kind =
  | { type: 'number'; integer: boolean; min?: number }
  | { type: 'choice'; values: readonly [string, ...string[]] }
  | { type: 'freeze' }
  /** true or false; the CLI option is the switch that turns it off (`--no-augment`). */
  | { type: 'switch' };

export interface Setting {
  /** What the form calls it: its message starts with this ("eval every must be …"). */
  label: string;
  /** The `vfm-lab train` option that sets it, without the dashes. */
  flag: string;
  /** What a good value is, as the words after "must be". */
  must: string;
  kind: Kind;
}

/** What a good freeze is, with the model's depth once it is known: one wording for the form, the CLI and the compiler. */
export function freezeMust(depth: number | string): string {
  return `none, encoder or last:K with 1 ≤ K ≤ ${depth}`;
}

const count = (label: string, flag: string): Setting => ({ label, flag, must: 'a whole number ≥ 1', kind: { type: 'number', integer: true, min: 1 } });
const rate = (label: string, flag: string): Setting => ({ label, flag, must: 'a number ≥ 0', kind: { type: 'number', integer: false, min: 0 } });

/** One entry per field (a mapped type: a field without an entry does not compile). */
export const RECIPE_SETTINGS: { [K in keyof RecipeSettings]: Setting } = {
  recipe: { label: 'recipe', flag: 'recipe', must: `one of ${RECIPE_NAMES.join(', ')}`, kind: { type: 'choice', values: RECIPE_NAMES } },
  steps: count('steps', 'steps'),
  crop: { label: 'crop', flag: 'crop', must: 'a whole number of pixels ≥ 1', kind: { type: 'number', integer: true, min: 1 } },
  batch: count('batch', 'batch'),
  accum: count('accumulation', 'accum'),
  lrHead: rate('decoder learning rate', 'lr-head'),
  lrEncoder: rate('encoder learning rate', 'lr-encoder'),
  weightDecay: rate('weight decay', 'weight-decay'),
  schedule: { label: 'schedule', flag: 'schedule', must: 'poly or constant', kind: { type: 'choice', values: ['poly', 'constant'] } },
  freeze: { label: 'freeze', flag: 'freeze', must: freezeMust('the depth'), kind: { type: 'freeze' } },
  augment: { label: 'augmentation', flag: 'no-augment', must: 'true or false', kind: { type: 'switch' } },
  shuffle: { label: 'shuffle', flag: 'no-shuffle', must: 'true or false', kind: { type: 'switch' } },
  seed: { label: 'seed', flag: 'seed', must: 'a whole number', kind: { type: 'number', integer: true } },
  evalEvery: { label: 'eval every', flag: 'eval-every', must: 'a whole number of steps ≥ 0 (0: at the end only)', kind: { type: 'number', integer: true, min: 0 } },
};

/** `none`, `encoder` or `last:K` with K ≥ 1 (K ≤ the depth is checked with the model). */
const isFreeze = (s: string) => s === 'none' || s === 'encoder' || (/^last:\d+$/.test(s) && Number(s.slice(5)) >= 1);

function schemaOf(s: Setting): z.ZodType {
  // a wrong type keeps zod's own words ("expected number, received string"); a wrong value gets ours
  const error = `must be ${s.must}`;
  const k = s.kind;
  switch (k.type) {
    case 'number': {
      let n = z.number();
      if (k.integer) n = n.int({ error });
      return k.min === undefined ? n : n.min(k.min, { error });
    }
    case 'choice': return z.enum(k.values, { error });
    case 'freeze': return z.string().refine(isFreeze, { error });
    case 'switch': return z.boolean();
  }
}

type Shape = { [K in keyof RecipeSettings]: z.ZodType<RecipeSettings[K]> };
/** The zod shape of the settings, to spread into a larger object (config.json, a saved queue). */
export const RECIPE_SHAPE = Object.fromEntries(
  Object.entries(RECIPE_SETTINGS).map(([key, s]) => [key, key === 'recipe' ? schemaOf(s).default('demo') : schemaOf(s)]),
) as Shape;

/** What is wrong with one setting's value ("must be a whole number ≥ 1"), or undefined when it is good. */
export function settingProblem<K extends keyof RecipeSettings>(key: K, value: unknown): string | undefined {
  return RECIPE_SHAPE[key].safeParse(value).success ? undefined : `must be ${RECIPE_SETTINGS[key].must}`;
}
