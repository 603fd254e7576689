import { describe, expect, it } from 'vitest';
import { DEMO_RECIPE } from '../store/recipe';
import type { RunSummary } from '../../worker/api';
import { defaultLensChoice, LOADED, sourceUnavailable } from './lens-choice';

const run = (id: string, savedStep: number, status: RunSummary['status'] = 'finished'): RunSummary =>
  ({ id, createdAt: 1, modelName: 'm', datasetName: 'd', config: DEMO_RECIPE, savedStep, status });

describe('feature lens sources', () => {
  it('by default: the loaded model and the newest run with saved weights, never one stopped before its first save', () => {
    // newest first: a run stopped before its first save, then trained runs
    const runs = [run('unsaved', 0, 'stopped'), run('newer', 20), run('older', 10), run('imp', 0, 'imported')];
    expect(defaultLensChoice(runs)).toEqual([LOADED, 'newer']);
    expect(defaultLensChoice(runs, 'unsaved')).toEqual([LOADED, 'newer']); // the reopened run has no weights
    expect(defaultLensChoice(runs, 'older')).toEqual([LOADED, 'older']); // the reopened run has them
    expect(defaultLensChoice([run('live', 0, 'running'), run('imp', 0, 'imported')])).toEqual([LOADED, 'imp']); // an imported model has weights
    expect(defaultLensChoice([run('live', 0, 'running')])).toEqual([LOADED]);
  });

  it('a run without weights is offered disabled with the reason', () => {
    const runs = [run('unsaved', 0, 'interrupted'), run('saved', 5, 'paused')];
    expect(sourceUnavailable(runs, 'unsaved')).toBe('no saved weights yet');
    expect(sourceUnavailable(runs, 'saved')).toBeUndefined();
    expect(sourceUnavailable(runs, LOADED)).toBeUndefined();
    expect(sourceUnavailable(runs, 'gone')).toBe('not among the saved runs');
  });
});
