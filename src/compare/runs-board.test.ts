import { describe, expect, it } from 'vitest';
import { RECIPES } from '../train/recipe';
import type { RunSummary } from '../worker/api';
import { toCsv } from './leaderboard';
import { boardFromRuns, savedRunRow, type SavedRun } from './runs-board';

const config = { steps: 4, crop: 64, batch: 2, accum: 3, lrHead: 1e-3, lrEncoder: 1e-4, weightDecay: 0.05, schedule: 'poly', freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 2 } as RunSummary['config'];
function run(id: string, createdAt: number, mIoU: number | undefined, o: { fingerprint?: string; status?: RunSummary['status']; ms?: number[]; recorded?: boolean } = {}): SavedRun {
  const ms = o.ms ?? [100, 300, 200, 400];
  return {
    summary: {
      id, createdAt, modelName: `model-${id}`, datasetName: 'demo', savedStep: ms.length, status: o.status ?? 'finished', config,
      ...(o.recorded === false ? {} : { wallSeconds: 12.5, memoryPlanBytes: 3 * 2 ** 20 }),
      model: { name: `model-${id}`, family: 'dinov2', config: { embedDim: 64, depth: 2, heads: 1, patchSize: 8 }, sha256: '' },
      dataset: { name: 'demo', format: 'generic', classes: ['a', 'b'], trainCount: 4, valCount: 2, fingerprint: o.fingerprint ?? 'f1', kept: false },
    },
    metrics: {
      steps: ms.map((m, i) => ({ step: i + 1, loss: 1, lrHead: 0, lrEncoder: 0, ms: m })),
      evals: mIoU === undefined ? [] : [{ step: 2, mIoU: 0.01, perClassIoU: [0, 0] }, { step: 4, mIoU, perClassIoU: [mIoU, null] }],
    },
  };
}

describe('leaderboard from saved runs', () => {
  it('takes the last evaluation, the step times and the batch of a run, and its recorded wall time and memory plan', () => {
    const r = savedRunRow(run('x', Date.UTC(2026, 0, 2, 3, 4, 5), 0.5));
    expect(r).toEqual({
      runId: 'x', model: 'model-x · 2026-01-02 03:04:05', family: 'dinov2', recipe: 'demo', mIoU: 0.5, mIoUDefinition: 'present-classes', perClassIoU: [0.5, null], steps: 4,
      wallSeconds: 12.5, imgPerSec: (4 * 2 * 3) / 1, msPerStep: 250, memoryPlanBytes: 3 * 2 ** 20,
    });
    expect(savedRunRow({ ...run('y', 0, 0.5), label: 'my run' }).model).toBe('my run');
  });

  it("names the mean its run's recipe reports: the benchmark recipes' over all classes; a run recorded before the rule, the classes present", () => {
    const r = run('b', 1, 0.5);
    expect(savedRunRow({ ...r, summary: { ...r.summary, config: { ...config, recipe: 'voc' } } }).mIoUDefinition).toBe('all-classes');
    expect(savedRunRow({ ...r, summary: { ...r.summary, rules: { ...RECIPES.voc.rules, miou: undefined } } }).mIoUDefinition).toBeUndefined();
  });

  it('a run saved before wall time and memory plan were recorded shows them as missing, not as its summed step times', () => {
    expect(savedRunRow(run('old', 0, 0.5, { recorded: false }))).toMatchObject({ wallSeconds: NaN, memoryPlanBytes: NaN, msPerStep: 250 });
  });

  it('carries the run\'s cross-dataset evaluation, when it has one, into its row', () => {
    const r = run('x', 1, 0.5);
    expect(savedRunRow(r).crossDataset).toBeUndefined();
    const crossed = { ...r, summary: { ...r.summary, crossDataset: { dataset: 'other.zip', mIoU: 0.25 } } };
    expect(savedRunRow(crossed).crossDataset).toEqual({ dataset: 'other.zip', mIoU: 0.25 });
    expect(boardFromRuns([crossed]).rows[0].crossDataset).toEqual({ dataset: 'other.zip', mIoU: 0.25 });
  });

  it('ranks the newest dataset\'s evaluated runs best first and counts the runs on other datasets', () => {
    const board = boardFromRuns([
      run('old', 1, 0.9, { fingerprint: 'other' }), run('a', 2, 0.3), run('b', 3, 0.6), run('never', 4, undefined),
      run('imported', 5, 0.99, { status: 'imported' }),
    ]);
    expect(board.rows.map((r) => r.model.split(' ')[0])).toEqual(['model-b', 'model-a']);
    expect(board).toMatchObject({ dataset: 'demo', classes: ['a', 'b'], otherDatasets: 1 });
    expect(boardFromRuns([run('never', 1, undefined)])).toEqual({ classes: [], rows: [], otherDatasets: 0 });
  });

  it('shows the recipe settings that differ between its runs as columns, in the CSV too; the recipe is the one each run followed, never "custom"', () => {
    const a = run('a', 1, 0.5), b = run('b', 2, 0.4);
    b.summary.config = { ...config, recipe: 'benchmark', lrHead: 1e-2, steps: 8, freeze: 'encoder' };
    const board = boardFromRuns([a, b]);
    // the steps differ too: the Steps column shows them already
    expect(board.settings).toEqual([{ name: 'lr_head', label: 'lr decoder' }, { name: 'freeze', label: 'freeze' }]);
    // after the measured columns, before the per-class IoU (a reader of the columns by position keeps them)
    expect(toCsv(board).split('\r\n').slice(0, 3).map((l) => [...l.split(',').slice(0, 5), ...l.split(',').slice(10, 14)])).toEqual([
      ['rank', 'model', 'family', 'recipe', 'mIoU', 'lr_head', 'freeze', 'IoU a', 'IoU b'],
      ['1', 'model-a · 1970-01-01 00:00:00', 'dinov2', 'demo', '0.5', '0.001', 'none', '0.5', ''],
      ['2', 'model-b · 1970-01-01 00:00:00', 'dinov2', 'benchmark', '0.4', '0.01', 'encoder', '0.4', ''],
    ]);
    expect(boardFromRuns([a]).settings).toBeUndefined(); // one run: nothing to tell apart
  });

  it('the board of a given dataset (the run on screen\'s) even when a newer run is on another; none evaluated there: no rows, the rest counted', () => {
    const runs = [run('old', 1, 0.9, { fingerprint: 'mine' }), run('newer', 2, 0.3)];
    const mine = { key: 'mine', name: 'mydata.zip', classes: ['a', 'b'] };
    expect(boardFromRuns(runs, mine)).toMatchObject({ dataset: 'mydata.zip', otherDatasets: 1, rows: [{ runId: 'old' }] });
    expect(boardFromRuns(runs, { key: 'dropped', name: 'dropped.zip', classes: ['x'] })).toEqual({ dataset: 'dropped.zip', classes: ['x'], rows: [], otherDatasets: 2 });
  });
});
