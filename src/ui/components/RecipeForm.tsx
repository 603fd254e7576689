/** @file The recipe with the benchmark's defaults and one line on what each setting does. */
import type { TrainConfig } from '../../worker/api';
import { useLab } from '../lab';

type NumberKey = { [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never }[keyof TrainConfig];
const NUMBERS: [NumberKey, string, string, number?][] = [
  ['steps', 'Steps', 'optimizer steps in the run', 1],
  ['crop', 'Crop', 'training crop and sliding-window size (px, a multiple of the patch)', 1],
  ['batch', 'Batch', 'images per forward/backward pass', 1],
  ['accum', 'Accumulation', 'passes per optimizer step (effective batch = batch × this)', 1],
  ['lrHead', 'LR decoder', 'AdamW learning rate of the linear decoder'],
  ['lrEncoder', 'LR encoder', 'AdamW learning rate of the backbone (usually 10× lower)'],
  ['weightDecay', 'Weight decay', 'decoupled decay on ≥2-D weights'],
  ['evalEvery', 'Eval every', 'steps between validation mIoU evaluations (0: at the end)', 0],
  ['seed', 'Seed', 'shuffling, augmentation and decoder initialisation'],
];

export function RecipeForm() {
  const config = useLab((s) => s.config);
  const setConfig = useLab((s) => s.setConfig);
  const locked = useLab((s) => s.runState === 'running' || s.runState === 'preparing' || s.runState === 'paused');
  return (
    <fieldset disabled={locked} className="recipe">
      <legend>Recipe</legend>
      {NUMBERS.map(([key, label, help, min]) => (
        <label key={key} title={help}>
          <span>{label}</span>
          <input type="number" data-testid={`recipe-${key}`} min={min} step="any" value={config[key]}
            onChange={(e) => Number.isFinite(e.target.valueAsNumber) && setConfig({ [key]: e.target.valueAsNumber })} />
          <small>{help}</small>
        </label>
      ))}
      <label>
        <span>Schedule</span>
        <select value={config.schedule} onChange={(e) => setConfig({ schedule: e.target.value as 'poly' | 'constant' })}>
          <option value="poly">poly: lr·(1 − t/T)^0.9</option>
          <option value="constant">constant</option>
        </select>
      </label>
      <label>
        <span>Freeze</span>
        <input value={config.freeze} data-testid="recipe-freeze" onChange={(e) => setConfig({ freeze: e.target.value })} />
        <small>none (full fine-tuning), encoder (linear probe: without augmentation the encoder runs once per image and its features are cached) or last:K (train the last K blocks)</small>
      </label>
      <label className="check"><input type="checkbox" data-testid="recipe-augment" checked={config.augment} onChange={(e) => setConfig({ augment: e.target.checked })} /> augmentation (scale, crop, flip, colour)</label>
      <label className="check"><input type="checkbox" data-testid="recipe-shuffle" checked={config.shuffle} onChange={(e) => setConfig({ shuffle: e.target.checked })} /> shuffle</label>
    </fieldset>
  );
}
