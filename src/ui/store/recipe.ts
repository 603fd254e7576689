/** @file Recipe presets for the form. */
import type { TrainConfig } from '../../worker/api';

/** The embedded demo: a tiny model that learns in a few hundred steps, so higher learning rates. */
export const DEMO_RECIPE: TrainConfig = {
  steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly',
  freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 50,
};

/** The benchmark's optimisation settings (Kerssies et al.): full fine-tuning, AdamW, poly decay. Crop and batch stay the user's. */
export const BENCHMARK_SETTINGS: Partial<TrainConfig> = {
  lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true,
};
