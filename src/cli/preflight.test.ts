/** CPU memory preflight: the runtime's estimator against free memory, with the shared advice text. */
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../graph';
import { estimateMemory } from '../runtime/memory';
import { CliError } from './args';
import { preflightBatch, preflightRun } from './preflight';

const manifest: Manifest = {
  inputs: [{ name: 'w', shape: [1000, 1000], dtype: 'float32', kind: 'param', trainable: true }],
  outputs: [], nodeCount: 1, opCounts: {},
  intermediateBytes: 50e6, largestIntermediate: { bytes: 1e6, shape: [250000], op: 'MatMul' },
  // 4 MB weights in, 4 MB gradients out, 50 MB of activations alive at the peak
  plan: { inputBytes: 4e6, constantBytes: 0, outputBytes: 4e6, workspaceBytes: 50e6, peakBytes: 58e6, peakAt: { op: 'MatMul', shape: [250000] } },
};
const s = { crop: 512, batch: 8, accum: 1 };

describe('CPU memory preflight', () => {
  it('refuses a run whose estimate exceeds free memory, with the same advice as an out-of-memory error', () => {
    const need = estimateMemory(manifest, 1).totalBytes; // 4 MB weights + grads + 2 moments + 50 MB activations
    expect(() => preflightRun(manifest, s, need)).not.toThrow();
    expect(() => preflightRun(manifest, s, need - 1)).toThrow(CliError);
    expect(() => preflightRun(manifest, s, need - 1)).toThrow(
      /^this run needs an estimated 6\d\.\d MiB of memory, but this machine has 6\d\.\d MiB free\. Try a smaller crop \(now 512\) or batch \(now 8\) — use gradient accumulation to keep the effective batch — or freeze the encoder\.$/,
    );
  });

  it('refuses a batch whose own tensors cannot fit before anything is compiled', () => {
    expect(() => preflightBatch({ crop: 100000, batch: 8, accum: 1 }, 5, 64 * 2 ** 30)).toThrow(/^this run needs at least 4\d+\.\d+ GiB of memory, but this machine has 64\.00 GiB free\. Try a smaller crop \(now 100000\)/);
    expect(() => preflightBatch({ crop: 64, batch: 8, accum: 1 }, 5, 64 * 2 ** 30)).not.toThrow();
  });
});
