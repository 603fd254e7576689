/**
 * @file Talk mode's race: while a benchmark queue trains, the viewer compares the queue's finished
 * runs with the live one ("this run"), so the grid fills as the race goes. It only reads the queue
 * (the store's queue slice, src/ui/store/queue.ts, follows every change), when the queue or the
 * runs list changes — the runs list changes at each run's start, save and end.
 */
import { useEffect } from 'react';
import { useLab } from '../../lab';
import { queueRunning, raceSelection } from '../../viewer/panes';

export function useRace(): void {
  const talk = useLab((s) => s.talkMode);
  const runs = useLab((s) => s.runs);
  const runState = useLab((s) => s.runState);
  const queue = useLab((s) => s.queue);
  useEffect(() => {
    if (!talk || !queueRunning(queue)) return;
    const ids = raceSelection(queue, runs.map((r) => r.id));
    const s = useLab.getState();
    if (ids.join('\n') !== s.compareRunIds.join('\n')) void s.setCompared(ids);
  }, [talk, queue, runs, runState]);
}
