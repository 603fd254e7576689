/**
 * @file onnxruntime-web set-up for the worker: the native WebGPU EP build, its wasm file served by
 * Vite, and threads when the page is cross-origin isolated.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { CompiledGraph } from '../graph';
import type { OwnedRunner } from './compute';
import { countSession } from '../runtime/resources';
import type { HostArray } from '../graph';

export function configureOrt(forWebGpu = false): number {
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  const threads = globalThis.crossOriginIsolated && !forWebGpu ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return threads;
}

/** A host-memory runner on the wasm EP (the path used without WebGPU). */
export function createWasmRunner(graph: CompiledGraph): Promise<OwnedRunner> {
  return hostRunner(graph, ['wasm']);
}

/** A host-memory runner on our WebGPU device (inputs uploaded, outputs read back: for one-off passes). */
export function createWebGpuRunner(graph: CompiledGraph, device: GPUDevice): Promise<OwnedRunner> {
  return hostRunner(graph, [{ name: 'webgpu', device } as ort.InferenceSession.WebGpuExecutionProviderOption]);
}

async function hostRunner(graph: CompiledGraph, executionProviders: ort.InferenceSession.SessionOptions['executionProviders']): Promise<OwnedRunner> {
  // errors only: ORT's "shape ops assigned to CPU" warning is expected and by design
  const session = await ort.InferenceSession.create(graph.onnx, { executionProviders, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  countSession(1);
  let released = false;
  const dims = new Map(graph.manifest.inputs.map((i) => [i.name, i.shape]));
  const types = new Map(graph.manifest.inputs.map((i) => [i.name, i.dtype]));
  return {
    async run(feeds: Record<string, HostArray>, outputs?: string[]) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, data] of Object.entries(feeds)) {
        if (!dims.has(name)) continue;
        tensors[name] = new ort.Tensor(types.get(name) as 'float32', data as Float32Array, dims.get(name));
      }
      const res = await session.run(tensors, outputs ?? graph.manifest.outputs.map((o) => o.name));
      return Object.fromEntries(Object.entries(res).map(([k, t]) => [k, { data: t.data as HostArray, dims: t.dims }]));
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
      countSession(-1);
    },
  };
}
