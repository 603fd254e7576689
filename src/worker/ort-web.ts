/**
 * @file onnxruntime-web set-up for the worker: the native WebGPU EP build, its wasm file served by
 * Vite, and threads when the page is cross-origin isolated.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { CompiledGraph } from '../graph';
import type { OwnedRunner } from './compute';
import { countSession } from '../runtime/resources';
import { webGpuSessionExtra } from '../runtime/webgpu';
import type { HostArray } from '../graph';
import { MEMORY_CONFIGS, type MemoryConfig } from '../train/memory-policy';

export function configureOrt(forWebGpu = false): number {
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  const threads = globalThis.crossOriginIsolated && !forWebGpu ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return threads;
}

/**
 * A host-memory runner on the wasm EP (the path used without WebGPU), with the memory policy's
 * configuration (src/train/memory-policy.ts): onnxruntime-web's CPU arena and memory patterns in
 * the wasm heap, on or off as it says; default lean. (The WebGPU EP has no such session options: its buffers are its own.)
 */
export function createWasmRunner(graph: CompiledGraph, memory: MemoryConfig = MEMORY_CONFIGS.lean): Promise<OwnedRunner> {
  return hostRunner(graph, ['wasm'], { enableCpuMemArena: memory.cpuArena, enableMemPattern: memory.memPattern });
}

/** A host-memory runner on our WebGPU device (inputs uploaded, outputs read back: for one-off passes). */
export function createWebGpuRunner(graph: CompiledGraph, device: GPUDevice): Promise<OwnedRunner> {
  return hostRunner(graph, [{ name: 'webgpu', device } as ort.InferenceSession.WebGpuExecutionProviderOption], webGpuSessionExtra());
}

async function hostRunner(graph: CompiledGraph, executionProviders: ort.InferenceSession.SessionOptions['executionProviders'], extra = {}): Promise<OwnedRunner> {
  const session = await ort.InferenceSession.create(graph.onnx, { executionProviders, graphOptimizationLevel: 'all', ...extra });
  countSession(1);
  let released = false;
  const dims = new Map(graph.manifest.inputs.map((i) => [i.name, i.shape]));
  const types = new Map(graph.manifest.inputs.map((i) => [i.name, i.dtype]));
  return {
    async run(feeds: Record<string, HostArray>, outputs?: string[], into: Record<string, HostArray> = {}) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, data] of Object.entries(feeds)) {
        if (!dims.has(name)) continue;
        tensors[name] = new ort.Tensor(types.get(name) as 'float32', data as Float32Array, dims.get(name));
      }
      const res = await session.run(tensors, outputs ?? graph.manifest.outputs.map((o) => o.name));
      // `into`: the output's values end up in the caller's array (on wasm they sit in the wasm heap first)
      return Object.fromEntries(Object.entries(res).map(([k, t]) => [k, { data: into[k] ? copyInto(into[k], t.data as HostArray, k) : (t.data as HostArray), dims: t.dims }]));
    },
    async release() {
      if (released) return;
      released = true;
      await session.release();
      countSession(-1);
    },
  };
}

function copyInto(target: HostArray, data: HostArray, name: string): HostArray {
  if (target.length !== data.length) throw new Error(`output "${name}" has ${data.length} values, the array given for it ${target.length}`);
  (target as Float32Array).set(data as Float32Array);
  return target;
}
