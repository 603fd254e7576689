/**
 * @file The browser's leaderboard: rows from the runs saved in this browser (their summaries and
 * metrics.jsonl). One board holds one dataset's runs — the dataset of the newest evaluated run —
 * since per-class IoU only lines up over one class list; the others are counted, not hidden silently.
 */
import type { EvalMetric, RunSummary, StepMetric } from '../worker/api';
import { rulesOf } from '../train/rules';
import { rankRows, stepStats, type Leaderboard, type LeaderboardRow } from './leaderboard';

export interface SavedRun {
  summary: RunSummary;
  metrics: { steps: StepMetric[]; evals: EvalMetric[] };
  /** The recipe the run's values match (the UI's `activeRecipe`), else 'custom'. */
  recipe: string;
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
export function savedRunRow({ summary, metrics, recipe, label }: SavedRun): BoardRow {
  const last = metrics.evals.at(-1);
  return {
    runId: summary.id, model: label ?? runLabel(summary), family: summary.model?.family ?? '?', recipe,
    mIoU: last?.mIoU ?? NaN, mIoUDefinition: (summary.rules ?? rulesOf(summary.config.recipe)).miou, perClassIoU: last?.perClassIoU ?? [],
    steps: metrics.steps.at(-1)?.step ?? summary.savedStep, wallSeconds: summary.wallSeconds ?? NaN,
    ...stepStats(metrics.steps.map((s) => s.ms), summary.config.batch * summary.config.accum), memoryPlanBytes: summary.memoryPlanBytes ?? NaN,
    ...(summary.crossDataset ? { crossDataset: summary.crossDataset } : {}),
  };
}

/** Runs of one model differ by when they started: the model's name and the start time (UTC, so the same everywhere). */
export const runLabel = (r: RunSummary) => `${r.modelName} · ${new Date(r.createdAt).toISOString().slice(0, 19).replace('T', ' ')}`;

const datasetKey = (r: RunSummary) => r.dataset?.fingerprint ?? r.datasetName;

/** The board of the newest evaluated run's dataset, best first; imported models (no metrics) are not ranked. */
export function boardFromRuns(runs: SavedRun[]): RunsBoard {
  const evaluated = runs.filter((r) => r.summary.status !== 'imported' && r.metrics.evals.length)
    .sort((a, b) => b.summary.createdAt - a.summary.createdAt);
  if (!evaluated.length) return { classes: [], rows: [], otherDatasets: 0 };
  const newest = evaluated[0].summary;
  const mine = evaluated.filter((r) => datasetKey(r.summary) === datasetKey(newest));
  return {
    dataset: newest.datasetName,
    classes: newest.dataset?.classes ?? [],
    rows: rankRows(mine.map(savedRunRow)),
    otherDatasets: evaluated.length - mine.length,
  };
}
