/**
 * @file Which prediction panes the viewer shows and how they are named (pure): at most six
 * prediction panes, "this run" counted when it has a prediction; mIoU as on the runs table; and the
 * benchmark race's selection (the queue's finished runs beside the live one).
 */
import type { RunSummary } from '../../worker/api';
import type { BenchmarkQueue } from '../../worker/queue';
import { distinctLabels } from '../run-names';

/** The viewer shows at most this many prediction panes (this run and the compared runs). */
export const MAX_PREDICTION_PANES = 6;

/** Before any run the worker sends the image and ground truth with an empty prediction (all IGNORE). */
export const hasPrediction = (p?: { prediction: Uint8Array }): boolean => !!p && p.prediction.some((v) => v !== 255);

/** The run "this run" stands for: the live one while training, else the opened one, else the newest trained. */
export function thisRunOf(runs: readonly RunSummary[], runId: string | undefined, active: boolean): RunSummary | undefined {
  if (active) return runs.find((r) => r.status === 'running' || r.status === 'paused');
  return runs.find((r) => r.id === runId) ?? runs.find((r) => r.status !== 'imported');
}

/**
 * Whether this run has a pane of its own: it has a prediction, and it is not also one of the
 * compared runs (a finished or opened run that is compared is shown once, as the compared run).
 */
export function ownPane(s: { prediction?: { prediction: Uint8Array }; runs: readonly RunSummary[]; runId?: string; active: boolean }, compared: readonly string[]): boolean {
  const mine = thisRunOf(s.runs, s.runId, s.active);
  return hasPrediction(s.prediction) && !(!s.active && !!mine && compared.includes(mine.id));
}

/** How many saved runs can be compared beside this run. */
export const compareCapacity = (thisRunShown: boolean): number => MAX_PREDICTION_PANES - (thisRunShown ? 1 : 0);

/** The message when a selection does not fit (naming the first run that does not). */
export const tooManyMessage = (thisRunShown: boolean, extra: string): string =>
  `The viewer shows at most ${MAX_PREDICTION_PANES} prediction panes${thisRunShown ? ` (this run and ${MAX_PREDICTION_PANES - 1} saved runs)` : ''}: ` +
  `deselect a run before comparing “${extra}”.`;

/**
 * How the viewer names runs (panes, the compare list, messages): as the leaderboard and the charts'
 * legends do (`distinctLabels`), so two runs of one model on one dataset are told apart; "run <id>"
 * for an id that is not among the runs.
 */
export function runNamer(runs: readonly RunSummary[]): (id: string) => string {
  const labels = distinctLabels([...runs]);
  return (id) => labels.get(id) ?? `run ${id}`;
}

/** mIoU as the runs table and the panes show it (one spelling with the CLI's). */
export { formatMIoU } from '../../compare/leaderboard';

/**
 * The race: the benchmark queue's finished runs, in queue order, except the live one ("this run":
 * the running entry's run, else the last finished one), as many as fit beside it.
 */
export function raceSelection(queue: BenchmarkQueue | undefined, savedRunIds: readonly string[]): string[] {
  if (!queue) return [];
  const saved = new Set(savedRunIds);
  const done = queue.entries.filter((e) => e.status === 'done' && e.runId && saved.has(e.runId)).map((e) => e.runId!);
  const running = queue.entries.find((e) => e.status === 'running');
  const live = running ? running.runId : done.at(-1);
  return done.filter((id) => id !== live).slice(0, compareCapacity(true));
}

/** Whether the queue is training one of its entries now. */
export const queueRunning = (queue?: BenchmarkQueue): boolean => !!queue?.entries.some((e) => e.status === 'running');
