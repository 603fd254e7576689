/** The page's first load with a scripted worker whose saved-run reads arrive late, as they do after a reload with runs present. */
import { describe, expect, it } from 'vitest';
import type { DatasetInfo, OpenedRun, RunSummary, TrainerApi } from '../../worker/api';
import { DEMO_RECIPE, createLabStore, type LabState } from './index';

const model = { name: 'demo ViT', family: 'vit', embedDim: 64, depth: 2, heads: 1, patchSize: 8, numParams: 10 };
const info = (name: string): DatasetInfo => ({ name, format: 'generic', classes: [{ name: 'a', color: [0, 0, 0] }], trainCount: 4, valCount: 2, fingerprint: `fp-${name}` });
const latest: RunSummary = { id: 'run-mxdtkb3a', name: 'my first run', createdAt: 2, modelName: 'demo ViT', datasetName: 'mydata.zip', config: { ...DEMO_RECIPE, steps: 30 }, savedStep: 30, status: 'finished' };
const curve = { steps: [1, 2, 3].map((step) => ({ step, loss: 1 / step, lrHead: 0, lrEncoder: 0, ms: 1 })), evals: [] };

/** `release()` lets the held saved-run reads answer; `open` is what the worker's openRun answers for the dataset loaded. */
function slowRuns(open: (loaded: string) => OpenedRun) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let loaded = '';
  const worker = {
    init: async () => ({ backend: 'wasm', reason: 'test' }),
    loadModel: async () => model,
    loadDataset: async (src) => info((loaded = src.kind === 'demo' ? 'demo' : src.name)),
    thumbnails: async () => [],
    predict: async (i) => ({ index: i, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array(1) }),
    listRuns: async () => (await held, [latest]),
    runMetrics: async () => (await held, curve),
    openRun: async () => open(loaded),
  } as Partial<TrainerApi> as TrainerApi;
  return { lab: createLabStore(() => worker, { throttleMs: 0 }), release };
}

describe('page load', () => {
  it('keeps recipe edits made while the saved runs load; the runs, the latest run and its dataset arrive in one step', async () => {
    const { lab, release } = slowRuns(() => ({ dataset: info('mydata.zip') })); // the run's kept dataset comes back with it
    const seen: LabState[] = [];
    lab.subscribe((s) => void seen.push(s));
    const loading = lab.getState().openPage('wasm');
    await new Promise((r) => setTimeout(r, 0));
    expect(lab.getState().runsLoaded).toBe(false); // the runs list says "Loading saved runs…", not "None yet"
    lab.getState().setConfig({ steps: 123, lrHead: 1e-2 });
    release();
    await loading;
    expect(lab.getState().config).toEqual({ ...DEMO_RECIPE, steps: 123, lrHead: 1e-2 });
    expect(lab.getState()).toMatchObject({ runsLoaded: true, runId: 'run-mxdtkb3a', dataset: { name: 'mydata.zip' }, notices: [] });
    // never the runs or the run's chart beside another dataset, nor the runs without the run
    const listed = seen.filter((s) => s.runs.length > 0);
    expect(listed.length).toBeGreaterThan(0);
    for (const s of listed) expect([s.runsLoaded, s.runId, s.dataset?.name, s.steps.length]).toEqual([true, 'run-mxdtkb3a', 'mydata.zip', 3]);
  });

  it('an edit made while Open reads a run\'s metrics is kept; without one, Open brings the run\'s recipe', async () => {
    const { lab, release } = slowRuns(() => ({}));
    release();
    await lab.getState().openPage('wasm');
    lab.getState().setConfig({ steps: 7 });
    const opening = lab.getState().openRun(latest.id);
    lab.getState().setConfig({ lrEncoder: 0.25 });
    await opening;
    expect(lab.getState().config).toEqual({ ...DEMO_RECIPE, steps: 7, lrEncoder: 0.25 });
    await lab.getState().openRun(latest.id);
    expect(lab.getState().config).toEqual(latest.config);
  });

  it('the notice names the dataset the run needs and goes once that dataset is loaded', async () => {
    const notice = '“my first run” was trained on mydata.zip (1 classes: a): load mydata.zip to see the run\'s predictions';
    const { lab, release } = slowRuns((loaded) => (loaded === 'mydata.zip' ? {} : { notice }));
    release();
    await lab.getState().openPage('wasm');
    expect(lab.getState()).toMatchObject({ runId: 'run-mxdtkb3a', dataset: { name: 'demo' }, notices: [notice] });
    await lab.getState().loadDataset({ kind: 'zip', name: 'other.zip', bytes: new Uint8Array() });
    expect(lab.getState().notices).toEqual([notice]);
    await lab.getState().loadDataset({ kind: 'zip', name: 'mydata.zip', bytes: new Uint8Array() });
    expect(lab.getState().notices).toEqual([]);
  });

  it('a Start clicked while the latest run is read keeps its own chart, and the refused reopen is no error', async () => {
    let lab!: ReturnType<typeof slowRuns>['lab'];
    const worker = {
      init: async () => ({ backend: 'wasm', reason: 'test' }),
      loadModel: async () => model,
      loadDataset: async () => info('demo'),
      thumbnails: async () => [],
      predict: async (i) => ({ index: i, width: 1, height: 1, image: new Uint8Array(3), label: new Uint8Array(1), prediction: new Uint8Array(1) }),
      listRuns: async () => [latest],
      runMetrics: async () => {
        if (lab.getState().runEpoch === 0) void lab.getState().start(); // the user's click, while the saved curve is read
        await new Promise((r) => setTimeout(r, 0));
        return curve;
      },
      openRun: async () => {
        if (lab.getState().runState === 'running') throw new Error('cannot open another run while a run is active');
        return {};
      },
      start: async (_c, cb) => {
        cb.onRun?.('run-new');
        cb.onState('running');
        cb.onStep({ step: 1, loss: 5, lrHead: 0, lrEncoder: 0, ms: 1 });
      },
    } as Partial<TrainerApi> as TrainerApi;
    lab = createLabStore(() => worker, { throttleMs: 0 });
    await lab.getState().openPage('wasm');
    expect(lab.getState()).toMatchObject({ runId: 'run-new', errors: [], runsLoaded: true });
    expect(lab.getState().steps.map((m) => m.loss)).toEqual([5]);
  });
});
