/**
 * @file The runs on the overlaid loss and mIoU charts, from the store: the current run (its
 * streamed metrics) and the leaderboard's saved runs (the board slice's metrics), and the legend
 * that shows or hides each — buttons with aria-pressed, one colour per run on every chart.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { THIS_RUN, legendLabel, offeredSeries, runColours, shownIds, type RunSeries } from '../../charts/series';
import { useLab } from '../../lab';
import { distinctLabels } from '../../run-names';
import { isActive } from '../../store/slices';
import type { LabState } from '../../store';

/** The run the store's steps and evals belong to: one reopened, the one training, else the newest. */
function currentRunId(s: Pick<LabState, 'runId' | 'runs' | 'runState' | 'steps' | 'evals'>): string | undefined {
  if (s.runId) return s.runId;
  const trained = s.runs.filter((r) => r.status !== 'imported');
  // while training, the run's record says so (the newest finished one is the previous run)
  if (isActive(s.runState)) return trained.find((r) => r.status === 'running' || r.status === 'paused')?.id;
  return s.steps.length || s.evals.length ? trained[0]?.id : undefined;
}

export interface Overlay {
  /** Every run the legend offers. */
  offered: RunSeries[];
  /** Those drawn, in the legend's order. */
  shown: RunSeries[];
  dataset?: string;
}

/** `live`: the current run's metrics as the charts show them (paced, see paced.ts). */
export function useOverlay(live: Pick<LabState, 'steps' | 'evals'>): Overlay {
  const st = useLab(useShallow((st) => ({
    runId: st.runId, runs: st.runs, runState: st.runState,
    board: st.board, metrics: st.boardMetrics, picks: st.chartPicks, talk: st.talkMode, queue: st.queue,
  })));
  return useMemo(() => {
    const s = { ...st, steps: live.steps, evals: live.evals };
    const id = currentRunId(s);
    const labels = distinctLabels(s.runs);
    const offered = offeredSeries({
      current: { id, label: (id && labels.get(id)) || THIS_RUN, steps: s.steps, evals: s.evals },
      ranked: s.board?.rows ?? [], metrics: s.metrics, colours: runColours(s.runs.filter((r) => r.status !== 'imported')),
    });
    // talk mode shows the race: the benchmark queue's runs, or every run when there is no queue
    const queued = s.queue?.entries.flatMap((e) => (e.runId ? [e.runId] : []));
    const ids = shownIds(offered, s.picks, !s.talk ? undefined : queued?.length ? new Set(queued) : 'all');
    return { offered, shown: offered.filter((r) => ids.has(r.id)), dataset: s.board?.dataset };
  }, [st, live.steps, live.evals]);
}

export function RunLegend({ overlay }: { overlay: Overlay }) {
  const pick = useLab((s) => s.pickChartRun);
  if (overlay.offered.length < 2) return null; // one run: the chart titles say it all
  const shown = new Set(overlay.shown.map((r) => r.id));
  return (
    <ul className="run-legend" aria-label="Runs on the loss and mIoU charts" data-testid="run-legend">
      {overlay.offered.map((r) => (
        <li key={r.id}>
          <button type="button" aria-pressed={shown.has(r.id)} data-testid="legend-entry" data-run={r.id} onClick={() => pick(r.id, !shown.has(r.id))}>
            <span className="run-swatch" style={{ background: r.color }} aria-hidden="true" />
            {legendLabel(r)}
          </button>
        </li>
      ))}
    </ul>
  );
}
