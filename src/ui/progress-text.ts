/** @file Progress in words: the preparing stages, a human ETA, and the loader's notices in plain language (pure). */
import type { Progress, RunState } from '../worker/api';

export type StageStatus = 'done' | 'active' | 'waiting';
export interface Stage {
  name: string;
  status: StageStatus;
  /** Byte or item progress when the task reports it. */
  done?: number;
  total?: number;
}

/**
 * What preparing a run goes through, in order: the graphs are built (the worker's 'compile'
 * report), the backend compiles them (creating the sessions; on WebGPU this compiles shaders and
 * can take a minute on a slow adapter), then the first training step runs.
 */
export function preparingStages(progress: Record<string, Progress>, state: RunState, steps: number, where: 'WebGPU' | 'wasm'): Stage[] {
  if (state !== 'preparing' && !(state === 'running' && steps === 0)) return [];
  const built = progress.compile && progress.compile.done >= progress.compile.total;
  const features = progress.features;
  const ready = state === 'running';
  const stages: Stage[] = [
    { name: 'build the training graph', status: built ? 'done' : 'active' },
    { name: where === 'WebGPU' ? 'compile on the GPU' : 'set up the wasm kernels', status: ready ? 'done' : built ? 'active' : 'waiting' },
  ];
  if (features) stages.push({ name: 'cache encoder features', status: features.done >= features.total ? 'done' : 'active', done: features.done, total: features.total });
  stages.push({ name: 'first training step', status: ready && steps === 0 && !(features && features.done < features.total) ? 'active' : 'waiting' });
  return stages;
}

/** "about 20 s", "about 3 min", "about 1 h 20 min". */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 60) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return `about ${h} h${m ? ` ${m} min` : ''}`;
}

/** Seconds left from the recent steps' own durations (a paused run's steps do not age, so the estimate holds still). */
export function secondsLeft(stepMs: number[], done: number, total: number, window = 20): number | undefined {
  const recent = stepMs.slice(-window).filter((ms) => ms > 0);
  if (!recent.length || done >= total) return undefined;
  return ((total - done) * recent.reduce((a, b) => a + b, 0)) / recent.length / 1000;
}

const PLAIN: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^no seg_head in the checkpoint: a new linear decoder for (\d+) classes/, (m) => `This checkpoint has no segmentation head: a new one for ${m[1]} classes is trained from scratch.`],
  [/^seg_head has (\d+) classes but the dataset has (\d+)/, (m) => `The checkpoint's segmentation head is for ${m[1]} classes and this dataset has ${m[2]}: a new head is trained from scratch.`],
  [/^pos_embed resampled from a (\d+)×\d+ to a (\d+)×\d+ grid/, (m) => `The model was pretrained on a ${m[1]}×${m[1]} grid of patches; its position information is stretched to this crop's ${m[2]}×${m[2]} grid.`],
  [/^patch embedding resampled from (\d+)×\d+ to (\d+)×\d+/, (m) => `The model cuts images into ${m[1]}-pixel patches; they are converted to ${m[2]}-pixel patches, as the benchmark does.`],
  [/^recomputing block activations/, () => 'To fit in memory, parts of the forward pass are computed again during the backward pass (slower, but it fits).'],
];

/** A loader notice in plain words (the technical line stays available as details), or undefined when there is none. */
export function plainNotice(notice: string): string | undefined {
  for (const [re, say] of PLAIN) {
    const m = re.exec(notice);
    if (m) return say(m);
  }
  return undefined;
}
