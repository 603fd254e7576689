/**
 * @file The browser's leaderboard: rows from the runs saved in this browser (their summaries and
 * metrics.jsonl). One board holds one dataset's runs — the dataset of the run on screen (or the one
 * loaded), else of the newest evaluated run — since per-class IoU only lines up over one class list
 * and a score means nothing beside another dataset's; the others are counted, not hidden silently.
 */
import type { EvalMetric, RunSummary, StepMetric } from '../worker/api';
import { rulesOf } from '../train/rules';
import { rankRows, stepStats, type Leaderboard, type LeaderboardRow } from './leaderboard';

export interface SavedRun {
  summary: RunSummary;
  metrics: { steps: StepMetric[]; evals: EvalMetric[] };
  /** The name to show (the UI's, unique among the runs shown); default: model · start time. */
  label?: string;
}

/** A row that knows its run (the charts colour and toggle runs by id). */
export interface BoardRow extends LeaderboardRow {
  runId: string;
}

export interface RunsBoard extends Leaderboard {
  rows: BoardRow[];
  dataset?: string;
  /** Evaluated runs left out because they were trained on another dataset. */
  otherDatasets: number;
}

/**
 * A saved run's row. Wall time and memory plan are what the run recorded (runs saved before
 * they were recorded have NaN, shown "—"); img/s and ms/step come from its step times.
 * `crossDataset`: the run's latest evaluation on a second dataset (the worker lists it with the run).
 */
export function savedRunRow({ summary, metrics, label }: SavedRun, settings: readonly Setting[] = []): BoardRow {
  const last = metrics.evals.at(-1);
  return {
    // the recipe whose rules the run followed (runs saved before recipes: the demo's); edited values are the settings' columns
    runId: summary.id, model: label ?? runLabel(summary), family: summary.model?.family ?? '?', recipe: summary.config.recipe ?? 'demo',
    ...(settings.length ? { settings: Object.fromEntries(settings.map((k) => [settingName(k), String(summary.config[k])])) } : {}),
    mIoU: last?.mIoU ?? NaN, mIoUDefinition: (summary.rules ?? rulesOf(summary.config.recipe)).miou, perClassIoU: last?.perClassIoU ?? [],
    steps: metrics.steps.at(-1)?.step ?? summary.savedStep, wallSeconds: summary.wallSeconds ?? NaN,
    ...stepStats(metrics.steps.map((s) => s.ms), summary.config.batch * summary.config.accum), memoryPlanBytes: summary.memoryPlanBytes ?? NaN,
    ...(summary.crossDataset ? { crossDataset: summary.crossDataset } : {}),
  };
}

type Setting = keyof RunSummary['config'];

/** The recipe settings whose values are not the same in every run (none for fewer than two runs). */
export function differingSettings(configs: readonly RunSummary['config'][]): Setting[] {
  const keys = configs.length > 1 ? (Object.keys(configs[0]) as Setting[]) : [];
  return keys.filter((k) => configs.some((c) => c[k] !== configs[0][k]));
}

const LABELS: Partial<Record<Setting, string>> = {
  lrHead: 'lr decoder', lrEncoder: 'lr encoder', weightDecay: 'decay', evalEvery: 'eval every', accum: 'accum',
};

/** How the runs table and the leaderboard show a setting ("lr decoder"). */
export const settingLabel = (k: Setting): string => LABELS[k] ?? k;
/** A setting's name in exported files: the field in snake_case (`lr_head`). */
export const settingName = (k: Setting): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Runs of one model differ by when they started: the model's name and the start time (UTC, so the same everywhere). */
export const runLabel = (r: RunSummary) => `${r.modelName} · ${new Date(r.createdAt).toISOString().slice(0, 19).replace('T', ' ')}`;

/** A dataset as runs record it: its fingerprint (runs saved before fingerprints: its name), the name shown and its classes. */
export interface BoardDataset {
  key: string;
  name: string;
  classes: string[];
}

export const datasetOfRun = (r: RunSummary): BoardDataset => ({ key: r.dataset?.fingerprint ?? r.datasetName, name: r.datasetName, classes: r.dataset?.classes ?? [] });

/**
 * The board of `dataset` (the run on screen's, or the loaded one), else of the newest evaluated
 * run's, best first; imported models (no metrics) are not ranked.
 */
export function boardFromRuns(runs: SavedRun[], dataset?: BoardDataset): RunsBoard {
  const evaluated = runs.filter((r) => r.summary.status !== 'imported' && r.metrics.evals.length)
    .sort((a, b) => b.summary.createdAt - a.summary.createdAt);
  const focus = dataset ?? (evaluated.length ? datasetOfRun(evaluated[0].summary) : undefined);
  if (!focus) return { classes: [], rows: [], otherDatasets: 0 };
  const mine = evaluated.filter((r) => datasetOfRun(r.summary).key === focus.key);
  // the recipe and the steps have columns of their own
  const settings = differingSettings(mine.map((r) => r.summary.config)).filter((k) => k !== 'recipe' && k !== 'steps');
  return {
    dataset: focus.name,
    classes: mine[0]?.summary.dataset?.classes ?? focus.classes,
    rows: rankRows(mine.map((r) => savedRunRow(r, settings))),
    ...(settings.length ? { settings: settings.map((k) => ({ name: settingName(k), label: settingLabel(k) })) } : {}),
    otherDatasets: evaluated.length - mine.length,
  };
}
