import { describe, expect, it } from 'vitest';
import { exportFileName, fileStem, runLabel } from './run-names';

describe('run names', () => {
  it('a run is shown by its given name, else model · dataset', () => {
    expect(runLabel({ modelName: 'demo', datasetName: 'shapes' })).toBe('demo · shapes');
    expect(runLabel({ name: 'DINOv2 lr 1e-4', modelName: 'demo', datasetName: 'shapes' })).toBe('DINOv2 lr 1e-4');
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
