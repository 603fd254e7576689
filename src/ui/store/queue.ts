/**
 * @file The benchmark queue's state in the store, so every part of the page can follow the race
 * (the queue panel, talk mode's grid and charts): the queue as last saved and whether it runs now.
 * The queue's logic stays in src/worker/queue.ts (pure); the page's run/save functions are
 * src/ui/compare/queue-driver.ts.
 */
import { parseQueue, runQueue, type BenchmarkQueue, type QueueDeps } from '../../worker/queue';
import type { Slice } from './types';

export interface QueueSlice {
  /** The queue as last saved (after every change), or undefined before any. */
  queue?: BenchmarkQueue;
  /** Why the saved queue could not be read back (names where it was read from), or what it needs to go on (its dataset). */
  queueError?: string;
  /** The queue is training now (one of its runs, or between two). */
  queueRunning: boolean;
  /** Reads a saved queue (its text, undefined/null when none was saved), unless the store already holds one. */
  restoreQueue(text: string | null | undefined, where: string): void;
  /** Trains the queue's remaining entries through `deps`; `queue` follows every change; errors are reported. */
  runBenchmark(q: BenchmarkQueue, deps: QueueDeps): Promise<void>;
}

export const createQueueSlice = (): Slice<QueueSlice> => (set, get) => ({
  queueRunning: false,
  restoreQueue: (text, where) => {
    if (!text || get().queue) return; // the queue in the store is newer than any saved copy
    try {
      set({ queue: parseQueue(text, where), queueError: undefined });
    } catch (e) {
      set({ queueError: (e as Error).message });
    }
  },
  runBenchmark: async (q, deps) => {
    if (get().queueRunning) return get().reportError(new Error('a benchmark queue is already running: wait for it, or stop its run'));
    set({ queue: q, queueRunning: true, queueError: undefined });
    try {
      const ended = await runQueue(q, deps, (next) => set({ queue: next }));
      if (ended.state === 'blocked') set({ queueError: ended.message });
    } catch (e) {
      get().reportError(e);
    } finally {
      set({ queueRunning: false });
    }
  },
});
