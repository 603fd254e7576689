/**
 * @file The board: the saved runs' metrics and the leaderboard derived from them, for the
 * leaderboard table and the charts' overlaid curves. A run's metrics are read from the worker
 * once per save (its `savedStep` and status name the save), dropped when the run is deleted.
 */
import { boardFromRuns, datasetOfRun, type BoardDataset, type RunsBoard, type SavedRun } from '../../compare/runs-board';
import type { RunSummary } from '../../worker/api';
import { distinctLabels } from '../run-names';
import type { LabState, Slice, WorkerRef } from './types';

export interface BoardSlice {
  /** Each saved run's metrics, by run id, as read at the save `version` names. */
  boardMetrics: Record<string, { version: string; metrics: SavedRun['metrics'] }>;
  /** The leaderboard of the saved runs (one dataset's, best first); undefined until first read. */
  board?: RunsBoard;
  /** Why the saved runs' metrics could not be read (the last attempt). */
  boardError?: string;
  /** Runs the user showed (true) or hid (false) in the charts' legend; the others follow the default. */
  chartPicks: Record<string, boolean>;
  /** Reads the metrics of runs saved since the last call and derives the board (called by refreshRuns). */
  refreshBoard(): Promise<void>;
  pickChartRun(id: string, shown: boolean): void;
}

/** The dataset the board follows: the run on screen's (live, opened or reopened), else the loaded one's. */
function focusOf(s: Pick<LabState, 'runs' | 'runId' | 'dataset'>): BoardDataset | undefined {
  const shown = s.runs.find((r) => r.id === s.runId && r.status !== 'imported');
  if (shown) return datasetOfRun(shown);
  const d = s.dataset;
  return d && { key: d.fingerprint ?? d.name, name: d.name, classes: d.classes.map((c) => c.name) };
}

/** A save of a run: a new evaluation, pause or end changes its step or its status. */
const versionOf = (r: RunSummary) => `${r.savedStep}:${r.status}`;

export const createBoardSlice = (worker: WorkerRef): Slice<BoardSlice> => (set, get) => {
  // one refresh at a time, each reading the latest runs list: the same save is never read twice
  let chain: Promise<void> = Promise.resolve();
  const refresh = async () => {
    const { runs, boardMetrics: had, chartPicks } = get();
    const saved = runs.filter((r) => r.status !== 'imported');
    const metrics: BoardSlice['boardMetrics'] = {};
    for (const r of saved) {
      const version = versionOf(r);
      metrics[r.id] = had[r.id]?.version === version ? had[r.id] : { version, metrics: await worker().runMetrics(r.id) };
    }
    const labels = distinctLabels(runs);
    const board = boardFromRuns(saved.map((summary) => ({
      summary, metrics: metrics[summary.id].metrics, label: labels.get(summary.id),
    })), focusOf(get()));
    const picks = Object.fromEntries(Object.entries(chartPicks).filter(([id]) => id in metrics)); // a deleted run's pick goes with it
    set({ boardMetrics: metrics, board, boardError: undefined, chartPicks: picks });
  };
  return {
    boardMetrics: {},
    chartPicks: {},
    refreshBoard: () => (chain = chain.then(refresh).catch((e: Error) => set({ boardError: `Cannot read the saved runs' metrics: ${e.message}` }))),
    pickChartRun: (id, shown) => set((s) => ({ chartPicks: { ...s.chartPicks, [id]: shown } })),
  };
};
