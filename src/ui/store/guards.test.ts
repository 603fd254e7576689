/** Start refuses an invalid recipe before the worker; exports are named after the run; a failed preset download is remembered for Retry. */
import { describe, expect, it, vi } from 'vitest';
import type { RunSummary, TrainerApi } from '../../worker/api';
import { DEMO_RECIPE, createLabStore } from './index';

const run: RunSummary = { id: 'run-a', name: 'dino lr 1e-4', createdAt: 1, modelName: 'm', datasetName: 'd', config: DEMO_RECIPE, savedStep: 120, status: 'stopped' };

function store(worker: Partial<TrainerApi>) {
  return createLabStore(() => worker as TrainerApi);
}

describe('store guards', () => {
  it('Start with steps 0 and crop 65 names both fields and never reaches the worker', async () => {
    const start = vi.fn();
    const s = store({ start });
    s.setState({ model: { name: 'm', family: 'vit', embedDim: 64, depth: 2, heads: 1, patchSize: 8, numParams: 1 } });
    s.getState().setConfig({ steps: 0, crop: 65 });
    await s.getState().start();
    expect(start).not.toHaveBeenCalled();
    expect(s.getState().errors.map((e) => e.message)).toEqual([
      'The recipe cannot run: steps must be a whole number ≥ 1; crop must be a multiple of the patch size 8 (e.g. 64 or 72).',
    ]);
  });

  it('an export is named after the opened run and its last step', async () => {
    const s = store({ exportModel: async () => new Uint8Array(1) });
    s.setState({ runs: [run], runId: 'run-a', steps: [{ step: 120, loss: 1, lrHead: 0, lrEncoder: 0, ms: 1 }] });
    expect((await s.getState().exportFile('model'))?.name).toBe('dino-lr-1e-4-step120.safetensors');
  });

  it('a failed preset download is remembered for Retry, and forgotten once a model loads', async () => {
    let fail = true;
    const s = store({
      loadModel: async () => {
        if (fail) throw new Error('download of x failed');
        return { name: 'x', family: 'vit', embedDim: 1, depth: 1, heads: 1, patchSize: 16, numParams: 1 };
      },
    });
    await s.getState().loadModel({ kind: 'preset', name: 'vit_base_patch16_224.mae' });
    expect(s.getState().failedPreset).toBe('vit_base_patch16_224.mae');
    fail = false;
    await s.getState().loadModel({ kind: 'preset', name: 'vit_base_patch16_224.mae' });
    expect(s.getState().failedPreset).toBeUndefined();
  });
});
