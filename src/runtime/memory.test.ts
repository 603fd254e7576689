/**
 * The memory preflight against the buffers GpuEngine actually allocates (a recording fake
 * GPUDevice; onnxruntime-web's session is stubbed — its own activations are what the estimate's
 * activation term covers), and the refusal with concrete suggestions.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeTinyVit, tinyVitConfig } from '../model/demo';
import { compileEval, compileTrainStep } from '../train/graphs';
import { checkFits, estimateMemory } from './memory';

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
      expect(e.paramBytes + e.gradBytes + e.momentBytes + e.accumulatorBytes).toBe(allocated);
      expect(e.paramBytes).toBe(storage.filter((b) => !/^(grad|m|v|acc)\./.test(b.label)).reduce((s, b) => s + b.size, 0));
      expect(e.activationBytes).toBeGreaterThan(0);
    });
  }

  it('refuses a run whose largest buffer cannot be bound, suggesting what to change', () => {
    const train = compileTrainStep(config, shapes, { batch: 2, crop: 32 }, 'none');
    const e = estimateMemory(train.manifest, 1);
    expect(() => checkFits(e, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30 }, { crop: 32, batch: 2 })).not.toThrow();
    expect(() => checkFits(e, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 1024 }, { crop: 32, batch: 2 }))
      .toThrow(/smaller crop \(now 32\) or batch \(now 2\).*gradient accumulation.*freeze the encoder/);
  });
});
