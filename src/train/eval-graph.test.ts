/**
 * The eval graph stays on the GPU: it returns logits only. An int64 ArgMax + Cast for a `pred`
 * output ran on the CPU in the WebGPU EP (a MemcpyToHost and a sync per eval call) for a value
 * no caller read — every caller arg-maxes the (window-averaged) logits on the host.
 */
import { describe, expect, it } from 'vitest';
import { makeTinyVit, tinyVitConfig } from '../model/demo';
import { compileEval } from './graphs';

describe('eval graph', () => {
  it('outputs logits only, with no int64 value anywhere (no ArgMax, no int64 Cast)', () => {
    const weights = makeTinyVit({ embedDim: 16, depth: 1, patchSize: 8, grid: 2, numClasses: 3 });
    const config = tinyVitConfig({ embedDim: 16, depth: 1, patchSize: 8, numClasses: 3 });
    const { manifest } = compileEval(config, new Map([...weights].map(([k, t]) => [k, t.shape])), { batch: 2, crop: 16 });
    expect(manifest.outputs).toEqual([{ name: 'logits', shape: [2, 3, 16, 16], dtype: 'float32' }]);
    expect(manifest.opCounts.ArgMax).toBeUndefined();
    expect(manifest.opCounts.Cast).toBeUndefined();
  });
});
