/**
 * The browser's wasm sessions get the memory policy's configuration: onnxruntime-web's CPU arena
 * and memory patterns as the chosen configuration says (the session is a recording stub). And the
 * worker decides it against the wasm heap on wasm only.
 */
import { describe, expect, it, vi } from 'vitest';
import { Graph, add, exportOnnx } from '../graph';
import { MEMORY_CONFIGS, type MemoryMode } from '../train/memory-policy';
import { WASM_HEAP_BYTES } from '../runtime/memory';

const created: Record<string, unknown>[] = [];
vi.mock('onnxruntime-web/webgpu', () => ({
  env: { wasm: {}, webgpu: {} },
  Tensor: class {},
  InferenceSession: { create: async (_: Uint8Array, options: Record<string, unknown>) => { created.push(options); return { release: async () => undefined }; } },
}));
vi.mock('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url', () => ({ default: 'ort.wasm' }));

const { createWasmRunner } = await import('./ort-web');
const { backendMemory } = await import('./prepare');

function tiny() {
  const g = new Graph();
  g.output('y', add(g.input('x', [2]), 1));
  return exportOnnx(g, 'tiny');
}

describe('wasm sessions under the memory policy', () => {
  it.each<[MemoryMode, boolean]>([['fast', true], ['lean', false]])('%s: CPU arena %s', async (mode, arena) => {
    const runner = await createWasmRunner(tiny(), MEMORY_CONFIGS[mode]);
    expect(created.at(-1)).toMatchObject({ executionProviders: ['wasm'], enableCpuMemArena: arena, enableMemPattern: MEMORY_CONFIGS[mode].memPattern });
    await runner.release?.();
  });

  it('the worker asks for auto against the wasm heap on wasm, and leaves WebGPU lean', () => {
    expect(backendMemory('wasm')).toEqual({ memory: 'auto', memoryBudget: WASM_HEAP_BYTES, memoryBudgetName: 'wasm heap' });
    expect(backendMemory('GPU')).toEqual({});
  });
});
