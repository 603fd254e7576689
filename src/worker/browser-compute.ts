/**
 * @file The browser's backends: a GPUDevice shared with onnxruntime-web (the WebGPU engine), or
 * wasm sessions with the host engine.
 */
import { GpuEngine } from '../runtime/gpu-engine';
import { checkFits, estimateMemory, formatBytes } from '../runtime/memory';
import { chooseBackend } from '../runtime/webgpu';
import { HostEngine } from '../train/engine';
import type { Compute, ComputeFactory } from './compute';
import { configureOrt, createWasmRunner, createWebGpuRunner } from './ort-web';

export const browserCompute: ComputeFactory = async (choice) => {
  const backend = await chooseBackend(choice, configureOrt(false));
  const device = backend.device;
  if (device) configureOrt(true);
  const lost = new Promise<string>((resolve) => {
    device?.lost.then((info) => {
      if (info.reason !== 'destroyed') resolve(`The GPU device was lost (${info.message || 'the driver reset it'}).`);
    });
  });
  const compute: Compute = {
    info: backend.info,
    where: device ? 'GPU' : 'wasm',
    lost,
    createRunner: async (graph, on) => (device && on === 'backend' ? createWebGpuRunner(graph, device) : createWasmRunner(graph)),
    createEngine: async (p, c, onProgress) => {
      const hyper = { lrHead: c.lrHead, lrEncoder: c.lrEncoder, weightDecay: c.weightDecay, weightDecayScope: c.weightDecayScope };
      if (device) {
        const estimate = estimateMemory(p.trainGraph.manifest, c.accum);
        checkFits(estimate, device.limits, c);
        onProgress({ task: 'compile', done: 1, total: 1, detail: `GPU memory estimate ${formatBytes(estimate.totalBytes)}` });
        return GpuEngine.create(device, p.trainGraph, p.evalGraph, p.model.weights, { ...hyper, accum: c.accum });
      }
      const train = await createWasmRunner(p.trainGraph, p.memory.config);
      const evaluate = await createWasmRunner(p.evalGraph, p.memory.config).catch(async (e) => {
        await train.release?.();
        throw e;
      });
      // the host engine updates in place: give it a copy, so the loaded weights stay as loaded
      const weights = new Map([...p.model.weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
      return new HostEngine(train, evaluate, weights, p.trainable, hyper, p.extractor ? 'features' : 'image');
    },
  };
  return compute;
};
