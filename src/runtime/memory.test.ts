/**
 * The memory preflight against the buffers GpuEngine actually allocates (a recording fake
 * GPUDevice; onnxruntime-web's session is stubbed — its own activations are what the estimate's
 * activation term covers), and the refusal with concrete suggestions.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeTinyVit, tinyVitConfig } from '../model/demo';
import { parameterShapes } from '../model/vit';
import { compileEval, compileTrainStep } from '../train/graphs';
import { checkFits, describeMemory, estimateMemory, explainOutOfMemory } from './memory';

vi.mock('onnxruntime-web/webgpu', () => ({
  Tensor: { fromGpuBuffer: () => ({}) },
  InferenceSession: { create: async () => ({ release: async () => undefined }) },
}));

function recordingDevice() {
  const storage: { label: string; size: number }[] = [];
  const device = {
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
    queue: { writeBuffer: () => undefined, submit: () => undefined },
    createBuffer: ({ size, usage, label }: { size: number; usage: number; label?: string }) => {
      if (usage & 0x80) storage.push({ label: label ?? '', size }); // STORAGE
      return { destroy: () => undefined };
    },
    createShaderModule: () => ({}),
    createComputePipeline: () => ({ getBindGroupLayout: () => ({}) }),
    createBindGroup: () => ({}),
  };
  return { device: device as unknown as GPUDevice, storage };
}

describe('memory preflight', () => {
  const weights = makeTinyVit({ embedDim: 32, depth: 2, patchSize: 8, grid: 4, numClasses: 3 });
  const config = tinyVitConfig({ embedDim: 32, depth: 2, patchSize: 8, numClasses: 3 });
  const shapes = new Map([...weights].map(([k, t]) => [k, t.shape]));

  for (const [freeze, accum] of [['none', 1], ['encoder', 1], ['last:1', 3]] as const) {
    it(`equals the storage buffers GpuEngine allocates (freeze ${freeze}, accumulation ${accum})`, async () => {
      const { GpuEngine } = await import('./gpu-engine');
      const train = compileTrainStep(config, shapes, { batch: 2, crop: 32 }, freeze);
      const evalGraph = compileEval(config, shapes, { batch: 2, crop: 32 });
      const { device, storage } = recordingDevice();
      await GpuEngine.create(device, train, evalGraph, weights, { lrHead: 1, lrEncoder: 1, weightDecay: 0, accum });
      const e = estimateMemory(train.manifest, accum);
      const allocated = storage.reduce((s, b) => s + b.size, 0);
      expect(e.paramBytes + e.gradBytes + e.momentBytes + e.accumulatorBytes + e.scalarBytes).toBe(allocated);
      expect(e.paramBytes).toBe(storage.filter((b) => !/^(grad|m|v|acc)\.|^(loss|diverged)$/.test(b.label)).reduce((s, b) => s + b.size, 0));
      expect(e.scalarBytes).toBe(storage.filter((b) => /^(loss|diverged)$/.test(b.label)).reduce((s, b) => s + b.size, 0));
      expect(e.activationBytes).toBeGreaterThan(0);
    });
  }

  it('counts activations by the liveness plan, far below the sum of every intermediate', () => {
    const train = compileTrainStep(config, shapes, { batch: 2, crop: 32 }, 'none');
    const e = estimateMemory(train.manifest, 1);
    const { plan } = train.manifest;
    expect(e.paramBytes + e.gradBytes + e.activationBytes).toBe(plan.peakBytes);
    expect(e.activationBytes).toBeGreaterThanOrEqual(plan.workspaceBytes);
    expect(e.activationBytes).toBeLessThan(train.manifest.intermediateBytes / 2);
    expect(describeMemory(e, train.manifest)).toMatch(/^memory plan: ≈ [\d.]+ [KMG]iB — weights .* activations at most [\d.]+ [KMG]iB alive at once/);
  });

  it("the paper's setting (ViT-B/16, 512 px, batch 1, 150 classes, full fine-tuning) plans under 4 GB with recomputation", () => {
    const vitB = { ...tinyVitConfig({ embedDim: 768, depth: 12, patchSize: 16, numClasses: 150 }), heads: 12 };
    const shapesB = parameterShapes(vitB, [32, 32]);
    const total = (r: 'none' | 'blocks') =>
      estimateMemory(compileTrainStep(vitB, shapesB, { batch: 1, crop: 512 }, 'none', undefined, 'vit', r).manifest, 1).totalBytes;
    const kept = total('none'), rebuilt = total('blocks');
    expect(rebuilt).toBeLessThan(4e9);
    expect(rebuilt).toBeLessThan(0.7 * kept);
  });

  it('refuses a run whose largest buffer cannot be bound, suggesting what to change', () => {
    const train = compileTrainStep(config, shapes, { batch: 2, crop: 32 }, 'none');
    const e = estimateMemory(train.manifest, 1);
    expect(() => checkFits(e, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 }, { crop: 32, batch: 2 })).not.toThrow();
    expect(() => checkFits(e, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 1024 }, { crop: 32, batch: 2 }))
      .toThrow(/smaller crop \(now 32\) or batch \(now 2\).*gradient accumulation.*freeze the encoder/);
  });

  it('a run that dies allocating gets concrete advice naming the crop and batch; other errors pass through', () => {
    const settings = { crop: 512, batch: 8 };
    // the first is what onnxruntime-web's wasm backend says for ViT-B/16 at 512 px, batch 4 (measured)
    for (const m of ['failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc', 'RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded', 'Aborted(OOM)', 'failed to allocate a buffer of size 1073741824', 'GPUOutOfMemoryError']) {
      expect(explainOutOfMemory(m, 'wasm', settings)).toBe(`${m} — the wasm backend (at most 4 GiB of memory) ran out of memory for this run and cannot reclaim it: reload the page (saved runs and the recipe are kept), then try a smaller crop (now 512) or batch (now 8) — use gradient accumulation to keep the effective batch — or freeze the encoder.`);
    }
    expect(explainOutOfMemory('Aborted(OOM)', 'GPU', settings)).toBe('Aborted(OOM) — the GPU ran out of memory for this run: try a smaller crop (now 512) or batch (now 8) — use gradient accumulation to keep the effective batch — or freeze the encoder.');
    expect(explainOutOfMemory('input "image" has 3 values, expected 12', 'wasm', settings)).toBe('input "image" has 3 values, expected 12');
  });
});
