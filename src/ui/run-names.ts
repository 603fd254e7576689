/** @file How runs are named on screen and in exported files (pure, unit-tested). */
import type { RunSummary } from '../worker/api';
import { runName } from '../worker/runs';
import { differingSettings, settingLabel } from '../compare/runs-board';

/** The name the user gave the run, else model · dataset (the worker's messages name runs the same way). */
export const runLabel = runName;

/** A file-system-safe stem: letters, digits, dot, dash and underscore; everything else becomes one dash. */
export function fileStem(name: string): string {
  const stem = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 80);
  return stem || 'vfm-lab-run';
}

/** `<run-name>-step<N>.safetensors` for the weights, `<run-name>-step<N>-eval.onnx` for the eval graph. */
export function exportFileName(runName: string, step: number, kind: 'model' | 'onnx'): string {
  return `${fileStem(runName)}-step${step}${kind === 'model' ? '.safetensors' : '-eval.onnx'}`;
}

/**
 * What tells the runs apart: for each run, the recipe fields whose values are not the same in
 * every listed run ("crop 64 · lr decoder 0.001"). Empty when there is one run, or all agree.
 */
export function recipeDifferences(runs: Pick<RunSummary, 'id' | 'config'>[]): Map<string, string> {
  const differing = differingSettings(runs.map((r) => r.config));
  return new Map(runs.map((r) => [r.id, differing.map((k) => `${settingLabel(k)} ${String(r.config[k])}`).join(' · ')]));
}

/** The start time as the leaderboard prints it (UTC, so the same on every machine): "2026-01-02 03:04:05". */
const startTime = (createdAt: number) => new Date(createdAt).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Names that tell the listed runs apart, for the leaderboard and the charts' legends: each run's
 * `runLabel`, with its start time added where two runs would otherwise read the same.
 */
export function distinctLabels(runs: Pick<RunSummary, 'id' | 'name' | 'modelName' | 'datasetName' | 'createdAt'>[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(runLabel(r), (count.get(runLabel(r)) ?? 0) + 1);
  return new Map(runs.map((r) => [r.id, count.get(runLabel(r))! > 1 ? `${runLabel(r)} · ${startTime(r.createdAt)}` : runLabel(r)]));
}
