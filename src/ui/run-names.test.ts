import { describe, expect, it } from 'vitest';
import { distinctLabels, exportFileName, fileStem, recipeDifferences, runLabel } from './run-names';

describe('run names', () => {
  it('a run is shown by its given name, else model · dataset', () => {
    expect(runLabel({ modelName: 'demo', datasetName: 'shapes' })).toBe('demo · shapes');
    expect(runLabel({ name: 'DINOv2 lr 1e-4', modelName: 'demo', datasetName: 'shapes' })).toBe('DINOv2 lr 1e-4');
  });

  it('runs that would read the same are told apart by their start time (UTC); named runs keep their name', () => {
    const run = (id: string, createdAt: number, name?: string) => ({ id, createdAt, name, modelName: 'demo', datasetName: 'shapes' });
    const labels = distinctLabels([run('a', Date.UTC(2026, 0, 2, 3, 4, 5)), run('b', Date.UTC(2026, 0, 2, 3, 9, 0)), run('c', 0, 'mine')]);
    expect([...labels]).toEqual([['a', 'demo · shapes · 2026-01-02 03:04:05'], ['b', 'demo · shapes · 2026-01-02 03:09:00'], ['c', 'mine']]);
    expect(distinctLabels([run('a', 0)]).get('a')).toBe('demo · shapes');
  });

  it('exports are named after the run and its step', () => {
    expect(exportFileName('demo · shapes', 300, 'model')).toBe('demo-shapes-step300.safetensors');
    expect(exportFileName('vit_base_patch14_dinov2.lvd142m · VOC', 1200, 'onnx')).toBe('vit_base_patch14_dinov2.lvd142m-VOC-step1200-eval.onnx');
  });

  it('file stems keep no path separators, accents or leading dots; an empty name gets a default', () => {
    expect(fileStem('../../etc/passwd')).toBe('etc-passwd');
    expect(fileStem('Café — über/run 2')).toBe('Cafe-uber-run-2');
    expect(fileStem('···')).toBe('vfm-lab-run');
    expect(fileStem('x'.repeat(200))).toHaveLength(80);
  });
});

describe('recipeDifferences', () => {
  const config = { recipe: 'demo' as const, steps: 300, batch: 8, accum: 1, crop: 64, lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05, schedule: 'poly' as const, freeze: 'none', augment: true, shuffle: true, seed: 0, evalEvery: 50 };
  it('lists only the fields that differ between runs, per run', () => {
    const d = recipeDifferences([
      { id: 'a', config },
      { id: 'b', config: { ...config, crop: 32, lrHead: 1e-4 } },
      { id: 'c', config: { ...config, freeze: 'encoder' } },
    ]);
    expect(d.get('a')).toBe('crop 64 · lr decoder 0.001 · freeze none');
    expect(d.get('b')).toBe('crop 32 · lr decoder 0.0001 · freeze none');
    expect(d.get('c')).toBe('crop 64 · lr decoder 0.001 · freeze encoder');
  });
  it('nothing to tell apart with one run or identical recipes', () => {
    expect(recipeDifferences([{ id: 'a', config }]).get('a')).toBe('');
    expect(recipeDifferences([{ id: 'a', config }, { id: 'b', config: { ...config } }]).get('b')).toBe('');
  });
});
