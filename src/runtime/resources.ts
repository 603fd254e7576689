/**
 * @file Live-resource counts: every onnxruntime session and every GPU buffer an engine creates is
 * counted here when created and uncounted when its owner releases it. Tests read the counts to
 * check that runs and comparisons give back what they took (see the worker's `liveResources`).
 */
export interface LiveResources {
  /** Open onnxruntime inference sessions. */
  sessions: number;
  /** Bytes of GPU buffers allocated by our engines (not ORT's own intermediates). */
  gpuBytes: number;
}

const live: LiveResources = { sessions: 0, gpuBytes: 0 };

export function liveResources(): LiveResources {
  return { ...live };
}

export function countSession(delta: 1 | -1): void {
  live.sessions += delta;
}

export function countGpuBytes(delta: number): void {
  live.gpuBytes += delta;
}
