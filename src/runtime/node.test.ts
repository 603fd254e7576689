/**
 * The node runner under each memory configuration: the lean one collects onnxruntime-node's JS
 * copies of large outputs after a step (a forced GC), the fast one never forces a collection.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Graph, add, exportOnnx } from '../graph';
import { MEMORY_CONFIGS, type MemoryMode } from '../train/memory-policy';
import { createNodeRunner } from './node';

// 40 MiB of output written into a caller's array: above the size at which the lean runner collects
const N = 10 * 2 ** 20;
function bigStep() {
  const g = new Graph();
  g.output('y', add(g.input('x', [N]), 1));
  return exportOnnx(g, 'big');
}

// the function a process started with --expose-gc has; the runner takes it (once) when it first collects
const gc = vi.fn();
(globalThis as { gc?: () => void }).gc = gc;
afterAll(() => { delete (globalThis as { gc?: () => void }).gc; });

describe('createNodeRunner and garbage collection', () => {
  it.each<[MemoryMode, number]>([['lean', 1], ['fast', 0]])('%s: %i forced collections after a step with a large output', async (mode, collections) => {
    gc.mockClear();
    const runner = await createNodeRunner(bigStep(), { threads: 1, memory: MEMORY_CONFIGS[mode] });
    try {
      const y = new Float32Array(N);
      await runner.run({ x: new Float32Array(N).fill(2) }, ['y'], { y });
      expect(y[N - 1]).toBe(3); // the step ran and wrote into our array
      expect(gc).toHaveBeenCalledTimes(collections);
    } finally {
      await runner.release();
    }
  });
});
