/**
 * @file The browser's wasm train step, timed in a Web Worker as the app runs it: onnxruntime-web set
 * up by the worker's own configureOrt (threads when the page is cross-origin isolated, the SIMD
 * build, no proxy: this is already a worker), the same sessions (createWasmRunner, with the memory
 * configuration asked for) and the same HostEngine; posts the median step time.
 */
import { configureOrt, createWasmRunner } from '../src/worker/ort-web';
import { HostEngine } from '../src/train/engine';
import { MEMORY_CONFIGS, type MemoryMode } from '../src/train/memory-policy';
import { medianStepMs, stepGraphs, type VitSize } from './step-loop';

export interface BrowserStepRequest { size: VitSize; crop: number; batch: number; classes: number; steps: number; memory: MemoryMode }

self.onmessage = async (e: MessageEvent<BrowserStepRequest>) => {
  try {
    const { size, memory: mode, ...o } = e.data;
    const threads = configureOrt(false);
    const memory = MEMORY_CONFIGS[mode];
    const { weights, trainGraph, evalGraph } = stepGraphs(size, { ...o, rebuildValues: memory.rebuildValues });
    const engine = new HostEngine(await createWasmRunner(trainGraph, memory), await createWasmRunner(evalGraph, memory), weights, [...weights.keys()], { lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05 });
    const ms = await medianStepMs(engine, o);
    await engine.release();
    self.postMessage({ ms, threads, isolated: globalThis.crossOriginIsolated });
  } catch (err) {
    self.postMessage({ error: String((err as Error).message ?? err) });
  }
};
