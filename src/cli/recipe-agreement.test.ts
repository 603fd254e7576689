/**
 * The recipe schema's users agree: for each bad value, `vfm-lab train` (an option and a recorded
 * config.json), the browser form's inline check and a saved benchmark queue all refuse it and name
 * the same setting with the same words; for each good edge value, all of them accept it.
 */
import { describe, expect, it } from 'vitest';
import { RECIPE_SETTINGS, type RecipeSettings } from '../train/recipe-schema';
import { recipeProblems, type CheckedValues } from '../train/recipe-check';
import { createQueue, parseQueue } from '../worker/queue';
import { parseTrainArgs, recordedSettings, SPEC, TRAIN_HELP } from './train-options';

const OK: RecipeSettings = {
  recipe: 'demo', steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 50,
};
const base = ['--model', 'm.safetensors', '--data', 'd', '--out', 'o'];
const cli = (key: keyof RecipeSettings, value: unknown) => parseTrainArgs([...base, `--${RECIPE_SETTINGS[key].flag}=${value}`]);
const form = (key: keyof CheckedValues, value: unknown) => recipeProblems({ ...OK, [key]: value });
const queue = (key: keyof RecipeSettings, value: unknown) => {
  const q = createQueue('demo', OK, [{ name: 'demo', model: { kind: 'demo' } }]);
  return parseQueue(JSON.stringify({ ...q, config: { ...q.config, [key]: value } }), 'q.json');
};
const recorded = (key: keyof RecipeSettings, value: unknown) => {
  const r = parseTrainArgs(base);
  if (r.kind !== 'fresh') throw new Error('expected a fresh run');
  return recordedSettings({ ...r.settings, [key]: value }, 'o/config.json');
};

const BAD: [keyof CheckedValues, number | string][] = [
  ['steps', 0], ['steps', 2.5], ['batch', 0], ['batch', 1.5], ['accum', -1], ['crop', 0], ['crop', 12.5],
  ['lrHead', -1], ['lrEncoder', -1e-5], ['weightDecay', -0.05], ['schedule', 'cosine'],
  ['freeze', 'half'], ['freeze', 'last:0'], ['freeze', 'last:'], ['evalEvery', -1], ['evalEvery', 2.5], ['seed', 0.5],
];
const GOOD: [keyof CheckedValues, number | string][] = [
  ['steps', 1], ['batch', 1], ['accum', 1], ['crop', 1], ['lrHead', 0], ['lrEncoder', 0], ['weightDecay', 0],
  ['schedule', 'constant'], ['freeze', 'encoder'], ['freeze', 'last:1'], ['evalEvery', 0], ['seed', -3],
];

describe('one recipe schema, four users', () => {
  it.each(BAD)('%s = %j is refused by the CLI, a config.json, the form and a saved queue, each naming the setting', (key, value) => {
    const { flag, label, must } = RECIPE_SETTINGS[key];
    expect(() => cli(key, value)).toThrow(`--${flag} must be ${must}; got "${value}"`);
    expect(() => recorded(key, value)).toThrow(`o/config.json: cannot resume from it — ${key}: must be ${must}`);
    expect(form(key, value)).toEqual({ [key]: `${label} must be ${must}` });
    expect(() => queue(key, value)).toThrow(`q.json: the saved benchmark queue is damaged — config.${key}: must be ${must}`);
  });

  it.each(GOOD)('%s = %j is accepted by all four', (key, value) => {
    const run = cli(key, value);
    expect(run.kind === 'fresh' && run.settings[key]).toBe(value);
    expect(recorded(key, value)[key]).toBe(value);
    expect(form(key, value)).toEqual({});
    expect(queue(key, value).config[key]).toBe(value);
  });

  it('every setting has its own `vfm-lab train` option, listed in --help, and its own form name', () => {
    const settings = Object.values(RECIPE_SETTINGS);
    for (const { flag } of settings) {
      expect(SPEC).toHaveProperty([flag]);
      expect(TRAIN_HELP).toContain(`--${flag}`);
    }
    expect(new Set(settings.map((s) => s.flag)).size).toBe(settings.length);
    expect(new Set(settings.map((s) => s.label)).size).toBe(settings.length);
  });
});
