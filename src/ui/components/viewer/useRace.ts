/**
 * @file Talk mode's race: while a benchmark queue trains, the viewer compares the queue's finished
 * runs with the live one ("this run"), so the grid fills as the race goes. It only reads the queue
 * (kept in localStorage by src/ui/compare/queue-driver after every change), when the runs list
 * changes — which it does at each run's start, save and end.
 */
import { useEffect } from 'react';
import { parseQueue, type BenchmarkQueue } from '../../../worker/queue';
import { QUEUE_KEY } from '../../compare/queue-driver';
import { useLab } from '../../lab';
import { queueRunning, raceSelection } from '../../viewer/panes';

function savedQueue(): BenchmarkQueue | undefined {
  const text = localStorage.getItem(QUEUE_KEY);
  try {
    return text ? parseQueue(text, QUEUE_KEY) : undefined;
  } catch {
    return undefined; // the queue panel reports a broken saved queue; the race just does not run
  }
}

export function useRace(): void {
  const talk = useLab((s) => s.talkMode);
  const runs = useLab((s) => s.runs);
  const runState = useLab((s) => s.runState);
  useEffect(() => {
    if (!talk) return;
    const queue = savedQueue();
    if (!queueRunning(queue)) return;
    const ids = raceSelection(queue, runs.map((r) => r.id));
    const s = useLab.getState();
    if (ids.join('\n') !== s.compareRunIds.join('\n')) void s.setCompared(ids);
  }, [talk, runs, runState]);
}
