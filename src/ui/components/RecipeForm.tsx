/** @file The recipe with the benchmark's defaults and one line on what each setting does. */
import type { ReactNode } from 'react';
import type { TrainConfig } from '../../worker/api';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { RECIPE_NAMES, RECIPES, type RecipeName } from '../../train/recipe';
import { recipeProblems } from '../../train/recipe-check';
import { ruleWords, rulesOf } from '../../train/rules';
import { BENCHMARK_SETTINGS, DEMO_RECIPE, RECIPE_PRESETS, activeRecipe } from '../store';

type NumberKey = { [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never }[keyof TrainConfig];
const NUMBERS: [NumberKey, string, string, number?][] = [
  ['steps', 'Steps', 'optimizer steps in the run', 1],
  ['crop', 'Crop', 'training crop and sliding-window size (px, a multiple of the patch)', 1],
  ['batch', 'Batch', 'images per forward/backward pass', 1],
  ['accum', 'Accumulation', 'passes per optimizer step (effective batch = batch × this)', 1],
  ['lrHead', 'LR decoder', 'AdamW learning rate of the linear decoder'],
  ['lrEncoder', 'LR encoder', 'AdamW learning rate of the backbone (usually 10× lower)'],
  ['weightDecay', 'Weight decay', "decoupled decay (the demo's rule: on ≥2-D weights; the benchmark's: on every parameter)"],
  ['evalEvery', 'Eval every', 'steps between validation mIoU evaluations (0: at the end)', 0],
  ['seed', 'Seed', 'shuffling, augmentation and decoder initialisation'],
];

type A11y = { id: string; 'aria-describedby': string; 'aria-invalid': boolean };

/** A labelled control; its one-line explanation (and what is wrong with it, if anything) is its description. */
function Field({ id, label, help, problem, children }: { id: string; label: string; help: string; problem?: string; children: (a11y: A11y) => ReactNode }) {
  return (
    <div className="field" title={help}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': problem ? `${id}-problem ${id}-help` : `${id}-help`, 'aria-invalid': !!problem })}
      {problem && <small id={`${id}-problem`} className="problem" data-testid={`${id}-problem`}>{problem}</small>}
      <small id={`${id}-help`}>{help}</small>
    </div>
  );
}

/** The freeze choices this model allows: none, the encoder, or its last K blocks. */
function freezeOptions(depth: number, current: string): [string, string][] {
  const opts: [string, string][] = [['none', 'none: full fine-tuning'], ['encoder', 'encoder: linear probe']];
  for (let k = 1; k <= depth; k++) opts.push([`last:${k}`, `last ${k} block${k > 1 ? 's' : ''}`]);
  if (!opts.some(([v]) => v === current)) opts.push([current, `${current} (not valid for this model)`]);
  return opts;
}

export function RecipeForm() {
  const config = useLab((s) => s.config);
  const setConfig = useLab((s) => s.setConfig);
  const locked = useLab((s) => isActive(s.runState));
  const model = useLab((s) => s.model);
  const problems = recipeProblems(config, model);
  const active = activeRecipe(config);
  return (
    <fieldset disabled={locked} className="recipe">
      <legend>Recipe</legend>
      <div className="presets-row">
        <button type="button" title="settings that learn the tiny demo in a few hundred steps (higher learning rates)" onClick={() => setConfig(DEMO_RECIPE)}>Demo defaults</button>
        <button type="button" title="decoder lr 1e-4, encoder lr 1e-5, weight decay 0.05, poly decay, full fine-tuning, augmentation" onClick={() => setConfig(BENCHMARK_SETTINGS)}>Benchmark settings</button>
      </div>
      <Field id="recipe-preset" label="Recipe" help="sets every field below to a recipe's values (src/train/recipe.ts, shared with vfm-lab train --recipe)">
        {(a11y) => (
          <select {...a11y} data-testid="recipe-preset" value={active ?? ''} onChange={(e) => e.target.value && setConfig(RECIPE_PRESETS[e.target.value as RecipeName])}>
            {!active && <option value="">custom (edited)</option>}
            {RECIPE_NAMES.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        )}
      </Field>
      <p className="recipe-active" data-testid="recipe-active" aria-live="polite">
        {active ? `Active recipe: ${active} — ${RECIPES[active].title}.` : 'Active recipe: none (a field was edited).'}
        {` Rules of ${config.recipe ?? 'demo'} (as vfm-lab train --recipe ${config.recipe ?? 'demo'}): ${ruleWords(rulesOf(config.recipe))}.`}
      </p>
      {NUMBERS.map(([key, label, help, min]) => (
        <Field key={key} id={`recipe-${key}`} label={label} help={help} problem={problems[key]}>
          {(a11y) => (
            // an emptied field is NaN in the recipe: flagged here, and Start waits for a number
            <input {...a11y} type="number" data-testid={`recipe-${key}`} min={min} step="any" value={Number.isFinite(config[key]) ? config[key] : ''}
              onChange={(e) => setConfig({ [key]: e.target.valueAsNumber })} />
          )}
        </Field>
      ))}
      <Field id="recipe-schedule" label="Schedule" help="poly decays both learning rates to 0 at the last step (the benchmark's choice)">
        {(a11y) => (
          <select {...a11y} value={config.schedule} onChange={(e) => setConfig({ schedule: e.target.value as 'poly' | 'constant' })}>
            <option value="poly">poly: lr·(1 − t/T)^0.9</option>
            <option value="constant">constant</option>
          </select>
        )}
      </Field>
      <Field id="recipe-freeze" label="Freeze" problem={problems.freeze} help="none (full fine-tuning), encoder (linear probe: without augmentation the encoder runs once per image and its features are cached) or the last K blocks">
        {(a11y) => (
          <select {...a11y} value={config.freeze} data-testid="recipe-freeze" onChange={(e) => setConfig({ freeze: e.target.value })}>
            {freezeOptions(model?.depth ?? 0, config.freeze).map(([v, text]) => <option key={v} value={v}>{text}</option>)}
          </select>
        )}
      </Field>
      <label className="check"><input type="checkbox" data-testid="recipe-augment" checked={config.augment} onChange={(e) => setConfig({ augment: e.target.checked })} /> augmentation (scale, crop, flip, colour)</label>
      <label className="check"><input type="checkbox" data-testid="recipe-shuffle" checked={config.shuffle} onChange={(e) => setConfig({ shuffle: e.target.checked })} /> shuffle</label>
    </fieldset>
  );
}
