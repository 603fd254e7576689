import { describe, expect, it } from 'vitest';
import { DEMO_RECIPE } from '../store/recipe';
import { createQueue, type BenchmarkQueue, type EntryStatus } from '../../worker/queue';
import type { RunSummary } from '../../worker/api';
import { distinctLabels } from '../run-names';
import { MAX_PREDICTION_PANES, compareCapacity, formatMIoU, hasPrediction, ownPane, raceSelection, runNamer, thisRunOf, tooManyMessage } from './panes';

function queue(entries: [EntryStatus, string?][]): BenchmarkQueue {
  const q = createQueue('demo', DEMO_RECIPE, entries.map((_, i) => ({ name: `m${i}`, model: { kind: 'demo' } })));
  return { ...q, entries: q.entries.map((e, i) => ({ ...e, status: entries[i][0], runId: entries[i][1] })) };
}

describe('prediction panes', () => {
  it('two runs of one model on one dataset get different names, the leaderboard\'s and the legends\'', () => {
    const run = (id: string, createdAt: number, name?: string): RunSummary => ({ id, createdAt, name, modelName: 'demo ViT', datasetName: 'demo', config: DEMO_RECIPE, savedStep: 2, status: 'finished' });
    const runs = [run('a', Date.UTC(2026, 10, 30, 12, 0, 0)), run('b', Date.UTC(2026, 10, 30, 12, 5, 9)), run('c', 0, 'mine')];
    const name = runNamer(runs);
    expect(['a', 'b', 'c'].map(name)).toEqual(['demo ViT · demo · 2026-11-30 12:00:00', 'demo ViT · demo · 2026-11-30 12:05:09', 'mine']);
    expect(['a', 'b', 'c'].map(name)).toEqual(['a', 'b', 'c'].map((id) => distinctLabels(runs).get(id)));
    expect(runNamer([runs[0]])('a')).toBe('demo ViT · demo'); // alone: no time needed
    expect(name('gone')).toBe('run gone');
  });

  it('six panes in all: this run takes one when it has a prediction', () => {
    expect(compareCapacity(true)).toBe(MAX_PREDICTION_PANES - 1);
    expect(compareCapacity(false)).toBe(MAX_PREDICTION_PANES);
    expect(hasPrediction({ prediction: new Uint8Array([255, 255]) })).toBe(false);
    expect(hasPrediction({ prediction: new Uint8Array([255, 3]) })).toBe(true);
    expect(hasPrediction(undefined)).toBe(false);
    expect(tooManyMessage(true, 'dinov2 · demo')).toBe('The viewer shows at most 6 prediction panes (this run and 5 saved runs): deselect a run before comparing “dinov2 · demo”.');
  });

  it('this run is the live run while training, else the opened one, else the newest trained; compared too, it is shown once', () => {
    const run = (id: string, status: RunSummary['status']): RunSummary => ({ id, createdAt: 1, modelName: 'm', datasetName: 'd', config: DEMO_RECIPE, savedStep: 1, status });
    const runs = [run('imp', 'imported'), run('new', 'running'), run('old', 'finished')];
    expect(thisRunOf(runs, 'old', true)?.id).toBe('new');
    expect(thisRunOf([run('old', 'finished'), run('new', 'paused')], 'old', true)?.id).toBe('new'); // a paused run is still this run
    expect(thisRunOf(runs, 'old', false)?.id).toBe('old');
    expect(thisRunOf(runs, undefined, false)?.id).toBe('new');
    const prediction = { prediction: new Uint8Array([1]) };
    expect(ownPane({ prediction, runs, runId: 'old', active: false }, ['new'])).toBe(true);
    expect(ownPane({ prediction, runs, runId: 'old', active: false }, ['old'])).toBe(false);
    // while training, the live run differs from its last save: both are shown
    expect(ownPane({ prediction, runs, runId: undefined, active: true }, ['new'])).toBe(true);
    expect(ownPane({ prediction: { prediction: new Uint8Array([255]) }, runs, active: false }, [])).toBe(false);
  });

  it('mIoU reads as on the runs table, a dash before any evaluation', () => {
    expect(formatMIoU(0.4567)).toBe('45.7 %');
    expect(formatMIoU(0)).toBe('0.0 %');
    expect(formatMIoU(undefined)).toBe('—');
  });
});

describe('the benchmark race', () => {
  it('compares the finished runs with the live one, which is this run', () => {
    const saved = ['a', 'b', 'c'];
    expect(raceSelection(queue([['done', 'a'], ['running', 'b'], ['waiting']]), saved)).toEqual(['a']);
    // the running entry before its first save has no run yet: every finished one is compared
    expect(raceSelection(queue([['done', 'a'], ['done', 'b'], ['running']]), saved)).toEqual(['a', 'b']);
    // when the queue has finished, the last run is this run
    expect(raceSelection(queue([['done', 'a'], ['done', 'b'], ['done', 'c']]), saved)).toEqual(['a', 'b']);
    // failed entries and deleted runs are left out
    expect(raceSelection(queue([['failed', 'a'], ['done', 'x'], ['done', 'b'], ['running', 'c']]), saved)).toEqual(['b']);
    expect(raceSelection(undefined, saved)).toEqual([]);
  });

  it('fills at most the panes beside the live run', () => {
    const ids = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const q = queue([...ids.map((id): [EntryStatus, string] => ['done', id]), ['running', 'live']]);
    expect(raceSelection(q, [...ids, 'live'])).toEqual(ids.slice(0, MAX_PREDICTION_PANES - 1));
  });
});
