/** `vfm-lab train` options: checked in full up front; --resume takes nothing but --out; config.json is schema-checked on resume. */
import { describe, expect, it } from 'vitest';
import { evaluationProcedure } from '../train/rules';
import { CliError } from './args';
import { parseTrainArgs, recordedSettings } from './train-options';

const base = ['--model', 'm.safetensors', '--data', 'd', '--out', 'o'];
const fresh = (...more: string[]) => {
  const r = parseTrainArgs([...base, ...more]);
  if (r.kind !== 'fresh') throw new Error('expected a fresh run');
  return r;
};

describe('train options', () => {
  it('--save-every defaults to the evaluation interval, else every 100 steps (or the run length when shorter)', () => {
    expect(fresh('--eval-every', '25').settings.saveEvery).toBe(25);
    expect(fresh().settings.saveEvery).toBe(100);
    expect(fresh('--steps', '30').settings.saveEvery).toBe(30);
    expect(fresh('--save-every', '7', '--eval-every', '25').settings.saveEvery).toBe(7);
    expect(fresh('--overwrite').overwrite).toBe(true);
    expect(fresh('--max-pixels', '2').settings.maxPixels).toBe(2e6);
  });

  it('--recipe ade20k resolves to 512 / 40000 / 1 × 16 / 1e-4 / 1e-5 / 0.05 on all parameters; explicit options override', () => {
    const s = fresh('--recipe', 'ade20k').settings;
    expect(s).toMatchObject({ recipe: 'ade20k', crop: 512, steps: 40000, batch: 1, accum: 16, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true });
    expect(s.rules).toEqual({ weightDecayScope: 'all', windowLayout: 'long-side', augmentation: 'torchvision', labelFilter: 'drop-single-value', samRelPos: 'resized-once', miou: 'all-classes' });
    const o = fresh('--recipe', 'ade20k', '--crop', '64', '--steps', '5', '--accum', '2', '--lr-head', '3e-4', '--weight-decay', '0', '--no-augment', '--schedule', 'constant').settings;
    expect(o).toMatchObject({ recipe: 'ade20k', crop: 64, steps: 5, batch: 1, accum: 2, lrHead: 3e-4, lrEncoder: 1e-5, weightDecay: 0, augment: false, schedule: 'constant' });
    expect(o.rules.weightDecayScope).toBe('all');
    expect(fresh().settings).toMatchObject({ recipe: 'demo', steps: 200, batch: 8, crop: 64, rules: { weightDecayScope: 'matrices', windowLayout: 'grid-2/3', augmentation: 'demo', labelFilter: 'none', samRelPos: 'checkpoint-length', miou: 'present-classes' } });
    expect(() => fresh('--recipe', 'imagenet')).toThrow(/--recipe must be one of demo, benchmark, ade20k, voc, cityscapes, gta5; got "imagenet"/);
  });

  it('a config.json written before recipes existed resumes with the demo recipe and rules', () => {
    const { settings } = fresh();
    const { recipe: _r, rules: _u, ...old } = settings;
    expect(recordedSettings(JSON.parse(JSON.stringify(old)), 'o/config.json')).toEqual(settings);
  });

  it("rules recorded before the SAM rule existed resume with SAM's tables at the checkpoint's length", () => {
    const { settings } = fresh('--recipe', 'ade20k');
    const { samRelPos: _s, ...rules } = settings.rules;
    expect(recordedSettings({ ...settings, rules }, 'o/config.json').rules).toEqual({ ...settings.rules, samRelPos: 'checkpoint-length' });
  });

  it('rules recorded before the mIoU rule existed resume with the mean over the classes present, as they were scored', () => {
    const { settings } = fresh('--recipe', 'ade20k');
    const { miou: _m, ...rules } = settings.rules;
    expect(recordedSettings({ ...settings, rules }, 'o/config.json').rules.miou).toBeUndefined();
    expect(evaluationProcedure(recordedSettings({ ...settings, rules }, 'o/config.json').rules, 64, [0, 0, 0], [1, 1, 1]).miou).toBe('present-classes');
    expect(evaluationProcedure(settings.rules, 64, [0, 0, 0], [1, 1, 1]).miou).toBe('all-classes');
  });

  it.each([
    [['--std', '0,0,0'], /--std must be three positive numbers/],
    [['--std', '1,-1,1'], /--std must be three positive numbers/],
    [['--save-every', '0'], /--save-every must be an integer ≥ 1/],
    [['--freeze', 'half'], /--freeze must be none, encoder or last:K/],
    [['--max-pixels', '0'], /--max-pixels must be a number ≥ /],
  ])('refuses %j', (more, message) => {
    expect(() => fresh(...more)).toThrow(message);
    expect(() => fresh(...more)).toThrow(CliError);
  });

  it('--resume needs --out and nothing else (the run keeps its recorded settings)', () => {
    expect(parseTrainArgs(['--resume', '--out', 'o'])).toEqual({ kind: 'resume', out: 'o' });
    expect(() => parseTrainArgs(['--resume', '--out', 'o', '--steps', '10', '--overwrite'])).toThrow(/train --resume continues with the settings recorded in o\/config\.json; drop --steps, --overwrite/);
    expect(() => parseTrainArgs(['--resume'])).toThrow(/--out is required/);
  });

  it('a recorded config.json round-trips, and a damaged one is named with the field', () => {
    const { settings } = fresh('--mean', '0.5,0.5,0.5');
    const json = JSON.parse(JSON.stringify({ ...settings, family: 'vit', classes: ['a'], architecture: {} }));
    expect(recordedSettings(json, 'o/config.json')).toEqual({ ...settings, family: 'vit' });
    expect(() => recordedSettings({ ...json, steps: 'many' }, 'o/config.json')).toThrow(/^o\/config\.json: cannot resume from it — steps: Invalid input: expected number/);
    expect(() => recordedSettings({ ...json, schedule: 'cosine' }, 'o/config.json')).toThrow(/schedule/);
  });
});
